"""CLI start-up: CPU and wall seconds of ``tqa check`` on one small file and of ``tqa --help``.

    python bench/startup.py            # median of 5 runs each (~15 s)
    python bench/startup.py --repeat 9 --json startup.json

The baseline, measured in the same run, is the interpreter alone (``python -c pass``);
the commands alternate with it, so a change in load hits all of them. Then the imports
that cost most in ``tqa check`` (``python -X importtime``, top-level packages, one run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "tests" / "data" / "clean" / "01_summit.txt"
COMMANDS = {
    "python -c pass (baseline)": ["-c", "pass"],
    "tqa check FILE": ["-m", "pipeline.cli", "check", str(ARTICLE)],
    "tqa --help": ["-m", "pipeline.cli", "--help"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("TQA_CONFIG", None)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            t0, c0 = time.perf_counter(), _children_cpu()
            subprocess.run([sys.executable, *argv], env=env, cwd=ROOT / "bench", capture_output=True)
            runs[name].append((_children_cpu() - c0, time.perf_counter() - t0))
    results = {
        name: {
            "cpu_s": round(statistics.median(c for c, _ in v), 3),
            "wall_s": round(statistics.median(w for _, w in v), 3),
        }
        for name, v in runs.items()
    }
    base = results["python -c pass (baseline)"]["cpu_s"]
    for name, r in results.items():
        print(
            f"{name:28} CPU {r['cpu_s']:6.3f} s  wall {r['wall_s']:6.3f} s  (+{r['cpu_s'] - base:.3f} CPU-s over the baseline)"
        )
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", *COMMANDS["tqa check FILE"]],
        env=env,
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
    ).stderr
    top = sorted(
        ((int(m.group(1)), m.group(2)) for m in re.finditer(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", trace, re.M)),
        reverse=True,
    )[:8]
    print(
        "top-level imports of tqa check (cumulative ms, one run): "
        + ", ".join(f"{name} {us / 1000:.0f}" for us, name in top)
    )
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "imports_us": dict((n, u) for u, n in top)}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
