"""Derived data kept in the cache folder: read back when its key matches, rebuilt otherwise, and
never a reason to fail (a read-only folder, a damaged file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pipeline.util.cache import CACHE_ENV, DERIVED, cache_dir, cached


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    path = tmp_path / "input.txt"
    path.write_text("a 1\nb 2\n", encoding="utf-8")
    return path


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_a_second_call_reads_what_the_first_built(folder: Path, source: Path):
    value = {"词": 3, "词语": 0, "x": (1, "two", [3.0])}
    calls, build = _counting(value)
    assert cached("table", [source], build) == value
    assert (folder / DERIVED / "table.marshal").is_file()
    assert cached("table", [source], build) == value
    assert len(calls) == 1


def test_a_changed_input_or_version_builds_again(folder: Path, source: Path):
    calls, build = _counting([1, 2])
    cached("table", [source], build)
    source.write_text("a 1\nb 2\nc 3\n", encoding="utf-8")  # another size
    cached("table", [source], build)
    assert len(calls) == 2
    os.utime(source, ns=(0, 10**18))  # same size, another modification time
    cached("table", [source], build)
    assert len(calls) == 3
    cached("table", [source], build, version="2")
    assert len(calls) == 4
    cached("table", [source], build, version="2")
    assert len(calls) == 4


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-3] + bytes(3),  # payload bytes changed
        lambda data: b"",  # empty
        lambda data: b"not a cache file at all",
    ],
)
def test_a_damaged_file_is_rebuilt_and_rewritten(folder: Path, source: Path, damage):
    calls, build = _counting({"k": "v" * 100})
    cached("table", [source], build)
    path = folder / DERIVED / "table.marshal"
    path.write_bytes(damage(path.read_bytes()))
    assert cached("table", [source], build) == {"k": "v" * 100}
    assert len(calls) == 2
    assert cached("table", [source], build) == {"k": "v" * 100}
    assert len(calls) == 2  # rewritten whole


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs permissions that bind")
def test_a_read_only_cache_folder_builds_in_memory(folder: Path, source: Path):
    folder.mkdir()
    folder.chmod(0o500)
    try:
        calls, build = _counting((1, 2))
        assert cached("table", [source], build) == (1, 2)
        assert cached("table", [source], build) == (1, 2)
        assert len(calls) == 2
        assert not (folder / DERIVED).exists()
    finally:
        folder.chmod(0o700)


def test_an_unwritable_cache_location_builds_in_memory(tmp_path: Path, source: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # a folder below a file cannot exist
    calls, build = _counting("value")
    assert cached("table", [source], build) == "value"
    assert cached("table", [source], build) == "value"
    assert len(calls) == 2


def test_a_missing_input_or_a_value_marshal_cannot_store_is_not_an_error(folder: Path, tmp_path: Path, source: Path):
    assert cached("table", [tmp_path / "absent"], lambda: 5) == 5
    unstorable = object()
    assert cached("table", [source], lambda: unstorable) is unstorable
    assert not list((folder / DERIVED).glob(".*.tmp"))  # no temporary file left behind


def test_errors_of_build_propagate(folder: Path, source: Path):
    def build() -> object:
        raise ImportError("no such package")

    with pytest.raises(ImportError, match="no such package"):
        cached("table", [source], build)


def test_the_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "tqa"


def test_a_write_refused_builds_in_memory(folder: Path, source: Path, monkeypatch: pytest.MonkeyPatch):
    """As a read-only home does for a user who is not root (root passes permission bits)."""
    import pipeline.util.cache as cache_module

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", refused)
    calls, build = _counting([1])
    assert cached("table", [source], build) == [1]
    assert cached("table", [source], build) == [1]
    assert len(calls) == 2
