"""Every registered check, on arbitrary text: never raises, spans lie inside the text,
and the repairs one check proposes never overlap (so they can all be applied)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.checks import build_checks
from pipeline.core.document import Document
from pipeline.core.edits import Edit, apply_edits

CHECKS = build_checks()
# Arbitrary unicode, plus text built from the characters the checks care about, which
# random unicode rarely hits.
_PIECES = st.sampled_from(
    [
        "China",
        "china",
        "the",
        "The",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        "-",
        " -",
        "- ",
        ",",
        ".",
        "，",
        "。",
        "（",
        "）",
        "(",
        ")",
        '"',
        "“",
        "”",
        "'s",
        "’s",
        "and",
        "of",
        "20",
        "th",
        "中国",
        "　",
        "community of destiny",
        "anti",
        "Title line here",
        "\t",
        "e",
        "é",
        "\u0301",
        "İ",
    ]
)
TEXTS = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_checks_never_raise_on_arbitrary_text(text: str):
    doc = Document.from_text(text)
    for check in CHECKS:
        findings = list(check.find(doc))
        for f in findings:
            assert 0 <= f.span.start <= f.span.end <= len(text)
            assert f.check == check.id
        edits = [
            Edit(f.span, f.replacement, f.message, f.origin or "")
            for f in findings
            if f.replacement is not None and f.origin == "rule"
        ]
        apply_edits(text, edits)
