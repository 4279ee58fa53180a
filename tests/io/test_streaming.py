"""PO, XLIFF and TMX stream: a reader hands on each unit as it completes and a writer copies the
input from one edit to the next, so memory does not grow with the file; where a chunk ends (inside
a character, a tag, an entity) changes nothing that is read or written."""

from __future__ import annotations

import codecs
import re
import tracemalloc
from pathlib import Path

import pytest

from pipeline.io import Fields, Malformed, Record, module, stream
from tests.support import TEST_DATA

OKAPI = sorted(p for p in (TEST_DATA / "bilingual" / "okapi").iterdir() if p.suffix in (".po", ".xlf", ".tmx"))
FORMATS = {".po": "po", ".xlf": "xliff", ".tmx": "tmx"}
MARK = 'Q&<"ё'  # every character the formats escape, and one of two bytes in UTF-8


def items(path: Path) -> list[Record | Malformed]:
    return list(module(FORMATS[path.suffix]).read(path, Fields()))


def write_back(path: Path, out: Path, flag: int = 1) -> None:
    """``path`` written back with a repair of each segment's last character and a marker on every
    ``flag``-th segment (0: none, a clean run, which takes an earlier run's markers out)."""
    writer = module(FORMATS[path.suffix]).Writer(out, Fields(), path)
    found = (r for r in module(FORMATS[path.suffix]).read(path, Fields()) if isinstance(r, Record))
    for n, r in enumerate(found):
        end = len(r.text)
        edit = {"check": "c", "start": end - 1, "end": end, "replacement": MARK, "reason": "r"}
        findings = [{"check": "c", "message": "m & <m>"}] if flag and n % flag == 0 else []
        writer.write(r, {"cleaned": r.text, "tqa": {"applied": [edit] if n % 2 else [], "findings_after": findings}})
    writer.commit()


def utf16(path: Path, tmp_path: Path, codec: str) -> Path | None:
    """The document in UTF-16 (with a byte-order mark), or None when it is not UTF-8 to begin with."""
    declared = re.search(rb"encoding=[\"']([^\"']+)", path.read_bytes()[:200])
    if declared and declared.group(1).lower().replace(b"-", b"") != b"utf8":
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:  # UTF-16 already
        return None
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    out = tmp_path / f"{codec}-{path.name}"
    out.write_bytes(bom + text.encode(codec))
    return out


def runs(path: Path, tmp_path: Path, name: str) -> tuple[list[object], bytes, bytes]:
    """What is read, what a run with markers writes, and what a second run over that writes."""
    first, second = tmp_path / f"{name}-1{path.suffix}", tmp_path / f"{name}-2{path.suffix}"
    write_back(path, first)
    write_back(first, second, flag=3)
    found = [(i.id, i.text, i.source, i.fields, i.codes, i.source_codes) for i in items(path)]
    return found, first.read_bytes(), second.read_bytes()


@pytest.mark.parametrize("path", OKAPI, ids=lambda p: p.name)
def test_a_chunk_ending_anywhere_changes_nothing_read_or_written(path, tmp_path, monkeypatch):
    whole = runs(path, tmp_path, "whole")
    monkeypatch.setattr(stream, "CHUNK", 5)  # inside every tag, character, entity and marker
    assert runs(path, tmp_path, "small") == whole


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("path", [p for p in OKAPI if p.suffix != ".po"], ids=lambda p: p.name)
def test_utf16_is_decoded_as_it_streams_and_written_back_in_utf16(path, tmp_path, monkeypatch, codec):
    wide = utf16(path, tmp_path, codec)
    if wide is None:
        pytest.skip("not UTF-8")
    narrow = tmp_path / f"utf8-{path.name}"
    narrow.write_bytes(path.read_bytes().decode("utf-8-sig").encode("utf-8"))
    _, first, second = runs(narrow, tmp_path, "utf8")
    monkeypatch.setattr(stream, "CHUNK", 3)  # a UTF-16 character split, and a UTF-8 one in the view
    found, first16, second16 = runs(wide, tmp_path, "utf16")
    assert [f[:3] for f in found] == [(i.id, i.text, i.source) for i in items(narrow)]
    assert first16.decode(codec).lstrip("\ufeff") == first.decode("utf-8")
    assert second16.decode(codec).lstrip("\ufeff") == second.decode("utf-8")
    assert wide.read_bytes()[:2] == first16[:2] == second16[:2]


