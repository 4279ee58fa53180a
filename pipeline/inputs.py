"""Turning command-line paths into a list of input files and unique report names."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .manifest import MANIFEST

TEXT_SUFFIXES = (".txt", ".md", ".text")


class UsageError(Exception):
    """A command-line path that names nothing usable; one line for the user."""


def _walk(folder: Path, exclude: list[Path]) -> list[Path]:
    found: list[Path] = []
    # followlinks=False: a symlinked folder (or a loop) is not descended into.
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".")
            and not (here / d / MANIFEST).exists()  # another run's report folder: outputs, not inputs
            and not any(_inside(here / d, e) for e in exclude)
        )
        found.extend(here / f for f in sorted(files) if f.lower().endswith(TEXT_SUFFIXES) and not f.startswith("."))
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def collect_inputs(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files as given, folders searched for text files; each file once, in a stable order.

    Anything inside an ``exclude`` folder (the output folder) is never read as input.
    """
    exclude = [Path(e) for e in exclude]
    seen: set[Path] = set()
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            candidates = _walk(path, exclude)
        elif path.exists():
            candidates = [path]
        else:
            raise UsageError(f"{path}: no such file or folder")
        for candidate in candidates:
            key = candidate.resolve()
            if key in seen or any(_inside(candidate, e) for e in exclude):
                continue
            seen.add(key)
            files.append(candidate)
    return files


def report_stems(files: list[Path]) -> dict[Path, str]:
    """A distinct, readable report name per input: the file stem, or more of its path on a clash."""
    stems: dict[Path, str] = {}
    used: set[str] = set()
    for path in files:
        parts = path.resolve().with_suffix("").parts
        depth = 1
        stem = parts[-1]
        while stem in used and depth < len(parts):
            depth += 1
            stem = "__".join(parts[-depth:])
        base, n = stem, 1
        while stem in used:
            n += 1
            stem = f"{base}-{n}"
        used.add(stem)
        stems[path] = stem
    return stems
