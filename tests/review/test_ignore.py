from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.checks import ConfigurationError, run_checks
from pipeline.core.document import Document
from pipeline.review.ignore import IgnoreList, add_fingerprints, filter_findings, fingerprint, load_ignore

TEXT = "Many fruits and fruits in Central Asia have become popular.\n\nOther fruits and fruits in Europe are cheap."


def calque_and_repeats(text: str):
    return [
        f for f in run_checks(Document.from_text(text)) if f.check in ("repeated-phrase", "calque", "hyphen-spacing")
    ]


def test_round_trip(tmp_path: Path):
    path = tmp_path / ".tqa-ignore.json"
    first, second = calque_and_repeats(TEXT)
    assert first.span.of(TEXT) == second.span.of(TEXT) == "fruits and fruits"
    assert add_fingerprints(path, [first], TEXT, note="a brand name") == 1
    assert add_fingerprints(path, [first], TEXT) == 0  # already there
    ignore = load_ignore(path)
    assert len(ignore) == 1
    # The accepted finding stops coming back; the same words in another sentence do not.
    assert filter_findings(calque_and_repeats(TEXT), TEXT, ignore) == [second]
    entry = json.loads(path.read_text(encoding="utf-8"))["accepted"][0]
    assert (
        entry["check"] == "repeated-phrase" and entry["text"] == "fruits and fruits" and entry["note"] == "a brand name"
    )


def test_fingerprint_survives_edits_elsewhere_and_whitespace(tmp_path: Path):
    (first, _) = calque_and_repeats(TEXT)
    moved = "A new first paragraph.\n\n" + TEXT.replace("have become", "have  become")
    (again, _) = calque_and_repeats(moved)
    assert fingerprint(first, TEXT) == fingerprint(again, moved)
    assert fingerprint(first, TEXT) != fingerprint(calque_and_repeats(TEXT)[1], TEXT)


def test_other_check_same_text_not_ignored():
    text = "good -neighborly ties"
    (finding,) = calque_and_repeats(text)
    ignore = IgnoreList()
    ignore.accept(finding, text)
    other = finding.__class__(check="calque", span=finding.span, severity=finding.severity, message="x")
    assert ignore.ignores(finding, text) and not ignore.ignores(other, text)


def test_missing_file_is_empty_and_bad_file_is_an_error(tmp_path: Path):
    assert len(load_ignore(tmp_path / "none.json")) == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        load_ignore(bad)
    bad.write_text('{"accepted": [1, 2]}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="expected"):
        load_ignore(bad)


def test_no_ignore_list_keeps_everything():
    findings = calque_and_repeats(TEXT)
    assert filter_findings(findings, TEXT, None) == findings
