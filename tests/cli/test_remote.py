"""`tqa check` and `tqa run` on inputs and `--out` in a store: an S3 API server (moto's, on
127.0.0.1, started here) and fsspec's memory store. The same inputs from disk give the same
findings and the same written corpus; failures are one line, with no credentials in it."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, TEST_DATA, tqa

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

SECRET = "fake-secret-never-printed"
NEWS = {
    "news/a.jsonl": b'{"id": 1, "text": "The the cat sat on on the mat."}\n{"id": 2, "text": "Hello world."}\n',
    "news/b.jsonl": b'{"id": "x", "text": "Talks were held in in Beijing."}\n',
    "news/c.txt": b"This is is a test article.\n",
    "news/.hidden/d.txt": b"Not an input input.\n",
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture()
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[object]:
    """A bucket "news-bucket" holding NEWS, reached as a user would: the endpoint and fake
    credentials in the environment."""
    import s3fs

    from pipeline.util import storage

    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv(storage.ENV_OPTIONS, raising=False)
    monkeypatch.setattr(storage, "_FILESYSTEMS", {})
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    if fs.exists("news-bucket"):
        fs.rm("news-bucket", recursive=True)
    fs.mkdir("news-bucket")
    for key, data in NEWS.items():
        fs.pipe(f"news-bucket/{key}", data)
    fs.invalidate_cache()
    monkeypatch.chdir(tmp_path)
    yield fs


def local_copy(folder: Path) -> Path:
    for key, data in NEWS.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(data)
    return folder / "news"


def bilingual(fs: object, folder: Path) -> Path:
    """English articles in en/, their originals in zh/ and reference translations in ref/
    (the English with a word changed), in the bucket and under ``folder`` on disk."""
    files = {}
    for name in ("rail", "summit"):
        english = (TEST_DATA / "parallel" / f"{name}.en.txt").read_bytes()
        files[f"en/{name}.en.txt"] = english
        files[f"zh/{name}.zh.txt"] = (TEST_DATA / "parallel" / f"{name}.zh.txt").read_bytes()
        files[f"ref/{name}.en.txt"] = english.replace(b" the ", b" a ", 1)
    for key, data in files.items():
        fs.pipe(f"news-bucket/{key}", data)  # type: ignore[attr-defined]
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(data)
    fs.invalidate_cache()  # type: ignore[attr-defined]
    return folder


def checked(result: object, prefix: str) -> dict[str, list[dict]]:
    """``tqa check --format json``'s findings by file name, its folder left out."""
    files = json.loads(result.stdout)["files"]  # type: ignore[attr-defined]
    return {f["path"].removeprefix(prefix): f["findings"] for f in files}


def findings(output: str, prefix: str) -> list[str]:
    return sorted(line.replace(prefix, "") for line in output.splitlines() if "repeated-phrase" in line and "«" in line)


def test_check_a_glob_in_s3_finds_what_the_same_files_on_disk_give(s3: object, tmp_path: Path) -> None:
    remote = tqa("check", "s3://news-bucket/news/*.jsonl")
    local = tqa("check", str(local_copy(tmp_path / "disk")) + "/*.jsonl")
    assert remote.exit_code == local.exit_code == 1
    assert findings(remote.output, "s3://news-bucket/") == findings(local.output, f"{tmp_path}/disk/")
    assert "s3://news-bucket/news/a.jsonl#1:1:1: major repeated-phrase" in remote.output


def test_check_a_folder_in_s3_walks_it_as_a_local_folder(s3: object) -> None:
    result = tqa("check", "s3://news-bucket/news/", "--format", "json")
    names = {f["path"] for f in json.loads(result.stdout)["files"]}
    assert names == {f"s3://news-bucket/{k}" for k in NEWS if ".hidden" not in k}


