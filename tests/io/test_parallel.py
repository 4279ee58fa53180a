"""Parallel text: an English file line-aligned with its original (Moses' corpus.en and corpus.zh),
each line a record with the same line of the original; repaired lines written back, every
other byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import Fields, Record, format_of, parallel
from tests.support import tqa

ZH = ["今年贸易增长了百分之十。", "结果很好，会议说。", "", "去年增长了5%。"]
EN = [
    "Trade grew by ten percent last year.",
    "The results were good , the the meeting said.",
    "",
    "It grew by 7% last year.",
]
FIXED = "The results were good, the meeting said."


def write(folder: Path, en: list[str] = EN, zh: list[str] = ZH, newline: str = "\n", name: str = "corpus") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.zh").write_text("".join(z + newline for z in zh), encoding="utf-8", newline="")
    path = folder / f"{name}.en"
    path.write_bytes(("\ufeff" + "".join(e + newline for e in en)).encode("utf-8"))
    return path


def test_each_line_is_a_record_with_the_same_line_of_the_original(tmp_path):
    path = write(tmp_path)
    assert format_of(path) == "parallel"
    got = [(r.id, r.source, r.text, r.where) for r in parallel.read(path, Fields()) if isinstance(r, Record)]
    assert got == [
        ("1", ZH[0], EN[0], "line 1"),  # the byte-order mark is not text
        ("2", ZH[1], EN[1], "line 2"),
        ("4", ZH[3], EN[3], "line 4"),
    ]  # a blank line is not a record


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_run_writes_back_only_the_repaired_lines(tmp_path, newline):
    path = write(tmp_path / "in", newline=newline)
    result = tqa("run", path, "--source", tmp_path / "in" / "corpus.zh", "--out", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output  # the number stays: the model is not there to retranslate
    want = path.read_bytes().replace(EN[1].encode(), FIXED.encode())
    assert (tmp_path / "out" / "corpus.en").read_bytes() == want


def test_a_corpus_with_nothing_to_repair_comes_back_byte_for_byte(tmp_path):
    path = write(tmp_path / "in", en=[EN[0], "", "It grew by 5% last year."], zh=[ZH[0], "", ZH[3]], newline="\r\n")
    result = tqa("run", tmp_path / "in", "--out", tmp_path / "out", "-j", "1")  # corpus.zh found beside it
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "corpus.en").read_bytes() == path.read_bytes()


def test_check_uses_the_original_and_names_the_line(tmp_path):
    path = write(tmp_path)
    result = tqa("check", path, "--source", tmp_path / "corpus.zh")
    assert result.exit_code == 1
    assert "corpus.en#4:1:12: major number-mismatch" in result.stdout


def test_any_name_is_parallel_text_with_input_format_and_a_folder_of_originals(tmp_path):
    write(tmp_path / "zh", name="news")
    (tmp_path / "news.txt").write_text("\n".join(EN) + "\n", encoding="utf-8")
    result = tqa("check", tmp_path / "news.txt", "--input-format", "parallel", "--source", tmp_path / "zh")
    assert result.exit_code == 1 and "news.txt#4:1:12: major number-mismatch" in result.stdout


@pytest.mark.parametrize(
    ("en", "zh", "message"),
    [
        (EN, ZH[:3], "corpus.en has 4 line(s) and its original"),
        (EN[:2], ZH, "corpus.en has 2 line(s) and its original"),
    ],
)
def test_files_that_are_not_line_aligned_are_a_one_line_error(tmp_path, en, zh, message):
    path = write(tmp_path, en=en, zh=zh)
    for command in (("check", path), ("run", path, "--out", tmp_path / "out")):
        result = tqa(*command)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert message in result.output and "must be line-aligned" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "corpus.en").exists()


def test_an_english_file_without_its_original_is_named(tmp_path):
    (tmp_path / "lone.en").write_text(EN[0] + "\n", encoding="utf-8")
    result = tqa("check", tmp_path / "lone.en")
    assert result.exit_code == 2 and "lone.en: parallel text without its original" in result.output
    result = tqa("check", tmp_path / "lone.en", "--source", tmp_path / "nope.zh")
    assert result.exit_code == 2 and "--source" in result.output and "no such file" in result.output


def test_a_line_a_repair_would_split_is_kept_as_it_was(tmp_path):
    path = write(tmp_path)
    record = next(r for r in parallel.read(path, Fields()) if isinstance(r, Record) and r.id == "2")
    writer = parallel.Writer(tmp_path / "out.en", Fields(), path)
    edit = {"check": "c", "start": 0, "end": 3, "replacement": "A\nB"}
    notices = writer.write(record, {"cleaned": "A\nB" + record.text[3:], "tqa": {"applied": [edit]}})
    writer.commit()
    assert notices and (tmp_path / "out.en").read_bytes() == record.raw
