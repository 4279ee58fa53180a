"""``--in-place``: the input replaced by its cleaned text, the first original kept as ``NAME.orig``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline.core.result import ArticleResult
from pipeline.util.atomic import write_atomic


class InPlaceRefused(Exception):
    """--in-place will not rewrite this input; one line for the user."""


def write_in_place(path: Path, result: ArticleResult, follow_links: bool = False) -> str:
    """Replace the input with the cleaned text, keeping the first original as ``NAME.orig``;
    the SHA-256 of what the input now holds."""
    data = result.doc.encode(result.cleaned, result.output_encoding)
    target = Path(os.path.realpath(path))  # a symlinked input: clean the file it points to, keep the link
    folder = Path(os.path.realpath(path.parent))
    if not follow_links and target.parent != folder and folder not in target.parents:
        # a link can point anywhere the user can write (~/.bashrc): not ours to rewrite unasked
        raise InPlaceRefused(
            f"--in-place: not rewritten, it is a symlink to {target}, outside its folder "
            "(reports are written; add --follow-links to rewrite link targets)"
        )
    path = target
    mode = path.stat().st_mode & 0o7777
    backup = path.with_name(path.name + ".orig")
    if not backup.exists():
        write_atomic(backup, path.read_bytes())
        os.chmod(backup, mode)
    if data != result.doc.encode():
        write_atomic(path, data)
        os.chmod(path, mode)  # the user's permissions, not the umask's
    return hashlib.sha256(data).hexdigest()
