"""``tqa stats OUT`` on a run made here: per-check distributions, the PNG, JSON, the
thresholds of tqa.toml, and one-line errors for a folder that is not a run's output."""

from __future__ import annotations

import json
import sys

import pytest

from tests.support import TEST_DATA, tqa

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("stats") / "out"
    result = tqa("run", TEST_DATA / "devset", "--out", out, "--reports", "json")
    assert result.exit_code == 0, result.output
    return out


def test_stats_prints_each_checks_distribution(run_out):
    result = tqa("stats", run_out)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("tqa stats: 17 record(s) processed")
    assert "repeated-phrase: 3 of 17 record(s) with findings (17.6%)" in out
    assert "score: share of the text in repeated phrases" in out
    assert "findings per 1,000 words" in out and "p99" in out and "█" in out


def test_stats_writes_a_png(run_out, tmp_path):
    png = tmp_path / "plots" / "stats.png"
    result = tqa("stats", run_out, "--plot", png)
    assert result.exit_code == 0, result.output
    data = png.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"


def test_stats_json_and_the_config_threshold(run_out, tmp_path):
    config = tmp_path / "tqa.toml"
    config.write_text("[checks.repeated-phrase]\nfail_threshold = 0.25\n", encoding="utf-8")
    result = tqa("stats", run_out, "--json", "--config", config)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    repeated = data["checks"]["repeated-phrase"]
    assert data["records"] == 17 and repeated["flagged"] == 3
    assert repeated["fail_threshold"] == {"value": 0.25, "flags": 2}
    assert set(repeated["per_1000w"]) == {"p50", "p90", "p99", "max"}


def test_the_summary_rows_and_reports_carry_the_figures(run_out):
    rows = [json.loads(line) for line in (run_out / "summary.jsonl").read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r.get("n_repeated-phrase"))
    assert row["per1000w_repeated-phrase"] == round(1000 * row["n_repeated-phrase"] / row["words"], 2)
    assert 0 < row["score_repeated-phrase"] <= 1
    report = json.loads((run_out / f"{row['stem']}.findings.json").read_text(encoding="utf-8"))
    figures = report["scores"]["before"]["checks"]["repeated-phrase"]
    assert figures == {
        "findings": row["n_repeated-phrase"],
        "per_1000w": row["per1000w_repeated-phrase"],
        "score": row["score_repeated-phrase"],
    }


def test_the_corpus_tqa_field_carries_the_figures(tmp_path):
    corpus = tmp_path / "c.jsonl"
    text = "China China relations are good. Trade grew by ten percent last year.\n"
    corpus.write_text(json.dumps({"id": "1", "text": text}) + "\n", encoding="utf-8")
    assert tqa("run", corpus, "--out", tmp_path / "out").exit_code == 0
    tqa_field = json.loads((tmp_path / "out" / "c.jsonl").read_text(encoding="utf-8"))["tqa"]
    scores = tqa_field["scores"]
    assert scores["words"] == 12
    assert scores["checks"]["repeated-phrase"]["findings"] == 1
    assert scores["checks"]["repeated-phrase"]["per_1000w"] == 83.33


def test_a_threshold_in_tqa_toml_decides_fail_on(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "The two sides will reduce poverty reduction, reduce poverty reduction in the region, "
        "and trade grew by ten percent last year.\n",
        encoding="utf-8",
    )  # one major repeated-phrase finding, over about 40% of the text
    config = tmp_path / "tqa.toml"
    assert tqa("check", article, "--fail-on", "major").exit_code == 1
    config.write_text("[checks.repeated-phrase]\nfail_threshold = 0.6\n", encoding="utf-8")
    assert tqa("check", article, "--fail-on", "major", "--config", config).exit_code == 0
    out = tmp_path / "out"
    common = ("run", article, "--out", out, "--apply", "none", "--fail-on", "major")
    assert tqa(*common, "--config", config).exit_code == 0
    config.write_text("[checks.repeated-phrase]\nfail_threshold = 0.05\n", encoding="utf-8")
    assert tqa("check", article, "--fail-on", "major", "--config", config).exit_code == 1
    assert tqa(*common, "--config", config).exit_code == 1


def test_a_bad_threshold_is_one_line(tmp_path):
    config = tmp_path / "tqa.toml"
    config.write_text('[checks.calque]\nfail_threshold = "high"\n', encoding="utf-8")
    result = tqa("check", "-", "--config", config, input="Hello.\n")
    assert result.exit_code == 2
    assert "[checks.calque]: fail_threshold must be a number >= 0" in result.output


def test_stats_errors_are_one_line(tmp_path):
    for folder, message in (
        (tmp_path / "missing", "no such folder"),
        (tmp_path, "not a tqa output folder (no summary.jsonl or summary.json)"),
    ):
        result = tqa("stats", folder)
        assert result.exit_code == 2
        assert f"tqa: error: {folder}: {message}" in result.output
        assert "Traceback" not in result.output


def test_plot_without_matplotlib_says_how_to_get_it(run_out, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    result = tqa("stats", run_out, "--plot", tmp_path / "x.png")
    assert result.exit_code == 2
    assert "--plot needs matplotlib: pip install 'tqa[stats]'" in result.output
    assert not (tmp_path / "x.png").exists()


def test_stats_check_keeps_the_named_checks(run_out):
    result = tqa("stats", run_out, "--check", "repeated-phrase")
    assert result.exit_code == 0
    assert "repeated-phrase:" in result.output and "calque:" not in result.output
    result = tqa("stats", run_out, "--check", "no-such-check")
    assert result.exit_code == 2 and "--check: unknown check(s) no-such-check" in result.output
