"""Report names that mirror the input tree: ``news/`` holding ``asia/x.txt`` gives
``OUT/asia/x.*`` (``tqa run .`` gives ``OUT/news/asia/x.*``), so 300 articles in folders
are found where their inputs are, not in one flat folder of 1,200 files.

Each input is named by its path relative to the folder argument it was found in (a
quoted glob's literal folder counts as one); a file named directly keeps its name. Two
inputs that would share a name (``a.txt`` and ``a.md``, or the same name from two
arguments), and an article named ``index`` at the top (the batch's ``index.html``),
get ``-2``, ``-3``, ... on the second.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from pipeline.util.reading import path_text
from pipeline.util.storage import RemotePath, location

# the batch files written beside the reports (report.summary; a corpus written to OUT may not take their names)
BATCH_FILES = ("summary.json", "summary.jsonl", "summary.csv", "summary.md", "index.html", "retranslations.tmx")

RESERVED = {"index"}


def _root(arg: Path) -> Path | None:
    """The folder whose tree an argument stands for, or None for a single file."""
    name = str(arg)
    if arg.is_dir():
        return arg
    if isinstance(arg, RemotePath):  # a glob in a store: its literal folder
        return arg.parent if glob.has_magic(arg.name) and not glob.has_magic(arg.parent.key) else None
    if not arg.exists() and glob.has_magic(name):
        parts = PurePosixPath(name.replace(os.sep, "/")).parts
        literal = [p for p in parts[: next(i for i, p in enumerate(parts) if glob.has_magic(p))]]
        return Path(*literal) if literal else Path(".")
    return None


def _name_part(part: str) -> str:
    """A name's bytes that are not UTF-8 would reach every report: "caf\\xe9" -> "caf_xe9"."""
    text = path_text(part)
    return part if text == part else text.replace("\\", "_")


def _absolute(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))


def mirrored_stems(files: list[Path], args: Iterable[Path]) -> dict[Path, str]:
    """A distinct report stem per input, following its place under its folder argument."""
    roots = [_absolute(r) for a in args if (r := _root(location(a))) is not None]
    roots.sort(key=len, reverse=True)  # the deepest folder argument that holds a file names it
    stems: dict[Path, str] = {}
    used = set(RESERVED)
    for path in files:
        full = _absolute(path)
        root = next((r for r in roots if full.startswith(r.rstrip(os.sep) + os.sep)), None)
        relative = os.path.relpath(full, root) if root else os.path.basename(full)
        stem = PurePosixPath(*(_name_part(p) for p in Path(relative).parts)).with_suffix("").as_posix()
        base, n = stem, 1
        while stem.casefold() in used:  # casefold: the same file on a case-insensitive disk
            n += 1
            stem = f"{base}-{n}"
        used.add(stem.casefold())
        stems[path] = stem
    return stems
