"""``tag-mismatch``: placeholders, tags and XLIFF inline codes of the original missing, extra or
reordered in the English; PO, XLIFF and JSONL/CSV with ``--source-field`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.checks.base import ConfigurationError
from pipeline.checks.source.tags import TagMismatch
from pipeline.core.document import Document
from pipeline.core.protected import InlineCode, syntax_of
from pipeline.original.pair import pair_documents
from tests.support import tqa


def found(zh: str, en: str, zh_codes=(), en_codes=(), flags=(), **options) -> list[tuple[str, str, str]]:
    syntax = syntax_of(flags)
    pair = pair_documents(
        Document.from_text(en, codes=tuple(en_codes), syntax=syntax),
        Document.from_text(zh, codes=tuple(zh_codes), syntax=syntax),
    )
    return [(f.severity.value, f.span.of(en), f.message) for f in TagMismatch(**options).find_pair(pair)]


def test_a_missing_placeholder_is_major_on_its_sentence() -> None:
    assert found("删除 %d 个文件？", "Delete the files?") == [
        ("major", "Delete the files?", "the original has %d, which the English lacks")
    ]


def test_an_extra_placeholder_is_major_on_itself() -> None:
    assert found("你好！", "Hello, {name}!") == [("major", "{name}", "placeholder {name} is not in the original")]


def test_a_renamed_placeholder_names_both() -> None:
    ((severity, text, message),) = found("你好，{name}！", "Hello, {user}!")
    assert (severity, text) == ("major", "{user}")
    assert message == "placeholder {user} is not in the original, which has {name} instead"


def test_evidence_lists_what_is_missing_and_extra() -> None:
    pair = pair_documents(Document.from_text("Hi {b} and %s"), Document.from_text("{a} 和 %s 你好"))
    (finding,) = TagMismatch().find_pair(pair)
    assert finding.evidence == {
        "original": ["{a}", "%s"],
        "english": ["{b}", "%s"],
        "missing": ["{a}"],
        "extra": ["{b}"],
    }


def test_positional_placeholders_reordered_are_minor() -> None:
    ((severity, text, message),) = found("%s 在 %d 秒后", "after %d seconds, %s")
    assert (severity, text) == ("minor", "%d seconds, %s")
    assert message == "placeholders in another order: %d %s for the original's %s %d"


@pytest.mark.parametrize(
    "zh, en",
    [
        ("{0} 喜欢 {1}", "{1} is liked by {0}"),  # numbered: bound by number, free to move
        ("%1$s 在 %2$d 秒后", "after %2$d seconds, %1$s"),
        ("%(user)s 有 %(n)d 个", "%(n)d items for %(user)s"),
        ("{name}的{count}", "{count} of {name}"),
        ("%s 和 %s", "%s and %s"),  # two alike swapped cannot be told apart
        ("增长了50%", "grew by 50%"),  # prose, not placeholders
        ("价格{下降}", "prices fell"),  # a Chinese word in braces is no placeholder
        ("没有占位符", "no placeholders"),
    ],
)
def test_near_misses_are_not_reported(zh: str, en: str) -> None:
    assert found(zh, en) == []


def test_format_flags_decide_what_is_compared() -> None:
    # a strftime format (no-c-format): "%d" and "%e" are text, a day in two spellings
    assert found("%Y年%m月%d日", "%B %e, %Y", flags=["no-c-format"]) == []
    assert [text for _, text, _ in found("%Y年%m月%d日", "%B %e, %Y")] == ["%e"]  # no flag: the heuristic
    # python-brace-format: the braces are compared, "%" is text
    assert [text for _, text, _ in found("你好，{name}", "Hello, {user}", flags=["python-brace-format"])] == ["{user}"]
    assert found("折扣 %(rate)s", "A %(rate)s discount, {n} items", flags=["python-format"]) == []
    assert found("<b>%s</b>", "<b>%d</b>", flags=["no-c-format"]) == []  # tags still compared, and equal


def test_reordered_option() -> None:
    assert [f[0] for f in found("{0} 喜欢 {1}", "{1} is liked by {0}", reordered="all")] == ["minor"]
    assert found("%s 在 %d 秒后", "after %d seconds, %s", reordered="none") == []
    with pytest.raises(ConfigurationError, match="reordered must be one of positional, all, none"):
        TagMismatch(reordered="some")


def test_inline_codes_are_compared_by_element_and_id() -> None:
    zh_codes = [InlineCode(2, "g", "1", "open"), InlineCode(4, "g", "1", "close"), InlineCode(6, "x", "2")]
    en_codes = [InlineCode(6, "g", "1", "open"), InlineCode(10, "g", "1", "close")]
    assert found("点击这里继续", "Click here to continue", zh_codes, en_codes) == [
        ("major", "Click here to continue", 'the original has <x id="2"/>, which the English lacks')
    ]
    extra = found("点击这里继续", "Click here to continue", [], [InlineCode(6, "ph", "9")])
    assert extra == [("major", "", 'inline code <ph id="9"/> is not in the original')]
    # moved codes (another word order) and annotations (<mrk>) say nothing
    moved = [InlineCode(0, "x", "2"), InlineCode(6, "g", "1", "open"), InlineCode(10, "g", "1", "close")]
    assert found("点击这里继续", "Click here to continue", zh_codes, moved) == []
    assert found("点击这里继续", "Click here", [InlineCode(0, "mrk", "m1", "open")], []) == []


# --- through the CLI: PO, XLIFF, JSONL with --source-field -------------------------------------

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "删除 %d 个文件？"
msgstr "Delete the files?"

msgid "{0} 喜欢 {1}"
msgstr "{1} is liked by {0}"

msgid "增长了50%"
msgstr "grew by 50%"
"""

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="x" source-language="zh" target-language="en" datatype="plaintext"><body>
<trans-unit id="lost"><source>点击<g id="1">这里</g>继续<x id="2"/></source><target>Click <g id="1">here</g> to continue</target></trans-unit>
<trans-unit id="kept"><source>点击<g id="1">这里</g>继续，{0}</source><target>Click <g id="1">here</g> to go on, {0}</target></trans-unit>
<trans-unit id="placeholder"><source>你好，%s</source><target>Hello</target></trans-unit>
</body></file></xliff>
"""

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
<file id="f1"><unit id="u1"><segment>
<source>你好<ph id="1"/>世界<pc id="2">再见</pc></source>
<target>Hello world<pc id="2">goodbye</pc><ph id="3"/></target>
</segment></unit></file></xliff>
"""


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "tag-mismatch:" in line]


