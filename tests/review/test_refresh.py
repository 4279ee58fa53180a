"""The findings export follows the decisions files: ``pipeline.review.refresh``, the review
server's batched refresh, and `tqa apply` on a run's decisions file."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from pipeline.report import export
from pipeline.report.export import COLUMNS, FindingsExport
from pipeline.review.decisions import decisions_from_report
from pipeline.review.refresh import ExportRefresher, refresh_export, stale_stems
from tests.support import tqa

# text a CSV must quote: commas, quotes, a newline, and non-ASCII
ODD = 'a "quoted", multi\nline «text» 中文'


def _rows(stem: str, n: int, text: str = ODD) -> list[dict]:
    return [
        {
            "file": f"in/{stem}.txt",
            "record": "",
            "line": i + 1,
            "column": 3,
            "check": "calque",
            "severity": "minor",
            "text": f"{text} {i}",
            "stem": stem,
            "number": i + 1,
            "message": "m, with a comma",
            "id": f"{stem}-{i}",
            "state": "pending",
            "fix": "",
            "comment": "",
        }
        for i in range(n)
    ]


def _export(out: Path, rows: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    e = FindingsExport(out)
    e.add(rows)
    e.close()


def _decide(out: Path, stem: str, states: dict[str, tuple[str, str | None, str]]) -> None:
    items = [{"id": i, "kind": "finding", "state": s, "fix": f, "comment": c} for i, (s, f, c) in states.items()]
    (out / f"{stem}.decisions.json").parent.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.decisions.json").write_text(
        json.dumps({"schema": "tqa-decisions/2", "input": {}, "items": items}), encoding="utf-8"
    )


@pytest.fixture()
def synthetic(tmp_path: Path) -> Path:
    """An export of three articles, their rows interleaved as a batch finishes them."""
    # c's texts hold no newline (its CSV records are copied unparsed), nor a backslash-n that is not one
    a, b, c = _rows("a", 4), _rows("sub/b", 3), _rows("c", 3, 'C:\\new, "plain"\r«ok»')
    _export(tmp_path / "out", [a[0], b[0], c[0], a[1], b[1], c[1], a[2], b[2], c[2], a[3]])
    return tmp_path / "out"


def test_one_rewrite_brings_many_articles_in_line_and_keeps_every_other_byte(synthetic: Path, tmp_path: Path) -> None:
    before = (synthetic / "findings.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    _decide(synthetic, "a", {"a-1": ("dismissed", None, "fine"), "a-3": ("fixed", "mine, «own»", "")})
    _decide(synthetic, "sub/b", {"sub/b-0": ("fixed", None, 'said "so"\nthen')})
    done = refresh_export(synthetic, ["a", "sub/b"])
    assert done is not None and done.changed == 3 and not done.skipped
    after = (synthetic / "findings.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [json.loads(line) for line in after]
    assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in before]  # the order stays
    states = {r["id"]: (r["state"], r["fix"], r["comment"]) for r in rows}
    assert states["a-1"] == ("dismissed", "", "fine")
    assert states["a-3"] == ("fixed", "mine, «own»", "")
    assert states["sub/b-0"] == ("fixed", "", 'said "so"\nthen')
    for old, new in zip(before, after):
        if json.loads(old)["id"] not in ("a-1", "a-3", "sub/b-0"):
            assert new == old  # another row's line, byte for byte
        else:
            assert {k: v for k, v in json.loads(new).items() if k not in ("state", "fix", "comment")} == {
                k: v for k, v in json.loads(old).items() if k not in ("state", "fix", "comment")
            }
    _export(tmp_path / "expected", rows)  # the CSV is what a run writes from those rows
    assert (synthetic / "findings.csv").read_bytes() == (tmp_path / "expected" / "findings.csv").read_bytes()
    assert [k for k in rows[0]] == list(COLUMNS)


def test_an_article_without_decisions_is_pending_and_nothing_to_change_writes_nothing(synthetic: Path) -> None:
    _decide(synthetic, "c", {"c-0": ("dismissed", None, "x")})
    assert refresh_export(synthetic, ["c"]).changed == 1  # type: ignore[union-attr]
    (synthetic / "c.decisions.json").unlink()
    assert refresh_export(synthetic, ["c"]).changed == 1  # type: ignore[union-attr]  # the truth is gone: pending
    inode = (synthetic / "findings.csv").stat().st_ino
    assert refresh_export(synthetic, ["c", "a"]).changed == 0  # type: ignore[union-attr]
    assert (synthetic / "findings.csv").stat().st_ino == inode  # not rewritten
    assert not [p for p in synthetic.iterdir() if p.name.startswith(".tqa-")]  # no temporary file left


def test_a_csv_out_of_step_with_the_jsonl_is_written_again_from_it(synthetic: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (synthetic / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    table = synthetic / "findings.csv"
    table.write_bytes(table.read_bytes().replace(b"m, with a comma", b"edited", 1))  # a hand edit
    _decide(synthetic, "c", {"c-1": ("dismissed", None, "")})
    assert refresh_export(synthetic, ["c"]).changed == 1  # type: ignore[union-attr]
    rows[5]["state"] = "dismissed"  # c-1, the sixth row
    _export(tmp_path / "expected", rows)
    assert table.read_bytes() == (tmp_path / "expected" / "findings.csv").read_bytes()
    lines = table.read_bytes().split(b"\n")
    table.write_bytes(b"\n".join(lines[:-3] + lines[-2:]))  # a record lost
    (synthetic / "c.decisions.json").unlink()
    assert refresh_export(synthetic, ["c"]).changed == 1  # type: ignore[union-attr]
    rows[5]["state"] = "pending"
    _export(tmp_path / "expected", rows)
    assert table.read_bytes() == (tmp_path / "expected" / "findings.csv").read_bytes()


def test_no_export_and_an_older_decisions_file(tmp_path: Path, synthetic: Path) -> None:
    assert refresh_export(tmp_path / "nothing", ["a"]) is None
    (synthetic / "a.decisions.json").write_text('{"schema": "tqa-decisions/1", "changes": []}', encoding="utf-8")
    before = (synthetic / "findings.jsonl").read_bytes()
    done = refresh_export(synthetic, ["a"])
    assert done is not None and done.skipped == ("a",) and (synthetic / "findings.jsonl").read_bytes() == before


def test_stale_stems_are_the_decisions_newer_than_the_export(synthetic: Path) -> None:
    assert stale_stems(synthetic) == []
    _decide(synthetic, "sub/b", {"sub/b-0": ("dismissed", None, "")})
    past = time.time() - 60
    os.utime(synthetic / "findings.jsonl", (past, past))
    assert stale_stems(synthetic) == ["sub/b"]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    calls: list[set[str]] = []
    real = export.rewrite_states

    def counted(out: Path, states: dict) -> int | None:
        calls.append(set(states))
        return real(out, states)

    monkeypatch.setattr(export, "rewrite_states", counted)
    return calls


def _wait(condition, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_a_burst_of_decisions_is_one_rewrite_after_a_pause(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    refresher = ExportRefresher(synthetic, delay=1.0)
    for n in range(20):  # 20 decisions on two articles, faster than the delay
        stem, fid = ("a", f"a-{n % 4}") if n % 2 else ("c", f"c-{n % 3}")
        _decide(synthetic, stem, {fid: ("dismissed", None, f"note {n}")})
        refresher.mark(stem)
    assert calls == []  # nothing yet: the export waits for the pause
    _wait(lambda: calls)
    time.sleep(0.5)
    assert calls == [{"a", "c"}] and refresher.rewrites == 1
    rows = {r["id"]: r for r in map(json.loads, (synthetic / "findings.jsonl").read_text().splitlines())}
    assert (rows["a-3"]["state"], rows["a-3"]["comment"]) == ("dismissed", "note 19")
    assert (rows["c-0"]["state"], rows["c-0"]["comment"]) == ("dismissed", "note 18")
    assert rows["a-0"]["state"] == "pending"  # the last file for a names a-3 only
    refresher.close()
    assert len(calls) == 1  # nothing marked since: close writes nothing


def test_steady_decisions_still_reach_the_export(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    refresher = ExportRefresher(synthetic, delay=0.4, longest=0.8)
    end = time.monotonic() + 2.0
    while time.monotonic() < end:  # a decision every 0.1 s never leaves a pause of 0.4 s
        refresher.mark("a")
        time.sleep(0.1)
    assert 1 <= len(calls) <= 3  # at most one rewrite per 0.8 s
    refresher.close()


def test_close_and_flush_write_what_is_marked_at_once(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    refresher = ExportRefresher(synthetic, delay=3600)
    _decide(synthetic, "a", {"a-0": ("fixed", "own", "")})
    refresher.mark("a")
    refresher.flush()
    assert calls == [{"a"}]
    _decide(synthetic, "c", {"c-2": ("dismissed", None, "")})
    refresher.mark("c")
    started = time.monotonic()
    refresher.close()  # the server stops: no waiting for the delay
    assert time.monotonic() - started < 5 and calls == [{"a"}, {"c"}]
    rows = {r["id"]: r for r in map(json.loads, (synthetic / "findings.jsonl").read_text().splitlines())}
    assert rows["a-0"]["fix"] == "own" and rows["c-2"]["state"] == "dismissed"


def test_a_failed_rewrite_keeps_its_articles_for_the_next_try(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    refresher = ExportRefresher(synthetic, delay=3600, on_error=told.append)
    real = export.rewrite_states

    def full(out: Path, states: dict) -> int | None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "rewrite_states", full)
    _decide(synthetic, "a", {"a-0": ("dismissed", None, "")})
    refresher.mark("a")
    assert not refresher.try_flush() and "No space left on device" in told[0]
    monkeypatch.setattr(export, "rewrite_states", real)
    refresher.close()
    rows = {r["id"]: r for r in map(json.loads, (synthetic / "findings.jsonl").read_text().splitlines())}
    assert rows["a-0"]["state"] == "dismissed"


def test_a_flush_waits_for_a_rewrite_under_way(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real, entered, release = export.rewrite_states, threading.Event(), threading.Event()

    def slow(out: Path, states: dict) -> int | None:
        entered.set()
        release.wait(10)
        return real(out, states)

    monkeypatch.setattr(export, "rewrite_states", slow)
    refresher = ExportRefresher(synthetic, delay=0.01)
    _decide(synthetic, "a", {"a-2": ("dismissed", None, "")})
    refresher.mark("a")
    assert entered.wait(10)  # the background rewrite has taken "a" and is writing
    flushed = threading.Event()
    threading.Thread(target=lambda: (refresher.flush(), flushed.set()), daemon=True).start()
    assert not flushed.wait(0.3)  # nothing marked, but it waits for the rewrite under way
    release.set()
    assert flushed.wait(10)
    rows = {r["id"]: r for r in map(json.loads, (synthetic / "findings.jsonl").read_text().splitlines())}
    assert rows["a-2"]["state"] == "dismissed"
    refresher.close()


# --- the server's store, and `tqa apply`, on a real run ---------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    root = tmp_path_factory.mktemp("refresh")
    (root / "in").mkdir()
    shutil.copy(sample_path, root / "in" / sample_path.name)
    result = tqa("run", root / "in" / sample_path.name, "--out", root / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture()
def out(run: Path, tmp_path: Path) -> Path:
    shutil.copytree(run, tmp_path / "run")
    return tmp_path / "run" / "out"


def _states(out: Path) -> dict[str, tuple[str, str, str]]:
    rows = map(json.loads, (out / "findings.jsonl").read_text(encoding="utf-8").splitlines())
    return {r["id"]: (r["state"], r["fix"], r["comment"]) for r in rows}


def test_the_store_rewrites_the_export_once_for_a_burst(
    out: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.review.server import Store

    calls = _counting(monkeypatch)
    store = Store(out, delay=1.5)
    stem = sample_path.stem
    findings = [i for i in store.load(stem)["items"] if i["kind"] == "finding"]
    for n, item in enumerate(findings):  # one decision per request, as the page posts them
        store.merge(stem, [{"id": item["id"], "state": "dismissed", "fix": None, "comment": f"c{n}"}])
    assert len(findings) >= 3 and calls == []
    assert (out / f"{stem}.decisions.json").is_file()  # the decisions file is written at once
    _wait(lambda: calls)
    time.sleep(0.7)
    assert len(calls) == 1
    assert all(_states(out)[i["id"]] == ("dismissed", "", f"c{n}") for n, i in enumerate(findings))
    store.merge(stem, [{"id": findings[0]["id"], "state": "fixed", "fix": "Own.", "comment": ""}])
    store.apply(stem)  # writing the text brings the export along first
    assert len(calls) == 2 and _states(out)[findings[0]["id"]] == ("fixed", "Own.", "")
    store.merge(stem, [{"id": findings[0]["id"], "state": "pending", "fix": None, "comment": ""}])
    store.close()  # the server stops
    assert len(calls) == 3 and _states(out)[findings[0]["id"]] == ("pending", "", "")


def test_apply_of_a_runs_decisions_file_brings_its_export_along(out: Path, sample_path: Path) -> None:
    stem = sample_path.stem
    payload = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    decisions = decisions_from_report(payload)
    item = next(i for i in decisions["items"] if i["kind"] == "finding")
    item.update(state="dismissed", comment="house style")
    path = out / f"{stem}.decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    csv_before = (out / "findings.csv").read_text(encoding="utf-8")
    result = tqa("apply", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"tqa: {out.resolve() / 'findings.jsonl'} and findings.csv: 1 row(s) of {stem} brought in line with its decisions"
    )
    assert _states(out)[item["id"]] == ("dismissed", "", "house style")
    assert "house style" in (out / "findings.csv").read_text(encoding="utf-8") and "house style" not in csv_before


def test_apply_of_a_download_changes_no_export(out: Path, sample_path: Path, tmp_path: Path) -> None:
    stem = sample_path.stem
    payload = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    decisions = decisions_from_report(payload)
    next(i for i in decisions["items"] if i["kind"] == "finding").update(state="dismissed")
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    path = downloads / f"{stem}.decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    before = (out / "findings.jsonl").read_bytes()
    result = tqa("apply", path, "--input", out.parent / "in" / sample_path.name)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1  # the final text's line, nothing about an export
    result = tqa("apply", path, "--input", out.parent / "in" / sample_path.name, "--out", out / f"{stem}.final.txt")
    assert result.exit_code == 0, result.output
    assert f"follows {out.resolve() / stem}.decisions.json, not this file" in result.stdout  # how to bring it along
    assert (out / "findings.jsonl").read_bytes() == before


def test_apply_says_nothing_without_an_export(out: Path, sample_path: Path) -> None:
    stem = sample_path.stem
    payload = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    decisions = decisions_from_report(payload)
    path = out / f"{stem}.decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    for name in export.NAMES:
        (out / name).unlink()
    result = tqa("apply", path)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1, result.output
    assert not (out / "findings.jsonl").exists()


def test_apply_says_when_the_export_cannot_be_written(
    out: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stem = sample_path.stem
    payload = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    path = out / f"{stem}.decisions.json"
    path.write_text(json.dumps(decisions_from_report(payload)), encoding="utf-8")

    def full(out: Path, states: dict) -> int | None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "rewrite_states", full)
    result = tqa("apply", path)
    assert result.exit_code == 3 and (out / f"{stem}.final.txt").is_file()
    assert result.stderr.strip().splitlines() == [
        f"tqa: error: {out.resolve() / 'findings.jsonl'} not brought up to date: No space left on device;"
        " the final text is written"
    ]
