"""Round trips through the corpus readers and writers over documents nobody here wrote
(``tests/data/conformance``): JSONTestSuite's parsing files as JSONL records, csv-spectrum,
html5lib-tests' tree-construction documents. No traceback, every record back in order,
byte-identical wherever nothing was repaired."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import Fields, Malformed, Record, module
from pipeline.io.base import FLAT_COLUMNS
from tests.support import TEST_DATA

DATA = TEST_DATA / "conformance"
BAD = "The results were good , the the meeting said."
FIXED = "The results were good, the meeting said."
TQA = {
    "findings": [],
    "applied": [],
    "skipped": [],
    "findings_after": [],
    "scores": {"mqm_before": 0, "mqm_after": 0},
    "settings": "x",
}


def _round_trip(fmt: str, src: Path, target: Path, fields: Fields, cleaned=lambda t: t) -> list[Record | Malformed]:
    mod = module(fmt)
    writer = mod.Writer(target, fields, src)
    items = list(mod.read(src, fields))
    for item in items:
        if isinstance(item, Record):
            writer.write(item, {"cleaned": cleaned(item.text), "tqa": TQA})
        else:
            writer.passthrough(item)
    writer.commit()
    return items


def _jsonl_corpus(path: Path) -> list[bytes]:
    """One line per parsing file: a valid one (y_) as the value of a record's field, the
    others as they are; files holding a line break are left out (JSONL cannot hold them)."""
    lines = []
    for f in sorted((DATA / "jsontestsuite" / "test_parsing").iterdir()):
        content = f.read_bytes()
        if b"\n" in content or b"\r" in content:
            continue
        if f.name.startswith("y_"):
            lines.append(
                b'{"id": "' + f.stem.encode() + b'", "text": "' + BAD.encode() + b'", "v": ' + content + b"}\n"
            )
        else:
            lines.append(content + b"\n")
    path.write_bytes(b"".join(lines))
    return lines


def test_jsontestsuite_records_come_back_in_order_byte_for_byte(tmp_path):
    lines = _jsonl_corpus(tmp_path / "suite.jsonl")
    items = _round_trip(
        "jsonl", tmp_path / "suite.jsonl", tmp_path / "out.jsonl", Fields(), lambda t: FIXED if t == BAD else t
    )
    out = (tmp_path / "out.jsonl").read_bytes().splitlines(keepends=True)
    assert len(items) == len(lines) == len(out) > 250
    tail = b', "tqa": ' + json.dumps(TQA, ensure_ascii=False).encode() + b"}\n"
    processed = 0
    for before, after, item in zip(lines, out, items):
        if isinstance(item, Record):
            processed += 1
            assert after == before[:-2].replace(BAD.encode(), FIXED.encode(), 1) + tail
        else:
            assert after == before
    assert processed >= 90  # the valid files, numbers and escapes untouched around the edit


def test_csv_spectrum_comes_back_with_every_cell_as_it_was(tmp_path):
    files = sorted((DATA / "csv-spectrum" / "csvs").glob("*.csv"))
    assert len(files) == 12
    for src in files:
        header = next(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
        target = tmp_path / src.name
        _round_trip("csv", src, target, Fields(text=header[-1], id=header[0] + "-not-there"))
        before = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"), newline="")))
        after = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
        assert [row[: len(header)] for row in after] == before, src.name
        suffix = "," + '"' + json.dumps(TQA).replace('"', '""') + '"' + ",0,0,0,0,0,false,"
        body = target.read_bytes().decode("utf-8").replace(suffix, "")
        body = body.replace(",tqa," + ",".join(FLAT_COLUMNS), "", 1)
        assert body == src.read_bytes().decode("utf-8"), src.name  # CRLF and all


def _pages() -> list[bytes]:
    pages = []
    for dat in sorted((DATA / "html5lib-tests" / "tree-construction").glob("*.dat")):
        for section in dat.read_bytes().split(b"\n#data\n"):
            data = section.removeprefix(b"#data\n").split(b"\n#errors", 1)[0]
            pages.append(data)
    return pages


def test_html5lib_documents_come_back_byte_for_byte(tmp_path):
    pages = _pages()
    assert len(pages) > 350
    for n, page in enumerate(pages):
        src = tmp_path / f"p{n}.html"
        src.write_bytes(page)
        _round_trip("html", src, tmp_path / f"o{n}.html", Fields())
        assert (tmp_path / f"o{n}.html").read_bytes() == page, page


def test_a_run_over_the_suite_names_what_it_passes_through(tmp_path):
    _jsonl_corpus(tmp_path / "suite.jsonl")
    result = CliRunner().invoke(
        app,
        ["run", str(tmp_path / "suite.jsonl"), "--out", str(tmp_path / "out"), "-j", "1", "--no-retranslate"],
        catch_exceptions=False,
    )
    assert result.exit_code == 3 and "Traceback" not in result.output
    before = (tmp_path / "suite.jsonl").read_bytes().splitlines()
    after = (tmp_path / "out" / "suite.jsonl").read_bytes().splitlines()
    assert len(after) == len(before)
    for a, b in zip(before, after):
        assert b == a or (b'"tqa": {' in b and b.startswith(a.split(b'"text"')[0]))
