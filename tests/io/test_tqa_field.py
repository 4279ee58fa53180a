"""The ``tqa`` field written back into a corpus: offsets that say what they index, one type
per key, a JSON Schema it meets, flat typed columns beside it; and the refusals before any
work (a field the first record lacks, a column of the wrong type)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.support import REPO_ROOT

runner = CliRunner()
SCHEMA = REPO_ROOT / "pipeline" / "report" / "schema" / "tqa-field.schema.json"
BAD = "The results were good , the the meeting said."
TEXT = "\n\n".join(
    [f"{BAD} Paragraph {i} delivered an important speech , and the the talks went on." for i in range(4)]
)


def run(*args):
    return runner.invoke(app, ["run", *map(str, args), "-j", "1", "--no-retranslate"], catch_exceptions=False)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tqa_field")
    src = tmp / "news.jsonl"
    src.write_text(
        json.dumps({"id": "doc-03", "text": TEXT}) + "\n" + json.dumps({"id": "ok", "text": "Trade grew."}) + "\n",
        encoding="utf-8",
    )
    result = run(src, "--out", tmp / "out")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in (tmp / "out" / "news.jsonl").read_text(encoding="utf-8").splitlines()]


def test_start_end_index_the_original_and_cleaned_offsets_the_written_text(written):
    record = written[0]
    cleaned, tqa = record["text"], record["tqa"]
    assert cleaned != TEXT and len(tqa["applied"]) >= 8
    for f in tqa["findings"]:
        assert TEXT[f["start"] : f["end"]] == f["text"]
        if f["cleaned_start"] is not None and not any(
            a["start"] < f["end"] and f["start"] < a["end"] or a["start"] == a["end"] for a in tqa["applied"]
        ):  # untouched by any repair: the same characters in the written text
            assert cleaned[f["cleaned_start"] : f["cleaned_end"]] == f["text"]
    for a in tqa["applied"]:
        assert TEXT[a["start"] : a["end"]] == a["text"]
        assert cleaned[a["cleaned_start"] : a["cleaned_end"]] == a["replacement"]
    last = [f for f in tqa["findings"] if f["start"] > len(TEXT) - 40]
    assert last and all(f["cleaned_start"] is not None and f["cleaned_start"] < f["start"] for f in last)
    assert isinstance(tqa["findings_after"], list)  # a list like findings, not a count
    for f in tqa["findings_after"]:
        assert cleaned[f["cleaned_start"] : f["cleaned_end"]] == f["text"]


def test_a_removed_span_has_null_cleaned_offsets():
    from pipeline.stages.corpus import map_span

    moves = [(4, 8, 0), (10, 10, 3)]  # "abcd[efgh]ij" -> "abcdij", then 3 characters inserted at 10
    assert map_span(moves, 5, 7) == (None, None)  # inside the removed part
    assert map_span(moves, 0, 4) == (0, 4)
    assert map_span(moves, 2, 9) == (2, 5)
    assert map_span(moves, 10, 12) == (9, 11)  # after the insertion
    assert map_span(moves, 9, 10) == (5, 6)  # before it


def test_the_tqa_field_meets_its_json_schema(written):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for record in written:
        validator.validate(record["tqa"])
    validator.validate({"error": "boom"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**written[0]["tqa"], "findings_after": 3})


def test_a_field_the_first_record_lacks_stops_before_any_work(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": "Trade grew."}) + "\n" for i in range(50)), encoding="utf-8")
    result = run(src, "--out", tmp_path / "out", "--text-field", "body")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "'body'" in result.output and "they have 'id', 'text'" in result.output
    assert not (tmp_path / "out" / "news.jsonl").exists()
    result = run(src, "--out", tmp_path / "out", "--source-field", "zh")
    assert result.exit_code == 2 and "--source-field 'zh'" in result.output


def test_parquet_columns_of_another_type_are_one_line_before_any_work(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": [1], "text": ["Trade grew."], "tqa": [5], "n": [3]}), src)
    result = run(src, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "'tqa' column of type int64" in result.output and "Traceback" not in result.output
    pq.write_table(pa.table({"id": [1], "text": ["Trade grew."], "n": [3]}), src)
    result = run(src, "--out", tmp_path / "out", "--cleaned-field", "n")
    assert result.exit_code == 2 and "--cleaned-field 'n' is a column of type int64" in result.output


def test_report_names_are_cut_by_bytes(tmp_path):
    from pipeline.stages.corpus import _safe

    name = _safe("新" * 100, "s:" + "新" * 100)
    assert len(name.encode("utf-8")) <= 200 - len(".findings.json")
    assert _safe("1", "s:1") != _safe("1", "i:1")
    src = tmp_path / "news.jsonl"
    src.write_text(json.dumps({"id": "新" * 100, "text": BAD}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run(src, "--out", tmp_path / "out", "--reports", "html,json")
    assert result.exit_code == 0, result.output


def test_no_link_to_a_report_that_was_not_written(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"id": f"doc-{i}", "text": BAD}) + "\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "out"
    assert run(src, "--out", out).exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "news.jsonl-reports" not in index and not (out / "news.jsonl-reports").exists()
    export = (out / "findings.csv").read_text(encoding="utf-8") if (out / "findings.csv").exists() else ""
    assert export and "news.jsonl-reports" not in export
    assert "news.jsonl-reports" not in (out / "summary.md").read_text(encoding="utf-8")
    assert run(src, "--out", tmp_path / "out2", "--reports", "html,json,export").exit_code == 0
    index = (tmp_path / "out2" / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="(news\.jsonl-reports/[^"]+)"', index):
        assert (tmp_path / "out2" / href).exists(), href
    assert "news.jsonl-reports/doc-0.html" in index
