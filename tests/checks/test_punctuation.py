from __future__ import annotations

import pytest

from pipeline.checks.punctuation import CjkPunctuation, UnpairedPunctuation
from pipeline.core.document import Document
from pipeline.core.edits import Edit, apply_edits


def fixed(text: str) -> str:
    found = list(CjkPunctuation().find(Document.from_text(text)))
    return apply_edits(text, [Edit(f.span, f.replacement, f.message, f.origin) for f in found])


def unpaired(text: str) -> list[str]:
    return [f.span.of(text) for f in UnpairedPunctuation().find(Document.from_text(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("China，Central Asia。The summit", "China, Central Asia. The summit"),
        ("trade；energy：pipelines", "trade; energy: pipelines"),
        ("the summit（held online）was", "the summit (held online) was"),
        ("the【draft】plan", "the [draft] plan"),
        ("Really？Yes！", "Really? Yes!"),
        ("1，000 people", "1,000 people"),
        ("　　Indented paragraph", "  Indented paragraph"),
        ("ＡＢＣ company", "ABC company"),
    ],
)
def test_full_width_outside_chinese(text, expected):
    assert fixed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "中国和中亚，将逐步恢复。",
        "建立“快捷通道”；确保",
        "Text then 中文句子。",
        "（中亚）",
        "“curly quotes” are English",
    ],
)
def test_inside_chinese_or_ordinary_typography_is_quiet(text):
    assert fixed(text) == text


def test_unpaired():
    assert unpaired('He said "we will go.') == ['"']
    assert unpaired("the plan (draft was") == ["("]
    assert unpaired("the plan draft) was") == [")"]
    assert unpaired("“Open and ” close ”") == ["”"]
    assert unpaired('mixed “quote" is fine') == []


@pytest.mark.parametrize(
    "text",
    [
        'He said "yes" (and "no").',
        "Options: a) one, b) two, 1) three.",
        '"The first paragraph of a long quote\n\n"continues here and ends."',
        "“A quote running on\n\n“into the next paragraph.”",
        "It's the countries' plan.",
    ],
)
def test_paired_or_conventional_is_quiet(text):
    assert unpaired(text) == []
