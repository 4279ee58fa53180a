"""Default ``--jobs`` against ``-j 1``: wall and CPU seconds of ``tqa check`` and ``tqa run``.

    python bench/jobs.py                      # 600 articles, median of 3 (~4 min on 2 busy cores)
    python bench/jobs.py --articles 200,1000 --repeat 1 --json jobs.json

Articles are the sample article with a numbered first line (as bench/memory.py). No model:
``tqa run`` checks, repairs by rule, scores and writes every report. The two settings
alternate, so a change in the machine's load hits both. The figure to watch is the wall
ratio default / ``-j 1``: at most 1.0 means the default is never the slower choice.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def once(command: str, inputs: Path, jobs: str, out: Path) -> tuple[float, float]:
    args = [sys.executable, "-m", "pipeline.cli", command, str(inputs)]
    args += ["--out", str(out)] if command == "run" else ["--format", "json"]
    if jobs != "default":
        args += ["-j", jobs]
    env = {
        **os.environ,
        "TQA_MODELS_DIR": str(out.parent / "no-models"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode not in (0, 1):  # 1: tqa check found something
        raise SystemExit(f"tqa {command} failed with status {proc.returncode}: {proc.stderr[-1000:]}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="600", help="comma-separated batch sizes (default 600)")
    parser.add_argument("--commands", default="check,run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each setting; the median counts (default 3)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline.engines import default_jobs

    sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="tqa-bench-jobs-") as tmp:
        for n in [int(a) for a in args.articles.split(",")]:
            inputs = Path(tmp) / f"in-{n}"
            inputs.mkdir()
            for i in range(n):
                (inputs / f"a{i:05d}.txt").write_text(f"Article {i}.\n\n{sample}", encoding="utf-8")
            for command in args.commands.split(","):
                runs: dict[str, list[tuple[float, float]]] = {"default": [], "1": []}
                for r in range(args.repeat):
                    for jobs in runs:
                        runs[jobs].append(once(command, inputs, jobs, Path(tmp) / f"out-{n}-{command}-{jobs}-{r}"))
                row = {"command": command, "articles": n, "default_jobs": default_jobs(n)}
                for jobs, values in runs.items():
                    row[f"wall_{jobs}"] = round(statistics.median(w for w, _ in values), 2)
                    row[f"cpu_{jobs}"] = round(statistics.median(c for _, c in values), 2)
                row["wall_ratio"] = round(row["wall_default"] / row["wall_1"], 2)
                results.append(row)
                print(
                    f"tqa {command:5} {n:>6} articles: default (-j {row['default_jobs']}) {row['wall_default']:7.2f} s wall "
                    f"{row['cpu_default']:7.2f} CPU-s | -j 1 {row['wall_1']:7.2f} s wall {row['cpu_1']:7.2f} CPU-s | "
                    f"wall default / -j 1: {row['wall_ratio']:.2f}",
                    flush=True,
                )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "cores": os.cpu_count()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
