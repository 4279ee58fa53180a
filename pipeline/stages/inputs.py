"""Turning command-line paths into a list of input files and unique report names."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from pipeline.stages.manifest import MANIFEST

TEXT_SUFFIXES = (".txt", ".md", ".text")


def _suffixes() -> tuple[str, ...]:
    from pipeline.io import SUFFIXES  # a folder is searched for corpora too

    return TEXT_SUFFIXES + tuple(SUFFIXES)


class UsageError(Exception):
    """A command-line path that names nothing usable; one line for the user."""


def _walk(folder: Path, exclude: list[Path]) -> list[Path]:
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


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def expand(paths: Iterable[Path | str], stdin: TextIO | None = None) -> Iterator[Path]:
    """Command-line paths as given: ``-`` reads one path a line from ``stdin``; a quoted
    glob (``"news/**/*.txt"``) that names no file itself is expanded, ``**`` recursively."""
    for path in paths:
        name = str(path)
        if name == "-":
            lines = (stdin or sys.stdin).read().splitlines()
            yield from (Path(line.strip()) for line in lines if line.strip())
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
    exclude = [Path(e) for e in exclude]
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
