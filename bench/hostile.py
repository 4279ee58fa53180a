"""Hostile text: does checking stay linear? Growth ratios against the same text 4x smaller.

    python bench/hostile.py                          # 25 kB -> 100 kB per pattern, 4 MB line
    python bench/hostile.py --size 50000 --line-mb 8 --json bench/hostile.json

For each pattern that once made a check quadratic, the check runs on ``--size`` characters
of it and on a quarter of that, in this process; the printed growth is the CPU-time ratio
(4 means linear, 16 quadratic). Then one line of ``--line-mb`` MB of prose goes through
every check (``untranslated`` included), against a line four times shorter, with the peak
of Python allocations (tracemalloc) over the text's own size.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from pipeline.checks import build_checks
from pipeline.checks.punctuation import UnpairedPunctuation
from pipeline.checks.repetition import RepeatedPhrase
from pipeline.core.document import Document

PATTERNS = [
    ("repeated-phrase", "number list", "0, "),
    ("repeated-phrase", "chained x and x", "fruits and "),
    ("repeated-phrase", "doubled names", "China China, "),
    ("unpaired-punctuation", "quote + bracket openers", '"('),
    ("unpaired-punctuation", "enumerator closers", "a) "),
]
PROSE = "The economy grew by 5.2 percent (year on year), officials said. "


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _cpu(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters per pattern (default 100,000)")
    parser.add_argument("--line-mb", type=float, default=4, help="MB of the single-line text (default 4)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    checks = {"repeated-phrase": RepeatedPhrase(), "unpaired-punctuation": UnpairedPunctuation()}
    results = []
    print(f"{'check':<22} {'pattern':<26} {'cpu s (1/4)':>11} {'cpu s':>8} {'growth':>7}")
    for check_id, name, unit in PATTERNS:
        small = Document.from_text(_text(unit, args.size // 4))
        big = Document.from_text(_text(unit, args.size))
        check = checks[check_id]
        t_small = _cpu(lambda check=check, small=small: list(check.find(small)))
        t_big = _cpu(lambda check=check, big=big: list(check.find(big)))
        growth = t_big / max(t_small, 1e-3)
        results.append(
            {
                "check": check_id,
                "pattern": name,
                "size": args.size,
                "cpu_small": t_small,
                "cpu": t_big,
                "growth": growth,
            }
        )
        print(f"{check_id:<22} {name:<26} {t_small:>11.3f} {t_big:>8.3f} {growth:>7.1f}")

    size = int(args.line_mb * 1_000_000)
    every = build_checks()
    line = {}
    for label, n in (("quarter", size // 4), ("full", size)):
        text = _text(PROSE, n)
        tracemalloc.start()
        wall = time.perf_counter()

        def check_all(text: str = text) -> None:
            doc = Document.from_text(text)
            for c in every:
                list(c.find(doc))

        cpu = _cpu(check_all)
        wall = time.perf_counter() - wall
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        line[label] = {"chars": n, "cpu": cpu, "wall": wall, "peak_mb": peak / 1e6}
    growth = line["full"]["cpu"] / max(line["quarter"]["cpu"], 1e-3)
    memory = line["full"]["peak_mb"] / (size / 1e6)
    print(
        f"\none line of {size / 1e6:g} MB, every check: {line['full']['cpu']:.1f} cpu s ({line['full']['wall']:.1f} s wall), "
        f"growth from a quarter {growth:.1f}; peak allocations {line['full']['peak_mb']:.0f} MB = {memory:.1f}x the text"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {"patterns": results, "line": line, "line_growth": growth, "line_memory_ratio": memory}, f, indent=1
            )


if __name__ == "__main__":
    main()
