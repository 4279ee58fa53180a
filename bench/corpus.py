"""Corpora against files: `tqa check` and `tqa run` (no model) over the same articles held
as one .txt file each, as one JSONL file and as one Parquet file.

    python bench/corpus.py                           # 10,000 and 100,000 records (hours on 2 busy cores)
    python bench/corpus.py --sizes 1000,10000 --files-max 10000 --json corpus.json

Every record is the sample article with a numbered first line, so every one is distinct
(as in bench/memory.py). Figures per run: wall seconds, CPU seconds of the whole process
tree (the machine may be shared: CPU time is the steadier figure), records/s, and the peak
resident memory of the process tree (RSS, as bench/memory.py; of the main process alone, which
reads and writes the corpus; and PSS, which counts pages that forked workers share with the
main process once). Printed ratios: records/s of each corpus format
against files of the same size (1.0 or more: no worse than files), and peak memory of the
largest size against the smallest per format (near 1.0: memory does not grow with the
corpus). ``--files-max`` leaves out the files baseline above that size (100,000 files and
their reports take many GB).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import tree_rss  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def make_inputs(n: int, work: Path, files: bool) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    made: dict[str, Path] = {}
    jsonl = work / f"corpus-{n}.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {"id": f"a{i:06d}", "url": f"https://example.org/{i}", "text": f"Article {i}.\n\n{sample}"},
                    ensure_ascii=False,
                )
                + "\n"
            )
    made["jsonl"] = jsonl
    parquet = work / f"corpus-{n}.parquet"
    with pq.ParquetWriter(
        parquet, pa.schema([("id", pa.string()), ("url", pa.string()), ("text", pa.string())])
    ) as writer:
        for start in range(0, n, 1024):
            ids = range(start, min(n, start + 1024))
            writer.write_table(
                pa.table(
                    {
                        "id": [f"a{i:06d}" for i in ids],
                        "url": [f"https://example.org/{i}" for i in ids],
                        "text": [f"Article {i}.\n\n{sample}" for i in ids],
                    }
                )
            )
    made["parquet"] = parquet
    if files:
        folder = work / f"files-{n}"
        folder.mkdir()
        for i in range(n):
            (folder / f"a{i:06d}.txt").write_text(f"Article {i}.\n\n{sample}", encoding="utf-8")
        made["files"] = folder
    return made


def tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants: pages shared by forked workers
    (the parent's imports, pyarrow's ~80 MiB among them) counted once, not once per process."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total


def measure(command: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = peak_pss = peak_main = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree, main, _ = tree_rss(proc.pid)
        peak, peak_main = max(peak, tree), max(peak_main, main)
        peak_pss = max(peak_pss, tree_pss(proc.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: findings at --fail-on; not used here
        raise SystemExit(f"{' '.join(command)} failed with status {code}")
    # wait4's usage covers the process and the worker processes it waited for
    return {
        "seconds": round(seconds, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mib": round(peak / 2**20, 1),
        "peak_main_mib": round(peak_main / 2**20, 1),
        "peak_pss_mib": round(peak_pss / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated record counts (default 10000,100000)")
    parser.add_argument("--files-max", type=int, default=10000, help="largest size also run as files (default 10000)")
    parser.add_argument("--commands", default="check,run", help="tqa commands to time (default check,run)")
    parser.add_argument(
        "--inputs", default="jsonl,parquet,files", help="input kinds to time (default jsonl,parquet,files)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    results = []
    with tempfile.TemporaryDirectory(prefix="tqa-bench-corpus-") as tmp:
        work = Path(tmp)
        env["TQA_MODELS_DIR"] = str(work / "no-models")
        for n in sizes:
            inputs = make_inputs(n, work, n <= args.files_max)
            for command in args.commands.split(","):
                for kind, path in inputs.items():
                    if kind not in args.inputs.split(","):
                        continue
                    out = work / f"out-{kind}-{n}"
                    argv = [sys.executable, "-m", "pipeline.cli", command, str(path), "-j", str(args.jobs)]
                    if command == "run":
                        argv += ["--out", str(out), "--no-cache", "--no-retranslate"]
                    r = {"command": command, "input": kind, "records": n, **measure(argv, env)}
                    r["records_per_s"] = round(n / r["seconds"], 1)
                    results.append(r)
                    print(
                        f"{command:>5} {kind:>8} {n:>7} records: {r['seconds']:>7} s, {r['cpu_s']:>7} CPU s, "
                        f"{r['records_per_s']:>7} records/s, peak RSS {r['peak_mib']:>7} MiB (main process {r['peak_main_mib']:>7}), "
                        f"PSS {r['peak_pss_mib']:>7} MiB",
                        flush=True,
                    )
                    subprocess.run(["rm", "-rf", str(out)], check=False)
    by = {(r["command"], r["input"], r["records"]): r for r in results}
    ratios = {}
    print("\nrecords/s against files of the same size, and peak memory largest vs smallest size:")
    for (command, kind, n), r in sorted(by.items()):
        files = by.get((command, "files", n))
        if kind != "files" and files:
            ratios[f"{command} {kind} vs files at {n}"] = ratio = round(r["records_per_s"] / files["records_per_s"], 2)
            print(f"  {command} {kind:>8} vs files, {n:>7} records: {ratio:.2f}x records/s")
    for command in args.commands.split(","):
        for kind in ("files", "jsonl", "parquet"):
            have = [n for n in sizes if (command, kind, n) in by]
            if len(have) > 1:
                big, small = by[(command, kind, have[-1])], by[(command, kind, have[0])]
                ratio, pss = (
                    round(big["peak_mib"] / small["peak_mib"], 2),
                    round(big["peak_pss_mib"] / small["peak_pss_mib"], 2),
                )
                main = round(big["peak_main_mib"] / small["peak_main_mib"], 2)
                ratios[f"{command} {kind} peak {have[-1]} vs {have[0]}"] = ratio
                ratios[f"{command} {kind} peak main {have[-1]} vs {have[0]}"] = main
                ratios[f"{command} {kind} peak PSS {have[-1]} vs {have[0]}"] = pss
                print(
                    f"  {command} {kind:>8} peak memory, {have[-1]:,} vs {have[0]:,} records: {ratio:.2f}x RSS "
                    f"(main process {main:.2f}x), {pss:.2f}x PSS"
                )
    if args.json:
        load = os.getloadavg()
        args.json.write_text(
            json.dumps(
                {"jobs": args.jobs, "cpus": os.cpu_count(), "load": load, "results": results, "ratios": ratios},
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
