"""Locations: a local path stays the ``Path`` it was, a URL becomes a ``RemotePath`` answered
by its fsspec store; failures are one line without credentials."""

from __future__ import annotations

import pickle
from pathlib import Path

import fsspec
import pytest

from pipeline.util import storage
from pipeline.util.storage import RemotePath, StorageError, as_remote, location, scrub


def test_a_local_path_is_handed_back_unchanged() -> None:
    path = Path("news/a.txt")
    assert location(path) is path  # the local code path: no copy, no fsspec
    assert location("news/a.txt") == path
    assert as_remote(path) is None
    assert location("file:///tmp/a.txt") == Path("/tmp/a.txt")


def test_a_url_is_a_remote_path_even_after_path_folded_it() -> None:
    url = location("s3://bucket/news/a.jsonl")
    assert isinstance(url, RemotePath)
    assert str(url) == "s3://bucket/news/a.jsonl"
    # Typer makes Paths of PATH arguments: Path("s3://b/k") is "s3:/b/k"
    assert location(Path("s3://bucket/news/a.jsonl")) == url
    assert (url.name, url.suffix, str(url.parent)) == ("a.jsonl", ".jsonl", "s3://bucket/news")
    assert location("memory:///bucket/x") == location("memory://bucket/x")  # one spelling per object


def test_a_local_folder_named_like_a_protocol_stays_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s3:").mkdir()
    assert location(Path("s3:/a.txt")) == Path("s3:/a.txt")


def test_a_remote_path_pickles_as_its_url() -> None:
    """What a Ray task receives: the URL, which it opens itself."""
    path = RemotePath("s3://bucket/a.txt")
    blob = pickle.dumps(path)
    assert pickle.loads(blob) == path
    assert len(blob) < 100


def test_hf_urls_go_to_the_hugging_face_file_system() -> None:
    from huggingface_hub import HfFileSystem

    assert isinstance(location("hf://datasets/org/name/data.jsonl").fs, HfFileSystem)  # no network here


def test_an_unknown_protocol_and_a_missing_package_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StorageError, match="not a storage protocol"):
        _ = location("nosuch://x/y").fs

    def missing(protocol: str, **_: object) -> None:
        raise ImportError("Install s3fs to access S3")

    monkeypatch.setattr(fsspec, "filesystem", missing)
    monkeypatch.setattr(storage, "_FILESYSTEMS", {})
    with pytest.raises(StorageError) as err:
        _ = location("s3://bucket/x").fs
    assert str(err.value) == "s3:// needs s3fs: pip install 'tqa[remote]'"


def test_store_errors_become_one_line_oserrors(monkeypatch: pytest.MonkeyPatch) -> None:
    class Denied:
        def info(self, key: str) -> dict:
            raise PermissionError("Access Denied")

        def exists(self, key: str) -> bool:
            raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(RemotePath, "fs", property(lambda self: Denied()))
    path = RemotePath("s3://bucket/a.txt")
    with pytest.raises(PermissionError) as err:
        path.read_limited(10)
    assert "permission denied" in str(err.value)
    with pytest.raises(StorageError) as err2:
        path.exists()
    assert str(err2.value) == "s3://bucket/a.txt: boom with a second line"


def test_secrets_are_never_in_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENG")
    storage.set_options(["secret=hunter2-very-secret", "anon=false"])
    try:
        text = scrub("failed for hunter2-very-secret and wJalrXUtnFEMIK7MDENG at https://me:pw@host/x")
        assert "hunter2" not in text and "wJalr" not in text and "pw@" not in text
        assert storage.storage_options() == {"secret": "hunter2-very-secret", "anon": False}
    finally:
        monkeypatch.delenv(storage.ENV_OPTIONS)


def test_a_malformed_storage_option_is_refused() -> None:
    with pytest.raises(StorageError, match="expected KEY=VALUE"):
        storage.set_options(["endpoint_url"])
