"""gettext PO catalogues: each translated message checked with its msgid as the original, repairs
and review markers spliced into the file as read, everything else byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import Fields, Record, format_of, po
from tests.support import tqa
from tests.support.bilingual import run_beside_jsonl

BAD = "The results were good , the the meeting said."
FIXED = "The results were good, the meeting said."

HEADER = (
    '# Translation of app.\n# Copyright (C) 2026\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: app 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)
CLEAN_MESSAGES = (
    '#. for translators\n#: src/main.c:12\n#, c-format\nmsgid "今年贸易增长了百分之十。"\n'
    'msgstr "Trade grew by ten percent "\n"last year."\n\n'
    'msgctxt "menu"\nmsgid "打开"\nmsgstr "Open \\"recent\\" files\\n"\n\n'
    'msgid "一个文件"\nmsgid_plural "%d个文件"\nmsgstr[0] "One file"\nmsgstr[1] "%d files"\n\n'
    'msgid "未翻译"\nmsgstr ""\n\n'
    '#~ msgid "旧的"\n#~ msgstr "Old , old"\n'
)


def run(src: Path, out: Path, *extra: object):  # type: ignore[no-untyped-def]
    return tqa("run", src, "--out", out, "-j", "1", "--no-retranslate", *extra)


def records(path: Path) -> list[Record]:
    return [r for r in po.read(path, Fields()) if isinstance(r, Record)]


def test_po_is_read_message_by_message_with_its_msgid_as_the_original(tmp_path):
    path = tmp_path / "app.po"
    path.write_text(HEADER + CLEAN_MESSAGES, encoding="utf-8")
    assert format_of(path) == "po"
    got = [(r.id, r.source, r.text, r.where) for r in records(path)]
    assert got == [
        ("今年贸易增长了百分之十。", "今年贸易增长了百分之十。", "Trade grew by ten percent last year.", "line 14"),
        ("menu|打开", "打开", 'Open "recent" files\n', "line 19"),
        ("一个文件[0]", "一个文件", "One file", "line 23"),
        ("一个文件[1]", "%d个文件", "%d files", "line 24"),
    ]  # the header, the untranslated and the obsolete message are not segments
    assert records(path)[1].key == "s:menu\x04打开"  # gettext's own key tells records apart


def test_a_message_with_a_context_is_named_context_bar_msgid(tmp_path):
    path = tmp_path / "app.po"
    path.write_text(HEADER + 'msgctxt "stats"\nmsgid "去年增长了5%。"\nmsgstr "It grew by 7% last year."\n', "utf-8")
    result = tqa("check", path)
    assert "app.po#stats|去年增长了5%。:1:12: major number-mismatch" in result.stdout
    assert "\\x04" not in result.output and "\x04" not in result.output


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_catalogue_with_nothing_to_repair_comes_back_byte_for_byte(tmp_path, newline):
    src = tmp_path / "in"
    src.mkdir()
    data = (HEADER + CLEAN_MESSAGES).replace("\n", newline).encode("utf-8")
    (src / "app.po").write_bytes(data)
    result = run(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "app.po").read_bytes() == data


def test_a_repair_changes_only_the_msgstr_and_the_markers(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    repaired = 'msgid "结果很好，会议说。"\nmsgstr ""\n"The results were good , the the "\n"meeting said."\n\n'
    number = '#: src/a.c:3\n#, c-format\nmsgid "去年增长了5%。"\nmsgstr "It grew by 7% last year."\n\n'
    (src / "app.po").write_text(HEADER + repaired + number + CLEAN_MESSAGES, encoding="utf-8")
    result = run(src, tmp_path / "out")
    assert result.exit_code in (0, 1), result.output  # 1: a finding is left at or above a configured --fail-on
    want = (
        HEADER
        + 'msgid "结果很好，会议说。"\nmsgstr ""\n"The results were good, the "\n"meeting said."\n\n'  # wrapping kept
        + '# tqa: number-mismatch\n#: src/a.c:3\n#, fuzzy, c-format\nmsgid "去年增长了5%。"\n'
        + 'msgstr "It grew by 7% last year."\n\n'
        + CLEAN_MESSAGES
    )
    out = tmp_path / "out" / "app.po"
    assert out.read_text(encoding="utf-8") == want

    again = run(out, tmp_path / "again")  # a second run replaces its comment rather than adding one
    assert (tmp_path / "again" / "app.po").read_text(encoding="utf-8") == want, again.output

    # the message fixed by hand: the next run takes its comment away (fuzzy stays: a person clears it)
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "app.po").write_text(want.replace("by 7%", "by 5%"), encoding="utf-8")
    run(fixed, tmp_path / "fixed-out")
    assert (tmp_path / "fixed-out" / "app.po").read_text(encoding="utf-8") == want.replace("by 7%", "by 5%").replace(
        "# tqa: number-mismatch\n", ""
    )

    bare = run(src, tmp_path / "bare", "--no-markers")
    assert bare.exit_code in (0, 1)
    assert (tmp_path / "bare" / "app.po").read_text(encoding="utf-8") == want.replace(
        "# tqa: number-mismatch\n", ""
    ).replace("#, fuzzy, c-format", "#, c-format")


def test_a_message_without_flags_gets_a_flags_line_before_its_msgid(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "app.po").write_text(
        HEADER + '# a translator\'s note\nmsgid "去年增长了5%。"\nmsgstr "It grew by 7% last year."\n', encoding="utf-8"
    )
    run(src, tmp_path / "out")
    assert (tmp_path / "out" / "app.po").read_text(encoding="utf-8") == HEADER + (
        '# a translator\'s note\n# tqa: number-mismatch\n#, fuzzy\nmsgid "去年增长了5%。"\nmsgstr "It grew by 7% last year."\n'
    )


def test_the_original_reaches_the_source_checks(tmp_path):
    path = tmp_path / "messages.po"
    path.write_text(HEADER + 'msgid "去年增长了5%。"\nmsgstr "It grew by 7% last year."\n', encoding="utf-8")
    result = tqa("check", path, "--format", "json")
    assert result.exit_code == 1
    assert "number-mismatch" in result.stdout and "去年增长了5%。" in result.stdout


def test_a_catalogue_tqa_cannot_parse_is_named_and_written_back_unchanged(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = (HEADER + 'msgid "a"\nmsgstr "unclosed\n').encode("utf-8")
    (src / "broken.po").write_bytes(data)
    result = run(src, tmp_path / "out")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "broken.po: file:" in result.output and "no closing quote" in result.output
    assert (tmp_path / "out" / "broken.po").read_bytes() == data


def test_retranslation_per_message_goes_as_for_jsonl_records_with_a_source_field(tmp_path, tiny_model_dir):
    pairs = [("m1", "去年增长了5%。", "It grew by 7% last year."), ("m2", "结果很好，会议说。", BAD)]
    src = tmp_path / "in"
    src.mkdir()
    body = "".join(f'msgctxt "{i}"\nmsgid "{zh}"\nmsgstr "{en}"\n\n' for i, zh, en in pairs)
    (src / "app.po").write_text(HEADER + body, encoding="utf-8")
    rows = run_beside_jsonl(tmp_path, src / "app.po", tiny_model_dir)
    assert len(rows) == 2 and all(row["suggestions"] for row in rows)  # each flagged segment was retranslated


# a strftime format (xgettext's no-c-format), a C format string, a Python brace format string
FORMATS = (
    '#. TRANSLATORS: a strftime format\n#, no-c-format\nmsgid "%Y年%m月%d日"\nmsgstr "%B %e, %Y"\n\n'
    '#, c-format\nmsgid "已删除 %d 个文件"\nmsgstr "Deleted %d files"\n\n'
    '#, fuzzy, python-brace-format\nmsgid "你好，{name}"\nmsgstr "Hello, {user}"\n\n'
    'msgid "日期：%Y年%m月%d日"\nmsgstr "Date: %B %e, %Y"\n'
)


def test_a_message_carries_its_format_flags(tmp_path):
    path = tmp_path / "app.po"
    path.write_text(HEADER + FORMATS, encoding="utf-8")
    assert [(r.id, r.formats) for r in records(path)] == [
        ("%Y年%m月%d日", ("no-c-format", "no-python-brace-format")),
        ("已删除 %d 个文件", ("c-format", "no-python-brace-format")),  # its own flag decides
        ("你好，{name}", ("python-brace-format", "no-c-format")),
        # the catalogue flags its C and Python format strings: a message without is neither
        ("日期：%Y年%m月%d日", ("no-c-format", "no-python-brace-format")),
    ]
    bare = tmp_path / "bare.po"  # no format flag anywhere: nothing is said, the heuristic decides
    bare.write_text(HEADER + 'msgid "日期：%Y年%m月%d日"\nmsgstr "Date: %B %e, %Y"\n', encoding="utf-8")
    assert [r.formats for r in records(bare)] == [()]


def test_format_flags_decide_which_placeholders_tag_mismatch_compares(tmp_path):
    path = tmp_path / "app.po"
    path.write_text(HEADER + FORMATS, encoding="utf-8")
    result = tqa("check", path, "--select", "tag-mismatch")
    lines = [line for line in result.stdout.splitlines() if "tag-mismatch:" in line]
    assert len(lines) == 1 and "app.po#你好，{name}" in lines[0] and "{user}" in lines[0], result.output
    # the same strftime message in a catalogue that flags nothing: "%d" and "%e" look like placeholders
    bare = tmp_path / "bare.po"
    bare.write_text(HEADER + 'msgid "日期：%Y年%m月%d日"\nmsgstr "Date: %B %e, %Y"\n', encoding="utf-8")
    assert "placeholder %e is not in the original, which has %d instead" in tqa("check", bare).stdout


def test_a_tag_of_the_msgid_is_not_html_residue_in_the_msgstr(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    body = (
        'msgid "<b>保存</b>并关闭"\nmsgstr "<b>Save</b> and close"\n\n'
        'msgid "打开 &amp; 编辑"\nmsgstr "Open &amp; edit"\n\n'
        'msgid "<b>删除</b>"\nmsgstr "<b>Delete</b><br>"\n'
    )
    (src / "ui.po").write_text(HEADER + body, encoding="utf-8")
    result = tqa("check", src / "ui.po", "--select", "html-residue")
    lines = [line for line in result.stdout.splitlines() if "html-residue:" in line]
    assert len(lines) == 1 and "ui.po#<b>删除</b>" in lines[0] and "'<br>'" in lines[0], result.output
    run(src, tmp_path / "out", "--apply", "rule", "--select", "html-residue")  # nothing repaired, nothing marked
    want = HEADER + body.replace('msgid "<b>删除</b>"', '# tqa: html-residue\n#, fuzzy\nmsgid "<b>删除</b>"')
    assert (tmp_path / "out" / "ui.po").read_text(encoding="utf-8") == want
