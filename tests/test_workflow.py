"""The review workflow without silent failures (issue 10): preflight errors, guard and
ignore-list counts, --fail-on explanations, `tqa accept` selectors, `tqa check` output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()
STEM = "000_0e67fac1f9dc59aa"


def tqa(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture()
def seeds(tmp_path: Path, sample_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / sample_path.name)
    return folder


@pytest.fixture()
def report(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert tqa("run", seeds, "--out", out, "-j", "1").exit_code == 0
    return out / f"{STEM}.findings.json"


# --- no silent failures -----------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (("--model", "no-such-org/no-such-model"), "--model no-such-org/no-such-model"),
    (("--model", "./no/such/folder"), "does not exist"),
    (("--backend", "ct2"), "--backend ct2"),
    (("--round-trip-model", "./missing-en-zh"), "--round-trip-model"),
])
def test_explicit_models_that_do_not_exist_stop_before_any_work(seeds, tmp_path, monkeypatch, args, says):
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    out = tmp_path / "out"
    result = tqa("run", seeds, "--out", out, *args)
    assert result.exit_code == 2
    assert says in result.stderr and result.stderr.strip().count("\n") == 0
    assert not out.exists()  # nothing was written


def test_cuda_without_cuda_is_a_usage_error(seeds, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = tqa("run", seeds, "--out", tmp_path / "out", "--device", "cuda")
    assert result.exit_code == 2 and "--device cuda" in result.stderr and "CUDA" in result.stderr


def test_the_default_model_missing_stays_a_notice(seeds, tmp_path, monkeypatch):
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    result = tqa("run", seeds, "--out", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0 and "not retranslated" in result.stderr


def test_guard_rejections_are_counted_and_explained(seeds, tmp_path, tiny_model_dir):
    result = tqa("run", seeds, "--out", tmp_path / "out", "--model", tiny_model_dir, "-j", "1", "--max-length", "48")
    assert result.exit_code == 0
    line = next(l for l in result.stderr.splitlines() if "output guard rejected" in l)
    assert "rejected 1 translation(s) (1 " in line and "--no-guard" in line


def test_no_guard_says_what_the_guard_would_have_rejected(seeds, tmp_path, tiny_model_dir):
    out = tmp_path / "out"
    result = tqa("run", seeds, "--out", out, "--model", tiny_model_dir, "-j", "1", "--max-length", "48", "--no-guard")
    assert result.exit_code == 0
    assert "--no-guard applied 1 translation(s) the guard rejects" in result.stderr
    report = json.loads((out / f"{STEM}.findings.json").read_text(encoding="utf-8"))
    assert any("--no-guard" in n for n in report["notices"])


def test_no_guard_making_the_penalty_worse_is_said():
    from pipeline.batch import Job, Outcome
    from pipeline.run_summary import RunTally

    tally = RunTally()
    outcome = Outcome(Job(Path("a.txt"), "a"), row={"mqm_before": 10.0, "mqm_after": 12.5},
                      unguarded=["translation rejected (repetition loop: \"the\" 5 times in a row)"])
    tally.add(outcome, None)
    lines = tally.lines(None)
    assert any("(1 repetition loop)" in l for l in lines)
    assert any("made the MQM penalty worse in 1 article(s): a.txt" in l for l in lines)


def test_fail_on_names_the_findings_that_caused_exit_1(seeds, tmp_path):
    result = tqa("run", seeds, "--out", tmp_path / "out", "-j", "1", "--fail-on", "major")
    assert result.exit_code == 1
    assert "exit status 1: findings at or above major remain in 1 article(s)" in result.stderr
    assert "critical untranslated" in result.stderr and STEM in result.stderr
    assert "minor" not in result.stderr.split("exit status 1")[1]  # only what caused it


def test_check_fail_on_names_the_findings_too(seeds):
    result = tqa("check", seeds, "--fail-on", "critical")
    assert result.exit_code == 1
    assert "exit status 1: 1 finding(s) at or above critical" in result.stderr


# --- tqa accept ---------------------------------------------------------------------------

def test_accept_without_a_selector_accepts_nothing(report, tmp_path):
    result = tqa("accept", report)
    assert result.exit_code == 2 and "--all" in result.stderr
    assert not (tmp_path / ".tqa-ignore.json").exists()


def test_accept_all_and_numbers_confirm_what_was_accepted(report, tmp_path):
    result = tqa("accept", report, "-n", "1")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("  #1 ")
    assert "1 finding(s) added" in result.stdout
    everything = tqa("accept", report, "--all")
    assert "critical untranslated" in everything.stdout and "already there" in everything.stdout


def test_accept_rejects_unknown_check_ids(report):
    result = tqa("accept", report, "--check", "calques")
    assert result.exit_code == 2 and "--check calques: no such check" in result.stderr
    assert tqa("accept", report, "--check", "low-confidence").exit_code == 0  # model-made, still a check


def test_accept_takes_the_decisions_file_saved_from_the_page(report, tmp_path):
    from pipeline.review import decisions_from_report

    payload = json.loads(report.read_text(encoding="utf-8"))
    decisions = decisions_from_report(payload)
    first = decisions["changes"][0]
    first["decision"] = "reject"  # the reviewer keeps the original text here
    for c in decisions["changes"][1:]:
        c["decision"] = "accept"
    saved = tmp_path / f"{STEM}.decisions.json"
    saved.write_text(json.dumps(decisions), encoding="utf-8")
    result = tqa("accept", saved)
    assert result.exit_code == 0, result.output
    assert "1 finding(s) added" in result.stdout and f"#1 " in result.stdout
    entry = json.loads((tmp_path / ".tqa-ignore.json").read_text(encoding="utf-8"))["accepted"]
    assert [e["check"] for e in entry] == [first["check"]]


def test_check_and_run_say_how_many_findings_the_ignore_list_hid(report, seeds, tmp_path):
    assert tqa("accept", report, "--check", "calque").exit_code == 0
    checked = tqa("check", seeds)
    assert "finding(s) hidden by the ignore list" in checked.stderr
    ran = tqa("run", seeds, "--out", tmp_path / "again", "-j", "1")
    assert "21 finding(s) hidden by the ignore list" in ran.stderr
    assert "21 finding(s) hidden by the ignore list" in checked.stderr


def test_checks_lists_the_model_made_check_too():
    assert "low-confidence" in tqa("checks").stdout
