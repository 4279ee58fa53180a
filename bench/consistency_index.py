"""The consistency checks' batch index in the main process: CPU and memory per segment of
``ConsistencyIndex`` (on disk, SQLite) against the same rule kept in a dict, in-process.

    python bench/consistency_index.py                      # 100,000 segments
    python bench/consistency_index.py --segments 1000000 --json index.json

Synthetic signatures (two 16-byte digests and a name like ``corpus.jsonl#r0000042``): 80% of
the segments open a group of their own, 15% repeat an earlier group's rendering and 5% render
an earlier group otherwise, the earlier group drawn at random. Each way runs in a child
process of its own, so its memory is its alone: the growth of resident memory while adding.
Both ways must give the same answers (their count is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMED = 10


class DictIndex:
    """The baseline, the rule in memory: per group its one rendering (digest, [count,
    names...]), or once it has a second, a dict of them."""

    def __init__(self) -> None:
        self.groups: dict[bytes, Any] = {}

    def add(self, name: str, sig: tuple[bytes, bytes]) -> Any:
        group, rendering = sig
        renderings = self.groups.get(group)
        if renderings is None:
            self.groups[group] = (rendering, [1, name])
            return None
        if isinstance(renderings, tuple):
            if renderings[0] == rendering:
                _count(renderings[1], name)
                return None
            renderings = self.groups[group] = {renderings[0]: renderings[1]}
        others = [entry for key, entry in renderings.items() if key != rendering]
        _count(renderings.setdefault(rendering, [0]), name)
        if not others:
            return None
        return [n for o in others for n in o[1:]][:NAMED], sum(o[0] for o in others), len(renderings)


def _count(entry: list[Any], name: str) -> None:
    entry[0] += 1
    if len(entry) <= NAMED:
        entry.append(name)


def signatures(n: int) -> list[tuple[str, tuple[bytes, bytes]]]:
    def d(text: str) -> bytes:
        return hashlib.blake2b(text.encode(), digest_size=16).digest()

    rng, sigs = random.Random(1), []
    for i in range(n):
        k, j = i % 20, rng.randrange(i) if i else 0
        sig = (d(f"g{i}"), d(f"t{i}")) if k < 16 or i < 100 else (d(f"g{j}"), d(f"t{j}" if k < 19 else f"x{i}"))
        sigs.append((f"corpus.jsonl#r{i:07d}", sig))
    return sigs


def rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(way: str, n: int) -> dict[str, Any]:
    """In this process: add ``n`` signatures to the index ``way``."""
    import gc

    from pipeline.stages.consistency import ConsistencyIndex

    sigs = signatures(n)
    gc.collect()
    before = rss()
    index: Any = ConsistencyIndex(None) if way == "disk" else DictIndex()
    start = time.process_time()
    flagged = sum(index.add(name, sig) is not None for name, sig in sigs)
    cpu = time.process_time() - start
    gc.collect()
    grown = rss() - before
    return {
        "way": way,
        "segments": n,
        "us_per_segment": round(cpu / n * 1e6, 2),
        "mib": round(grown / 2**20, 1),
        "bytes_per_segment": round(grown / n),
        "flagged": flagged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--one", choices=("dict", "disk"), help=argparse.SUPPRESS)  # a child's way
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.segments)))
        return
    print(f"{args.segments:,} segments; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results = []
    for way in ("dict", "disk"):
        child = [sys.executable, __file__, "--one", way, "--segments", str(args.segments)]
        results.append(json.loads(subprocess.run(child, capture_output=True, text=True, check=True).stdout))
    print(f"{'index':>6} {'µs/segment':>11} {'memory MiB':>11} {'bytes/segment':>14} {'flagged':>8}")
    for r in results:
        print(f"{r['way']:>6} {r['us_per_segment']:>11} {r['mib']:>11} {r['bytes_per_segment']:>14} {r['flagged']:>8}")
    if results[0]["flagged"] != results[1]["flagged"]:
        raise SystemExit("the two ways disagree")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
