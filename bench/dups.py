"""duplicate-record: recall of planted near-copies, false pairs, and what the detection costs ``tqa check``.

    python bench/dups.py                          # 2,000 articles (~1 min on 2 busy cores)
    python bench/dups.py --articles 2000,10000 --json dups.json
    python bench/dups.py --articles 100000 --no-baseline     # recall and memory at scale (~15 min)

Synthetic articles: 15 sentences each, drawn at random from the English texts in tests/data.
One article in ten gets a near-copy planted at a random later place in the corpus: the same
text with ``--change`` (5%) of its words replaced by other words of the pool. The corpus (one
JSONL file) is checked twice with ``-j 1``, with every check and with ``--ignore
duplicate-record``, alternating; the CPU-seconds of each (the process and its workers) and
their ratio are printed, with each run's peak memory (MB). A found pair is (a later record, the first copy its finding names);
a false pair is a found pair that was not planted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("clean", "clean_en", "devset", "heldout")


def _pool() -> list[str]:
    sentences: set[str] = set()
    for folder in SOURCES:
        for path in sorted((ROOT / "tests" / "data" / folder).glob("*.txt")):
            text = " ".join(path.read_text(encoding="utf-8").split())
            sentences.update(s for s in re.split(r"(?<=[.!?])\s+", text) if 6 <= len(s.split()) <= 60)
    return sorted(sentences)


def corpus(n: int, change: float, seed: int, path: Path) -> set[tuple[str, str]]:
    """Write ``n`` records to ``path``; the planted (copy, original) id pairs."""
    rng = random.Random(seed)
    pool = _pool()
    vocab = sorted({w for s in pool for w in s.split()})
    articles = [" ".join(rng.sample(pool, 15)) for _ in range(n)]
    ids = [f"a{i}" for i in range(n)]
    planted: set[tuple[str, str]] = set()
    for i in rng.sample(range(n - 1), n // 10):
        j = rng.randrange(i + 1, n)  # a later place: the copy replaces that article
        if any(j == int(c[1:]) or j == int(o[1:]) or i == int(c[1:]) for c, o in planted):
            continue
        words = articles[i].split()
        for k in rng.sample(range(len(words)), round(change * len(words))):
            words[k] = rng.choice(vocab)
        articles[j] = " ".join(words)
        planted.add((ids[j], ids[i]))
    with open(path, "w", encoding="utf-8") as f:
        for id_, text in zip(ids, articles):
            f.write(json.dumps({"id": id_, "text": text}) + "\n")
    return planted


def check(path: Path, detect: bool) -> tuple[float, float, float, dict]:
    """Wall and CPU seconds, peak memory (MB) and the JSON report of one ``tqa check``.

    It is started from a fresh (spawned) process: a forked child's ``ru_maxrss`` counts the
    memory its parent held when it was forked, and this process holds the corpus's reports."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        try:
            wall, cpu, peak = pool.apply(_run, (path, detect))
        except RuntimeError as err:
            raise SystemExit(str(err)) from None
    return wall, cpu, peak, json.loads(path.with_suffix(".out").read_text(encoding="utf-8"))


def _run(path: Path, detect: bool) -> tuple[float, float, float]:
    args = [sys.executable, "-m", "pipeline.cli", "check", str(path), "--format", "json", "-j", "1"]
    args += [] if detect else ["--ignore", "duplicate-record"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = path.with_suffix(".out")
    with open(out, "w", encoding="utf-8") as stdout, open(path.with_suffix(".err"), "w+", encoding="utf-8") as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time and peak memory
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            stderr.seek(0)
            # an Exception, not SystemExit: the pool hands it back to ``check``
            raise RuntimeError(f"tqa check failed with status {proc.returncode}: {stderr.read()[-1000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def found_pairs(report: dict) -> set[tuple[str, str]]:
    return {
        (f["id"], x["evidence"]["first"].rpartition("#")[2])
        for f in report["files"]
        for x in f["findings"]
        if x["check"] == "duplicate-record"
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="2000", help="comma-separated corpus sizes (default 2000)")
    parser.add_argument("--change", type=float, default=0.05, help="share of words changed in a copy (0.05)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setting; the median counts")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run without duplicate-record (recall and memory only)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    print(
        f"{'articles':>8} {'planted':>7} {'recall':>7} {'false':>6} {'CPU-s on':>9} {'CPU-s off':>9} {'ratio':>6}"
        f" {'MB on':>6} {'MB off':>6}"
    )
    for n in (int(a) for a in args.articles.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "news.jsonl"
            # written by another process, for the reason ``check`` gives
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                planted = pool.apply(corpus, (n, args.change, 0, path))
            on, off, found, peaks = [], [], set(), []
            for _ in range(args.repeat):
                _, cpu, peak_on, report = check(path, True)
                on.append(cpu)
                found = found_pairs(report)
                if args.no_baseline:
                    off.append(float("nan"))
                    peak_off = float("nan")
                else:
                    _, cpu, peak_off, _ = check(path, False)
                    off.append(cpu)
                peaks = [peak_on, peak_off]
        hit = len(found & planted)
        false = len(found - planted)
        row = {
            "articles": n,
            "planted": len(planted),
            "recall": hit / len(planted),
            "false_pairs": false,
            "false_share_of_pairs": false / (n * (n - 1) / 2),
            "cpu_on": statistics.median(on),
            "cpu_off": statistics.median(off),
        }
        row["ratio"] = row["cpu_on"] / row["cpu_off"]
        row["peak_mb_on"], row["peak_mb_off"] = peaks
        rows.append(row)
        print(
            f"{n:>8} {len(planted):>7} {row['recall']:>7.1%} {false:>6} {row['cpu_on']:>9.1f} {row['cpu_off']:>9.1f}"
            f" {row['ratio']:>6.2f} {peaks[0]:>6.0f} {peaks[1]:>6.0f}"
        )
    if args.json:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        args.json.write_text(json.dumps({"change": args.change, "load": load, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
