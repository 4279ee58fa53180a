"""XLIFF 1.2 and 2.x: each segment checked with its source as the original; repairs spliced into
the target's text, never into inline markup; segments with findings left marked for review."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import Fields, Record, format_of, xliff
from tests.support import tqa
from tests.support.bilingual import run_beside_jsonl

BAD = "The results were good , the the meeting said."
FIXED = "The results were good, the meeting said."

V1 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff>
<!-- written by hand -->
<x:xliff version="1.2" xmlns:x="urn:oasis:names:tc:xliff:document:1.2" xmlns:my="urn:example">
  <x:file original="app.txt" source-language="zh-CN" target-language="en" datatype="plaintext">
    <x:body>
      <x:trans-unit id="clean" my:extra='kept'>
        <x:source>今年贸易增长了百分之十。</x:source>
        <x:target state="translated">Trade grew by ten percent last year &amp; more.</x:target>
      </x:trans-unit>
      <x:trans-unit id="skip" translate="no">
        <x:source>去年增长了5%。</x:source>
        <x:target>It grew by 7% last year.</x:target>
      </x:trans-unit>
      {units}
    </x:body>
  </x:file>
</x:xliff>
"""
REPAIR = """<x:trans-unit id="r">
        <x:source>结果很好，会议说。</x:source>
        <x:target>{target}</x:target>
      </x:trans-unit>"""
NUMBER = """<x:trans-unit id="n">
        <x:source>去年增长了5%。</x:source>
        <x:target state="translated">It grew by 7% last year.</x:target>
      </x:trans-unit>"""

