"""A Ray driver killed mid-run, then ``--resume``: nothing twice, nothing missing.

Resume on the Ray engine is tqa's manifest, not Ray Data's ``CheckpointConfig`` (README,
"Running on a cluster", says why). One local Ray (2 CPUs, no dashboard, its own temporary
folder, shut down and removed after the module) stands for the cluster; the driver, `tqa run
--engine ray --address`, runs in a process of its own and is SIGKILLed once the manifest
lists its first chunk. The multi-node kill tests are in the other tests/test_ray_*.py files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason='the Ray engine needs pip install "tqa[ray]"')
pytest.importorskip("ray.data", reason='the Ray engine needs pip install "tqa[ray]"')

from tests.support import hard_timeout, ray_runs  # noqa: E402
from tests.support.ray_runs import ray_auth_token  # noqa: E402

LIMIT_S = 900  # the whole test ends within this, whatever hangs: a failing Ray run tends to hang
# the reference's articles; chunks of 2 (the reference's are 8: the chunk size is not part
# of the output), so the kill after the first chunk leaves most of the run to resume
ARTICLES, CHUNK = ray_runs.ARTICLES, 2


_hard_timeout = hard_timeout(LIMIT_S)


@pytest.fixture(scope="module")
def cluster_address():
    temp = tempfile.mkdtemp(prefix="tqa-ray-", dir="/tmp")  # short: Ray's sockets live in it
    saved = os.environ.get("RAY_AUTH_TOKEN")
    os.environ["RAY_AUTH_TOKEN"] = ray_auth_token()  # given, not generated: none is left in ~/.ray
    try:  # a Ray that fails to start (its GCS, on a very busy machine) leaves no folder behind either
        ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temp, log_to_driver=False)
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
        if saved is None:
            del os.environ["RAY_AUTH_TOKEN"]
        else:
            os.environ["RAY_AUTH_TOKEN"] = saved


def _command(inputs: Path, out: Path, model: Path, *extra: str) -> list[str]:
    # the reference run's arguments (ray_runs.args: --no-guard, so the tiny model's translations are compared too)
    args = ray_runs.args(inputs, out, model)
    args[args.index("--chunk-size") + 1] = str(CHUNK)
    return [sys.executable, "-m", "pipeline.cli", *args, *extra]


def _manifest(out: Path) -> list[dict]:
    """Its entries; a line torn by the kill is skipped, as tqa's own reader skips it."""
    entries = []
    for line in (out / "manifest.jsonl").read_text(encoding="utf-8").split("\n"):
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def _tree(out: Path) -> dict[str, bytes]:
    # temporary files left by the killed driver's tasks (Ray ends them when their driver is
    # gone, maybe while the resumed run is already going) are removed by the next run
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (".lock", "manifest.jsonl") and not p.name.endswith(".tmp")
    }


def _kill_after_first_chunk(command: list[str], out: Path, log: Path) -> tuple[int, str]:
    """Start the driver, SIGKILL it as soon as the manifest lists a chunk: the lines it listed,
    and how the driver was doing (for the message when it ended by itself)."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    manifest = out / "manifest.jsonl"
    # generous: on a machine loaded 20-fold, joining Ray, the first tasks and the actor took minutes
    deadline = time.monotonic() + LIMIT_S / 2
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= CHUNK:
                break
            time.sleep(0.02)
    finally:
        ended = proc.poll()
        proc.send_signal(signal.SIGKILL)  # as a crash or an out-of-memory kill would
        proc.wait()
    state = f"it ended by itself with status {ended}" if ended is not None else "it was still running"
    lines = manifest.read_text(encoding="utf-8").count("\n") if manifest.exists() else 0
    return lines, f"{state}; its output ends: {log.read_text(errors='replace')[-1500:]}"


def test_a_killed_ray_driver_resumes_without_duplicates_or_gaps(
    cluster_address, tmp_path, ray_reference, tiny_model_dir
):
    inputs, clean = ray_reference  # and what `tqa run -j 2` wrote for them

    out = tmp_path / "killed"
    ray_run = _command(inputs, out, tiny_model_dir, "--engine", "ray", "--address", cluster_address)
    done_before, state = _kill_after_first_chunk(ray_run, out, tmp_path / "driver.log")
    assert CHUNK <= done_before < ARTICLES, (
        f"the driver must be killed part-way ({done_before} of {ARTICLES} listed; {state})"
    )

    resumed = subprocess.run([*ray_run, "--resume"], capture_output=True, text=True, timeout=LIMIT_S)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({done_before} unchanged since the last run)" in resumed.stdout

    entries = _manifest(out)
    inputs_listed = [e["input"] for e in entries]
    assert len(inputs_listed) == len(set(inputs_listed)), "an article recorded twice"
    assert sorted(inputs_listed) == sorted(str(p) for p in inputs.iterdir()), "an article missing"
    rows = [json.loads(line) for line in (out / "summary.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["stem"] for r in rows] == [f"article{k:02d}" for k in range(ARTICLES)]  # once each, in input order
    clean_tree, resumed_tree = {k: v for k, v in clean.items() if k != "manifest.jsonl"}, _tree(out)
    assert clean_tree.keys() == resumed_tree.keys()
    assert [name for name in clean_tree if clean_tree[name] != resumed_tree[name]] == []
