"""The run manifest: which articles of a batch are finished, so ``--resume`` can skip them.

One JSON line per finished article, appended only after all its reports are in place
(each written atomically), so a line means "complete". A run killed mid-write leaves at
worst a torn last line, which is ignored when read.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .reading import path_text

MANIFEST = "manifest.jsonl"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def settings_hash(settings: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.entries: dict[str, dict[str, Any]] = {}
        self._torn = False  # the file ends without a newline: the last run was killed mid-line

    def load(self) -> Manifest:
        try:
            content = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return self
        self._torn = bool(content) and not content.endswith("\n")
        # split on "\n" only: a name may hold U+2028 or U+0085, which splitlines() also breaks on
        for line in content.split("\n"):
            try:
                entry = json.loads(line)
                self.entries[entry["input"]] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a torn line from a killed run: that article is simply redone
        return self

    def finished(self, path: Path, input_hash: str | None, settings: str, stem: str) -> dict[str, Any] | None:
        """The entry for ``path`` if it was finished with the same input, settings and
        report name (names shift when inputs are added) and its outputs exist."""
        entry = self.entries.get(path_text(path))
        if not entry or entry.get("input_sha256") != input_hash or entry.get("settings") != settings:
            return None
        if (entry.get("row") or {}).get("stem") != stem:
            return None
        out_dir = self.path.parent
        if not all((out_dir / name).exists() for name in entry.get("outputs", [])):
            return None
        return entry

    def record(self, entry: dict[str, Any]) -> None:
        self.record_all([entry])

    def record_all(self, entries: list[dict[str, Any]]) -> None:
        """Append the entries in one write and one fsync (a chunk's worth, after its reports are durable)."""
        # Not kept in memory: only the entries of earlier runs are looked up, and a batch
        # of any size must not grow this process.
        if not entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # key order kept: rows go back into the summary
        line = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
        if self._torn:
            line, self._torn = "\n" + line, False
        # one write() in append mode; fsync so "recorded" survives a crash
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def reset(self) -> None:
        """A run without --resume starts a fresh manifest."""
        self.entries.clear()
        self._torn = False
        self.path.unlink(missing_ok=True)