def generated(fmt: str, n: int, folder: Path) -> Path:
    """``n`` segments with Chinese originals, entities and a comment now and then."""
    segs = [(f"s{i}", f"今年贸易增长了{i}%。", f"Trade grew by {i}% &amp; more this year.") for i in range(n)]
    path = folder / f"n{n}.{ {'po': 'po', 'xliff': 'xlf', 'tmx': 'tmx'}[fmt] }"
    if fmt == "po":
        body = "".join(
            f'#: app.c:{i}\nmsgctxt "{i}"\nmsgid "{z}"\nmsgstr "{e.replace("&amp;", "&")}"\n\n' for i, z, e in segs
        )
        path.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body, encoding="utf-8")
    elif fmt == "xliff":
        units = "".join(
            f'  <trans-unit id="{i}">\n    <source>{z}</source>\n    <target>{e}</target>\n  </trans-unit>\n'
            + ("  <!-- a comment -->\n" if k % 7 == 0 else "")
            for k, (i, z, e) in enumerate(segs)
        )
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            '<file original="x" source-language="zh" target-language="en" datatype="plaintext"><body>\n'
            + units
            + "</body></file></xliff>\n",
            encoding="utf-8",
        )
    else:
        tus = "".join(
            f'<tu tuid="{i}">\n  <tuv xml:lang="zh-CN"><seg>{z}</seg></tuv>\n  <tuv xml:lang="en"><seg>{e}</seg></tuv>\n</tu>\n'
            for i, z, e in segs
        )
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-CN" adminlang="en" '
            'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="none" datatype="plaintext"/><body>\n'
            + tus
            + "</body></tmx>\n",
            encoding="utf-8",
        )
    return path


def peaks(path: Path, out: Path) -> tuple[int, int]:
    """Peak Python memory of reading ``path``, and of reading it and writing it back with a repair
    and a marker on every other segment."""
    read = module(FORMATS[path.suffix]).read
    warm = path.with_name("warm" + path.suffix)  # what a first run imports and caches is not the file's
    warm.write_bytes(path.read_bytes()[:20_000])
    write_back(warm, warm.with_suffix(".out"), flag=2)
    tracemalloc.start()
    count = sum(1 for _ in read(path, Fields()))
    reading = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count >= 2000
    tracemalloc.start()
    write_back(path, out, flag=2)
    writing = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return reading, writing


@pytest.mark.parametrize("fmt", ["po", "xliff", "tmx"])
def test_memory_does_not_grow_with_the_file(fmt, tmp_path):
    # 2,000 segments (250-400 KB) are several of the 64 KB chunks tqa reads: past where the
    # memory held stops growing, which is a unit, a chunk or two and their copies
    small = peaks(generated(fmt, 2_000, tmp_path), tmp_path / "out-small")
    large = peaks(generated(fmt, 10_000, tmp_path), tmp_path / "out-large")  # held whole, it took ~35 MB
    assert large[0] <= 1.2 * small[0], f"reading: {small[0]:,} bytes at 2,000 segments, {large[0]:,} at 10,000"
    assert large[1] <= 1.2 * small[1], f"writing: {small[1]:,} bytes at 2,000 segments, {large[1]:,} at 10,000"
    assert (tmp_path / "out-large").read_bytes().count(b"Q&amp;&lt;" if fmt != "po" else b"Q&<") == 5_000


@pytest.mark.parametrize("fmt", ["po", "xliff", "tmx"])
def test_a_file_broken_at_its_end_gives_no_record_and_is_written_back_as_it_was(fmt, tmp_path):
    path = generated(fmt, 3_000, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:-40] + (b'\nmsgstr "x" junk\n' if fmt == "po" else b""))
    found = items(path)
    assert len(found) == 1 and isinstance(found[0], Malformed), found[:3]
    writer = module(fmt).Writer(tmp_path / "out", Fields(), path)
    writer.passthrough(found[0])
    writer.commit()
    assert (tmp_path / "out").read_bytes() == path.read_bytes()


def test_a_decoding_error_far_into_a_catalogue_is_told_where_it_is(tmp_path):
    path = generated("po", 3_000, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:150_000] + b"\xff" + data[150_000:])
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        whole = str(err)
    (found,) = items(path)
    assert isinstance(found, Malformed) and found.reason == f"cannot be decoded: {whole}"


def test_a_repair_the_catalogues_encoding_cannot_hold_fails_the_file_at_commit_not_the_run(tmp_path):
    path = tmp_path / "ru.po"
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=CP1251\\n"\n\n'
    path.write_bytes((header + 'msgid "a"\nmsgstr "Привет"\n\nmsgid "b"\nmsgstr "Мир"\n').encode("cp1251"))
    writer = module("po").Writer(tmp_path / "out.po", Fields(), path)
    for r in module("po").read(path, Fields()):
        edit = {"check": "c", "start": 0, "end": 1, "replacement": "é", "reason": "r"}
        writer.write(r, {"cleaned": r.text, "tqa": {"applied": [edit], "findings_after": []}})
    with pytest.raises(UnicodeEncodeError):  # the batch names the file it could not write, as for a full disk
        writer.commit()
    writer.abort()
