"""Two Ray nodes, one fault half-way, the local engine's outputs byte for byte.

Each test makes a loopback-only network namespace, runs a two-node cluster
(``ray.cluster_utils.Cluster``, 2 CPUs each, token auth) and the tqa driver inside it through
``tests/support/ray_cluster.py``, and compares what the run wrote with ``tqa run -j 2`` on the same
inputs. The namespace keeps Ray on 127.0.0.1 (on the host it would register the machine's own
address for a second node) and lets the test find and stop every process it started. Skipped
where namespaces cannot be made (not root, no ``ip``) or Ray is not installed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("ray.cluster_utils", reason='the Ray engine needs pip install "tqa[ray]"')

from tests.support import REPO_ROOT, ray_runs  # noqa: E402

HELPER = REPO_ROOT / "tests" / "support" / "ray_cluster.py"
LIMIT_S = (
    600  # the helper's own deadline (a test took 289 s at load 50 on 2 cores); the test kills everything 60 s after it
)
ARTICLES = ray_runs.ARTICLES


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture()
def netns():
    """A network namespace with only its loopback, up; every process left in it is killed after."""
    if shutil.which("ip") is None:
        pytest.skip("needs iproute2's ip to make a network namespace")
    name = f"tqa-ray-{os.getpid()}-{secrets.token_hex(3)}"
    made = _ip("netns", "add", name)
    if made.returncode != 0:
        pytest.skip(f"cannot make a network namespace (root is needed): {made.stderr.strip()}")
    try:
        up = _ip("-n", name, "link", "set", "lo", "up")
        assert up.returncode == 0, up.stderr
        yield name
    finally:
        _kill_all_in(name)
        _ip("netns", "del", name)


def _kill_all_in(netns: str) -> None:
    """Everything in the namespace is ours: SIGKILL what is still running and wait for it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = [pid for pid in _ip("netns", "pids", netns).stdout.split() if _running(int(pid))]
        if not alive:
            return
        for pid in alive:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)


def _running(pid: int) -> bool:
    try:  # a zombie (ended, not yet reaped by its parent) holds nothing
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _on_a_cluster(fault: str, netns: str, tmp_path: Path, inputs: Path, model: Path) -> tuple[dict, Path]:
    """Run the helper in ``netns`` with ``fault``; its result and the run's output folder."""
    # Ray's sockets live in its temporary folder and a socket path has at most 107 bytes:
    # a short folder of our own, removed after, rather than one inside tmp_path
    temp = Path(tempfile.mkdtemp(prefix="tqa-rc-", dir="/tmp"))
    out = tmp_path / "out"
    args = [*ray_runs.args(inputs, out, model), "--engine", "ray"]
    args[args.index("--chunk-size") + 1] = "2"  # many chunks: the fault lands while most are still to do
    spec = {
        "fault": fault,
        "temp": str(temp / "ray"),
        "out": str(out),
        "limit_s": LIMIT_S,
        "driver": [sys.executable, "-m", "pipeline.cli", *args],
        "log": str(tmp_path / "driver.log"),
        "result": str(tmp_path / "result.json"),
    }
    (temp / "ray").mkdir()
    (temp / "home").mkdir()
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        # Ray's files (sessions, the current cluster's address) and anything it would put in
        # the home folder go into our folder; the workers import this checkout's pipeline
        "RAY_TMPDIR": str(temp),
        "TMPDIR": str(temp),
        "HOME": str(temp / "home"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        "RAY_DISABLE_USAGE_STATS": "1",
    }
    proc = subprocess.Popen(
        ["ip", "netns", "exec", netns, sys.executable, str(HELPER), str(tmp_path / "spec.json")],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=LIMIT_S + 60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
    finally:
        _kill_all_in(netns)
        shutil.rmtree(temp, ignore_errors=True)
    log = (tmp_path / "driver.log").read_text(errors="replace")[-4000:] if (tmp_path / "driver.log").exists() else ""
    assert (tmp_path / "result.json").exists(), (
        f"the cluster helper wrote no result:\n{output.decode(errors='replace')[-4000:]}"
    )
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert "error" not in result and result["status"] == 0, f"{result}\n{log}"
    print(f"{fault}: {result}")  # how far the run was at the fault (pytest -s shows it)
    return result, out


def _same_as_local(out: Path, local: dict[str, bytes]) -> None:
    distributed = ray_runs.tree(out)
    assert distributed.keys() == local.keys()
    assert [name for name in local if local[name] != distributed[name]] == []


def test_a_killed_translation_actor_on_another_node_is_replaced(netns, tmp_path, ray_reference, tiny_model_dir):
    inputs, local = ray_reference
    result, out = _on_a_cluster("actor", netns, tmp_path, inputs, tiny_model_dir)
    assert result["committed_at_fault"] < ARTICLES  # killed mid-run
    assert result["replacement_seen"]  # Ray started another translator, which did the rest
    _same_as_local(out, local)


def test_the_worker_node_removed_mid_run_and_a_replacement_added(netns, tmp_path, ray_reference, tiny_model_dir):
    inputs, local = ray_reference
    result, out = _on_a_cluster("node", netns, tmp_path, inputs, tiny_model_dir)
    assert result["committed_at_fault"] < ARTICLES
    _same_as_local(out, local)


def test_a_killed_driver_resumes_with_nothing_missing_or_twice(netns, tmp_path, ray_reference, tiny_model_dir):
    inputs, local = ray_reference
    result, out = _on_a_cluster("driver", netns, tmp_path, inputs, tiny_model_dir)
    assert 0 < result["committed_at_fault"] < ARTICLES, result  # the kill fell between two chunks of the run
    manifest = [json.loads(line)["input"] for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(manifest) == sorted(str(p) for p in inputs.iterdir())  # each input once: none missing, none twice
    _same_as_local(out, local)
