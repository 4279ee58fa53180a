"""duplicate-record: recall of planted near-copies, false pairs, and what the detection costs ``tqa check``.

    python bench/dups.py                          # 2,000 articles (~1 min on 2 busy cores)
    python bench/dups.py --articles 2000,10000 --json dups.json

Synthetic articles: 15 sentences each, drawn at random from the English texts in tests/data.
One article in ten gets a near-copy planted at a random later place in the corpus: the same
text with ``--change`` (5%) of its words replaced by other words of the pool. The corpus (one
JSONL file) is checked twice with ``-j 1``, with every check and with ``--ignore
duplicate-record``, alternating; the CPU-seconds of each (the process and its workers) and
their ratio are printed. A found pair is (a later record, the first copy its finding names);
a false pair is a found pair that was not planted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check(path: Path, detect: bool) -> tuple[float, float, dict]:
    args = [sys.executable, "-m", "pipeline.cli", "check", str(path), "--format", "json", "-j", "1"]
    args += [] if detect else ["--ignore", "duplicate-record"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"tqa check failed with status {proc.returncode}: {proc.stderr[-1000:]}")
    return wall, cpu, json.loads(proc.stdout)


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
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    print(f"{'articles':>8} {'planted':>7} {'recall':>7} {'false':>6} {'CPU-s on':>9} {'CPU-s off':>9} {'ratio':>6}")
    for n in (int(a) for a in args.articles.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "news.jsonl"
            planted = corpus(n, args.change, 0, path)
            on, off, found = [], [], set()
            for _ in range(args.repeat):
                _, cpu, report = check(path, True)
                on.append(cpu)
                found = found_pairs(report)
                off.append(check(path, False)[1])
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
        rows.append(row)
        print(
            f"{n:>8} {len(planted):>7} {row['recall']:>7.1%} {false:>6} {row['cpu_on']:>9.1f} {row['cpu_off']:>9.1f}"
            f" {row['ratio']:>6.2f}"
        )
    if args.json:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        args.json.write_text(json.dumps({"change": args.change, "load": load, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
