"""Writing corpora back loses nothing: every record in input order, the bytes tqa did not
decide to change as they were, records it cannot process passed through byte for byte."""

from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()
BAD = "The results were good , the the meeting said."  # a spacing repair and a repetition
FIXED = "The results were good, the meeting said."
CLEAN = "Trade grew by ten percent last year."


def run(*args):
    return runner.invoke(app, ["run", *map(str, args), "-j", "1", "--no-retranslate"], catch_exceptions=False)


JSONL_LINES = [
    b'\xef\xbb\xbf{"id": "a", "text": "' + BAD.encode() + b'", "n": 1E22, "z": -0, "k": 1, "k": 2}\r\n',
    b"\r\n",
    b'{"text":"' + CLEAN.encode() + b'","id":"b","e":"caf\\u00e9 \\ud800","big":1e999}\r\n',
    b"{not json\r\n",
    b'{"id": "c", "text": NaN}\r\n',
    b'{"id": "\\ud800", "text": "' + CLEAN.encode() + b'"}\r\n',
    b'{"id": "d", "text": "\\ud800 lone"}\r\n',
    b'{"id": "e", "text": "' + CLEAN.encode() + b'", "tqa": "old"}',  # no final newline
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run over every kind of corpus (a run costs seconds): (folder, result)."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    zstandard = pytest.importorskip("zstandard")
    tmp = tmp_path_factory.mktemp("lossless")
    src = tmp / "in"
    src.mkdir()
    (src / "news.jsonl").write_bytes(b"".join(JSONL_LINES))
    (src / "dup.csv").write_bytes(
        b"\xef\xbb\xbfid,note,text,note\r\n"
        b'1,"first, quoted","' + BAD.encode() + b'",last\r\n'
        b"2,x\xff," + CLEAN.encode() + b",y\r\n"  # invalid UTF-8 in a column tqa does not read
        b"\xff3,x," + CLEAN.encode() + b",y\r\n"  # ... and in the id
        b"4,ragged\r\n"
        b" ,x," + CLEAN.encode() + b",y\r\n"  # a blank id
        b'5,"",' + CLEAN.encode() + b',""\r\n'
    )
    (src / "header.csv").write_bytes(b"id,text\r\n")
    (src / "plain.tsv").write_bytes(b'id\ttext\tnote\n1\t"Quoted" start\t"\n2\t' + BAD.encode() + b'\tx"y\n')
    times = pa.array([1, 2, 3], pa.time64("ns"))
    pq.write_table(
        pa.table(
            {"id": [1, 2, 3], "text": [BAD, None, CLEAN], "t": times, "d": pa.array([1.5, None, 2.25], pa.float32())}
        ),
        src / "typed.parquet",
    )
    (src / "binary.html").write_bytes(b"<html>\0\0<frameset></frameset>")
    full = b"".join(json.dumps({"id": i, "text": CLEAN}).encode() + b"\n" for i in range(3000))
    (src / "cut.jsonl.gz").write_bytes(gzip.compress(full)[:2000])
    packed = zstandard.ZstdCompressor().compress(full)
    (src / "cut.jsonl.zst").write_bytes(packed[: len(packed) // 2])
    (src / "zeros.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 64)
    out = tmp / "out"
    return src, out, run(src, "--out", out)


def test_the_batch_runs_names_what_it_could_not_process_and_exits_3(batch):
    src, out, result = batch
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    for name in ("cut.jsonl.gz", "cut.jsonl.zst", "zeros.jsonl.zst"):  # unreadable: named, not written
        assert f"{name}: " in result.output and not (out / name).exists()
    assert "the compressed data ends early" in result.output


def test_jsonl_lines_keep_their_bytes_and_only_the_text_and_tqa_change(batch):
    src, out, result = batch
    lines = (out / "news.jsonl").read_bytes().splitlines(keepends=True)
    assert len(lines) == len(JSONL_LINES)
    first = lines[0]
    assert first.startswith(
        b'\xef\xbb\xbf{"id": "a", "text": "' + FIXED.encode() + b'", "n": 1E22, "z": -0, "k": 1, "k": 2, "tqa": {'
    )
    assert first.endswith(b"}\r\n")
    # unchanged text: the line as it was, with the tqa field added before the brace
    assert lines[2].startswith(JSONL_LINES[2].rstrip(b"}\r\n")) and b',"tqa":{' in lines[2]
    for i in (1, 3, 4, 5, 6):  # a blank line, not JSON, NaN, lone surrogates in the id and the text
        assert lines[i] == JSONL_LINES[i]
    assert not lines[7].endswith(b"\n") and b'"tqa": "old"' not in lines[7]
    for i in (3, 4, 5, 6):
        assert f"line {i + 1}: written back unprocessed" in result.output


def test_csv_keeps_every_column_quoting_and_line_ending(batch):
    src, out, result = batch
    lines = (out / "dup.csv").read_bytes().split(b"\r\n")
    before = (src / "dup.csv").read_bytes().split(b"\r\n")
    assert lines[0].startswith(b"\xef\xbb\xbfid,note,text,note,tqa,tqa_critical")
    assert lines[1].startswith(b'1,"first, quoted","' + FIXED.encode() + b'",last,"{')
    assert lines[2].startswith(before[2] + b",")  # invalid UTF-8 in a note column: kept, processed
    for i in (3, 4, 5):  # the id not UTF-8, a ragged row, a blank id: passed through
        assert lines[i] == before[i]
    assert lines[6].startswith(b'5,"",' + CLEAN.encode() + b',"",')
    assert (out / "header.csv").read_bytes() == b"id,text\r\n"


def test_tsv_is_read_without_quoting(batch):
    src, out, result = batch
    lines = (out / "plain.tsv").read_bytes().split(b"\n")
    assert lines[0].startswith(b"id\ttext\tnote\ttqa\t")
    assert lines[1].startswith(b'1\t"Quoted" start\t"\t') and lines[2].startswith(b"2\t" + FIXED.encode() + b'\tx"y\t')


def test_parquet_keeps_every_type_and_passes_null_texts_through(batch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src, out, result = batch
    before, after = pq.read_table(src / "typed.parquet"), pq.read_table(out / "typed.parquet")
    for name in ("id", "t", "d"):
        assert after.column(name).equals(before.column(name)), name
    assert after.schema.field("t").type == pa.time64("ns")
    assert after.column("text").to_pylist() == [FIXED, None, CLEAN]
    assert after.column("tqa").to_pylist()[1] is None and after.column("tqa_critical").to_pylist()[1] is None


def test_a_page_that_cannot_be_read_is_written_back_as_it_was(batch):
    src, out, result = batch
    assert (out / "binary.html").read_bytes() == (src / "binary.html").read_bytes()
    assert "binary.html: page: written back unprocessed" in result.output
