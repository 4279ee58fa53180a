"""Review decisions -> final text: `tqa apply` and ``pipeline.review.apply``."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest

from pipeline.core.edits import Edit, apply_edits
from pipeline.core.spans import Span
from pipeline.report.json_report import DECISIONS_SCHEMA_FILE, FINDINGS_SCHEMA_FILE
from pipeline.review.apply import apply_review, default_output
from pipeline.review.decisions import ReviewError, decisions_from_report, load_review
from tests.support import tqa


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> dict:
    """A real `tqa run` of the sample article (no model: the Chinese passage is skipped)."""
    root = tmp_path_factory.mktemp("review")
    (root / "in").mkdir()
    article = root / "in" / sample_path.name
    shutil.copy(sample_path, article)
    result = tqa("run", article, "--out", root / "out")
    assert result.exit_code == 0, result.output
    findings = root / "out" / f"{sample_path.stem}.findings.json"
    return {
        "root": root,
        "article": article,
        "findings": findings,
        "payload": json.loads(findings.read_text(encoding="utf-8")),
    }


def write_decisions(path: Path, payload: dict, decide: dict[str, str] | None = None) -> Path:
    path.write_text(json.dumps(decisions_from_report(payload, decide), ensure_ascii=False), encoding="utf-8")
    return path


def expected(text: str, changes: list[dict]) -> str:
    return apply_edits(text, [Edit(Span(c["start"], c["end"]), c["replacement"], "", "") for c in changes])


def test_findings_json_applies_to_the_cleaned_text(report: dict, tmp_path: Path) -> None:
    out = tmp_path / "final.txt"
    result = tqa("apply", report["findings"], "--out", out)
    assert result.exit_code == 0, result.output
    cleaned = report["findings"].with_name(report["findings"].name.replace(".findings.json", ".cleaned.txt"))
    assert out.read_bytes() == cleaned.read_bytes()  # accept everything applied = what tqa run wrote
    assert f"{len(report['payload']['applied'])} change(s) accepted" in result.stdout


def test_decisions_apply_exactly_the_accepted_changes(report: dict) -> None:
    payload = report["payload"]
    rejected = payload["applied"][0]  # the first duplicate title
    accepted = next(s for s in payload["suggestions"] if s["text"] == "video summit")
    decisions = write_decisions(
        report["root"] / "x.decisions.json", payload, {rejected["id"]: "reject", accepted["id"]: "accept"}
    )
    done = apply_review(decisions)
    assert done.output == report["root"] / "x.final.txt"  # beside the decisions file
    text = report["article"].read_text(encoding="utf-8")
    keep = [c for c in payload["applied"] if c["id"] != rejected["id"]] + [accepted]
    final = done.output.read_text(encoding="utf-8")
    assert final == expected(text, keep)
    assert "virtual summit" in final and "video summit" not in final
    assert final.count("The meeting of this head of state") == 2  # one duplicate kept, one removed
    assert (done.accepted, done.rejected) == (
        len(keep),
        len(payload["applied"]) + len(payload["suggestions"]) - len(keep),
    )
    assert report["article"].read_text(encoding="utf-8") == text  # the input is untouched


def test_decisions_and_findings_match_their_schemas(report: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    findings_schema = json.loads(FINDINGS_SCHEMA_FILE.read_text(encoding="utf-8"))
    decisions_schema = json.loads(DECISIONS_SCHEMA_FILE.read_text(encoding="utf-8"))
    for schema in (findings_schema, decisions_schema):
        jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(report["payload"], findings_schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(decisions_from_report(report["payload"]), decisions_schema, cls=jsonschema.Draft202012Validator)
    broken = json.loads(json.dumps(report["payload"]))
    broken["applied"][0]["start"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, findings_schema, cls=jsonschema.Draft202012Validator)


def test_overlapping_accepted_changes_are_refused(report: dict, tmp_path: Path) -> None:
    payload = report["payload"]
    applied = payload["applied"]
    clash = next(
        s for s in payload["suggestions"] if any(a["start"] < s["end"] and s["start"] < a["end"] for a in applied)
    )  # "community of China -Central Asian destiny" holds a hyphen repair
    path = write_decisions(tmp_path / "clash.decisions.json", payload, {clash["id"]: "accept"})
    result = tqa("apply", path)
    assert result.exit_code == 2
    assert "overlap; reject one of them" in result.stderr and clash["id"] in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "clash.final.txt").exists()


def test_a_changed_input_is_refused(report: dict, tmp_path: Path) -> None:
    article = tmp_path / "in" / report["article"].name
    article.parent.mkdir()
    article.write_text(
        report["article"].read_text(encoding="utf-8").replace("Five", "FIVE"), encoding="utf-8"
    )  # same length
    path = write_decisions(tmp_path / "d.decisions.json", report["payload"])
    result = tqa("apply", path, "--input", article)
    assert result.exit_code == 2 and "has changed since the report" in result.stderr and "sha256" in result.stderr
    article.write_text("short", encoding="utf-8")
    result = tqa("apply", path, "--input", article)
    assert result.exit_code == 2 and "sha256 differs" in result.stderr  # nothing else about a foreign file is said


def test_a_moved_input_is_found_with_input(report: dict, tmp_path: Path) -> None:
    payload = json.loads(json.dumps(report["payload"]))
    payload["document"]["path"] = str(tmp_path / "gone" / "article.txt")
    path = write_decisions(tmp_path / "d.decisions.json", payload)
    result = tqa("apply", path)
    assert result.exit_code == 2 and "cannot find the input file" in result.stderr and "--input" in result.stderr
    result = tqa("apply", path, "--input", report["article"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d.final.txt").exists()


def test_a_relative_input_path_is_resolved_from_the_decisions_folder(
    report: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "seeds").mkdir()
    shutil.copy(report["article"], tmp_path / "seeds" / "a.txt")
    payload = json.loads(json.dumps(report["payload"]))
    payload["document"]["path"] = "seeds/a.txt"  # as `tqa run seeds/` records it
    path = write_decisions(tmp_path / "reports" / "a.decisions.json", payload)
    monkeypatch.chdir(tmp_path / "reports")  # not where the run was
    assert apply_review(path).input == tmp_path / "seeds" / "a.txt"


def test_never_overwrites_the_input_or_the_decisions(report: dict, tmp_path: Path) -> None:
    path = write_decisions(tmp_path / "d.decisions.json", report["payload"])
    before = report["article"].read_bytes()
    for target in (report["article"], path):
        result = tqa("apply", path, "--out", target)
        assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert report["article"].read_bytes() == before


def test_the_final_text_keeps_the_input_encoding(tmp_path: Path) -> None:
    text = "Title: 标题\r\n\r\nThe sub -natural gas line, the good -neighborly policy.\r\n"
    article = tmp_path / "gb.txt"
    article.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = tqa("run", article, "--out", tmp_path / "out", "--apply", "rules")
    assert result.exit_code in (0, 1), result.output
    payload = json.loads((tmp_path / "out" / "gb.findings.json").read_text(encoding="utf-8"))
    assert payload["document"]["encoding"] == "utf-16-le" and payload["document"]["bom"]
    hyphens = [c for c in payload["applied"] if c["check"] == "hyphen-spacing"]
    assert len(hyphens) == 2
    path = write_decisions(tmp_path / "gb.decisions.json", payload, {hyphens[1]["id"]: "reject"})
    done = apply_review(path)
    raw = done.output.read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    final = raw[2:].decode("utf-16-le")
    assert final == expected(text, [c for c in payload["applied"] if c["id"] != hyphens[1]["id"]])
    assert "sub-natural" in final and "good -neighborly" in final and "\r\n" in final and "标题" in final


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema": "other/1"}', "not a tqa decisions or findings file"),
        (
            '{"schema": "tqa-decisions/1", "input": {}, "changes": [{"id": "c1", "start": 3, "end": 1, "replacement": "", "decision": "accept"}]}',
            "start <= end",
        ),
        (
            '{"schema": "tqa-decisions/1", "input": {}, "changes": [{"id": "c1", "start": 0, "end": 1, "replacement": "", "decision": "maybe"}]}',
            "'accept' or 'reject'",
        ),
        ('{"schema": "tqa-decisions/1", "input": {}, "changes": "all"}', "no 'changes' list"),
    ],
)
def test_bad_decisions_exit_2_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.decisions.json"
    path.write_text(content, encoding="utf-8")
    result = tqa("apply", path)
    assert result.exit_code == 2
    assert result.stderr.startswith("tqa: error: ") and message in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_missing_decisions_file(tmp_path: Path) -> None:
    result = tqa("apply", tmp_path / "nope.json")
    assert result.exit_code == 2 and "no such file" in result.stderr
    with pytest.raises(ReviewError, match="is a folder"):
        load_review(tmp_path)


def test_default_output_names() -> None:
    assert default_output(Path("d/x.decisions.json")) == Path("d/x.final.txt")
    assert default_output(Path("d/x.findings.json")) == Path("d/x.final.txt")
    assert default_output(Path("d/x.json")) == Path("d/x.final.txt")
    assert default_output(Path("d/decisions")) == Path("d/decisions.final.txt")


def test_decisions_from_report_names_only_known_changes(report: dict) -> None:
    with pytest.raises(ReviewError, match="no such change"):
        decisions_from_report(report["payload"], {"c999": "accept"})


def test_finding_ids_are_stable_across_selections_runs_and_edits_elsewhere(tmp_path: Path, sample_path: Path) -> None:
    article = tmp_path / "a.txt"
    text = sample_path.read_text(encoding="utf-8")
    article.write_text(text, encoding="utf-8")

    def ids(*extra: object) -> dict[str, tuple[str, str]]:
        found = json.loads(tqa("check", article, "--format", "json", *extra).stdout)["files"][0]["findings"]
        return {f["id"]: (f["check"], f["text"]) for f in found}

    every = ids()
    assert len(every) == len(
        json.loads(tqa("check", article, "--format", "json").stdout)["files"][0]["findings"]
    )  # unique
    assert ids() == every  # the same run again
    some = ids("--select", "untranslated,duplicate-line,repeated-phrase")
    assert some and all(every[i] == v for i, v in some.items())  # a selection renumbers, never re-ids
    article.write_text("A new first paragraph, with the good -neighborly policy.\n\n" + text, encoding="utf-8")
    moved = ids()
    assert set(every) <= set(moved) and all(moved[i] == v for i, v in every.items())  # an edit elsewhere: same ids
    lines = tqa("check", article).stdout.splitlines()
    assert any(f"id {i})" in line for line in lines for i in every)  # the text output shows them too


def test_a_first_version_decisions_file_still_applies(report: dict, tmp_path: Path) -> None:
    payload = report["payload"]
    v1 = {
        "schema": "tqa-decisions/1",
        "input": {key: payload["document"][key] for key in ("path", "chars", "text_sha256")},
        "changes": [
            {**{k: c[k] for k in ("id", "start", "end", "text", "replacement")}, "decision": "accept"}
            for c in payload["applied"]
        ],
    }
    path = tmp_path / "old.decisions.json"
    path.write_text(json.dumps(v1), encoding="utf-8")
    path = tmp_path / "old.decisions.json"
    result = tqa("apply", path, "--input", report["article"])
    assert result.exit_code == 0, result.output
    cleaned = report["findings"].with_name(report["findings"].name.replace(".findings.json", ".cleaned.txt"))
    assert (tmp_path / "old.final.txt").read_bytes() == cleaned.read_bytes()


def test_the_reviewers_own_text_is_an_edit_of_origin_reviewer(report: dict, tmp_path: Path) -> None:
    payload = report["payload"]
    decisions = decisions_from_report(payload)
    item = next(i for i in decisions["items"] if i["kind"] == "finding")
    item.update(state="fixed", fix="«mine»", comment="why")
    path = tmp_path / "own.decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    review = load_review(path)
    own = [d for d in review.accepted if d.origin == "reviewer"]
    assert [(d.span.start, d.span.end, d.replacement) for d in own] == [(item["start"], item["end"], "«mine»")]
    final = apply_review(path).output.read_text(encoding="utf-8")
    text = report["article"].read_text(encoding="utf-8")
    assert final == expected(
        text, payload["applied"] + [{"start": item["start"], "end": item["end"], "replacement": "«mine»"}]
    )
    item["state"] = "dismissed"  # dismissed: the text stays, whatever was typed
    path.write_text(json.dumps(decisions), encoding="utf-8")
    assert "«mine»" not in apply_review(path).output.read_text(encoding="utf-8")


def test_a_dismissed_change_remembers_the_finding_behind_it(report: dict, tmp_path: Path) -> None:
    decisions = decisions_from_report(report["payload"])
    change = next(i for i in decisions["items"] if i["kind"] == "applied" and i["finding"])
    finding = next(f for f in report["payload"]["findings"] if f["id"] == change["id"])
    assert change["finding"] == [finding["start"], finding["end"]]
    change["state"], change["applied"] = "dismissed", False
    change["start"] += 1  # a change narrower than its finding: the finding is what comes back in a later run
    change["text"] = None
    path = tmp_path / "d.decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    result = tqa("accept", path, "--ignore-list", tmp_path / "ign.json")
    assert result.exit_code == 0 and "1 finding(s) added" in result.stdout, result.output
    from pipeline.core.findings import Finding, Severity
    from pipeline.review.ignore import IgnoreList, fingerprint

    text = report["article"].read_text(encoding="utf-8")
    wanted = Finding(finding["check"], Span(finding["start"], finding["end"]), Severity(finding["severity"]), "")
    assert fingerprint(wanted, text) in IgnoreList.load(tmp_path / "ign.json")