def test_po_placeholders_in_msgid_against_msgstr(tmp_path: Path) -> None:
    (tmp_path / "m.po").write_text(PO, encoding="utf-8")
    out = tqa("check", tmp_path / "m.po", "--select", "tag-mismatch").output
    assert len(_lines(out)) == 1
    assert "删除 %d 个文件？" in _lines(out)[0] and "the original has %d, which the English lacks" in out


def test_xliff_codes_and_placeholders(tmp_path: Path) -> None:
    (tmp_path / "a.xlf").write_text(XLIFF, encoding="utf-8")
    lines = _lines(tqa("check", tmp_path / "a.xlf", "--select", "tag-mismatch").output)
    assert len(lines) == 2
    assert "a.xlf#lost" in lines[0] and 'the original has <x id="2"/>' in lines[0]
    assert "a.xlf#placeholder" in lines[1] and "the original has %s" in lines[1]


def test_xliff2_codes(tmp_path: Path) -> None:
    (tmp_path / "a.xlf").write_text(XLIFF2, encoding="utf-8")
    lines = _lines(tqa("check", tmp_path / "a.xlf", "--select", "tag-mismatch").output)
    assert len(lines) == 1
    assert '<ph id="3"/> is not in the original, which has <ph id="1"/> instead' in lines[0]


def test_jsonl_and_csv_with_a_source_field(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "zh": "你好，{name}！", "en": "Hello!"},
        {"id": "b", "zh": "{0} 喜欢 {1}", "en": "{1} is liked by {0}"},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    (tmp_path / "c.csv").write_text("id,zh,en\n" + "".join(f"{r['id']},{r['zh']},{r['en']}\n" for r in rows), "utf-8")
    for name in ("c.jsonl", "c.csv"):
        out = tqa(
            "check", tmp_path / name, "--text-field", "en", "--source-field", "zh", "--select", "tag-mismatch"
        ).output
        assert len(_lines(out)) == 1 and f"{name}#a" in _lines(out)[0] and "{name}" in _lines(out)[0]
