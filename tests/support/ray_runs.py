"""What the Ray tests share: their articles, the `tqa run` arguments both engines get, and
the output tree they compare (tests/engines/test_ray_*.py; the reference run is ``ray_reference``
in tests/conftest.py)."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

CHINESE = ["中国与中亚五国的关系进入新时代。", "会议在北京举行。", "这是一个重要的讲话。"]
ARTICLES = 24  # the reference folder: three chunks of 8
LIMIT_S = 600  # a reference run ends within this


def articles(folder: Path, seed_text: str, n: int) -> Path:
    folder.mkdir()
    paragraphs = [p for p in seed_text.split("\n\n") if p.strip()]
    for k in range(n):
        body = [paragraphs[(k + j) % len(paragraphs)] for j in range(3)]
        body.insert(1, f"The talks, {CHINESE[k % len(CHINESE)]} went on.")
        (folder / f"article{k:02d}.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    return folder


def args(inputs: Path, out: Path, model: Path) -> list[str]:
    # --no-guard: the tiny model's (random) translations are applied, so they are part of
    # what is compared; --max-length 16 keeps its generation short
    return [
        "run",
        str(inputs),
        "--out",
        str(out),
        "--model",
        str(model),
        "--no-cache",
        "--no-guard",
        "--max-length",
        "16",
        "--chunk-size",
        "8",
    ]  # several chunks: their order is part of what is compared


def tree(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".lock"
    }


def local_run(inputs: Path, out: Path, model: Path) -> None:
    """``tqa run -j 2`` in its own process: forking worker processes from a process that is a
    Ray driver breaks that driver's connection (gRPC does not survive fork)."""
    command = [sys.executable, "-m", "pipeline.cli", *args(inputs, out, model), "-j", "2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=LIMIT_S)
    assert done.returncode == 0, done.stderr


@functools.cache
def ray_auth_token() -> str:
    """One Ray auth token per test process: Ray's client keeps the first token it read for the
    life of the process, so a second ``ray.init`` given another token cannot reach its own GCS."""
    import secrets

    return secrets.token_hex(32)
