"""TMX: each translation unit with English in it checked with its source-language segment as the
original; repairs spliced into the English segment's text, never into inline codes; a unit with
findings left marked with a prop of tqa's own, replaced (not added to) by a later run."""

from __future__ import annotations

from pathlib import Path

from pipeline.io import Fields, Record, format_of, tmx
from tests.support import tqa
from tests.support.bilingual import run_beside_jsonl

BAD = "The results were good , the the meeting said."
FIXED = "The results were good, the meeting said."

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="hand" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en"
    srclang="zh-CN" datatype="plaintext">
    <prop type="x-note">a header prop</prop>
  </header>
  <body>
    <!-- a comment -->
    <tu tuid="clean">
      <note>kept</note>
      <tuv xml:lang="ZH-cn"><seg>今年贸易增长了百分之十。</seg></tuv>
      <tuv xml:lang="EN-gb"><seg>Trade grew by ten percent last year &amp; more.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="zh-CN"><seg>点击<ph x="1">&lt;img/&gt;</ph>这里<hi type="b">继续</hi>。</seg></tuv>
      <tuv xml:lang="en-US"><seg>Click <ph x="1">&lt;img/&gt;</ph>here to <hi type="b">go on</hi>.</seg></tuv>
    </tu>
    <tu tuid="fr-only">
      <tuv xml:lang="zh-CN"><seg>你好</seg></tuv>
      <tuv xml:lang="fr"><seg>Bonjour</seg></tuv>
    </tu>
{units}  </body>
</tmx>
"""
REPAIR = """    <tu tuid="r">
      <tuv xml:lang="en"><seg>{target}</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>结果很好，会议说。</seg></tuv>
    </tu>
"""
NUMBER = """    <tu tuid="n" creationid="x">
      <prop type="x-domain">news</prop>
      <tuv xml:lang="zh-CN"><seg>去年增长了5%。</seg></tuv>
      <tuv xml:lang="en"><seg>It grew by 7% last year.</seg></tuv>
    </tu>
