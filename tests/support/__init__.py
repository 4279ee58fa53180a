"""What several test modules share: where the repository and the test data are, and the
helpers that start a killed run (the tiny model and the Ray runs have modules of their own)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).parent.parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"


def kill_part_way(command: list[str], out: Path, env: dict[str, str], after: int = 40, before_kill=None):  # type: ignore[no-untyped-def]
    """Start ``command --out out``, wait until its manifest lists ``after`` finished inputs
    (or it ends, or 10 minutes pass: generous, for a loaded machine), SIGKILL it; return what
    ``before_kill(proc)`` returned and the number of manifest lines at the kill (0: none yet).
    The resume tests of folders and corpora share it."""
    import signal
    import subprocess
    import time

    proc = subprocess.Popen([*command, "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 600  # 60 s was too short at load 40: killed before its first line
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= after:
            break
        time.sleep(0.02)
    seen = before_kill(proc) if before_kill is not None else None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return seen, manifest.read_text(encoding="utf-8").count("\n") if manifest.exists() else 0
