"""The review workflow without silent failures: preflight errors, guard and
ignore-list counts, --fail-on explanations, `tqa accept` selectors, `tqa check` output."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.findings import Finding, Severity
from tests.support import REPO_ROOT, runner, tqa

STEM = "000_0e67fac1f9dc59aa"


@pytest.fixture()
def report(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert tqa("run", seeds, "--out", out, "-j", "1").exit_code == 0
    return out / f"{STEM}.findings.json"


# --- no silent failures -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args, says",
    [
        (("--model", "no-such-org/no-such-model"), "--model no-such-org/no-such-model"),
        (("--model", "./no/such/folder"), "does not exist"),
        (("--backend", "ct2"), "--backend ct2"),
        (("--round-trip-model", "./missing-en-zh"), "--round-trip-model"),
    ],
)
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
    from pipeline.report.run_summary import RunTally
    from pipeline.stages.job import Job, Outcome

    tally = RunTally()
    outcome = Outcome(
        Job(Path("a.txt"), "a"),
        row={"mqm_before": 10.0, "mqm_after": 12.5},
        unguarded=['translation rejected (repetition loop: "the" 5 times in a row)'],
    )
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


def test_accept_takes_only_the_dismissed_findings_of_a_decisions_file(report, tmp_path):
    from pipeline.review.decisions import decisions_from_report

    payload = json.loads(report.read_text(encoding="utf-8"))
    untouched = tmp_path / f"{STEM}.decisions.json"
    untouched.write_text(json.dumps(decisions_from_report(payload)), encoding="utf-8")
    result = tqa("accept", untouched)  # saved without deciding anything: nothing is hidden
    assert result.exit_code == 0, result.output
    assert "0 finding(s) added" in result.stdout and "pending finding(s) left out" in result.stdout
    assert not (tmp_path / ".tqa-ignore.json").exists()

    decisions = decisions_from_report(payload)
    first, second = decisions["items"][0], decisions["items"][1]
    first["state"] = "dismissed"  # a false alarm: the text stays as it is
    second["state"], second["applied"] = "fixed", True
    saved = tmp_path / f"{STEM}.decided.decisions.json"
    saved.write_text(json.dumps(decisions), encoding="utf-8")
    result = tqa("accept", saved)
    assert result.exit_code == 0, result.output
    assert (
        "1 finding(s) added" in result.stdout
        and f"  {first['label']} " in result.stdout
        and first["id"] in result.stdout
    )
    assert f"{len(decisions['items']) - 2} pending finding(s) left out" in result.stdout
    entry = json.loads((tmp_path / ".tqa-ignore.json").read_text(encoding="utf-8"))["accepted"]
    assert [e["check"] for e in entry] == [first["check"]]


def test_accept_refuses_a_first_version_decisions_file(report, tmp_path):
    old = tmp_path / "old.decisions.json"
    old.write_text(json.dumps({"schema": "tqa-decisions/1", "input": {}, "changes": []}), encoding="utf-8")
    result = tqa("accept", old)
    assert result.exit_code == 2 and "tqa-decisions/1" in result.stderr and result.stderr.strip().count("\n") == 0


def test_accept_by_stable_id_is_the_same_finding_under_select(report, seeds, tmp_path):
    every = json.loads(tqa("check", seeds, "--format", "json").stdout)["files"][0]["findings"]
    some = json.loads(tqa("check", seeds, "--format", "json", "--select", "untranslated,duplicate-line").stdout)[
        "files"
    ][0]["findings"]
    ids = {f["id"]: (f["check"], f["start"]) for f in every}
    assert all(ids[f["id"]] == (f["check"], f["start"]) for f in some)  # same id, same finding
    target = next(f for f in some if f["check"] == "untranslated")
    assert target["number"] != next(f["number"] for f in every if f["id"] == target["id"])  # numbers shift, ids do not
    result = tqa("accept", report, "--id", target["id"])
    assert result.exit_code == 0 and "critical untranslated" in result.stdout and target["id"] in result.stdout
    assert tqa("accept", report, "--id", "nope").exit_code == 2


def test_check_and_run_say_how_many_findings_the_ignore_list_hid(report, seeds, tmp_path):
    assert tqa("accept", report, "--check", "calque").exit_code == 0
    checked = tqa("check", seeds)
    assert "finding(s) hidden by the ignore list" in checked.stderr
    ran = tqa("run", seeds, "--out", tmp_path / "again", "-j", "1")
    assert "21 finding(s) hidden by the ignore list" in ran.stderr
    assert "21 finding(s) hidden by the ignore list" in checked.stderr


def test_checks_lists_the_model_made_check_too():
    assert "low-confidence" in tqa("checks").stdout


# --- tqa check output -----------------------------------------------------------------------


def test_a_repeated_title_line_is_located_on_its_own_line(seeds):
    lines = [l for l in tqa("check", seeds).stdout.splitlines() if "duplicate-line" in l and "repeats" in l]
    assert [l.split(": ")[0].rsplit(":", 2)[1:] for l in lines] == [["3", "1"], ["5", "1"]]
    assert lines[0].rsplit("(", 1)[1].startswith("#1 id ")


def test_line_index_handles_every_line_ending_and_is_linear():
    from pipeline.report.check_output import LineIndex

    index = LineIndex("a\r\nb\rc\nd")
    assert [index.locate(i) for i in (0, 3, 5, 7)] == [(1, 1), (2, 1), (3, 1), (4, 1)]
    big = LineIndex("word\n" * 200_000)
    assert big.locate(5 * 199_999 + 2) == (200_000, 3)


def test_json_carries_line_column_and_number_and_streams_every_file(seeds):
    (seeds / "b.txt").write_text("Fine text.\n\nThe the cat sat.\n", encoding="utf-8")
    result = tqa("check", seeds, "--format", "json", "-j", "1")
    doc = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == ["000_0e67fac1f9dc59aa.txt", "b.txt"]
    repeat = doc["files"][1]["findings"][0]
    assert (repeat["line"], repeat["column"], repeat["number"]) == (3, 1, 1)
    severities = Counter(f["severity"] for file in doc["files"] for f in file["findings"])
    assert doc["totals"] == dict(severities) and severities["critical"] == 1  # the untranslated passage
    assert result.stdout.count("\n") >= 3  # one line per file: written as each file is done


def test_all_clear_totals_and_colour_only_on_a_terminal(tmp_path, seeds):
    clean = tmp_path / "clean.txt"
    clean.write_text("China and Kazakhstan signed an agreement on Tuesday.\n", encoding="utf-8")
    assert tqa("check", clean).stdout.strip() == "All clear: no findings in 1 file(s)."
    text = tqa("check", seeds).stdout
    assert "\x1b[" not in text  # not a terminal: no colour codes
    found = Counter(
        f["severity"] for f in json.loads(tqa("check", seeds, "--format", "json").stdout)["files"][0]["findings"]
    )
    total = sum(found.values())
    assert text.splitlines()[-1].startswith(
        f"{total} finding(s) in 1 file(s): {found['critical']} critical, {found['major']} major, {found['minor']} minor"
    )
    import io

    from pipeline.core.document import Document
    from pipeline.core.findings import Finding, Severity
    from pipeline.core.spans import Span
    from pipeline.report.check_output import TextOutput

    out = io.StringIO()
    printer = TextOutput(out, colour=True)
    printer.add("x", Document.from_text("the the"), [Finding("repeated-phrase", Span(0, 7), Severity.MAJOR, "m")])
    printer.end()
    assert "\x1b[" in out.getvalue()


def test_select_and_ignore_choose_checks_on_the_command_line(seeds):
    def checks(*args):
        doc = json.loads(tqa("check", seeds, "--format", "json", *args).stdout)
        return {f["check"] for f in doc["files"][0]["findings"]}

    assert checks("--select", "untranslated,calque") == {"untranslated", "calque"}
    assert "hyphen-spacing" not in checks("--ignore", "hyphen-spacing") and "calque" in checks(
        "--ignore", "hyphen-spacing"
    )
    bad = tqa("check", seeds, "--select", "untranslate")
    assert bad.exit_code == 2 and "--select untranslate: no such check" in bad.stderr
    old = tqa("check", seeds, "--ignore", "accepted.json")
    assert old.exit_code == 2 and "--ignore-list" in old.stderr


def test_text_on_standard_input_and_paths_through_an_option(seeds, sample_path):
    piped = tqa("check", "-", input=sample_path.read_bytes())
    assert piped.exit_code == 1 and "<stdin>:19:1: critical untranslated:" in piped.stdout
    listed = tqa("check", "--paths-from", "-", input=f"{seeds / sample_path.name}\n")
    assert listed.exit_code == 1 and f"{sample_path.name}:19:1: critical untranslated" in listed.stdout
    mixed = tqa("run", "-", "--out", seeds.parent / "o")
    assert mixed.exit_code == 2 and "--paths-from" in mixed.stderr


CP1252 = "The café’s naïve résumé — “quoted” text, déjà vu. Señor Müller said: 50 € are fine.\n"


def test_encoding_override_and_low_confidence_warning(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(CP1252.encode("cp1252"))
    detected = tqa("check", legacy, "-j", "1")
    assert "low confidence" in detected.stderr and "--encoding" in detected.stderr
    forced = tqa("check", legacy, "--encoding", "cp1252", "--format", "json", "-j", "1")
    assert "low confidence" not in forced.stderr
    assert json.loads(forced.stdout)["files"][0]["encoding"] == "cp1252"
    out = tmp_path / "out"
    assert tqa("run", legacy, "--out", out, "--encoding", "cp1252", "-j", "1").exit_code == 0
    assert (out / "legacy.cleaned.txt").read_bytes() == legacy.read_bytes()
    assert tqa("check", legacy, "--encoding", "klingon").exit_code == 2
    assert tqa("check", legacy, "--encoding", "utf-8").exit_code == 3  # invalid bytes: an error, not replaced


# --- reports for folders of articles ----------------------------------------------------------


@pytest.fixture()
def tree(tmp_path: Path, sample_path: Path) -> Path:
    root = tmp_path / "news"
    for sub in ("asia", "europe"):
        (root / sub).mkdir(parents=True)
        shutil.copy(sample_path, root / sub / "x.txt")
    return root


def test_reports_mirror_the_input_tree_and_export_every_finding(tree, tmp_path, monkeypatch):
    import csv

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert tqa("run", "news", "--out", out, "-j", "1").exit_code == 0
    for sub in ("asia", "europe"):
        assert {p.name for p in (out / sub).iterdir()} == {"x.cleaned.txt", "x.findings.json", "x.diff", "x.html"}
    assert 'href="asia/x.html"' in (out / "index.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8")))
    jsonl = [json.loads(l) for l in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    per_article = sum(
        len(json.loads((out / sub / "x.findings.json").read_text(encoding="utf-8"))["findings"])
        for sub in ("asia", "europe")
    )
    assert len(rows) == len(jsonl) == per_article > 0  # one row per finding of every article
    first = next(r for r in rows if r["check"] == "duplicate-line")
    assert (first["file"], first["line"], first["column"], first["severity"]) == ("news/asia/x.txt", "3", "1", "major")
    assert first["text"].startswith("The meeting of this head of state")
    # the same export after --resume, from the reports of the finished articles
    assert tqa("run", "news", "--out", out, "-j", "1", "--resume").exit_code == 0
    assert [json.loads(l) for l in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()] == jsonl
    # `tqa run .` keeps the folder's own name in the reports' paths
    assert tqa("run", ".", "--out", tmp_path / "out2", "-j", "1", "--reports", "html").exit_code == 0
    assert (tmp_path / "out2" / "news" / "asia" / "x.html").is_file()


def test_reports_chooses_what_is_written(tree, tmp_path):
    out = tmp_path / "out"
    assert tqa("run", tree / "asia", "--out", out, "-j", "1", "--reports", "html,json").exit_code == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("x.")) == ["x.findings.json", "x.html"]
    assert not (out / "findings.csv").exists()
    bad = tqa("run", tree, "--out", tmp_path / "o2", "--reports", "html,pdf")
    assert bad.exit_code == 2 and "unknown report 'pdf'" in bad.stderr and not (tmp_path / "o2").exists()


def test_progress_lines_when_not_on_a_terminal():
    import io

    from pipeline.util.progress import PlainProgress

    now = [0.0]
    out = io.StringIO()
    progress = PlainProgress(300, out, interval=10, clock=lambda: now[0])
    for _ in range(299):
        now[0] += 0.125
        progress.advance()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # every 10 seconds, not every article
    assert lines[0] == "tqa run: 80/300 articles (27%), 8.0 articles/s, ETA 28s, 10s elapsed"
    now[0] += 0.125
    progress.advance()
    assert out.getvalue().splitlines()[-1].startswith("tqa run: 300/300 articles (100%)")


def test_run_prints_progress_lines_to_a_log(seeds, tmp_path):
    result = tqa("run", seeds, "--out", tmp_path / "out", "-j", "1")
    assert "tqa run: 1/1 articles (100%)" in result.stderr


def test_help_shows_ct2_extra_panels_and_readable_metavars():
    text = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"}).stdout
    assert "tqa[ct2]" in text
    for panel in ("Input", "Model", "Repair", "Output", "Batch", "Checks"):
        assert f"─ {panel} " in text
    assert "<str>" not in text and "<path>" not in text
    assert "tqa[ct2]" in runner.invoke(app, ["models", "convert", "--help"], env={"COLUMNS": "200"}).stdout


def test_check_output_benchmark_runs():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "check_output.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "speed-up" in done.stdout and "streamed (now)" in done.stdout


def test_findings_without_a_change_are_marked_once_each_where_they_are():
    from pipeline.core.spans import Span
    from pipeline.report.diff import Pair
    from pipeline.report.marks import mark_rows

    text = "One two three.\n\nFour five six."
    rows = [
        {"left": [{"kind": "text", "text": "One two three."}], "right": []},
        {"left": [{"kind": "text", "text": "Four five six."}], "right": []},
    ]
    pairs = [Pair(Span(0, 14), Span(0, 14)), Pair(Span(16, 30), Span(16, 30))]
    across = Finding("repeated-phrase", Span(8, 20), Severity.MAJOR, "m")  # "three.\n\nFour"
    point = Finding("omission", Span(30, 30), Severity.MAJOR, "missing")  # at the very end
    elsewhere = mark_rows(rows, pairs, [(1, across), (2, point)], text)
    assert elsewhere == []
    chips = [p["id"] for r in rows for p in r["left"] if p["kind"] == "chip"]
    assert chips == ["f1", "f2"]  # one chip each
    marked = ["".join(p["text"] for p in r["left"] if p["kind"] == "finding") for r in rows]
    assert marked == ["three.", "Four"]  # highlighted in both paragraphs it spans
    assert "".join(p.get("text", "") for p in rows[0]["left"]) == "One two three."  # the text itself unchanged


def test_ignoring_the_model_made_check_says_how_to_turn_it_off(seeds):
    result = tqa("check", seeds, "--ignore", "low-confidence")
    assert result.exit_code == 2 and "--no-retranslate" in result.stderr


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_named_ignore_list_that_does_not_exist_is_an_error_not_an_empty_list(tmp_path, command):
    src = tmp_path / "a.txt"
    src.write_text("Relations are good -neighborly.\n", encoding="utf-8")
    extra = ["--out", str(tmp_path / "out"), "--no-retranslate"] if command == "run" else []
    result = CliRunner().invoke(app, [command, str(src), "--ignore-list", str(tmp_path / "typo.json"), *extra])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"tqa: error: ignore list {tmp_path / 'typo.json'}: no such file (tqa accept creates one)"
    )
    assert not (tmp_path / "out").exists()
