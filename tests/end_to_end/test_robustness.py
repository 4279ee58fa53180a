"""Hostile and odd inputs, lossless output, and resumable batches (one test per case)."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.core.document import MAX_BYTES
from tests.support import kill_part_way, tqa


def summary(out: Path) -> dict[str, dict]:
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(r["input"]).name: r for r in data["articles"]}


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t \n"], ids=["empty", "whitespace"])
def test_empty_and_whitespace_files_are_processed_unchanged(tmp_path, content):
    src = tmp_path / "a.txt"
    src.write_bytes(content)
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1").exit_code == 0
    assert (out / "a.cleaned.txt").read_bytes() == content
    assert summary(out)["a.txt"]["findings_before"] == 0


def test_binary_file_is_refused_with_one_line(tmp_path):
    src = tmp_path / "img.txt"
    src.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = tqa("check", src)
    assert result.exit_code == 3
    assert "looks binary" in result.stderr and result.stderr.count("\n") == 1


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    src = tmp_path / "dump.txt"
    with open(src, "wb") as f:  # sparse: costs no disk
        f.truncate(MAX_BYTES + 1)
    result = tqa("check", src)
    assert result.exit_code == 3 and "limit" in result.stderr


def test_html_input_is_treated_as_text(tmp_path):
    src = tmp_path / "page.txt"
    src.write_text("<p>Relations are good -neighborly.</p>\n<script>alert(1)</script>\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1").exit_code == 0
    cleaned = (out / "page.cleaned.txt").read_text(encoding="utf-8")
    assert cleaned == "<p>Relations are good-neighborly.</p>\n<script>alert(1)</script>\n"
    assert "<script>alert(1)" not in (out / "page.html").read_text(encoding="utf-8")


def test_unreadable_file_is_listed_and_the_batch_goes_on(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("Trade grew.\n", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("secret\n", encoding="utf-8")
    import pipeline.core.document

    real = pipeline.core.document.read_limited

    def read_limited(path, *args):  # root can read anything, so refuse the way the OS would
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(path, *args)

    monkeypatch.setattr(pipeline.core.document, "read_limited", read_limited)
    out = tmp_path / "out"
    result = tqa("run", tmp_path, "--out", out, "-j", "1")
    assert result.exit_code == 3
    rows = summary(out)
    assert rows["locked.txt"]["status"] == "error" and "permission denied" in rows["locked.txt"]["error"]
    assert rows["ok.txt"]["status"] == "ok"


def test_symlinks_and_loops_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Trade grew.\n", encoding="utf-8")
    (folder / "alias.txt").symlink_to(folder / "a.txt")  # same file: processed once
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # never descended into
    out = tmp_path / "out"
    result = tqa("run", folder, "--out", out, "-j", "1")
    assert result.exit_code == 0
    assert list(summary(out)) == ["a.txt"]


def test_same_file_name_in_two_folders_gets_two_reports(tmp_path):
    for sub, text in (("x", "Trade grew.\n"), ("y", "Trade fell.\n")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "news.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", tmp_path / "x", tmp_path / "y", "--out", out, "-j", "1").exit_code == 0
    cleaned = sorted(p.read_text(encoding="utf-8") for p in out.glob("*.cleaned.txt"))
    assert cleaned == ["Trade fell.\n", "Trade grew.\n"]


def test_output_folder_inside_the_input_folder_is_never_read(tmp_path):
    (tmp_path / "a.txt").write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "reports"
    for _ in range(2):
        assert tqa("run", tmp_path, "--out", out, "-j", "1").exit_code == 0
    assert list(summary(out)) == ["a.txt"]


def test_same_file_named_twice_is_processed_once(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", src, src, tmp_path / "." / "a.txt", "--out", out, "-j", "1").exit_code == 0
    assert len(summary(out)) == 1


@pytest.mark.parametrize(
    "encoding, bom, newline",
    [
        ("utf-8", b"", "\r\n"),
        ("utf-8", codecs.BOM_UTF8, "\n"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\r\n"),
        ("gb18030", b"", "\r"),
    ],
)
def test_cleaned_text_keeps_encoding_bom_and_newlines(tmp_path, encoding, bom, newline):
    text = newline.join(["Ties are good -neighborly.", "", "中国和中亚的合作。 More text here.", ""])
    src = tmp_path / "a.txt"
    src.write_bytes(bom + text.encode(encoding))
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1", "--apply", "rules").exit_code == 0
    expected = bom + text.replace("good -neighborly", "good-neighborly").encode(encoding)
    assert (out / "a.cleaned.txt").read_bytes() == expected
    report = json.loads((out / "a.findings.json").read_text(encoding="utf-8"))
    assert report["document"]["encoding"] == encoding


def test_no_edits_gives_a_byte_identical_output(tmp_path):
    data = codecs.BOM_UTF8 + b"A clean line.\r\nAnother one.\r\n\r\nLast, with no newline"
    src = tmp_path / "a.txt"
    src.write_bytes(data)
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1").exit_code == 0
    assert (out / "a.cleaned.txt").read_bytes() == data
    assert (out / "a.diff").read_bytes() == b""


def test_output_encoding_utf8_converts_a_legacy_input(tmp_path):
    text = "中国和中亚的合作。 Ties are strong.\n"
    src = tmp_path / "a.txt"
    src.write_bytes(text.encode("gb18030"))
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1", "--output-encoding", "utf-8", "--apply", "rules").exit_code == 0
    assert (out / "a.cleaned.txt").read_bytes() == text.encode("utf-8")


def test_inputs_are_never_modified_and_in_place_keeps_a_backup(tmp_path):
    src = tmp_path / "a.txt"
    original = b"Ties are good -neighborly.\n"
    src.write_bytes(original)
    out = tmp_path / "out"
    assert tqa("run", src, "--out", out, "-j", "1").exit_code == 0
    assert src.read_bytes() == original
    assert tqa("run", src, "--out", out, "-j", "1", "--in-place").exit_code == 0
    assert src.read_bytes() == b"Ties are good-neighborly.\n"
    assert (tmp_path / "a.txt.orig").read_bytes() == original
    # a second in-place run keeps the first backup, the true original
    assert tqa("run", src, "--out", out, "-j", "1", "--in-place").exit_code == 0
    assert (tmp_path / "a.txt.orig").read_bytes() == original


def test_fail_fast_stops_at_the_first_failure(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x00\x01binary\x00")
    (tmp_path / "b.txt").write_text("Trade grew.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = tqa("run", tmp_path, "--out", out, "-j", "1", "--fail-fast")
    assert result.exit_code == 3
    assert not (out / "b.cleaned.txt").exists()


def _corpus(folder: Path, sample: str, n: int) -> None:
    folder.mkdir()
    paragraphs = sample.split("\n\n")
    for i in range(n):
        # vary each article so that every report differs
        text = "\n\n".join([f"Report number {i}: relations are good -neighborly."] + paragraphs[i % 5 :])
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != "manifest.jsonl"}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc (Linux)")
def test_a_killed_batch_resumes_to_the_same_result(tmp_path, sample_path):
    inputs = tmp_path / "in"
    _corpus(inputs, sample_path.read_text(encoding="utf-8"), 200)
    env = {**os.environ, "TQA_MODELS_DIR": str(tmp_path / "models"), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "-j", "2"]

    full = tmp_path / "full"
    subprocess.run([*command, "--out", str(full)], env=env, check=True, capture_output=True)

    killed = tmp_path / "killed"
    workers, done_before = kill_part_way(command, killed, env, before_kill=lambda proc: _children(proc.pid))
    assert workers, "the run uses worker processes"
    deadline = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), "workers must not outlive a killed run"
    assert 0 < done_before < 200, "the run must be killed part-way"

    resumed = subprocess.run([*command, "--out", str(killed), "--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "unchanged since the last run" in resumed.stdout
    assert not list(killed.glob(".*.tmp"))
    assert _files(killed) == _files(full)


def test_inputs_from_globs_and_standard_input(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / f"{sub}.txt").write_text("Trade grew.\n", encoding="utf-8")
    pattern = str(tmp_path / "**" / "*.txt")
    doc = json.loads(tqa("check", pattern, "--format", "json").stdout)
    assert sorted(Path(f["path"]).name for f in doc["files"]) == ["x.txt", "y.txt"]
    listing = f"{tmp_path / 'y' / 'y.txt'}\n\n{tmp_path / 'x' / 'x.txt'}\n"
    result = tqa("check", "--paths-from", "-", "--format", "json", input=listing)
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["y.txt", "x.txt"]
    assert tqa("check", str(tmp_path / "*.nothing")).exit_code == 2


def test_resume_redoes_an_article_whose_report_name_changed(tmp_path):
    for sub, text in (("x", "Alpha text , one.\n"), ("y", "Beta text , two.\n")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "news.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", tmp_path / "y", "--out", out, "-j", "1").exit_code == 0
    assert tqa("run", tmp_path / "x", tmp_path / "y", "--out", out, "-j", "1", "--resume").exit_code == 0
    cleaned = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.cleaned.txt")}
    assert sorted(cleaned.values()) == ["Alpha text, one.\n", "Beta text, two.\n"]
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["articles"]
    stems = [r["stem"] for r in rows]
    assert len(stems) == len(set(stems)) == 2


def test_an_article_named_index_keeps_its_page(tmp_path):
    (tmp_path / "index.txt").write_text("Index article , here.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", tmp_path / "index.txt", "--out", out, "-j", "1").exit_code == 0
    page = [p for p in out.glob("*.html") if p.name != "index.html"]
    assert len(page) == 1 and "Index article" in page[0].read_text(encoding="utf-8")
    assert "Index article" not in (out / "index.html").read_text(encoding="utf-8")


def test_in_place_follows_a_symlink_and_keeps_permissions(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("Good -neighborly ties.\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert tqa("run", link, "--out", tmp_path / "out", "-j", "1", "--in-place").exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "Good-neighborly ties.\n"
    assert real.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "real.txt.orig").stat().st_mode & 0o777 == 0o600


def test_out_must_be_a_folder(tmp_path):
    (tmp_path / "a.txt").write_text("Trade grew.\n", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = tqa("run", tmp_path / "a.txt", "--out", tmp_path / "file")
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_an_output_encoding_that_cannot_hold_the_text_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("China’s trade grew.\n", encoding="utf-8")
    result = tqa("run", tmp_path / "a.txt", "--out", tmp_path / "out", "-j", "1", "--output-encoding", "latin-1")
    assert result.exit_code == 3
    assert "cannot be written in latin-1" in result.output and "internal error" not in result.output


def test_a_file_named_explicitly_is_read_even_inside_the_output_folder(tmp_path):
    (tmp_path / "a.txt").write_text("Trade grew.\n", encoding="utf-8")
    assert tqa("run", tmp_path / "a.txt", "--out", tmp_path, "-j", "1").exit_code == 0
    assert (tmp_path / "a.cleaned.txt").is_file()


def test_line_and_column_with_lone_cr_newlines(tmp_path):
    (tmp_path / "cr.txt").write_bytes(b"First line is fine here.\rHello world , this is good -neighborly.\r")
    lines = tqa("check", tmp_path / "cr.txt").stdout.splitlines()
    assert any(":2:12: minor space-before-punctuation" in line for line in lines)


def test_resume_redoes_an_article_whose_original_changed(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.en.txt").write_text("The port handled 30 million tonnes of cargo last year.\n", encoding="utf-8")
    (news / "b.en.txt").write_text("The bridge opened in 2020.\n", encoding="utf-8")
    (news / "a.zh.txt").write_text("该港口去年货物吞吐量为3000万吨。\n", encoding="utf-8")
    (news / "b.zh.txt").write_text("这座桥于2020年通车。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", news, "--out", out, "-j", "1").exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.findings.json")}

    def numbers(name: str) -> list[str]:
        report = json.loads((out / name).read_text(encoding="utf-8"))
        return [f["check"] for f in report["findings"] if f["check"] == "number-mismatch"]

    [a_report] = [n for n in before if n.startswith("a")]
    assert numbers(a_report) == []
    # the original is corrected: 4000万吨, no longer what the English says
    (news / "a.zh.txt").write_text("该港口去年货物吞吐量为4000万吨。\n", encoding="utf-8")
    assert tqa("run", news, "--out", out, "-j", "1", "--resume").exit_code in (0, 1)
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.findings.json")}
    assert numbers(a_report) == ["number-mismatch"]  # redone against the new original
    [b_report] = [n for n in before if n.startswith("b")]
    assert after[b_report] == before[b_report]  # its original unchanged: resumed, not redone
    # and a third run with nothing changed redoes nothing
    assert tqa("run", news, "--out", out, "-j", "1", "--resume").exit_code in (0, 1)
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.findings.json")} == after
