"""File digests: the SHA-256 of a file, read in blocks (inputs, the ignore list)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.util.storage import open_binary


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open_binary(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
