"""Memory of `tqa run` as the batch grows: peak resident memory of the whole process tree.

    python bench/memory.py                 # 1,000 and 10,000 articles (about 6 minutes on 2 cores)
    python bench/memory.py --sizes 200,2000 --jobs 2 --json memory.json

Articles are the sample article with a numbered first line, so every one is distinct.
No model is needed: the run checks, repairs by rule, scores and writes every report
(the Chinese passage is reported as not retranslated). The ratio of peak memory between
the largest and the smallest batch is the figure to watch: near 1.0 means memory does
not grow with the batch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total


def run(n: int, jobs: int, work: Path) -> dict[str, float]:
    sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    inputs = work / f"in-{n}"
    inputs.mkdir()
    for i in range(n):
        (inputs / f"a{i:05d}.txt").write_text(f"Article {i}.\n\n{sample}", encoding="utf-8")
    env = {**os.environ, "TQA_MODELS_DIR": str(work / "no-models"), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "--out", str(work / f"out-{n}"), "-j", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, samples = 0, []
    while proc.poll() is None:
        now = tree_rss(proc.pid)
        peak = max(peak, now)
        samples.append(now)
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"tqa run failed with status {proc.returncode} on {n} articles")
    half = samples[len(samples) // 2 :] or [peak]
    return {"articles": n, "seconds": round(seconds, 1), "articles_per_s": round(n / seconds, 1),
            "peak_mib": round(peak / 2**20, 1), "late_median_mib": round(sorted(half)[len(half) // 2] / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated batch sizes (default 1000,10000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="tqa-bench-memory-") as tmp:
        results = [run(n, args.jobs, Path(tmp)) for n in sizes]
    print(f"{'articles':>9} {'seconds':>8} {'articles/s':>11} {'peak MiB':>9} {'late median MiB':>16}")
    for r in results:
        print(f"{r['articles']:>9} {r['seconds']:>8} {r['articles_per_s']:>11} {r['peak_mib']:>9} {r['late_median_mib']:>16}")
    ratio = results[-1]["peak_mib"] / results[0]["peak_mib"]
    print(f"peak memory, {sizes[-1]:,} vs {sizes[0]:,} articles: {ratio:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"jobs": args.jobs, "results": results, "peak_ratio": ratio}, indent=2) + "\n")


if __name__ == "__main__":
    main()
