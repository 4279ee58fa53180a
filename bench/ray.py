"""The Ray engine against the local engine: `tqa run` on the same articles and model.

    python bench/ray.py                              # 2,000 articles (19 min on 2 cores at load 1-8)
    python bench/ray.py --articles 400 --json ray.json

Runs, each in its own `tqa run` process on the same inputs: the local engine (`-j 2`), the
Ray engine on one node, and on two local nodes (`ray.cluster_utils.Cluster`: a head and a
worker, ``--cpus-per-node`` logical CPUs each; one node gets the same total). The clusters
are started by this script before the run is timed (their start-up is printed apart) and
`tqa run --address` joins them. Articles: the sample article with a numbered first line
and one distinct Chinese sentence each (from bench/translate.py), so every article costs
the model a translation. Model: the tiny test model (tests/support/tiny_model.py) on CPU; the GPU
section uses the opus-mt-zh-en-sized random model of bench/translate.py.

Figures per run: wall seconds; CPU seconds of every process this script started
(`tqa run`, its workers, and every Ray process: GCS, raylets, workers, actors), read from
/proc (utime + stime per process, its last reading before it ended; sampled every 0.2 s,
so a process living under 0.2 s is missed); peak resident memory of those processes
together, as RSS and as PSS (shared pages once: Ray's object store is mapped by every Ray
process, so the RSS sum counts it many times); and the translator actor's start-up (seconds from the start of `tqa run` to the
translator actor's first process). Ratios: each run's wall, CPU and peak memory against
the local engine's, measured in the same invocation. The GPU section (where
`torch.cuda.is_available()`) sweeps `--batch-size` with one actor per GPU, then 1, 2 and 4
actors sharing a GPU (`--gpus-per-actor 1, 0.5, 0.25`); elsewhere it says it was skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# this file is named ray.py: its own folder must not shadow the ray package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]


def _bench_translate() -> Any:
    """bench/translate.py (its model builders and Chinese sentences), loaded by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_translate", REPO / "bench" / "translate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def make_articles(n: int, folder: Path) -> Path:
    sample = sorted((REPO / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for i, zh in enumerate(_bench_translate().chinese_sentences(n)):
        (folder / f"a{i:05d}.txt").write_text(
            f"Article {i}.\n\n{sample}\n\nThe talks, {zh} went on.\n", encoding="utf-8"
        )
    return folder


def _processes() -> dict[int, tuple[int, float, int, bytes]]:
    """pid -> (parent, CPU seconds, resident bytes, command line) for every process."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        found[int(stat.parent.name)] = (
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / TICKS,
            int(fields[21]) * PAGE,
            cmdline,
        )
    return found


def _descendants(table: dict[int, tuple[int, float, int, bytes]], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, *_) in table.items():
        children.setdefault(parent, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


class Meter:
    """CPU and memory of every process below this one, from the moment it is made."""

    def __init__(self) -> None:
        table = _processes()
        self.base = {pid: table[pid][1] for pid in _descendants(table, os.getpid())}
        self.last: dict[int, float] = {}
        self.peak = self.peak_pss = 0
        self.actor_at: float | None = None
        self.start = time.perf_counter()

    def sample(self) -> None:
        table = _processes()
        rss, alive = 0, _descendants(table, os.getpid())
        for pid in alive:
            _, cpu, resident, cmdline = table[pid]
            self.last[pid] = cpu - self.base.get(pid, 0.0)
            rss += resident
            if self.actor_at is None and b"_Translate" in cmdline:
                self.actor_at = time.perf_counter() - self.start
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in alive))

    def cpu(self) -> float:
        return sum(self.last.values())


def _pss(pid: int) -> int:
    """Proportional set size: pages shared between processes (Ray's object store, which every
    Ray process maps, and what forked workers share) counted once, not once per process."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed_run(argv: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    meter = Meter()
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, env=env, stdout=sink, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            meter.sample()
            time.sleep(0.2)
    seconds = time.perf_counter() - meter.start
    meter.sample()  # the Ray processes outlive the driver: their last readings
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(argv)} failed with status {proc.returncode}; see {log}")
    return {
        "seconds": round(seconds, 1),
        "cpu_s": round(meter.cpu(), 1),
        "peak_mib": round(meter.peak / 2**20, 1),
        "peak_pss_mib": round(meter.peak_pss / 2**20, 1),
        "actor_start_s": None if meter.actor_at is None else round(meter.actor_at, 1),
    }


class RayNodes:
    """A local Ray cluster of ``nodes`` nodes, its state in a temporary folder of its own."""

    def __init__(self, nodes: int, cpus: int, gpus: int, temp: Path) -> None:
        from ray.cluster_utils import Cluster

        started = time.perf_counter()
        self.cluster = Cluster(
            initialize_head=True,
            head_node_args={"num_cpus": cpus, "num_gpus": gpus, "include_dashboard": False, "temp_dir": str(temp)},
        )
        for _ in range(nodes - 1):
            self.cluster.add_node(num_cpus=cpus, num_gpus=0)
        self.cluster.wait_for_nodes()
        self.start_s = round(time.perf_counter() - started, 1)

    def close(self) -> None:
        self.cluster.shutdown()


def tqa_run(inputs: Path, out: Path, model: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(inputs),
        "--out",
        str(out),
        "--model",
        str(model),
        "--no-cache",
        *extra,
    ]


def cpu_section(
    args: argparse.Namespace, work: Path, env: dict[str, str], inputs: Path, model: Path
) -> list[dict[str, Any]]:
    results = []

    def record(name: str, r: dict[str, Any]) -> None:
        r = {"run": name, "articles": args.articles, **r}
        results.append(r)
        print(
            f"{name:>16}: {r['seconds']:>7} s wall, {r['cpu_s']:>7} CPU s, peak RSS {r['peak_mib']:>7} MiB, PSS {r['peak_pss_mib']:>7} MiB, "
            f"translator actor up after {r['actor_start_s']} s"
            + (f" (cluster start {r['cluster_start_s']} s)" if "cluster_start_s" in r else ""),
            flush=True,
        )

    common = ["--chunk-size", str(args.chunk_size)]
    record(
        "local -j 2",
        timed_run(tqa_run(inputs, work / "out-local", model, "-j", str(args.jobs), *common), env, work / "local.log"),
    )
    for nodes in (1, 2):
        cpus = args.cpus_per_node * (2 if nodes == 1 else 1)  # the same logical CPUs in all
        cluster = RayNodes(nodes, cpus, 0, work / f"ray{nodes}")
        try:
            r = timed_run(
                tqa_run(
                    inputs,
                    work / f"out-ray{nodes}",
                    model,
                    "--engine",
                    "ray",
                    "--address",
                    cluster.cluster.address,
                    "--actors",
                    args.actors,
                    *common,
                ),
                env,
                work / f"ray{nodes}.log",
            )
        finally:
            cluster.close()
        record(f"ray {nodes} node{'s' if nodes > 1 else ''}", {**r, "cluster_start_s": cluster.start_s})
        same = _same_outputs(work / "out-local", work / f"out-ray{nodes}")
        print(f"{'':>16}  outputs identical to the local engine's: {same}", flush=True)
        results[-1]["identical"] = same
    return results


def _same_outputs(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"
        }

    return files(a) == files(b)


def gpu_section(args: argparse.Namespace, work: Path, env: dict[str, str], inputs: Path) -> list[dict[str, Any]]:
    import torch

    if not torch.cuda.is_available():
        print("GPU section skipped: torch.cuda.is_available() is False on this machine", flush=True)
        return []
    model = _bench_translate().build_full(work / "full")
    results = []
    cluster = RayNodes(1, args.cpus_per_node * 2, torch.cuda.device_count(), work / "ray-gpu")
    try:
        runs = [(b, 1.0, "1") for b in args.gpu_batch_sizes] + [
            (args.gpu_batch_sizes[-1], 1 / k, str(k)) for k in (2, 4)
        ]
        for batch, share, actors in runs:
            out = work / f"out-gpu-{batch}-{actors}"
            r = timed_run(
                tqa_run(
                    inputs,
                    out,
                    model,
                    "--engine",
                    "ray",
                    "--address",
                    cluster.cluster.address,
                    "--device",
                    "cuda",
                    "--gpus-per-actor",
                    str(share),
                    "--actors",
                    f"{actors}:{actors}",
                    "--batch-size",
                    str(batch),
                    "--chunk-size",
                    str(args.chunk_size),
                ),
                env,
                work / f"gpu-{batch}-{actors}.log",
            )
            r = {
                "run": f"gpu batch {batch}, {actors} actor(s) per GPU",
                "articles": args.articles,
                "articles_per_s": round(args.articles / r["seconds"], 1),
                **r,
            }
            results.append(r)
            print(
                f"{r['run']:>32}: {r['seconds']:>7} s, {r['articles_per_s']:>7} articles/s, {r['cpu_s']:>7} CPU s, "
                f"actor up after {r['actor_start_s']} s",
                flush=True,
            )
            shutil.rmtree(out, ignore_errors=True)
    finally:
        cluster.close()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000, help="articles per run (default 2,000)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes of the local engine (default 2)")
    p.add_argument("--cpus-per-node", type=int, default=2, help="logical CPUs of each of the two nodes (default 2)")
    p.add_argument("--actors", default="1:1", help="--actors of the Ray runs (default 1:1)")
    p.add_argument("--chunk-size", type=int, default=64, help="--chunk-size of every run (default 64)")
    p.add_argument("--gpu-batch-sizes", default="16,32,64,128", help="GPU section: --batch-size sweep")
    p.add_argument("--skip-cpu", action="store_true", help="only the GPU section")
    p.add_argument("--json", type=Path, help="also write every figure as JSON")
    args = p.parse_args(argv)
    args.gpu_batch_sizes = [int(b) for b in args.gpu_batch_sizes.split(",")]
    load = os.getloadavg()
    print(
        f"bench/ray.py: {args.articles} articles; {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="tqa-bench-ray-", dir="/tmp") as tmp:  # short: Ray's sockets live in it
        work = Path(tmp)
        # a token given, not generated: Ray would otherwise leave one in ~/.ray
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "HF_HUB_OFFLINE": "1",
            "TQA_MODELS_DIR": str(work / "no-models"),
            "RAY_AUTH_TOKEN": os.environ.get("RAY_AUTH_TOKEN") or secrets.token_hex(32),
        }
        # Ray's address file and session folders inside this run's folder, not /tmp/ray
        env["RAY_TMPDIR"] = str(work)
        (work / "ray").mkdir()
        os.environ.update(RAY_AUTH_TOKEN=env["RAY_AUTH_TOKEN"], RAY_TMPDIR=env["RAY_TMPDIR"])
        inputs = make_articles(args.articles, work / "in")
        cpu = (
            [] if args.skip_cpu else cpu_section(args, work, env, inputs, _bench_translate().build_tiny(work / "tiny"))
        )
        gpu = gpu_section(args, work, env, inputs)
    if cpu:
        base = cpu[0]
        print("\nagainst the local engine (same run):")
        for r in cpu[1:]:
            r["ratios"] = {
                k: round(r[k] / base[k], 2) for k in ("seconds", "cpu_s", "peak_mib", "peak_pss_mib") if base[k]
            }
            print(
                f"  {r['run']:>12}: wall {r['ratios']['seconds']:.2f}x, CPU {r['ratios']['cpu_s']:.2f}x, "
                f"peak memory {r['ratios']['peak_mib']:.2f}x RSS, {r['ratios']['peak_pss_mib']:.2f}x PSS"
            )
    end = os.getloadavg()
    print(f"\nload average at the end {end[0]:.1f} {end[1]:.1f} {end[2]:.1f}", flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "articles": args.articles,
                    "cores": os.cpu_count(),
                    "load_before": load,
                    "load_after": end,
                    "cpu": cpu,
                    "gpu": gpu,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