"""
PROP = '<prop type="x-tqa">number-mismatch</prop>\n      '


def run(src: Path, out: Path, *extra: object):  # type: ignore[no-untyped-def]
    return tqa("run", src, "--out", out, "-j", "1", "--no-retranslate", *extra)


def records(path: Path) -> list[Record]:
    return [r for r in tmx.read(path, Fields()) if isinstance(r, Record)]


def once(tmp_path: Path, text: str, name: str = "in", *extra: object) -> str:
    src = tmp_path / name
    src.mkdir()
    (src / "mem.tmx").write_text(text, encoding="utf-8")
    result = run(src, tmp_path / f"{name}-out", *extra)
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    return (tmp_path / f"{name}-out" / "mem.tmx").read_text(encoding="utf-8")


def test_units_with_english_are_read_with_the_source_language_segment_as_the_original(tmp_path):
    path = tmp_path / "mem.tmx"
    path.write_text(DOC.format(units=REPAIR.format(target=BAD) + NUMBER), encoding="utf-8")
    assert format_of(path) == "tmx"
    assert [(r.id, r.source, r.text, r.where) for r in records(path)] == [
        ("clean", "今年贸易增长了百分之十。", "Trade grew by ten percent last year & more.", "line 13"),
        ("2", "点击这里继续。", "Click here to go on.", "line 17"),  # no tuid: its number; codes are not text
        ("r", "结果很好，会议说。", BAD, "line 24"),
        ("n", "去年增长了5%。", "It grew by 7% last year.", "line 30"),
    ]  # a unit without English is not a record


def test_the_source_is_the_srclang_segment_or_the_first_other_one(tmp_path):
    path = tmp_path / "mem.tmx"
    three = (
        '<tu srclang="ja"><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="zh"><seg>你好。</seg></tuv>'
        '<tuv xml:lang="ja-JP"><seg>こんにちは。</seg></tuv></tu>\n'
        '<tu srclang="*all*"><tuv xml:lang="en"><seg>Bye.</seg></tuv><tuv xml:lang="ko"><seg>안녕.</seg></tuv></tu>\n'
    )
    path.write_text(DOC.replace('srclang="zh-CN"', 'srclang="en-US"').format(units=three), encoding="utf-8")
    got = {r.id: r.source for r in records(path)}
    assert got["4"] == "こんにちは。" and got["5"] == "안녕." and got["clean"] == "今年贸易增长了百分之十。"


def test_a_memory_with_nothing_to_repair_comes_back_byte_for_byte(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = DOC.format(units="").replace("\n", "\r\n").encode("utf-8")
    (src / "mem.tmx").write_bytes(data)
    result = run(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "mem.tmx").read_bytes() == data


def test_a_repair_changes_only_the_english_segment_and_a_flagged_unit_gets_a_prop(tmp_path):
    out = once(tmp_path, DOC.format(units=REPAIR.format(target=BAD) + NUMBER))
    marked = NUMBER.replace('<tuv xml:lang="zh-CN">', PROP + '<tuv xml:lang="zh-CN">')
    assert out == DOC.format(units=REPAIR.format(target=FIXED) + marked)
    bare = once(tmp_path, DOC.format(units=REPAIR.format(target=BAD) + NUMBER), "bare", "--no-markers")
    assert bare == DOC.format(units=REPAIR.format(target=FIXED) + NUMBER)


def test_a_second_run_replaces_its_own_prop_and_a_clean_unit_loses_it(tmp_path):
    first = once(tmp_path, DOC.format(units=NUMBER), "one")
    assert first.count('type="x-tqa"') == 1
    assert once(tmp_path, first, "two") == first
    assert once(tmp_path, first.replace("by 7%", "by 5%"), "three") == DOC.format(
        units=NUMBER.replace("by 7%", "by 5%")
    )


def test_inline_codes_are_never_edited(tmp_path):
    # the comma's repair is inside text; the space before "." touches </hi>: the plan keeps it a suggestion
    target = 'Click <ph x="1">&lt;b&gt;</ph>here , the the <hi>end</hi> .'
    src = tmp_path / "in"
    src.mkdir()
    (src / "mem.tmx").write_text(DOC.format(units=REPAIR.format(target=target)), encoding="utf-8")
    result = run(src, tmp_path / "out")
    assert result.exit_code in (0, 1), result.output
    out = (tmp_path / "out" / "mem.tmx").read_text(encoding="utf-8")
    assert '<seg>Click <ph x="1">&lt;b&gt;</ph>here, the <hi>end</hi> .</seg>' in out
    # the original has none of the English's codes: tag-mismatch says so beside the repair's check
    assert '<prop type="x-tqa">space-before-punctuation, tag-mismatch</prop>' in out


def test_a_utf_16_memory_is_read_and_written_back_in_utf_16(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    doc = DOC.format(units=REPAIR.format(target=BAD)).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (src / "mem.tmx").write_bytes(doc.replace("\n", "\r\n").encode("utf-16"))
    assert records(src / "mem.tmx")[-1].text == BAD
    run(src, tmp_path / "out")
    assert (tmp_path / "out" / "mem.tmx").read_bytes() == doc.replace(BAD, FIXED).replace("\n", "\r\n").encode("utf-16")


def test_the_original_reaches_the_source_checks(tmp_path):
    path = tmp_path / "mem.tmx"
    path.write_text(DOC.format(units=NUMBER), encoding="utf-8")
    result = tqa("check", path)
    assert result.exit_code == 1
    assert "mem.tmx#n" in result.stdout and "number-mismatch" in result.stdout


def test_a_file_that_is_not_tmx_is_named_and_written_back_unchanged(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    cut = b'<?xml version="1.0"?>\n<tmx version="1.4"><body><tu><tuv xml:lang="en"><seg>'
    (src / "cut.tmx").write_bytes(cut)
    (src / "other.tmx").write_bytes(b"<xliff/>")
    result = run(src, tmp_path / "out")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "cut.tmx: file: written back unprocessed: not XML" in result.output
    assert "other.tmx: file: written back unprocessed: not TMX" in result.output
    assert (tmp_path / "out" / "cut.tmx").read_bytes() == cut


def test_a_memory_named_like_the_batch_s_own_tmx_is_refused_for_run(tmp_path):
    path = tmp_path / "retranslations.tmx"
    path.write_text(DOC.format(units=NUMBER), encoding="utf-8")
    result = run(path, tmp_path / "out")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "would be written over by the batch's" in result.output and "rename it" in result.output
    assert tqa("check", path).exit_code == 1  # checking it is fine: nothing is written


def test_retranslation_per_unit_goes_as_for_jsonl_records_with_a_source_field(tmp_path, tiny_model_dir):
    src = tmp_path / "in"
    src.mkdir()
    (src / "mem.tmx").write_text(DOC.format(units=REPAIR.format(target=BAD) + NUMBER), encoding="utf-8")
    assert run_beside_jsonl(tmp_path, src / "mem.tmx", tiny_model_dir)
