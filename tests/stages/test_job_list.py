"""What `tqa check` and `tqa run` work on: paths, --paths-from, corpora, originals, --ref, stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.document import InputError
from pipeline.io import Fields
from pipeline.stages.job_list import (
    InputListError,
    job_list,
    list_files,
    reads_stdin,
    references,
)
from pipeline.stages.job_list import stdin_jobs as job_list_from_stdin

EN = "Trade grew by 5 percent last year.\n"
ZH = "去年贸易增长了百分之五。\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """An English article with its tagged original beside it, a second article and a corpus."""
    _write(tmp_path / "a.en.txt", EN)
    _write(tmp_path / "a.zh.txt", ZH)
    _write(tmp_path / "b.txt", EN)
    _write(
        tmp_path / "c.jsonl", json.dumps({"id": "r1", "text": EN}) + "\n" + json.dumps({"id": "r2", "text": EN}) + "\n"
    )
    return tmp_path


def test_only_a_lone_dash_reads_text_on_stdin():
    assert reads_stdin([Path("-")], None)
    assert not reads_stdin([Path("-")], Path("list.txt"))  # the listing is on stdin, not the text
    assert not reads_stdin([Path("-"), Path("a.txt")], None) and not reads_stdin(None, None)


def test_a_dash_among_paths_is_refused_with_the_way_to_list_paths(folder):
    with pytest.raises(InputListError, match=r"--paths-from FILE \(- for standard input\)"):
        list_files([folder / "b.txt", Path("-")])


def test_the_default_input_is_the_seeds_folder(tmp_path, monkeypatch):
    _write(tmp_path / "seeds" / "x.txt", EN)
    monkeypatch.chdir(tmp_path)
    assert list_files(None) == [Path("seeds/x.txt")]


def test_no_path_and_no_seeds_folder_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        InputListError,
        match=r"^no PATH given, and no seeds/ folder here to default to; name the files or folders to work on$",
    ):
        list_files(None)


def test_paths_from_a_file_adds_to_the_paths_given(folder, tmp_path):
    listing = _write(tmp_path / "list" / "paths.lst", f"{folder / 'b.txt'}\n\n  {folder / 'a.en.txt'}  \n")
    assert list_files([folder / "c.jsonl"], paths_from=listing) == [
        folder / "c.jsonl",
        folder / "b.txt",
        folder / "a.en.txt",
    ]


def test_paths_from_standard_input_leaves_stdin_open(folder, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(f"{folder / 'b.txt'}\n".encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert list_files(None, paths_from=Path("-")) == [folder / "b.txt"]
    assert not stdin.closed


def test_a_listed_name_that_is_not_utf8_is_the_file_of_those_bytes(tmp_path, monkeypatch):
    import os

    name = os.fsdecode(b"caf\xe9.txt")  # as Python gives such a name on the command line
    _write(tmp_path / name, EN)
    listing = tmp_path / "paths.lst"
    listing.write_bytes(os.fsencode(tmp_path) + b"/caf\xe9.txt\n")
    assert list_files(None, paths_from=listing) == [tmp_path / name]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(listing.read_bytes())))
    assert list_files(None, paths_from=Path("-")) == [tmp_path / name]


def test_unusable_path_lists_are_one_line_errors(tmp_path):
    with pytest.raises(InputListError, match=r"^--paths-from .*missing\.lst: No such file or directory$"):
        list_files(None, paths_from=tmp_path / "missing.lst")
    with pytest.raises(InputListError, match=r"nothing\.txt: no such file or folder$"):
        list_files([tmp_path / "nothing.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputListError, match=r"^no input files found \(looked for \.txt, \.md"):
        list_files([tmp_path / "empty"])


def test_the_output_folder_is_not_searched_for_inputs(folder):
    _write(folder / "out" / "a.cleaned.txt", EN)
    assert folder / "out" / "a.cleaned.txt" not in list_files([folder], exclude=[folder / "out"])


def test_text_files_corpora_and_originals_are_told_apart(folder):
    inputs = job_list(
        list_files([folder, folder / "c.jsonl"]), None, None, Fields()
    )  # a folder is searched for text files
    assert inputs.files == [folder / "a.en.txt", folder / "b.txt"]  # a.zh.txt is a.en.txt's original, not an input
    assert inputs.originals(folder / "a.en.txt") == folder / "a.zh.txt" and inputs.originals(folder / "b.txt") is None
    assert [c.path for c in inputs.corpora] == [folder / "c.jsonl"]
    assert (inputs.record_count, inputs.count) == (2, 4)
    jobs = list(inputs.jobs(lambda *_: None))
    assert [(j.path.name, j.stem, j.source) for j in jobs[:2]] == [
        ("a.en.txt", "a.en.txt", folder / "a.zh.txt"),
        ("b.txt", "b.txt", None),
    ]
    assert [j.record.id for j in jobs[2:]] == ["r1", "r2"]
    assert [j.record.id for j in inputs.records(lambda *_: None)] == ["r1", "r2"]


def test_an_input_format_reads_every_input_as_that_format(folder):
    _write(folder / "d.txt", json.dumps({"id": "x", "text": EN}) + "\n")
    inputs = job_list([folder / "d.txt"], None, "jsonl", Fields())
    assert inputs.files == [] and inputs.record_count == 1


def test_malformed_records_go_to_the_callback(folder):
    _write(folder / "bad.jsonl", json.dumps({"id": "ok", "text": EN}) + "\n{broken\n")
    seen = []
    jobs = list(
        job_list([folder / "bad.jsonl"], None, None, Fields()).jobs(lambda corpus, item: seen.append(item.where))
    )
    assert [j.record.id for j in jobs] == ["ok"] and seen == ["line 2"]


@pytest.mark.parametrize(
    "case, says",
    [
        ("source-for-corpus", "--source pairs text files; a corpus keeps its original in a field: use --source-field"),
        ("in-place-corpus", "--in-place rewrites text files; a corpus is written to --out"),
        ("source-file-many", "--source is a file but there are several inputs; pass a folder of originals"),
        ("source-is-input", "--source names the input itself; give the Chinese original"),
        ("only-originals", "every input is the Chinese original of another; no English article to check"),
        ("source-missing", "nowhere: no such file or folder"),
        ("bad-format", "klingon"),
    ],
)
def test_inputs_that_cannot_be_paired_are_refused(folder, case, says):
    corpus, b, a_en, a_zh = folder / "c.jsonl", folder / "b.txt", folder / "a.en.txt", folder / "a.zh.txt"
    calls = {
        "source-for-corpus": lambda: job_list([corpus], folder, None, Fields()),
        "in-place-corpus": lambda: job_list([b, corpus], None, None, Fields(), in_place=True),
        "source-file-many": lambda: job_list([a_en, b], a_zh, None, Fields()),
        "source-is-input": lambda: job_list([b], b, None, Fields()),
        "only-originals": lambda: job_list([a_zh, _write(folder / "a.zh-cn.txt", ZH)], None, None, Fields()),
        "source-missing": lambda: job_list([b], folder / "nowhere", None, Fields()),
        "bad-format": lambda: job_list([b], None, "klingon", Fields()),
    }
    with pytest.raises(InputListError) as err:
        calls[case]()
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_corpus_alone_has_no_references_and_no_originals(folder):
    inputs = job_list([folder / "c.jsonl"], None, None, Fields())
    assert inputs.files == [] and inputs.originals(folder / "c.jsonl") is None
    assert references(folder / "no-such-ref.txt", inputs.files)(folder / "c.jsonl") is None


def test_references_by_file_or_by_name_in_a_folder(folder):
    ref = _write(folder / "refs" / "b.txt", "Trade grew 5% last year.\n")
    assert references(ref, [folder / "b.txt"])(folder / "b.txt") == "Trade grew 5% last year.\n"
    by_name = references(folder / "refs", [folder / "a.en.txt", folder / "b.txt"])
    assert by_name(folder / "b.txt") == "Trade grew 5% last year.\n" and by_name(folder / "a.en.txt") is None
    assert references(None, [folder / "b.txt"])(folder / "b.txt") is None
    with pytest.raises(InputListError, match="--ref is a file but there are several inputs"):
        references(ref, [folder / "a.en.txt", folder / "b.txt"])
    with pytest.raises(InputListError, match=r"--ref .*nowhere: no such file or folder"):
        references(folder / "nowhere", [folder / "b.txt"])


def test_an_unreadable_reference_is_an_error_when_it_is_read(folder):
    (folder / "refs").mkdir()
    (folder / "refs" / "b.txt").write_bytes(b"\x00\x00\x00\x00binary")
    lookup = references(folder / "refs", [folder / "b.txt"])  # nothing is read yet
    with pytest.raises(InputListError, match=r"^--ref .*b\.txt: looks binary"):
        lookup(folder / "b.txt")


def test_text_on_stdin_is_one_input_named_stdin_with_its_bytes(tmp_path):
    data = EN.encode("utf-16")
    inputs = job_list_from_stdin(io.BytesIO(data), None)
    [job] = list(inputs.jobs(lambda *_: None))
    assert (job.key, job.data, job.source, inputs.count) == ("<stdin>", data, None, 1)
    doc, source, warnings = job.load()
    assert (doc.text, doc.path, doc.encoding, source, warnings) == (EN, "<stdin>", "utf-16-le", None, [])
    original = _write(tmp_path / "a.zh.txt", ZH)
    assert list(job_list_from_stdin(io.BytesIO(data), original).jobs(lambda *_: None))[0].source == original
    with pytest.raises(InputListError, match="^--source with text on standard input must be a file$"):
        job_list_from_stdin(io.BytesIO(data), tmp_path)
    with pytest.raises(
        InputListError, match="^--input-format jsonl: standard input is read as plain text; give the corpus as a path$"
    ):
        job_list_from_stdin(io.BytesIO(data), None, "jsonl")  # it would be checked as JSON markup
    assert job_list_from_stdin(io.BytesIO(data), None, "text").count == 1


def test_stdin_is_read_no_further_than_one_byte_past_the_limit():
    from pipeline.util.reading import MAX_BYTES

    class Endless(io.RawIOBase):
        def readable(self):  # type: ignore[no-untyped-def]
            return True

        def readinto(self, buffer):  # type: ignore[no-untyped-def]
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    [job] = list(job_list_from_stdin(io.BufferedReader(Endless()), None).jobs(lambda *_: None))
    assert len(job.data) == MAX_BYTES + 1
    with pytest.raises(InputError, match=r"^is over the 64 MiB limit per file; split it$"):
        job.load()


# --- tqa check -: standard input decoded as files are ---------------------------------------------

runner = CliRunner()


def test_almost_utf8_text_on_stdin_is_warned_about_as_in_a_file(tmp_path):
    data = "The minister said 我们将继续推进改革开放 at the meeting.\n".encode() + b"Trade \xff grew.\n"
    (tmp_path / "a.txt").write_bytes(data)
    piped = runner.invoke(app, ["check", "-", "-j", "1"], input=data)
    filed = runner.invoke(app, ["check", str(tmp_path / "a.txt"), "-j", "1"])
    assert "<stdin>: 1 byte sequence(s) not valid UTF-8, read as U+FFFD (the rest is UTF-8)" in piped.stderr
    assert piped.stdout.replace("<stdin>", "A") == filed.stdout.replace(str(tmp_path / "a.txt"), "A")
    assert piped.exit_code == filed.exit_code == 1  # findings remain


def test_unreadable_text_on_stdin_fails_as_a_file_does(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00" * 40)
    piped = runner.invoke(app, ["check", "-", "--format", "json"], input=b"\x00" * 40)
    filed = runner.invoke(app, ["check", str(tmp_path / "bin.txt"), "--format", "json"])
    assert piped.exit_code == filed.exit_code == 3
    assert piped.stderr == "<stdin>: error: looks binary (NUL bytes, no UTF-16/32 byte-order mark); not a text file\n"
    assert json.loads(piped.stdout)["errors"] == [{**json.loads(filed.stdout)["errors"][0], "path": "<stdin>"}]
    cp1252 = runner.invoke(app, ["check", "-", "--encoding", "utf-8"], input="café".encode("cp1252"))
    assert cp1252.exit_code == 3 and cp1252.stderr.startswith("<stdin>: error: not valid utf-8 (--encoding)")
