"""Hostile input and shared outputs: never hang, never delete or overwrite what is not
tqa's, and exit with a clear line."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.cli import app
from pipeline.core.document import InputError, load_document
from tests.support import REPO_ROOT, runner, tqa


def _finishes(fn, seconds: float = 30):
    """``fn()``'s result or exception, or a failure if it blocks (a FIFO read waits forever)."""
    box: dict = {}

    def call():
        try:
            box["value"] = fn()
        except Exception as err:  # noqa: BLE001 - handed back to the test
            box["error"] = err

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: reading must not wait on a FIFO"
    return box


# --- read only regular files, within the size limit while reading ------------------------


def test_a_fifo_among_the_inputs_is_refused_not_waited_on(tmp_path):
    (tmp_path / "ok.txt").write_text("Trade grew.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "pipe.txt: error: is a FIFO, not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_a_fifo_among_the_inputs_of_a_resumed_run_is_refused(tmp_path):
    (tmp_path / "ok.txt").write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(tmp_path),
        "--out",
        str(out),
        "-j",
        "1",
        "--no-retranslate",
    ]
    subprocess.run(command, cwd=REPO_ROOT, capture_output=True, timeout=120, check=True)
    os.mkfifo(tmp_path / "pipe.txt")
    result = subprocess.run([*command, "--resume"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "is a FIFO, not a regular file" in result.stderr


def test_a_fifo_as_config_glossary_or_ignore_list_is_a_one_line_error(tmp_path):
    from pipeline.checks import ConfigurationError
    from pipeline.checks.resources.glossary import load_glossary
    from pipeline.review.ignore import IgnoreList
    from pipeline.stages.config import load_config

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for load in (load_config, load_glossary, IgnoreList.load):
        box = _finishes(lambda load=load: load(fifo))
        assert isinstance(box.get("error"), ConfigurationError) and "not a regular file" in str(box["error"]), load


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="is a device, not a regular file"):
        load_document(link)


def test_the_size_limit_holds_for_bytes_read_not_the_size_stat_reports():
    # /proc files are regular files whose stat size is 0, like a device behind a symlink
    with pytest.raises(InputError, match="over the 0 MiB limit"):
        load_document("/proc/self/status", max_bytes=16)


# --- outputs: only our temp files, one run per folder, short temp names ------------------


def test_stale_temp_cleanup_removes_only_tqas_own_temp_files(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    mine = [out / ".notes.tmp", out / ".a.html.x1y2.tmp", out / ".tqa-notes.tmp"]
    for path in mine:
        path.write_text("the user's own\n", encoding="utf-8")
    stale = out / ".tqa-ab_12cd3.tmp"
    stale.write_text("half a report", encoding="utf-8")
    assert tqa("run", src, "--out", out, "-j", "1", "--no-retranslate").exit_code == 0
    assert all(p.read_text(encoding="utf-8") == "the user's own\n" for p in mine)
    assert not stale.exists()


def test_a_second_run_on_the_same_output_folder_is_refused(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # another process's run holds the folder (flock conflicts across open files, as across processes)
    fd = os.open(out / ".tqa.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, b"4242\n")
        result = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate")
    finally:
        os.close(fd)
    assert result.exit_code == 3
    assert "another tqa run (pid 4242) is writing reports there" in result.stderr
    assert result.stderr.count("\n") == 1 and not (out / "summary.json").exists()
    assert tqa("run", src, "--out", out, "-j", "1", "--no-retranslate").exit_code == 0  # released: runs


def test_a_worker_outliving_its_killed_run_does_not_hold_the_output_folder(tmp_path):
    # a forked worker inherits the lock's descriptor; were it kept, the worker still
    # finishing an article after the main run was killed would refuse the --resume run
    import multiprocessing
    import time

    from pipeline.util.outlock import output_lock

    fork = multiprocessing.get_context("fork")
    started = fork.Event()

    def work() -> None:
        started.set()
        time.sleep(30)

    out = tmp_path / "out"
    with output_lock(out):
        worker = fork.Process(target=work)
        worker.start()
        assert started.wait(10)
    try:
        fd = os.open(out / ".tqa.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the worker held it
        finally:
            os.close(fd)
    finally:
        worker.kill()
        worker.join()


def test_a_240_character_name_is_processed(tmp_path):
    src = tmp_path / ("n" * 236 + ".txt")
    src.write_text("Relations are good -neighborly.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate")
    assert result.exit_code == 0, result.output
    assert (out / ("n" * 236 + ".cleaned.txt")).read_text(encoding="utf-8") == "Relations are good-neighborly.\n"


@pytest.mark.parametrize("odd", ["\u2028", "\u0085", "\u2029"], ids=["U+2028", "U+0085", "U+2029"])
def test_names_with_unicode_line_separators_resume(tmp_path, odd):
    src = tmp_path / f"a{odd}b.txt"
    src.write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1", "--no-retranslate").exit_code == 0
    again = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate", "--resume")
    assert again.exit_code == 0 and "(1 unchanged since the last run)" in again.stdout


def test_a_full_disk_while_writing_the_summary_exits_3_with_one_line(tmp_path, monkeypatch):
    import pipeline.report.summary as summary

    src = tmp_path / "a.txt"
    src.write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(summary, "write_atomic", full)  # summary.md's writer
    result = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate")
    assert result.exit_code == 3
    assert f"tqa: error: cannot write {out / 'summary.md'}: No space left on device" in result.stderr
    assert (out / "a.findings.json").exists(), "the article's reports are written"
    assert (out / "summary.json").exists() and (out / "index.html").exists(), "the other batch files are written"


def test_batch_files_that_cannot_be_written_are_each_named_and_the_rest_written(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Trade grew .\n", encoding="utf-8")
    out = tmp_path / "out"
    for squatted in ("summary.json", "index.html", "findings.csv"):  # folders where the files go
        (out / squatted).mkdir(parents=True)
    result = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate")
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("tqa: error:")]
    assert sorted(errors) == sorted(
        f"tqa: error: cannot write {out / name}: Is a directory"
        for name in ("summary.json", "index.html", "findings.csv")
    )
    for name in ("summary.jsonl", "summary.csv", "summary.md", "retranslations.tmx", "findings.jsonl"):
        assert (out / name).is_file(), name
    assert '"check": "space-before-punctuation"' in (out / "findings.jsonl").read_text(encoding="utf-8")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".tqa-")], "no temporary file left behind"


def test_a_cleaned_corpus_that_cannot_be_written_is_named_and_the_summary_still_written(tmp_path):
    src = tmp_path / "c.jsonl"
    src.write_text('{"id": "1", "text": "Trade grew ."}\n', encoding="utf-8")
    out = tmp_path / "out"
    (out / "c.jsonl").mkdir(parents=True)
    result = tqa("run", src, "--out", out, "-j", "1", "--no-retranslate")
    assert result.exit_code == 3
    assert f"tqa: error: cannot write {out / 'c.jsonl'}: Is a directory" in result.stderr
    assert (out / "summary.json").is_file() and (out / "findings.jsonl").is_file()


# --- right answers on odd input ------------------------------------------------------------


def test_one_stray_byte_in_utf8_text_keeps_it_utf8_and_warns(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes("The minister said 我们将继续推进改革开放 at the meeting.\n".encode() + b"Trade \xff grew.\n")
    doc = load_document(src)
    assert doc.encoding == "utf-8" and doc.replaced == 1
    result = tqa("check", src, "--format", "json")
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert any(f["check"] == "untranslated" and f["severity"] == "critical" for f in findings)
    assert "1 byte sequence(s) not valid UTF-8, read as U+FFFD" in result.stderr


def test_a_cache_row_of_the_wrong_type_is_a_miss_and_is_repaired(tmp_path):
    import sqlite3

    from pipeline.translate.cache import CACHE_FILE, CachedTranslator, TranslationCache

    class Tagger:
        signature = {"model": "m", "revision": "r"}
        calls = 0

        def translate(self, texts):
            Tagger.calls += 1
            return [f"EN({t})" for t in texts]

    path = tmp_path / CACHE_FILE
    with TranslationCache(path) as cache:
        assert CachedTranslator(Tagger(), cache).translate(["甲"]) == ["EN(甲)"]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE translations SET translation = ?", (b"\x00not text",))  # TEXT affinity keeps a blob
    conn.close()
    with TranslationCache(path) as cache:
        wrapped = CachedTranslator(Tagger(), cache)
        assert wrapped.translate(["甲"]) == ["EN(甲)"]  # not 42, not a crash
        assert wrapped.stats.misses == 1 and Tagger.calls == 2
        assert wrapped.translate(["甲"]) == ["EN(甲)"] and Tagger.calls == 2  # repaired: a hit now


# --- never rewrite or read what is not ours -------------------------------------------------


def test_in_place_refuses_a_symlink_leaving_its_folder_unless_asked(tmp_path):
    outside = tmp_path / "elsewhere" / "settings.txt"
    outside.parent.mkdir()
    outside.write_text("Good -neighborly ties.\n", encoding="utf-8")
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").symlink_to(outside)
    result = tqa("run", news, "--out", tmp_path / "out", "-j", "1", "--in-place", "--no-retranslate")
    assert result.exit_code == 3 and "symlink to" in result.stderr and "--follow-links" in result.stderr
    assert outside.read_text(encoding="utf-8") == "Good -neighborly ties.\n" and not list(outside.parent.glob("*.orig"))
    result = tqa("run", news, "--out", tmp_path / "out", "-j", "1", "--in-place", "--follow-links", "--no-retranslate")
    assert result.exit_code == 0 and outside.read_text(encoding="utf-8") == "Good-neighborly ties.\n"


@pytest.fixture
def made_report(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Relations are good -neighborly.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1", "--no-retranslate").exit_code == 0
    return out / "a.findings.json"


def test_apply_reads_only_the_input_whose_hash_the_report_carries(tmp_path, made_report):
    secret = tmp_path / "secret.txt"
    secret.write_text("token=abc\n", encoding="utf-8")
    data = json.loads(made_report.read_text(encoding="utf-8"))
    data["document"]["path"] = "../secret.txt"
    tampered = tmp_path / "out" / "t.findings.json"
    tampered.write_text(json.dumps(data), encoding="utf-8")
    result = tqa("apply", tampered)
    assert result.exit_code == 2 and "sha256 differs" in result.stderr
    assert "characters" not in result.stderr and not list(tmp_path.rglob("*.final.txt"))
    del data["document"]["text_sha256"]
    tampered.write_text(json.dumps(data), encoding="utf-8")
    result = tqa("apply", tampered, "--input", tmp_path / "a.txt")
    assert result.exit_code == 2 and "carries no text_sha256" in result.stderr


def _tampered(path: Path, change) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    bad = path.with_name("bad.findings.json")
    bad.write_text(json.dumps(data), encoding="utf-8")
    return bad


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["findings"][0].update(start="x"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"].__setitem__(0, 1),
        lambda d: d["findings"][0].pop("check"),
        lambda d: d.update(findings={"a": 1}),
    ],
    ids=["start", "severity", "not-an-object", "no-check", "not-a-list"],
)
def test_accept_of_a_tampered_report_is_a_one_line_error(tmp_path, made_report, change):
    result = runner.invoke(
        app, ["accept", str(_tampered(made_report, change)), "--all", "--ignore-list", str(tmp_path / "ign.json")]
    )
    assert result.exit_code == 2, result.exception  # not a traceback (exit 1)
    assert result.stderr.startswith("tqa: error:") and result.stderr.count("\n") == 1


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("command", ["accept", "apply", "--ignore"])
def test_deeply_nested_json_is_a_one_line_error(tmp_path, command):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Trade grew.\n", encoding="utf-8")
    args = (
        ["check", "--ignore-list", str(deep), str(tmp_path / "a.txt")]
        if command == "--ignore"
        else [command, str(deep), *(["--all"] if command == "accept" else [])]
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and not isinstance(result.exception, RecursionError)
    assert "nested too deeply" in result.stderr and result.stderr.count("\n") == 1


# --- printed output and summaries ------------------------------------------------------------


def test_control_characters_are_escaped_in_everything_printed(tmp_path):
    src = tmp_path / "a\x1b[2J.txt"
    src.write_text("Relations are good -neighborly\x1b]0;owned\x07 \u202e and \x9b31m more.\n", encoding="utf-8")
    (tmp_path / "b\x1b[31m.txt").write_bytes(b"\x00" * 10)  # unreadable: printed as an error line
    for args in (
        ["check", tmp_path],
        ["check", tmp_path, "--format", "json"],
        ["run", tmp_path, "--out", tmp_path / "out", "-j", "1", "--no-retranslate"],
    ):
        result = tqa(*args)
        printed = result.stdout + result.stderr
        assert not any(c in printed for c in "\x1b\x07\x9b\u202e"), args
        assert "\\x1b" in printed or "\\u001b" in printed, args


def test_summaries_and_tmx_follow_the_input_order_also_after_resume(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "c"):
        (inputs / f"{name}.txt").write_text(f"Text {name} is good -neighborly.\n", encoding="utf-8")
    (inputs / "b.txt").write_bytes(b"\x00" * 50)  # fails to read, in the middle of the chunk
    out = tmp_path / "out"
    for extra in ([], ["--resume"]):
        assert tqa("run", inputs, "--out", out, "-j", "1", "--no-retranslate", *extra).exit_code == 3
        rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["articles"]
        assert [Path(r["input"]).name for r in rows] == ["a.txt", "b.txt", "c.txt"], extra
        assert [
            line.split(",")[0].rsplit("/", 1)[-1]
            for line in (out / "summary.csv").read_text(encoding="utf-8").splitlines()[1:]
        ] == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the file system must accept non-UTF-8 names")
def test_a_non_utf8_file_name_gets_its_reports_and_resumes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    with open(os.fsencode(inputs) + b"/caf\xe9.txt", "wb") as f:
        f.write(b"Relations are good -neighborly.\n")
    out = tmp_path / "out"
    result = tqa("run", inputs, "--out", out, "-j", "1", "--no-retranslate")
    assert result.exit_code == 0, result.output
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["articles"]
    assert rows[0]["input"].endswith("caf\\xe9.txt") and (out / "caf_xe9.findings.json").exists()
    assert "(1 unchanged" in tqa("run", inputs, "--out", out, "-j", "1", "--no-retranslate", "--resume").stdout
    checked = tqa("check", inputs)
    assert checked.exit_code == 1 and "caf\\xe9.txt:1:19: minor hyphen-spacing" in checked.stdout
    assert json.loads(tqa("check", inputs, "--format", "json").stdout)["files"][0]["path"].endswith("caf\\xe9.txt")


def test_a_folder_holding_a_manifest_is_read_when_named_directly(tmp_path):
    old_out = tmp_path / "old-reports"
    old_out.mkdir()
    (old_out / "manifest.jsonl").write_text("{}\n", encoding="utf-8")
    (old_out / "a.txt").write_text("Relations are good -neighborly.\n", encoding="utf-8")
    assert "hyphen-spacing" in tqa("check", old_out).stdout  # named: read
    assert tqa("check", tmp_path).exit_code == 2  # found while walking: another run's outputs, skipped
