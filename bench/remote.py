"""Reading corpora from an S3 API server against reading the same files from disk:
`tqa check` over N JSONL files, once as ``s3://bucket/news/`` on moto's S3 server (its own
process, on 127.0.0.1) and once as a local folder.

    python bench/remote.py                      # 20 files of 50 records, 2 rounds (~1.5 CPU-min)
    python bench/remote.py --files 100 --records 20 --rounds 5 --json remote.json

Every record is the sample article with a numbered first line (as bench/corpus.py). Figures
per run: wall seconds and CPU seconds of `tqa check` (its process and its workers; the
server's own CPU is not in it, its time answering is in the wall time). The two sides
alternate, round after round, so the machine's load hits both alike; the ratios are of the
medians (target: S3 no more than 1.3x disk).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}


def make_files(folder: Path, files: int, records: int) -> None:
    sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for k in range(files):
        with (folder / f"part-{k:04d}.jsonl").open("w", encoding="utf-8") as f:
            for i in range(records):
                row = {"id": f"a{k:04d}-{i:04d}", "text": f"Article {k}-{i}.\n\n{sample}"}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("moto's server did not start")


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of ``tqa ARGS``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: findings
        raise SystemExit(f"tqa {' '.join(args)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every figure here")
    opts = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tqa-bench-remote-"))
    port = free_port()
    server = start_server(port)
    try:
        folder = work / "news"
        make_files(folder, opts.files, opts.records)
        env = {**os.environ, **ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        import s3fs

        fs = s3fs.S3FileSystem()
        fs.mkdir("bench")
        fs.put(str(folder) + "/", "bench/news/", recursive=True)
        sides = {"disk": ["check", str(folder), "-j", "1"], "s3": ["check", "s3://bench/news/", "-j", "1"]}
        runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        for _ in range(opts.rounds):
            for side, args in sides.items():
                runs[side].append(timed(args, env))
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)

    n = opts.files * opts.records
    print(f"tqa check, {opts.files} JSONL files x {opts.records} records ({n} records), -j 1, {opts.rounds} rounds")
    print(f"{'side':<6} {'wall s':>8} {'CPU s':>8} {'records/CPU-s':>14}")
    medians = {}
    for side, figures in runs.items():
        wall = statistics.median(w for w, _ in figures)
        cpu = statistics.median(c for _, c in figures)
        medians[side] = (wall, cpu)
        print(f"{side:<6} {wall:>8.2f} {cpu:>8.2f} {n / cpu:>14.0f}")
    wall_ratio = medians["s3"][0] / medians["disk"][0]
    cpu_ratio = medians["s3"][1] / medians["disk"][1]
    print(f"s3 / disk: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x (target <= 1.3x)")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    if opts.json:
        opts.json.write_text(
            json.dumps(
                {
                    "files": opts.files,
                    "records": opts.records,
                    "runs": runs,
                    "wall_ratio": wall_ratio,
                    "cpu_ratio": cpu_ratio,
                    "machine": platform.platform(),
                    "cores": os.cpu_count(),
                    "load": os.getloadavg(),
                    "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
