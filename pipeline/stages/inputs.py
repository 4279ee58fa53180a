"""Turning command-line paths into a list of input files and unique report names."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pipeline.stages.manifest import MANIFEST
from pipeline.util.storage import RemotePath, location

TEXT_SUFFIXES = (".txt", ".md", ".text")


def _suffixes() -> tuple[str, ...]:
    from pipeline.io import SUFFIXES  # a folder is searched for corpora too

    return TEXT_SUFFIXES + tuple(SUFFIXES)


class UsageError(Exception):
    """A command-line path that names nothing usable; one line for the user."""


def _walk(folder: Path, exclude: list[Path]) -> list[Path]:
    if isinstance(folder, RemotePath):
        return _walk_store(folder, exclude)
    found: list[Path] = []
    wanted = _suffixes()
    # followlinks=False: a symlinked folder (or a loop) is not descended into.
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not (here / d / MANIFEST).exists()  # another run's report folder: outputs, not inputs
            and not any(_inside(here / d, e) for e in exclude)
        )
        found.extend(
            here / f for f in sorted(files) if f.lower().endswith(wanted) and not f.startswith(".") and f != MANIFEST
        )
    return found


def _walk_store(folder: RemotePath, exclude: list[Path]) -> list[Any]:
    """``_walk`` in a store: the same names, the same folders left out (hidden ones, another
    run's report folders, ``exclude``); a store has no links to follow."""
    wanted = _suffixes()
    files = folder.files()
    reports = {f.parent.url + "/" for f in files if f.name == MANIFEST}
    found = []
    for f in files:
        relative = f.relative_to(folder)
        parts = relative.split("/")
        if any(p.startswith(".") for p in parts) or not f.name.lower().endswith(wanted) or f.name == MANIFEST:
            continue
        if any(f.url.startswith(r) for r in reports) or any(_inside(f, e) for e in exclude):
            continue
        found.append(f)
    return found


def _inside(path: Path, folder: Path) -> bool:
    if isinstance(path, RemotePath) or isinstance(folder, RemotePath):
        return (
            isinstance(path, RemotePath)
            and isinstance(folder, RemotePath)
            and path.url.startswith(folder.url.rstrip("/") + "/")
        )
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def expand(paths: Iterable[Path | str], stdin: TextIO | None = None) -> Iterator[Path]:
    """Command-line paths as given: ``-`` reads one path a line from ``stdin``; a quoted
    glob (``"news/**/*.txt"``) that names no file itself is expanded, ``**`` recursively.
    A URL (``s3://bucket/news/*.jsonl``) names files in its store, globs included."""
    for given in paths:
        path = location(given)
        name = str(path)
        if name == "-":
            lines = (stdin or sys.stdin).read().splitlines()
            yield from (location(line.strip()) for line in lines if line.strip())
        elif isinstance(path, RemotePath):
            if glob.has_magic(path.key) and not path.exists():
                matches = path.glob(name)
                if not matches:
                    raise UsageError(f"{name}: no file matches this pattern")
                yield from matches
            else:
                yield path
        elif not Path(name).exists() and glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                raise UsageError(f"{name}: no file matches this pattern")
            yield from (Path(m) for m in matches)
        else:
            yield Path(name)


def collect_inputs(
    paths: Iterable[Path | str], exclude: Iterable[Path] = (), stdin: TextIO | None = None
) -> list[Path]:
    """Files as given, folders searched for text files; each file once, in a stable order.

    Anything inside an ``exclude`` folder (the output folder) is never read as input.
    """
    exclude = [location(e) for e in exclude]
    seen: set[Path] = set()
    files: list[Path] = []
    for path in expand(paths, stdin):
        walked = path.is_dir()
        if walked:
            candidates = _walk(path, exclude)
        elif path.exists() or path.is_symlink():
            candidates = [path]  # a dangling link is reported when it is read
        else:
            raise UsageError(f"{path}: no such file or folder")
        for candidate in candidates:
            key = candidate.resolve()
            # a file named on the command line is read even inside the output folder
            if key in seen or (walked and any(_inside(candidate, e) for e in exclude)):
                continue
            seen.add(key)
            files.append(candidate)
    return files