V2 = """<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="zh" trgLang="en">
  <file id="f1">
    <unit id="u1">
      <notes>
        <note>from the author</note>
      </notes>
      <segment id="s1" state="final">
        <source>结果很好，会议说。</source>
        <target>{first}</target>
      </segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2" state="reviewed">
        <source>去年增长了5%。</source>
        <target>{second}</target>
      </segment>
    </unit>
    <unit id="u2">
      <originalData><data id="d1">&lt;br/&gt;</data></originalData>
      <segment>
        <source>点击<ph id="1" dataRef="d1"/>这里。</source>
        <target>{third}</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


def run(src: Path, out: Path, *extra: object):  # type: ignore[no-untyped-def]
    return tqa("run", src, "--out", out, "-j", "1", "--no-retranslate", *extra)


def records(path: Path) -> list[Record]:
    return [r for r in xliff.read(path, Fields()) if isinstance(r, Record)]


def test_units_are_read_with_their_source_as_the_original(tmp_path):
    path = tmp_path / "app.xlf"
    path.write_text(V1.format(units=NUMBER), encoding="utf-8")
    assert format_of(path) == "xliff" and format_of(tmp_path / "app.xliff") == "xliff"
    assert [(r.id, r.source, r.text) for r in records(path)] == [
        ("clean", "今年贸易增长了百分之十。", "Trade grew by ten percent last year & more."),
        ("n", "去年增长了5%。", "It grew by 7% last year."),
    ]  # translate="no" is not a segment
    two = tmp_path / "two.xliff"
    two.write_text(V2.format(first=BAD, second="x", third='Click <ph id="1" dataRef="d1"/>here.'), encoding="utf-8")
    assert [(r.id, r.text, r.where) for r in records(two)] == [
        ("u1/s1", BAD, "line 10"),
        ("u1/s2", "x", "line 15"),
        ("u2", "Click here.", "line 22"),  # inline codes are not text
    ]


def test_a_document_with_nothing_to_repair_comes_back_byte_for_byte(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = V1.format(units="").replace("\n", "\r\n").encode("utf-8")
    (src / "app.xlf").write_bytes(data)
    result = run(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "app.xlf").read_bytes() == data


def test_a_repair_changes_only_the_target_and_the_markers_in_1_2(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "app.xlf").write_text(V1.format(units=REPAIR.format(target=BAD) + NUMBER), encoding="utf-8")
    result = run(src, tmp_path / "out")
    assert result.exit_code in (0, 1), result.output
    marked = NUMBER.replace('state="translated"', 'state="needs-review-translation"').replace(
        "</x:target>",
        '</x:target>\n        <x:note from="tqa">tqa: number-mismatch: 7% is not in the Chinese original, '
        "which has 5%</x:note>",
    )
    want = V1.format(units=REPAIR.format(target=FIXED) + marked)
    assert (tmp_path / "out" / "app.xlf").read_text(encoding="utf-8") == want

    bare = run(src, tmp_path / "bare", "--no-markers")
    assert bare.exit_code in (0, 1)
    assert (tmp_path / "bare" / "app.xlf").read_text(encoding="utf-8") == V1.format(
        units=REPAIR.format(target=FIXED) + NUMBER
    )


def test_inline_markup_is_never_edited(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    # the comma's repair is inside text; the space before "." touches </g>: the plan keeps it a
    # suggestion, so nothing the writer would have to refuse is applied
    target = 'Click <x id="1"/>here , the the <g id="2">end</g> .'
    (src / "app.xlf").write_text(V1.format(units=REPAIR.format(target=target)), encoding="utf-8")
    result = run(src, tmp_path / "out")
    assert "not written back" not in result.output
    out = (tmp_path / "out" / "app.xlf").read_text(encoding="utf-8")
    assert '<x:target state="needs-review-translation">Click <x id="1"/>here, the <g id="2">end</g> .</x:target>' in out
    assert "space-before-punctuation" in out  # the repair left out is in the note


def test_2_x_marks_the_segment_and_notes_the_unit(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    third = 'Click <ph id="1" dataRef="d1"/>here.'
    (src / "app.xliff").write_text(V2.format(first=BAD, second="It grew by 7% last year.", third=third), "utf-8")
    result = run(src, tmp_path / "out")
    assert result.exit_code in (0, 1), result.output
    want = (
        V2.format(first=FIXED, second="It grew by 7% last year.", third=third)
        .replace(
            '<segment id="s2" state="reviewed">',
            '<segment id="s2" state="translated" subState="tqa:needs-review">',
        )
        .replace(
            "</notes>",
            '<note category="tqa">tqa: u1/s2: number-mismatch: 7% is not in the Chinese original, which has 5%'
            "</note>\n      </notes>",
        )
    )
    assert (tmp_path / "out" / "app.xliff").read_text(encoding="utf-8") == want


def test_a_2_x_unit_without_notes_gets_them_before_its_first_segment(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    doc = V2.format(first="Fine.", second="Fine too.", third='Click <ph id="1" dataRef="d1"/>here 7 times.')
    (src / "app.xliff").write_text(doc, "utf-8")
    run(src, tmp_path / "out")
    out = (tmp_path / "out" / "app.xliff").read_text(encoding="utf-8")
    unit = doc.split('<unit id="u2">')[1]
    assert out.split('<unit id="u2">')[1] == unit.replace(
        "<originalData>",
        '<notes><note category="tqa">tqa: u2: number-mismatch: 7 is not in the Chinese original</note></notes>'
        "\n      <originalData>",
    ).replace("<segment>", '<segment state="translated" subState="tqa:needs-review">')


def test_the_original_reaches_the_source_checks(tmp_path):
    path = tmp_path / "app.xlf"
    path.write_text(V1.format(units=NUMBER), encoding="utf-8")
    result = tqa("check", path)
    assert result.exit_code == 1
    assert "app.xlf#n" in result.stdout and "number-mismatch" in result.stdout


def test_a_file_that_is_not_xml_is_named_and_written_back_unchanged(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = b'<?xml version="1.0"?>\n<xliff version="1.2"><file><body><trans-unit id="1">'
    (src / "cut.xlf").write_bytes(data)
    result = run(src, tmp_path / "out")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "cut.xlf: file: written back unprocessed: not XML" in result.output
    assert (tmp_path / "out" / "cut.xlf").read_bytes() == data


def test_retranslation_per_segment_goes_as_for_jsonl_records_with_a_source_field(tmp_path, tiny_model_dir):
    src = tmp_path / "in"
    src.mkdir()
    (src / "app.xlf").write_text(V1.format(units=REPAIR.format(target=BAD) + NUMBER), encoding="utf-8")
    rows = run_beside_jsonl(tmp_path, src / "app.xlf", tiny_model_dir)
    assert sum(bool(row["suggestions"]) for row in rows) >= 2  # the flagged segments


@pytest.mark.parametrize("name", ["a.xlf", "b.xliff"])
def test_a_second_run_replaces_its_own_note_and_a_clean_unit_loses_it(tmp_path, name):
    third_target = 'Click <ph id="1" dataRef="d1"/>here.'
    doc = {
        "a.xlf": V1.format(units=REPAIR.format(target=BAD) + NUMBER),
        "b.xliff": V2.format(first=BAD, second="It grew by 7% last year.", third=third_target[:-1] + " 7 times."),
    }[name]

    def once(text: str, n: int) -> str:
        folder = tmp_path / f"in{n}"
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        run(folder, tmp_path / f"out{n}")
        return (tmp_path / f"out{n}" / name).read_text(encoding="utf-8")

    first = once(doc, 1)
    assert first.count('"tqa"') == (1 if name == "a.xlf" else 2)
    assert once(first, 2) == first  # tqa's own output as the input: nothing more to add

    # the flagged segments fixed by hand: the next run takes tqa's notes away (and a <notes> it added)
    third = once(first.replace("by 7%", "by 5%").replace("here 7 times", "here"), 3)
    if name == "a.xlf":
        assert third == V1.format(units=REPAIR.format(target=FIXED) + NUMBER).replace("by 7%", "by 5%").replace(
            'state="translated">It grew', 'state="needs-review-translation">It grew'
        )  # the state stays: tqa does not know who set it
    else:
        assert third == V2.format(first=FIXED, second="It grew by 5% last year.", third=third_target).replace(
            '<segment id="s2" state="reviewed">', '<segment id="s2" state="translated">'
        ).replace(
            "<segment>", '<segment state="translated">'
        )  # tqa's note, the <notes> it added and its subState go; the state stays: tqa does not know who set it


def test_a_utf_16_document_is_read_and_written_back_in_utf_16(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    doc = V1.format(units=REPAIR.format(target=BAD)).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (src / "app.xlf").write_bytes(doc.replace("\n", "\r\n").encode("utf-16"))
    assert [r.text for r in records(src / "app.xlf")][-1] == BAD
    run(src, tmp_path / "out")
    out = (tmp_path / "out" / "app.xlf").read_bytes()
    assert out == doc.replace(BAD, FIXED).replace("\n", "\r\n").encode("utf-16")


def test_inline_codes_are_read_where_they_sit_with_their_ids(tmp_path):
    units = (
        '<trans-unit id="1"><source>A <g id="1">b</g><x id="2"/> c <bpt id="3">&lt;i></bpt>d<ept id="3">&lt;/i></ept>'
        '</source><target><x id="2"/>C <g id="1">B</g></target></trans-unit>'
    )
    document = (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="zh" '
        f'target-language="en" datatype="plaintext"><body>{units}</body></file></xliff>'
    )
    (tmp_path / "a.xlf").write_text(document, encoding="utf-8")
    (r,) = records(tmp_path / "a.xlf")
    assert (r.source, r.text) == ("A b c d", "C B")
    assert [(c.at, c.label, c.kind) for c in r.source_codes] == [
        (2, '<g id="1">', "open"),
        (3, "</g> (id 1)", "close"),
        (3, '<x id="2"/>', "standalone"),
        (6, '<bpt id="3"/>', "open"),
        (7, '<ept id="3"/>', "close"),
    ]
    assert [(c.at, c.label) for c in r.codes] == [(0, '<x id="2"/>'), (2, '<g id="1">'), (3, "</g> (id 1)")]


def test_a_units_resource_name_is_not_its_context(tmp_path):
    one = tmp_path / "one.xlf"
    units = (
        '<x:trans-unit id="1" resname="menu.save"><x:source>保存</x:source><x:target>Save</x:target></x:trans-unit>'
        '<x:trans-unit id="2"><x:source>保存</x:source><x:target>Save</x:target></x:trans-unit>'
    )
    one.write_text(V1.format(units=units), encoding="utf-8")
    assert [(r.id, r.context) for r in records(one)] == [("clean", None), ("1", None), ("2", None)]
    two = tmp_path / "two.xlf"
    two.write_text(
        V2.format(first=BAD, second="x", third="y").replace('<unit id="u1"', '<unit id="u1" name="Intro"'), "utf-8"
    )
    assert [(r.id, r.context) for r in records(two)] == [("u1/s1", None), ("u1/s2", None), ("u2", None)]
