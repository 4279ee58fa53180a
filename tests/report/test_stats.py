"""``tqa stats``' figures: percentiles as numpy computes them, records without findings as
zero rates, histograms and what a threshold flags, and the summary read back."""

from __future__ import annotations

import json
from array import array

import numpy as np
import pytest

from pipeline.report.stats import NotAnOutput, percentile, read_rows, run_stats, stats_text, summary_path

KNOWN = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]


@pytest.mark.parametrize("q", [0, 10, 50, 90, 99, 100])
def test_percentiles_are_numpys_linear_ones(q):
    values = array("d", sorted(KNOWN))
    assert percentile(values, q) == pytest.approx(np.percentile(KNOWN, q))
    # records without findings are zeros ahead of the values, never stored
    assert percentile(values, q, zeros=7) == pytest.approx(np.percentile(KNOWN + [0.0] * 7, q))


def test_percentile_of_nothing_or_out_of_range_is_refused():
    with pytest.raises(ValueError):
        percentile(array("d"), 50)
    with pytest.raises(ValueError):
        percentile(array("d", [1.0]), 101)


def _rows() -> list[dict]:
    rows = [{"status": "ok", "words": 100} for _ in range(6)]
    for row, rate, share in zip(rows, (10.0, 20.0, 40.0), (0.1, 0.2, 0.5)):
        row.update({"n_untranslated": 1, "per1000w_untranslated": rate, "score_untranslated": share})
    rows.append({"status": "error", "error": "unreadable"})
    return rows


def test_run_stats_counts_flagged_records_and_zero_rates():
    stats = run_stats(_rows())
    assert (stats.records, stats.failed) == (6, 1)
    c = stats.checks["untranslated"]
    assert c.flagged == 3
    rates = c.rate_percentiles(stats.records)
    assert rates["p50"] == pytest.approx(np.percentile([0, 0, 0, 10, 20, 40], 50))
    assert rates["p90"] == pytest.approx(np.percentile([0, 0, 0, 10, 20, 40], 90))
    assert rates["max"] == 40.0
    assert c.score_percentiles()["p50"] == pytest.approx(0.2)
    assert c.at_or_above(0.2) == 2
    bins = c.histogram(5)
    # five bins of 0.1 up to 0.5, each from its lower edge: 0.1, 0.2, and 0.5 in the last
    assert [n for _, _, n, _ in bins] == [0, 1, 1, 0, 1]
    assert [above for _, _, _, above in bins] == [3, 3, 2, 1, 1]
    data = stats.to_dict({"untranslated": 0.15})
    assert data["checks"]["untranslated"]["fail_threshold"] == {"value": 0.15, "flags": 2}


def test_text_names_the_score_and_the_threshold():
    text = stats_text(
        run_stats(_rows()), {"untranslated": "share of the text left untranslated"}, {"untranslated": 0.15}
    )
    assert "untranslated: 3 of 6 record(s) with findings (50.0%)" in text
    assert "score: share of the text left untranslated" in text
    assert "tqa.toml fail_threshold 0.15: flags 2 of 6 record(s)" in text
    assert "█" in text


def test_summary_is_read_from_jsonl_or_json(tmp_path):
    rows = _rows()
    (tmp_path / "summary.json").write_text(json.dumps({"schema": "tqa-summary/1", "articles": rows}), encoding="utf-8")
    assert list(read_rows(summary_path(tmp_path))) == rows
    (tmp_path / "summary.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert summary_path(tmp_path).name == "summary.jsonl"
    assert list(read_rows(summary_path(tmp_path))) == rows


@pytest.mark.parametrize(
    "content, message",
    [("{not json\n", "not valid JSON"), ('{"a": 1}\n', "row 1 is not a tqa summary row"), (b"\xff\n", "not UTF-8")],
)
def test_a_broken_summary_is_one_error(tmp_path, content, message):
    path = tmp_path / "summary.jsonl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(NotAnOutput, match=message):
        list(read_rows(path))


def test_a_folder_without_a_summary_is_not_an_output(tmp_path):
    with pytest.raises(NotAnOutput, match="not a tqa output folder"):
        summary_path(tmp_path)
    with pytest.raises(NotAnOutput, match="no such folder"):
        summary_path(tmp_path / "missing")


def test_a_summary_without_figures_says_so():
    stats = run_stats([{"status": "ok", "n_calque": 2}, {"status": "ok"}])
    assert stats.unscored == 1 and not stats.checks
    assert "1 record(s) with findings have no per-check figures" in stats_text(stats, {})
