"""Corpora in and out: JSONL (plain, gzip, zstd), CSV/TSV, Parquet and HTML, streamed
through the batch runner and written back in the input's format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, kill_part_way, tqa

BAD = "The results were good , the the meeting said."  # a spacing repair and a repetition
CLEAN = "Trade grew by ten percent last year."


def run(*args):
    return tqa("run", *args, "-j", "1", "--no-retranslate")


def _jsonl(path: Path, rows: list, opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def _read_jsonl(path: Path, opener=open) -> list[dict]:
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


ROWS = [
    {"id": "b", "url": "http://x/b", "title": "B", "text": BAD, "language": "en"},
    {"id": "a", "url": "http://x/a", "title": "A", "text": CLEAN, "language": "en"},
]


def test_jsonl_comes_back_in_order_with_cleaned_text_and_a_tqa_field(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", ROWS)
    before = src.read_bytes()
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == before  # the input is read-only
    out = _read_jsonl(tmp_path / "out" / "news.jsonl")
    assert [r["id"] for r in out] == ["b", "a"]
    assert out[0]["url"] == "http://x/b" and out[0]["language"] == "en"  # pass-through fields
    assert list(out[0]) == ["id", "url", "title", "text", "language", "tqa"]
    assert out[0]["text"] == "The results were good, the meeting said."
    assert out[1]["text"] == CLEAN
    tqa_field = out[0]["tqa"]
    assert {f["check"] for f in tqa_field["findings"]} >= {"space-before-punctuation", "repeated-phrase"}
    assert [e["replacement"] for e in tqa_field["applied"]] and tqa_field["settings"]
    assert tqa_field["scores"]["mqm_after"] < tqa_field["scores"]["mqm_before"]
    assert out[1]["tqa"]["findings"] == []
    assert not list((tmp_path / "out").glob("*.html"))[1:]  # only index.html: no per-record reports
    assert not (tmp_path / "out" / "news.jsonl-reports").exists()


def test_cleaned_field_keeps_the_text_and_reports_only_when_asked(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", ROWS)
    out_dir = tmp_path / "out"
    assert run(src, "--out", out_dir, "--cleaned-field", "clean", "--reports", "json,html").exit_code == 0
    out = _read_jsonl(out_dir / "news.jsonl")
    assert out[0]["text"] == BAD and out[0]["clean"] == "The results were good, the meeting said."
    reports = out_dir / "news.jsonl-reports"
    assert (reports / "b.findings.json").is_file() and (reports / "a.html").is_file()
    rows = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))["articles"]
    assert [r["input"] for r in rows] == [f"{src}#b", f"{src}#a"]  # the index lists records


def test_gzip_and_zstd_jsonl_are_read_and_written_compressed(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    gz = _jsonl(tmp_path / "news.jsonl.gz", ROWS, gzip.open)
    assert run(gz, "--out", tmp_path / "out").exit_code == 0
    out = _read_jsonl(tmp_path / "out" / "news.jsonl.gz", gzip.open)
    assert out[0]["text"] == "The results were good, the meeting said."
    zst = tmp_path / "news.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress("".join(json.dumps(r) + "\n" for r in ROWS).encode()))
    assert run(zst, "--out", tmp_path / "out").exit_code == 0
    lines = zstandard.ZstdDecompressor().stream_reader((tmp_path / "out" / "news.jsonl.zst").open("rb")).read()
    assert [json.loads(x)["id"] for x in lines.splitlines()] == ["b", "a"]


def test_csv_and_tsv_keep_their_header_and_gain_a_tqa_column(tmp_path):
    import csv

    from pipeline.io.base import FLAT_COLUMNS

    for name, sep, note in (("segments.csv", ",", "multi\nline, quoted"), ("segments.tsv", "\t", '"Quoted" start')):
        src = tmp_path / name
        with src.open("w", encoding="utf-8", newline="") as f:
            if sep == ",":
                w = csv.writer(f, delimiter=sep)
                w.writerows([["seg", "text", "note"], ["s1", BAD, note], ["s2", CLEAN, ""]])
            else:  # TSV has no quoting: a quote is a character
                f.write(f"seg\ttext\tnote\ns1\t{BAD}\t{note}\ns2\t{CLEAN}\t\n")
        result = run(src, "--out", tmp_path / "out", "--id-field", "seg")
        assert result.exit_code == 0, result.output
        with (tmp_path / "out" / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=sep, quoting=csv.QUOTE_MINIMAL if sep == "," else csv.QUOTE_NONE))
        assert list(rows[0]) == ["seg", "text", "note", "tqa", *FLAT_COLUMNS]
        assert [r["seg"] for r in rows] == ["s1", "s2"]
        assert rows[0]["text"] == "The results were good, the meeting said." and rows[0]["note"] == note
        assert json.loads(rows[0]["tqa"])["findings"]
        assert rows[0]["tqa_changed"] == "true" and rows[1]["tqa_changed"] == "false"
        assert rows[1]["tqa_critical"] == rows[1]["tqa_major"] == rows[1]["tqa_minor"] == "0"
        # the row tqa did not change is written back as it was, quoting and all
        assert src.read_bytes().splitlines()[2] in (tmp_path / "out" / name).read_bytes()


def test_parquet_with_three_fields_keeps_its_schema_and_is_read_by_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "text": [BAD, CLEAN, BAD], "lang": ["en", "en", "en"]})
    src = tmp_path / "corpus.parquet"
    pq.write_table(table, src, row_group_size=1)  # three row groups
    assert pq.ParquetFile(src).num_row_groups == 3
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = pq.read_table(tmp_path / "out" / "corpus.parquet")
    from pipeline.io.base import FLAT_COLUMNS

    assert out.schema.names == ["id", "text", "lang", "tqa", *FLAT_COLUMNS]
    assert out.schema.field("id").type == pa.int64()
    assert pa.types.is_struct(out.schema.field("tqa").type)  # nested, not JSON text
    assert out.column("id").to_pylist() == [1, 2, 3]
    assert out.column("text").to_pylist()[0] == "The results were good, the meeting said."
    assert out.column("tqa").to_pylist()[1]["findings"] == []
    assert out.column("tqa_changed").to_pylist() == [True, False, True]


PAGE = """<!DOCTYPE html>
<html><head><title>The the title</title><style>.a , .b { color: red }</style></head>
<body><nav><a href="/">Home , the the menu</a></nav>
<script>var s = "text , here the the";</script>
<p class="lead">The results were <i>very <em>good</em> , indeed</i> &amp; fine.</p>
<p>The the <b>meeting</b> opened a new  era.</p>
<p>It was <b>the</b> the end.</p>
</body></html>
"""


def test_html_findings_are_on_visible_text_and_repairs_keep_the_markup_byte_for_byte(tmp_path):
    src = tmp_path / "page.html"
    src.write_bytes(PAGE.encode("utf-8"))
    found = json.loads(tqa("check", src, "--format", "json").stdout)["files"][0]
    texts = [f["text"] for f in found["findings"]]
    assert " ," in texts and "The the" in texts
    assert all("menu" not in t and "title" not in t and "here" not in t for t in texts)  # no nav, head, script
    assert not any(f["start"] < 0 for f in found["findings"])
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    # the repairs inside text nodes, nested inline markup around them unchanged; the one that
    # crosses markup (``<b>the</b> the``) is left out and said so
    assert written == PAGE.replace("</em> , indeed", "</em>, indeed").replace("<p>The the <b>", "<p>The <b>")
    assert "cross markup" in result.output


def test_malformed_records_are_named_skipped_and_counted_in_exit_3(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_bytes(
        b"\n".join(
            [
                json.dumps({"id": "ok1", "text": BAD}).encode(),
                b"{not json",
                json.dumps({"id": "x", "body": "no text field"}).encode(),
                json.dumps({"id": "y", "text": ["a list"]}).encode(),
                b'{"id": "z", "text": "caf\xe9"}',
                b"[1, 2]",
                json.dumps({"id": "ok2", "text": CLEAN}).encode(),
            ]
        )
        + b"\n"
    )
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 3
    for line in (
        "line 2: written back unprocessed: not JSON",
        "line 3: written back unprocessed: no 'text' field",
        "line 4: written back unprocessed: field 'text' is a list",
        "line 5: written back unprocessed: not UTF-8",
        "line 6: written back unprocessed: a JSON list",
    ):
        assert line in result.output
    assert "5 malformed record(s) written back unprocessed" in result.output
    assert "Traceback" not in result.output
    # every line back, in order; the ones tqa could not use byte for byte
    before, after = src.read_bytes().splitlines(), (tmp_path / "out" / "news.jsonl").read_bytes().splitlines()
    assert len(after) == 7 and after[1:6] == before[1:6]
    assert [json.loads(after[i])["id"] for i in (0, 6)] == ["ok1", "ok2"]
    checked = tqa("check", src, "--format", "json")
    assert checked.exit_code == 3


def test_duplicate_ids_are_an_error_with_their_line_numbers(tmp_path):
    src = _jsonl(
        tmp_path / "news.jsonl", [{"id": 7, "text": BAD}, {"id": "b", "text": CLEAN}, {"id": 7, "text": CLEAN}]
    )
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "duplicate ids: id 7 at line 1 and line 3" in result.output
    assert not (tmp_path / "out" / "news.jsonl").exists()


def test_ids_are_compared_as_written_an_integer_and_a_string_differ(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", [{"id": 7, "text": BAD}, {"id": "7", "text": CLEAN}])
    result = run(src, "--out", tmp_path / "out", "--reports", "html")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _read_jsonl(tmp_path / "out" / "news.jsonl")] == [7, "7"]
    assert len(list((tmp_path / "out" / "news.jsonl-reports").glob("*.html"))) == 2


def test_ids_default_to_row_numbers_and_the_format_can_be_forced(tmp_path):
    src = _jsonl(tmp_path / "rows.txt", [{"body": BAD}, {"body": CLEAN}])
    result = tqa("check", src, "--input-format", "jsonl", "--text-field", "body", "--format", "json")
    files = json.loads(result.stdout)["files"]
    assert [(f["id"], f["where"]) for f in files] == [("1", "line 1"), ("2", "line 2")]
    bad = tqa("check", src, "--input-format", "xml")
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.output


def test_check_json_gives_the_record_id_and_offsets_into_its_text(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", [{"id": "c", "text": CLEAN}, {"id": "d", "text": "Intro.\n\n" + BAD}])
    doc = json.loads(tqa("check", src, "--format", "json").stdout)
    record = doc["files"][1]
    assert record["id"] == "d" and record["path"] == str(src)
    text = "Intro.\n\n" + BAD
    assert record["findings"] and all(text[f["start"] : f["end"]] == f["text"] for f in record["findings"])
    lines = tqa("check", src).stdout
    assert f"{src}#d:3:" in lines  # text lines: record, then line:col inside its text


def test_source_field_pairs_a_record_with_its_chinese_original(tmp_path):
    rows = [{"id": "n", "text": "On January 25, the summit opened.", "zh": "1月26日，峰会开幕。"}]
    src = _jsonl(tmp_path / "news.jsonl", rows)
    doc = json.loads(tqa("check", src, "--source-field", "zh", "--format", "json").stdout)
    assert "number-mismatch" in {f["check"] for f in doc["files"][0]["findings"]}
    without = json.loads(tqa("check", src, "--format", "json").stdout)
    assert "number-mismatch" not in {f["check"] for f in without["files"][0]["findings"]}


def test_out_must_not_overwrite_the_input(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", ROWS)
    result = run(src, "--out", tmp_path)
    assert result.exit_code == 2 and "would overwrite the input" in result.output


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="kills a run part-way (Linux)")
def test_a_killed_corpus_run_resumes_per_record_to_a_byte_identical_file(tmp_path, sample_path):
    import os
    import subprocess
    import sys

    seed = sample_path.read_text(encoding="utf-8")
    src = _jsonl(
        tmp_path / "news.jsonl", [{"id": f"n{i}", "text": f"{seed}\n\nArticle {i} , the the end."} for i in range(130)]
    )
    env = {**os.environ, "TQA_MODELS_DIR": str(tmp_path / "models"), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "run", str(src), "-j", "2"]
    full = tmp_path / "full"
    subprocess.run([*command, "--out", str(full)], env=env, check=True, capture_output=True)

    killed = tmp_path / "killed"
    _, done_before = kill_part_way(command, killed, env)
    assert 0 < done_before < 130, "the run must be killed part-way"
    assert not (killed / "news.jsonl").exists()  # nothing half-written in place

    resumed = subprocess.run([*command, "--out", str(killed), "--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} unchanged since the last run" in resumed.stdout
    assert not list(killed.glob(".*.tmp"))
    assert (killed / "news.jsonl").read_bytes() == (full / "news.jsonl").read_bytes()
    assert (killed / "summary.json").read_bytes() == (full / "summary.json").read_bytes()


def test_malformed_csv_rows_and_parquet_values_are_named_by_row(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "segments.csv"
    src.write_text(f"id,text\ns1,{BAD.replace(',', '')}\ns2,a,b\ns3,{CLEAN}\n", encoding="utf-8")
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 3 and "row 2: written back unprocessed: has 3 fields, the header has 2" in result.output
    assert b"\ns2,a,b\n" in (tmp_path / "out" / "segments.csv").read_bytes()
    parquet = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["x", "y"], "text": [None, CLEAN]}), parquet)
    result = run(parquet, "--out", tmp_path / "out")
    assert (
        result.exit_code == 3
        and "row 1: written back unprocessed: field 'text' is empty, not a string" in result.output
    )
    back = pq.read_table(tmp_path / "out" / "c.parquet")
    assert back.column("id").to_pylist() == ["x", "y"] and back.column("text").to_pylist()[0] is None
    assert back.column("tqa").to_pylist()[0] is None


def test_a_corpus_takes_its_original_from_a_field_not_from_source(tmp_path):
    src = _jsonl(tmp_path / "news.jsonl", ROWS)
    result = tqa("check", src, "--source", tmp_path)
    assert result.exit_code == 2 and "--source-field" in result.output


def test_corpus_bench_runs_at_toy_sizes(tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "corpus.json"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "bench/corpus.py",
            "--sizes",
            "2,4",
            "--files-max",
            "2",
            "--commands",
            "check",
            "--jobs",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {(r["input"], r["records"]) for r in report["results"]} == {
        ("jsonl", 2),
        ("parquet", 2),
        ("files", 2),
        ("jsonl", 4),
        ("parquet", 4),
    }
    assert {"check jsonl vs files at 2", "check parquet peak 4 vs 2"} <= set(report["ratios"])


def test_parquet_duplicate_ids_are_found_from_the_id_column(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["x", "y", "x"], "text": [BAD, CLEAN, CLEAN]}), src, row_group_size=2)
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "id 'x' at row 1 and row 3" in result.output


def test_a_resumed_corpus_run_exports_the_same_findings_as_an_uninterrupted_one(tmp_path):
    rows = [{"id": f"r{i}", "text": f"Line one.\nRecord {i} , the the end."} for i in range(3)]
    full = tmp_path / "full"
    (tmp_path / "all").mkdir()
    assert run(_jsonl(tmp_path / "all" / "news.jsonl", rows), "--out", full).exit_code == 0
    out = tmp_path / "out"
    src = _jsonl(tmp_path / "news.jsonl", rows[:2])
    assert run(src, "--out", out).exit_code == 0
    _jsonl(src, rows)  # a record added: the first two are finished, the third is new
    result = run(src, "--out", out, "--resume")
    assert result.exit_code == 0 and "(2 unchanged since the last run)" in result.stdout
    for name in ("findings.jsonl", "findings.csv"):
        got = (out / name).read_text(encoding="utf-8").replace(str(src), "SRC")
        want = (full / name).read_text(encoding="utf-8").replace(str(tmp_path / "all" / "news.jsonl"), "SRC")
        assert got == want, name
    exported = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(r["record"], r["line"], r["check"]) for r in exported} >= {
        ("r0", 2, "repeated-phrase"),
        ("r1", 2, "space-before-punctuation"),
        ("r2", 2, "repeated-phrase"),
    }


def test_a_resumed_run_reads_finished_records_back_one_at_a_time_not_all_at_once(tmp_path):
    import tracemalloc

    from pipeline.stages.manifest import Manifest

    def entry(i: int) -> dict:
        text = f"Record {i}. " + "Trade grew by ten percent last year. " * 120  # ~4 KB of output each
        return {
            "input": f"c.jsonl#{i}",
            "input_sha256": str(i),
            "settings": "s",
            "outputs": [],
            "row": {"stem": f"c.jsonl-reports/{i}"},
            "record": {"cleaned": text, "tqa": {"findings": []}},
        }

    Manifest(tmp_path).record_all([entry(i) for i in range(3000)])  # ~13 MB of finished records
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"input": "torn')  # a killed run's last line
    tracemalloc.start()
    manifest = Manifest(tmp_path).load()
    held, _ = tracemalloc.get_traced_memory()
    found = manifest.finished("c.jsonl#2999", "2999", "s", "c.jsonl-reports/2999")
    tracemalloc.stop()
    assert held < 1_000_000, f"the manifest holds {held:,} bytes after loading 3,000 finished records"
    assert found is not None and found["record"]["cleaned"].startswith("Record 2999. ")
    assert manifest.finished("c.jsonl#7", "changed", "s", "c.jsonl-reports/7") is None
    assert len(manifest) == 3000 and manifest.entry("torn") is None


def test_parquet_is_read_a_bounded_batch_at_a_time_even_from_one_huge_row_group(tmp_path):
    import tracemalloc

    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from pipeline.io import Fields, parquet

    n = 4000  # ~9 MB of text, all in one row group, as other tools write a whole table
    src = tmp_path / "one-group.parquet"
    pq.write_table(
        pa.table(
            {"id": [str(i) for i in range(n)], "text": [f"Record {i}. " + "Trade grew. " * 180 for i in range(n)]}
        ),
        src,
        row_group_size=n,
    )
    assert pq.ParquetFile(src).num_row_groups == 1
    tracemalloc.start()
    records = parquet.read(src, Fields())
    first = next(records)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert first.id == "0" and held < 2_000_000, f"{held:,} bytes held for the first record"
    assert sum(1 for _ in records) == n - 1
