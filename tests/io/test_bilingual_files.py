"""PO, XLIFF and TMX files written by another tool (tests/data/bilingual): read, written back
byte for byte, and written back with an edit and a marker on every segment without loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import Fields, Malformed, Record, format_of, module
from tests.support import TEST_DATA, tqa

FILES = sorted(p for p in (TEST_DATA / "bilingual" / "okapi").iterdir() if p.suffix in (".po", ".xlf", ".tmx"))
MARK = 'Q&<"'  # every character the formats escape
ENDS_IN_CODE = {"header_with_prop_and_note.tmx"}  # its one segment ends in </ept>: the edit is refused


def records(fmt, path: Path) -> list[Record]:  # type: ignore[no-untyped-def]
    items = list(module(fmt).read(path, Fields()))
    assert not [i for i in items if isinstance(i, Malformed)], items
    return [i for i in items if isinstance(i, Record)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_from_another_tool_is_written_back_without_loss(path, tmp_path):
    fmt = format_of(path)
    found = records(fmt, path)
    assert found, "every file here has translated segments"

    out = tmp_path / path.name
    writer = module(fmt).Writer(out, Fields(), path)
    for r in found:
        assert writer.write(r, {"cleaned": r.text, "tqa": {"applied": [], "findings_after": []}}) == []
    writer.commit()
    assert out.read_bytes() == path.read_bytes()

    writer = module(fmt).Writer(out, Fields(), path)
    refused = set()
    for r in found:
        end = len(r.text)
        edit = {"check": "c", "start": end - 1, "end": end, "replacement": MARK, "reason": "r"}
        finding = {"check": "c", "message": "m & <m>"}
        if writer.write(r, {"cleaned": r.text, "tqa": {"applied": [edit], "findings_after": [finding]}}):
            refused.add(r.id)  # its last character touches inline markup
    writer.commit()
    if fmt in ("xliff", "tmx"):
        etree = pytest.importorskip("lxml.etree")
        etree.parse(str(out))  # well-formed, its declared encoding kept
    if fmt == "tmx":  # another tool reads it as TMX, with every unit and the English written
        toolkit = pytest.importorskip("translate.storage.tmx")
        assert len(toolkit.tmxfile.parsefile(str(out)).units) == len(toolkit.tmxfile.parsefile(str(path)).units)
    again = {r.id: r for r in records(fmt, out)}
    assert list(again) == [r.id for r in found]
    for r in found:
        want = r.text if r.id in refused else r.text[:-1] + MARK
        assert again[r.id].text == want and again[r.id].source == r.source
    assert len(refused) < len(found) or path.name in ENDS_IN_CODE
    if fmt == "tmx":  # a marker on each unit, where the DTD allows it
        props = etree.parse(str(out)).xpath('//tu/prop[@type="x-tqa"][not(preceding-sibling::tuv)]')
        assert len(props) == len(found)


def test_the_cli_runs_over_the_folder_and_writes_every_file(tmp_path):
    result = tqa("run", TEST_DATA / "bilingual" / "okapi", "--out", tmp_path / "out", "-j", "1", "--no-retranslate")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    written = (tmp_path / "out").iterdir()
    assert sorted(
        p.name for p in written if p.suffix in (".po", ".xlf", ".tmx") and p.name != "retranslations.tmx"
    ) == [p.name for p in FILES]
