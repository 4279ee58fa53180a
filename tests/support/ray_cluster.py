"""A two-node Ray cluster, a tqa driver on it, and one fault half-way (tests/engines/test_ray_cluster.py).

    python tests/support/ray_cluster.py SPEC.json

runs inside the loopback-only network namespace the test made, so every node and the driver
use 127.0.0.1 and nothing else. It starts ``ray.cluster_utils.Cluster`` (a head and one
worker node, 2 CPUs each), runs the spec's ``tqa run`` against it, does the spec's fault,
shuts the cluster down and writes what it saw to the spec's ``result`` file (JSON).

The head node's memory resource is smaller than a translator actor's request (1 GiB,
``pipeline.engines.ray.ACTOR_MEMORY``), so the actor always runs on the worker node:
removing that node takes the actor with it. Faults wait on conditions, never on sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEAD_MEMORY = 256 << 20  # below the actor's 1 GiB: the translator cannot run on the head
WORKER_MEMORY = 2 << 30
POLL_S = 0.02


def node_args(temp: str, memory: int) -> dict[str, Any]:
    return {
        "num_cpus": 2,
        "memory": memory,
        "node_ip_address": "127.0.0.1",
        "temp_dir": temp,
        "include_dashboard": False,
    }


def our_netns() -> str:
    return os.readlink("/proc/self/ns/net")


def translators(netns: str) -> list[int]:
    """This cluster's translator actor processes that have loaded torch, i.e. are at work
    (the model loads on an actor's first batch; ``pipeline.stages.translate.Stages`` imports no torch).
    Other clusters on the machine (other tests) live in other network namespaces."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if b"_Translate" not in (entry / "cmdline").read_bytes() or os.readlink(entry / "ns" / "net") != netns:
                continue
            if b"libtorch" in (entry / "maps").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue  # ended while we looked
    return found


def committed(out: Path) -> int:
    """Inputs the driver has recorded as finished (one manifest line each)."""
    try:
        return (out / "manifest.jsonl").read_text(encoding="utf-8").count("\n")
    except FileNotFoundError:
        return 0


def wait_for(condition: Callable[[], Any], proc: subprocess.Popen, deadline: float, what: str) -> Any:
    while time.monotonic() < deadline:
        if found := condition():
            return found
        if proc.poll() is not None:
            raise RuntimeError(f"the driver ended (status {proc.returncode}) before {what}")
        time.sleep(POLL_S)
    raise RuntimeError(f"timed out waiting for {what}")


def start(driver: list[str], log: Path) -> subprocess.Popen:
    with log.open("ab") as f:
        return subprocess.Popen(driver, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)


def finish(proc: subprocess.Popen, deadline: float, watch: Callable[[], None] = lambda: None) -> int:
    while proc.poll() is None:
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError("the driver did not finish in time")
        watch()
        time.sleep(0.1)
    return proc.returncode


def kill_actor(cluster: Any, worker: Any, driver: list[str], spec: dict[str, Any], deadline: float) -> dict[str, Any]:
    out, netns = Path(spec["out"]), our_netns()
    proc = start(driver, Path(spec["log"]))
    pid = wait_for(lambda: translators(netns), proc, deadline, "a translator at work")[0]
    at_kill = committed(out)
    os.kill(pid, signal.SIGKILL)  # a crash, as an out-of-memory kill would be
    later: set[int] = set()
    status = finish(proc, deadline, lambda: later.update(p for p in translators(netns) if p != pid))
    return {"status": status, "committed_at_fault": at_kill, "replacement_seen": bool(later)}


def replace_node(cluster: Any, worker: Any, driver: list[str], spec: dict[str, Any], deadline: float) -> dict[str, Any]:
    out, netns = Path(spec["out"]), our_netns()
    proc = start(driver, Path(spec["log"]))
    wait_for(lambda: translators(netns), proc, deadline, "a translator at work")
    at_fault = committed(out)
    cluster.remove_node(worker, allow_graceful=False)  # the node and everything on it, the translator included
    cluster.add_node(**node_args(spec["temp"], WORKER_MEMORY))  # the replacement
    return {"status": finish(proc, deadline), "committed_at_fault": at_fault}


def kill_driver(cluster: Any, worker: Any, driver: list[str], spec: dict[str, Any], deadline: float) -> dict[str, Any]:
    out = Path(spec["out"])
    proc = start(driver, Path(spec["log"]))
    wait_for(lambda: committed(out) > 0, proc, deadline, "a first finished chunk")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    at_fault = committed(out)
    again = start([*driver, "--resume"], Path(spec["log"]))
    return {"status": finish(again, deadline), "committed_at_fault": at_fault, "killed_status": proc.returncode}


FAULTS = {"actor": kill_actor, "node": replace_node, "driver": kill_driver}


def main() -> None:
    from ray.cluster_utils import Cluster

    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    deadline = time.monotonic() + spec["limit_s"]
    result: dict[str, Any] = {}
    cluster = Cluster(initialize_head=True, head_node_args=node_args(spec["temp"], HEAD_MEMORY))
    try:
        worker = cluster.add_node(**node_args(spec["temp"], WORKER_MEMORY))
        result["started_s"] = round(spec["limit_s"] - (deadline - time.monotonic()), 1)
        driver = [*spec["driver"], "--address", cluster.address]
        result.update(FAULTS[spec["fault"]](cluster, worker, driver, spec, deadline))
    except Exception as err:  # the test shows it with the driver's log
        result["error"] = f"{type(err).__name__}: {err}"
    finally:
        cluster.shutdown()
        Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
