"""The command line, end to end: check, run without a model, run with the tiny model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support import TEST_DATA, tqa

PASSAGE_START = "疫情背景下"


def test_check_json_reports_the_passage_with_exact_offsets(seeds, sample_path):
    result = tqa("check", seeds, "--format", "json")
    assert result.exit_code == 1  # findings remain
    doc = json.loads(result.stdout)
    findings = doc["files"][0]["findings"]
    passage = [f for f in findings if f["check"] == "untranslated"]
    text = sample_path.read_text(encoding="utf-8")
    start = text.index(PASSAGE_START)
    assert [(f["start"], f["end"]) for f in passage] == [(start, text.index("The construction of the sub"))]
    assert passage[0]["severity"] == "critical"
    assert text[passage[0]["start"] : passage[0]["end"]] == passage[0]["text"]


def test_check_text_names_file_line_and_check(seeds):
    result = tqa("check", seeds)
    line = next(l for l in result.stdout.splitlines() if "untranslated" in l)
    assert ":19:1: critical untranslated:" in line


def test_check_fail_on_gates_on_severity(seeds):
    assert tqa("check", seeds, "--fail-on", "critical").exit_code == 1
    clean = seeds / "clean.txt"
    clean.write_text("China and Kazakhstan signed an agreement on Tuesday.\n", encoding="utf-8")
    assert tqa("check", clean, "--fail-on", "minor").exit_code == 0


def test_usage_errors_exit_2_with_one_line(tmp_path):
    result = tqa("check", tmp_path / "nope.txt")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr
    assert tqa("run", tmp_path / "nope.txt").exit_code == 2
    assert tqa("run", tmp_path, "--apply", "magic").exit_code == 2


def test_run_without_model_checks_repairs_and_names_the_missing_model(seeds, tmp_path, monkeypatch):
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = tmp_path / "out"
    result = tqa("run", seeds, "--out", out, "-j", "1")
    assert result.exit_code == 0
    assert "not retranslated" in result.stderr and "tqa models pull" in result.stderr
    stem = "000_0e67fac1f9dc59aa"
    for suffix in (".cleaned.txt", ".findings.json", ".diff", ".html"):
        assert (out / f"{stem}{suffix}").is_file()
    for name in ("summary.json", "summary.csv", "index.html"):
        assert (out / name).is_file()
    report = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    assert report["skipped"] and "tqa models pull" in report["skipped"][0]["reason"]
    cleaned = (out / f"{stem}.cleaned.txt").read_text(encoding="utf-8")
    assert PASSAGE_START in cleaned  # not translated, left as it was
    assert "good -neighborly" not in cleaned  # but the rule repairs were applied


def test_run_with_tiny_model_replaces_the_passage(seeds, tmp_path, tiny_model_dir, sample_path):
    out = tmp_path / "out"
    # the random tiny model writes gibberish the guard would reject; here the plumbing is tested
    result = tqa("run", seeds, "--out", out, "--model", tiny_model_dir, "-j", "1", "--no-guard", "--max-length", "48")
    assert result.exit_code == 0, result.output
    stem = "000_0e67fac1f9dc59aa"
    report = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    marian = [e for e in report["applied"] if e["origin"] == "marian"]
    assert len(marian) == 1
    original = sample_path.read_text(encoding="utf-8")
    assert original[marian[0]["start"] : marian[0]["end"]].startswith(PASSAGE_START)
    cleaned = (out / f"{stem}.cleaned.txt").read_text(encoding="utf-8")
    assert PASSAGE_START not in cleaned
    assert marian[0]["replacement"].strip() in cleaned
    assert report["skipped"] == []
    assert report["settings"]["translator"]["model"]
    # scores are consistent with the findings they count
    before = report["scores"]["before"]
    assert sum(before["counts"].values()) == len(report["findings"])


def test_run_is_deterministic(seeds, tmp_path, tiny_model_dir):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert (
            tqa("run", seeds, "--out", out, "--model", tiny_model_dir, "-j", "1", "--max-length", "48").exit_code == 0
        )
        outs.append(out)
    for f in sorted(p.name for p in outs[0].iterdir()):
        if f == "manifest.jsonl":
            continue
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


def test_the_guard_rejects_gibberish_and_says_why(seeds, tmp_path, tiny_model_dir):
    out = tmp_path / "out"
    result = tqa("run", seeds, "--out", out, "--model", tiny_model_dir, "-j", "1", "--max-length", "48")
    assert result.exit_code == 0
    report = json.loads((out / "000_0e67fac1f9dc59aa.findings.json").read_text(encoding="utf-8"))
    assert [e for e in report["applied"] if e["origin"] == "marian"] == []
    assert report["skipped"][0]["reason"].startswith("translation rejected")
    assert PASSAGE_START in (out / "000_0e67fac1f9dc59aa.cleaned.txt").read_text(encoding="utf-8")


def test_a_rerun_takes_translations_from_the_cache(seeds, tmp_path, tiny_model_dir):
    cache = tmp_path / "cache"
    args = ("run", seeds, "--model", tiny_model_dir, "-j", "1", "--max-length", "48", "--cache", cache)
    first = tqa(*args, "--out", tmp_path / "a")
    assert "0 hits, 2 misses" in first.stderr
    second = tqa(*args, "--out", tmp_path / "b")
    assert "2 hits, 0 misses" in second.stderr
    for name in ("000_0e67fac1f9dc59aa.cleaned.txt", "000_0e67fac1f9dc59aa.findings.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_bad_file_does_not_stop_the_batch(seeds, tmp_path):
    (seeds / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe\xfd")
    out = tmp_path / "out"
    result = tqa("run", seeds, "--out", out, "-j", "1")
    assert result.exit_code == 3
    assert "broken.txt: error:" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    statuses = {Path(r["input"]).name: r["status"] for r in summary["articles"]}
    assert statuses == {"broken.txt": "error", "000_0e67fac1f9dc59aa.txt": "ok"}


def test_parallel_run_matches_a_single_process_run(seeds, tmp_path):
    (seeds / "second.txt").write_text("Trade grew.  good -neighborly ties.\n\nTrade grew.\n", encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    assert tqa("run", seeds, "--out", one, "-j", "1").exit_code == 0
    assert tqa("run", seeds, "--out", two, "-j", "2").exit_code == 0
    for f in sorted(p.name for p in one.iterdir() if p.name != "manifest.jsonl"):
        assert (one / f).read_bytes() == (two / f).read_bytes(), f


def test_checks_lists_every_check():
    result = tqa("checks")
    assert result.exit_code == 0
    assert "untranslated" in result.stdout and "critical" in result.stdout


def test_accepted_findings_stop_coming_back(seeds, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert tqa("run", seeds, "--out", out, "-j", "1").exit_code == 0

    def checks_reported():
        doc = json.loads(tqa("check", seeds, "--format", "json").stdout)
        return [f["check"] for f in doc["files"][0]["findings"]]

    before = checks_reported()
    assert "calque" in before
    result = tqa("accept", out / "000_0e67fac1f9dc59aa.findings.json", "--check", "calque", "--note", "house style")
    assert result.exit_code == 0 and (tmp_path / ".tqa-ignore.json").is_file()
    after = checks_reported()
    assert "calque" not in after
    assert len(after) == len(before) - before.count("calque")


def test_config_file_disables_a_check_and_sets_apply(seeds, tmp_path):
    config = tmp_path / "tqa.toml"
    config.write_text('apply = ["rule", "glossary"]\n[checks.hyphen-spacing]\nenabled = false\n', encoding="utf-8")
    doc = json.loads(tqa("check", seeds, "--format", "json", "--config", config).stdout)
    assert "hyphen-spacing" not in {f["check"] for f in doc["files"][0]["findings"]}
    out = tmp_path / "out"
    assert tqa("run", seeds, "--out", out, "--config", config, "-j", "1").exit_code == 0
    report = json.loads((out / "000_0e67fac1f9dc59aa.findings.json").read_text(encoding="utf-8"))
    assert "glossary" in {e["origin"] for e in report["applied"]}


def test_a_bad_config_is_a_usage_error(seeds, tmp_path):
    config = tmp_path / "tqa.toml"
    config.write_text("[checks.no-such-check]\nenabled = false\n", encoding="utf-8")
    result = tqa("check", seeds, "--config", config)
    assert result.exit_code == 2 and "unknown check" in result.stderr


def test_report_folders_of_earlier_runs_are_not_read_as_input(seeds):
    assert tqa("run", seeds, "--out", seeds / "reports", "-j", "1").exit_code == 0
    doc = json.loads(tqa("check", seeds, "--format", "json").stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == ["000_0e67fac1f9dc59aa.txt"]


def test_run_with_the_ctranslate2_backend(seeds, tmp_path, tiny_ct2_dir):
    out = tmp_path / "out"
    args = (
        "run",
        seeds,
        "--out",
        out,
        "--backend",
        "ct2",
        "--model",
        tiny_ct2_dir,
        "-j",
        "1",
        "--no-guard",
        "--max-length",
        "48",
    )
    result = tqa(*args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "000_0e67fac1f9dc59aa.findings.json").read_text(encoding="utf-8"))
    assert report["settings"]["translator"]["backend"] == "ct2"
    assert [e["check"] for e in report["applied"] if e["origin"] == "marian"] == ["untranslated"]
    assert PASSAGE_START not in (out / "000_0e67fac1f9dc59aa.cleaned.txt").read_text(encoding="utf-8")


PARALLEL = TEST_DATA / "parallel"


@pytest.fixture()
def pair_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pair"
    folder.mkdir()
    for name in ("summit.en.txt", "summit.zh.txt"):
        shutil.copy(PARALLEL / name, folder / name)
    return folder


def test_the_original_beside_an_article_is_paired_not_checked(pair_folder):
    doc = json.loads(tqa("check", pair_folder, "--format", "json").stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == ["summit.en.txt"]


def test_run_with_the_original_explains_each_retranslation(pair_folder, tmp_path, tiny_model_dir):
    out = tmp_path / "out"
    args = (
        "run",
        pair_folder / "summit.en.txt",
        "--source",
        pair_folder / "summit.zh.txt",
        "--out",
        out,
        "--model",
        tiny_model_dir,
        "-j",
        "1",
        "--max-length",
        "32",
        "--no-retranslate",
    )
    assert tqa(*args).exit_code == 0
    plain = json.loads((out / "summit.en.findings.json").read_text(encoding="utf-8"))
    assert plain["source"]["signature"].startswith("gale-church|")
    assert "retranslations" not in plain

    assert tqa(*args[:-1]).exit_code == 0
    report = json.loads((out / "summit.en.findings.json").read_text(encoding="utf-8"))
    proposals = report["retranslations"]
    assert proposals and {p["mechanism"] for p in proposals} == {"source"}
    for p in proposals:
        text = Path(pair_folder / "summit.en.txt").read_text(encoding="utf-8")
        assert text[p["start"] : p["end"]] == p["original"]
        assert p["source"] and p["decision"]["reasons"]  # every decision says why
        if not p["decision"]["accept"]:
            assert any(s["start"] == p["start"] and s["origin"] == "retranslation" for s in report["suggestions"])
    assert "low-confidence" in {f["check"] for f in report["findings"]}


def test_without_a_model_flagged_sentences_get_a_one_line_notice(pair_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "none"))
    result = tqa("run", pair_folder / "summit.en.txt", "--out", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0
    assert "flagged sentences not retranslated" in result.stderr
    report = json.loads((tmp_path / "out" / "summit.en.findings.json").read_text(encoding="utf-8"))
    assert report["source"]["links"]  # the original beside it was found and aligned all the same
    assert "retranslations" not in report


def test_round_trip_proposals_are_only_suggestions(tmp_path, tiny_model_dir, tiny_en_zh_dir):
    src = tmp_path / "a.txt"
    src.write_text("The leaders agreed to build a community of destiny in the region.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = tqa(
        "run",
        src,
        "--out",
        out,
        "--model",
        tiny_model_dir,
        "--round-trip-model",
        tiny_en_zh_dir,
        "-j",
        "1",
        "--max-length",
        "32",
        "--no-guard",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "a.findings.json").read_text(encoding="utf-8"))
    trips = [p for p in report["retranslations"] if p["mechanism"] == "round-trip"]
    assert trips and not any(p["decision"]["accept"] for p in trips)
    assert not [e for e in report["applied"] if e["origin"] == "round-trip"]
    assert [s for s in report["suggestions"] if s["origin"] == "round-trip"]


def test_source_checks_are_configured_like_the_others(tmp_path):
    for name in ("rail.en.txt", "rail.zh.txt"):
        shutil.copy(PARALLEL / name, tmp_path / name)

    def reported(*extra):
        doc = json.loads(tqa("check", tmp_path / "rail.en.txt", "--format", "json", *extra).stdout)
        return {f["check"] for f in doc["files"][0]["findings"]}

    assert "omission" in reported()
    config = tmp_path / "tqa.toml"
    config.write_text("[checks.omission]\nenabled = false\n", encoding="utf-8")
    assert "omission" not in reported("--config", config)
    assert "omission" in tqa("checks").stdout


def test_reference_translations_add_sacrebleu_scores_with_signatures(seeds, tmp_path, sample_path):
    first = tmp_path / "first"
    assert tqa("run", seeds, "--out", first, "-j", "1").exit_code == 0
    refs = tmp_path / "refs"
    refs.mkdir()  # a reference that agrees with every repair tqa made
    shutil.copy(first / "000_0e67fac1f9dc59aa.cleaned.txt", refs / sample_path.name)
    out = tmp_path / "out"
    assert tqa("run", seeds, "--out", out, "--ref", refs, "-j", "1").exit_code == 0
    report = json.loads((out / "000_0e67fac1f9dc59aa.findings.json").read_text(encoding="utf-8"))
    ref = report["scores"]["reference"]
    for side in ("before", "after"):
        assert set(ref[side]) >= {"BLEU", "chrF2", "TER", "chrF_segments"}
        assert ref[side]["BLEU"]["signature"].startswith("nrefs:1|")
    assert ref["after"]["chrF2"]["score"] == 100.0 and ref["after"]["TER"]["score"] == 0.0
    assert ref["before"]["chrF2"]["score"] < 100.0 and ref["before"]["TER"]["score"] > 0.0
    assert tqa("run", seeds, "--out", out, "--ref", tmp_path / "missing").exit_code == 2


def test_an_unreadable_reference_fails_its_own_input_and_the_run_goes_on(tmp_path, sample_path):
    inputs, refs, out = tmp_path / "in", tmp_path / "refs", tmp_path / "out"
    inputs.mkdir()
    refs.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(sample_path, inputs / name)
    shutil.copy(sample_path, refs / "a.txt")
    (refs / "b.txt").write_bytes(b"\x00\x00\x00\x00binary")  # read only when b.txt's turn comes
    result = tqa("run", inputs, "--ref", refs, "--out", out, "-j", "1")
    assert result.exit_code == 3, result.output  # inputs failed; the others were processed
    assert "b.txt" in result.stderr and "--ref" in result.stderr and "looks binary" in result.stderr
    report = json.loads((out / "a.findings.json").read_text(encoding="utf-8"))
    assert report["scores"]["reference"]["before"]["chrF2"]["score"] > 0  # a.txt was scored against its reference
    assert not (out / "b.findings.json").exists()


def test_check_counts_findings_per_check_with_samples(seeds):
    text = tqa("check", seeds).stdout
    assert "findings per check" in text
    line = next(l for l in text.splitlines() if l.strip().startswith("repeated-phrase"))
    assert "«fruits and fruits»" in line
    doc = json.loads(tqa("check", seeds, "--format", "json").stdout)
    assert doc["checks"]["hyphen-spacing"]["count"] == 18
    assert doc["checks"]["hyphen-spacing"]["samples"] == ["Five -King", "good -neighborly", "China -Central"]


def test_bad_device_and_bad_untranslated_options_are_usage_errors(seeds, tmp_path):
    assert tqa("run", seeds, "--out", tmp_path / "o", "--device", "foo").exit_code == 2
    config = tmp_path / "tqa.toml"
    config.write_text("[checks.untranslated]\nmin_probability = 5\n", encoding="utf-8")
    result = tqa("check", seeds, "--config", config)
    assert result.exit_code == 2 and "between 0 and 1" in result.stderr


def test_accept_finds_the_input_from_another_folder(seeds, tmp_path, monkeypatch):
    monkeypatch.chdir(seeds.parent)
    out = seeds.parent / "out"
    assert tqa("run", "in", "--out", out, "-j", "1").exit_code == 0
    monkeypatch.chdir(tmp_path.parent)
    ignore = tmp_path / "ignore.json"
    result = tqa("accept", out / "000_0e67fac1f9dc59aa.findings.json", "-n", "1", "--ignore-list", ignore)
    assert result.exit_code == 0, result.output
    assert json.loads(ignore.read_text(encoding="utf-8"))["accepted"]


def test_scores_before_and_after_count_the_same_checks(tmp_path):
    for name in ("rail.en.txt", "rail.zh.txt"):
        shutil.copy(PARALLEL / name, tmp_path / name)
    out = tmp_path / "out"
    assert tqa("run", tmp_path / "rail.en.txt", "--out", out, "-j", "1", "--apply", "none").exit_code == 0
    report = json.loads((out / "rail.en.findings.json").read_text(encoding="utf-8"))
    scores = report["scores"]
    assert report["applied"] == []  # nothing changed, so nothing may look better
    assert "omission" in scores["before"]["counts"]
    assert scores["before"]["counts"] == scores["after"]["counts"]
    assert scores["before"]["penalty"] == scores["after"]["penalty"]


def test_a_source_that_is_the_input_itself_is_a_usage_error(pair_folder):
    en = pair_folder / "summit.en.txt"
    result = tqa("check", en, "--source", en)
    assert result.exit_code == 2 and "input itself" in result.stderr