def test_run_from_s3_to_s3_writes_what_a_local_run_writes_and_resumes(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = tqa("run", "s3://news-bucket/news/", "--out", "s3://news-bucket/out/", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "reports in s3://news-bucket/out/" in result.output
    assert "cleaned corpus in s3://news-bucket/out/a.jsonl" in result.output
    s3.invalidate_cache()
    keys = {k.removeprefix("news-bucket/out/") for k in s3.find("news-bucket/out")}
    assert {"a.jsonl", "b.jsonl", "c.cleaned.txt", "c.findings.json", "manifest.jsonl", "index.html"} <= keys
    assert ".tqa.lock" not in keys  # the lock marker goes when the run ends
    local = tqa("run", str(local_copy(tmp_path / "disk")), "--out", tmp_path / "local-out", "-j", "1")
    assert local.exit_code == 0
    for name in ("a.jsonl", "b.jsonl", "c.cleaned.txt"):  # the written corpora and text, byte for byte
        assert s3.cat(f"news-bucket/out/{name}") == (tmp_path / "local-out" / name).read_bytes()
    again = tqa("run", "s3://news-bucket/news/", "--out", "s3://news-bucket/out/", "-j", "1", "--resume")
    assert again.exit_code == 0, again.output
    assert "(4 unchanged since the last run)" in again.output


def test_a_second_run_on_a_locked_remote_out_is_refused(s3) -> None:  # type: ignore[no-untyped-def]
    s3.pipe("news-bucket/busy/.tqa.lock", b"123 2026-01-01T00:00:00Z\n")
    result = tqa("run", "s3://news-bucket/news/c.txt", "--out", "s3://news-bucket/busy")
    assert result.exit_code == 3  # as for a local --out another run holds
    assert result.output.strip().splitlines() == [
        "tqa: error: --out s3://news-bucket/busy: another tqa run is writing there "
        "(s3://news-bucket/busy/.tqa.lock exists; delete it if no run is, e.g. after a killed one)"
    ]


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ("check", "s3://no-such-bucket/news/a.jsonl"),
            "tqa: error: s3://no-such-bucket/news/a.jsonl: no such file or folder",
        ),
        (
            ("check", "s3://news-bucket/news/*.csv"),
            "tqa: error: s3://news-bucket/news/*.csv: no file matches this pattern",
        ),
        (("check", "nosuch://x/y.txt"), "tqa: error: nosuch:// is not a storage protocol tqa knows"),
        (("check", "s3://news-bucket/news/c.txt", "--storage-option", "colour"), "expected KEY=VALUE"),
    ],
)
def test_bad_urls_are_one_line_and_exit_2(s3: object, args: tuple[str, ...], says: str) -> None:
    result = tqa(*args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert says in result.output


def test_credentials_are_not_printed_when_the_store_fails(s3: object) -> None:
    """An endpoint nothing listens on, credentials given as options and in the environment."""
    unknown = tqa(
        "check",
        "s3://news-bucket/news/c.txt",
        "--storage-option",
        "secret=option-secret-value",
        "--storage-option",
        "colour=1",
    )
    assert unknown.exit_code == 2 and "unexpected keyword argument 'colour'" in unknown.output
    assert "option-secret-value" not in unknown.output
    result = tqa(
        "check",
        "s3://news-bucket/news/c.txt",
        "--storage-option",
        "endpoint_url=http://127.0.0.1:9",
        "--storage-option",
        "secret=option-secret-value",
        "--storage-option",
        "key=option-key-value",
        "--storage-option",
        'config_kwargs={"retries": {"max_attempts": 1}}',  # a JSON value: fail at once
    )
    assert result.exit_code == 2
    assert result.output.startswith("tqa: error: s3://news-bucket/news/c.txt: Could not connect to the endpoint URL")
    assert len(result.output.strip().splitlines()) == 1
    for secret in (SECRET, "option-secret-value", "option-key-value"):
        assert secret not in result.output


def test_a_worker_reads_its_input_from_the_store_itself(s3, s3_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A batch job pickles as the input's URL (what the Ray engine sends a task), and a fresh
    process, as a Ray worker is, reads the text from the store on its own."""
    from pipeline.stages.job import Job
    from pipeline.util.storage import location

    job = Job(location("s3://news-bucket/news/c.txt"), "c")
    blob = pickle.dumps(job)
    assert b"is is a test" not in blob  # the path travels, not the text
    (tmp_path / "job.pickle").write_bytes(blob)
    code = "import pickle, sys; job = pickle.load(open(sys.argv[1], 'rb')); print(job.load()[0].text, end='')"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "job.pickle")], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == NEWS["news/c.txt"].decode()


def test_memory_store_in_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fsspec

    monkeypatch.chdir(tmp_path)
    fs = fsspec.filesystem("memory")
    for key, data in NEWS.items():
        fs.pipe(f"/mem-bucket/{key}", data)
    try:
        result = tqa("run", "memory://mem-bucket/news/", "--out", "memory://mem-bucket/out", "-j", "1")
        assert result.exit_code == 0, result.output
        assert b'"text": "The cat sat on the mat."' in fs.cat("/mem-bucket/out/a.jsonl")
        manifest = fs.cat("/mem-bucket/out/manifest.jsonl").decode().splitlines()
        assert len(manifest) == 4
    finally:
        fs.rm("/mem-bucket", recursive=True)


def test_an_hf_dataset_url_is_read_through_fsspec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No network here: the URL goes to huggingface_hub's file system, whose failure is one
    line naming the URL, exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = tqa("check", "hf://datasets/some-org/some-news/data/train.jsonl")
    assert result.exit_code == 2
    # offline, or (huggingface_hub imported earlier, online) the host cannot be resolved here
    assert result.output.startswith("tqa: error: hf://datasets/some-org/some-news/data/train.jsonl: ")
    assert result.output.count("\n") == 1


@pytest.mark.parametrize(
    "out, code, says",
    [
        (
            "s3://no-such-bucket/out",
            3,
            "--out s3://no-such-bucket/out: cannot write there: no such file, folder or bucket",
        ),
        ("s3://news-bucket/news/c.txt", 2, "--out s3://news-bucket/news/c.txt: exists and is not a folder"),
    ],
)
def test_an_out_that_cannot_be_written_is_refused_before_any_work(s3, out: str, code: int, says: str) -> None:  # type: ignore[no-untyped-def]
    result = tqa("run", "s3://news-bucket/news/c.txt", "--out", out)
    assert result.exit_code == code
    assert result.output == f"tqa: error: {says}\n"


def test_storage_options_reach_the_store_and_the_workers(s3, s3_server: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The endpoint given as --storage-option instead of the environment, with two worker
    processes, and the inputs named by a --paths-from listing of URLs."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    (tmp_path / "list.txt").write_text("s3://news-bucket/news/a.jsonl\ns3://news-bucket/news/c.txt\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline.cli", "check", "--paths-from", str(tmp_path / "list.txt"), "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [*command, "--storage-option", f"endpoint_url={s3_server}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # findings
    assert "s3://news-bucket/news/a.jsonl#1:1:1: major repeated-phrase" in done.stdout
    assert "2 finding(s) in 3 file(s)" in done.stdout  # the text file too (two records and c.txt)


def test_credentials_the_server_refuses_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's server with authentication on (its own process): unknown keys are refused, as S3 does."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        from pipeline.util import storage

        monkeypatch.setattr(storage, "_FILESYSTEMS", {})
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
        checked = tqa("check", "s3://private/news/a.jsonl")
        assert checked.exit_code == 2
        assert (
            checked.output
            == "tqa: error: s3://private/news/a.jsonl: permission denied (check the store's credentials)\n"
        )
        source = tqa("check", str(local_copy(tmp_path) / "c.txt"), "--source", "s3://private/zh/")
        assert source.exit_code == 2
        assert (
            source.output == "tqa: error: --source s3://private/zh: permission denied (check the store's credentials)\n"
        )
        ran = tqa("run", str(local_copy(tmp_path) / "c.txt"), "--out", "s3://private/out")
        assert ran.exit_code == 3
        assert (
            ran.output
            == "tqa: error: --out s3://private/out: cannot write there: permission denied (check the store's credentials)\n"
        )
    finally:
        server.kill()
        server.wait()


def test_check_an_article_in_s3_against_its_original_in_s3(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    disk = bilingual(s3, tmp_path / "disk")
    remote = tqa("check", "s3://news-bucket/en/rail.en.txt", "--source", "s3://news-bucket/zh/rail.zh.txt")
    assert remote.exit_code == 1, remote.output
    assert "s3://news-bucket/en/rail.en.txt:3:449: major omission: not translated:" in remote.output
    args = ("--format", "json")
    remote = tqa("check", "s3://news-bucket/en/rail.en.txt", "--source", "s3://news-bucket/zh/rail.zh.txt", *args)
    local = tqa("check", disk / "en/rail.en.txt", "--source", disk / "zh/rail.zh.txt", *args)
    assert checked(remote, "s3://news-bucket/") == checked(local, f"{disk}/")
    assert [f["check"] for f in checked(remote, "s3://news-bucket/")["en/rail.en.txt"]] == ["omission"]
    english = (disk / "en/rail.en.txt").read_bytes()
    piped = tqa("check", "-", "--source", "s3://news-bucket/zh/rail.zh.txt", *args, input=english)
    assert checked(piped, "") == {"<stdin>": checked(local, f"{disk}/en/")["rail.en.txt"]}


def test_parallel_text_reads_its_line_aligned_original_from_s3(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s3.pipe("news-bucket/par/corpus.en", b"Trade grew by 5 percent.\nTalks were held in in Beijing.\n")
    s3.pipe("news-bucket/par-zh/corpus.zh", "贸易增长了百分之七。\n会谈在北京举行。\n".encode())
    s3.invalidate_cache()
    result = tqa("check", "s3://news-bucket/par/corpus.en", "--source", "s3://news-bucket/par-zh/", "--format", "json")
    assert result.exit_code == 1, result.output
    found = {f["check"] for r in json.loads(result.stdout)["files"] for f in r["findings"]}
    assert {"number-mismatch", "repeated-phrase"} <= found  # 5 against 七: the original was read


def test_a_folder_of_originals_in_s3_pairs_inputs_in_s3_and_on_disk(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    disk = bilingual(s3, tmp_path / "disk")
    local = checked(tqa("check", disk / "en", "--source", disk / "zh", "--format", "json"), f"{disk}/")
    assert {name: [f["check"] for f in found] for name, found in local.items()}["en/rail.en.txt"] == ["omission"]
    from_s3 = tqa("check", "s3://news-bucket/en/", "--source", "s3://news-bucket/zh/", "--format", "json")
    assert checked(from_s3, "s3://news-bucket/") == local
    on_disk = tqa("check", disk / "en", "--source", "s3://news-bucket/zh", "--format", "json")
    assert checked(on_disk, f"{disk}/") == local


def test_run_with_originals_and_references_in_s3_writes_the_local_runs_reports(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    disk = bilingual(s3, tmp_path / "disk")
    common = ("--reports", "json", "-j", "1", "--no-cache")
    remote = tqa(
        "run",
        "s3://news-bucket/en/",
        "--source",
        "s3://news-bucket/zh/",
        "--ref",
        "s3://news-bucket/ref/",
        "--out",
        tmp_path / "remote",
        *common,
    )
    assert remote.exit_code == 0, remote.output
    local = tqa(
        "run", disk / "en", "--source", disk / "zh", "--ref", disk / "ref", "--out", tmp_path / "local", *common
    )
    assert local.exit_code == 0, local.output
    for name in ("rail.en", "summit.en"):
        by_s3, by_disk = (
            json.loads((tmp_path / side / f"{name}.findings.json").read_text()) for side in ("remote", "local")
        )
        assert by_s3["scores"]["reference"]["before"]["chrF2"]["score"] < 100.0  # the reference was read
        assert by_s3["scores"] == by_disk["scores"]
        assert by_s3["findings"] == by_disk["findings"] and by_s3["findings"]
        assert by_s3["source"]["signature"] == by_disk["source"]["signature"]  # the original was read
    one = tqa(
        "run",
        "s3://news-bucket/en/rail.en.txt",
        "--ref",
        "s3://news-bucket/ref/rail.en.txt",
        "--out",
        tmp_path / "one",
        *common,
    )
    assert one.exit_code == 0, one.output
    report = json.loads((tmp_path / "one" / "rail.en.findings.json").read_text())
    assert report["scores"]["reference"]["before"] == by_disk_reference(tmp_path / "local" / "rail.en.findings.json")


def by_disk_reference(report: Path) -> dict:
    return json.loads(report.read_text())["scores"]["reference"]["before"]


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ("check", "s3://news-bucket/en/rail.en.txt", "--source", "s3://news-bucket/zh/nope.zh.txt"),
            "tqa: error: --source s3://news-bucket/zh/nope.zh.txt: no such file or folder",
        ),
        (
            ("check", "s3://news-bucket/en/rail.en.txt", "--source", "s3://no-such-bucket/zh/"),
            "tqa: error: --source s3://no-such-bucket/zh: no such file or folder",
        ),
        (
            ("check", "s3://news-bucket/en/rail.en.txt", "--source", "nosuch://x/zh/"),
            "tqa: error: --source nosuch:// is not a storage protocol tqa knows",
        ),
        (
            ("check", "s3://news-bucket/en/rail.en.txt", "--source", "s3://news-bucket/en/rail.en.txt"),
            "tqa: error: --source names the input itself; give the Chinese original",
        ),
        (
            ("check", "s3://news-bucket/en/", "--source", "s3://news-bucket/zh/rail.zh.txt"),
            "tqa: error: --source is a file but there are several inputs; pass a folder of originals",
        ),
        (
            ("check", "s3://news-bucket/en/rail.en.txt", "--source", "gs://bucket/zh/"),
            "tqa: error: --source gs:// needs gcsfs: pip install gcsfs",
        ),
        (
            ("run", "s3://news-bucket/en/", "--ref", "s3://news-bucket/ref/missing/", "--out", "out"),
            "tqa: error: --ref s3://news-bucket/ref/missing: no such file or folder",
        ),
    ],
)
def test_an_original_or_reference_that_cannot_be_used_is_one_line_and_exit_2(s3, tmp_path: Path, args, says) -> None:  # type: ignore[no-untyped-def]
    bilingual(s3, tmp_path / "disk")
    result = tqa(*args)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(says)
    assert SECRET not in result.output


def test_originals_and_references_in_the_memory_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fsspec

    monkeypatch.chdir(tmp_path)
    fs = fsspec.filesystem("memory")
    english = (TEST_DATA / "parallel" / "rail.en.txt").read_bytes()
    fs.pipe("/mem-pairs/zh/rail.zh.txt", (TEST_DATA / "parallel" / "rail.zh.txt").read_bytes())
    fs.pipe("/mem-pairs/ref/rail.en.txt", english)
    (tmp_path / "rail.en.txt").write_bytes(english)
    try:
        args = ("--source", "memory://mem-pairs/zh/", "--ref", "memory://mem-pairs/ref/", "--reports", "json")
        result = tqa("run", tmp_path / "rail.en.txt", *args, "--out", tmp_path / "out", "-j", "1")
        assert result.exit_code == 0, result.output
        report = json.loads((tmp_path / "out" / "rail.en.findings.json").read_text(encoding="utf-8"))
        assert [f["check"] for f in report["findings"]] == ["omission"]
        assert report["scores"]["reference"]["before"]["chrF2"]["score"] == 100.0  # the English is its reference
    finally:
        fs.rm("/mem-pairs", recursive=True)
