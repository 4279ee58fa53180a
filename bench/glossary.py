"""Calque matching with a 100,000-entry term base, against the shipped glossary.

    python bench/glossary.py [--entries 100000]

Builds a glossary of ``--entries`` synthetic three-word phrases (words drawn from the
sample article, so many share first words with the text) plus the shipped entries,
then times, in this process: building the check, and checking the sample article 20
times. The baseline is the same with the shipped glossary alone, measured in the same
run; the ratios are what the linear matcher promises (checking time about flat in the
glossary's size). Wall and CPU seconds, and peak memory (tracemalloc, in a second
build: tracing slows what it traces) are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.checks.calque import Calque  # noqa: E402
from pipeline.core.document import Document  # noqa: E402

SAMPLE = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def measure(text: str, **options: object) -> dict[str, float]:
    w, c = time.perf_counter(), time.process_time()
    check = Calque(**options)
    build = (time.perf_counter() - w, time.process_time() - c)
    doc = Document.from_text(text)
    w, c = time.perf_counter(), time.process_time()
    for _ in range(20):
        n = len(list(check.find(doc)))
    find = ((time.perf_counter() - w) / 20, (time.process_time() - c) / 20)
    del check
    tracemalloc.start()  # a second build, for memory: tracemalloc slows what it traces
    Calque(**options).find(doc)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "build_wall": build[0],
        "build_cpu": build[1],
        "find_wall": find[0],
        "find_cpu": find[1],
        "peak_mb": peak / 2**20,
        "findings": n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    text = SAMPLE.read_text(encoding="utf-8")
    words = sorted({w.lower() for w in text.split() if w.isalpha()})
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.tsv"
        rows = {" ".join(rng.choice(words) for _ in range(3)) + " zz" for _ in range(args.entries)}
        big.write_text("phrase\trendering\n" + "".join(f"{p}\tX\n" for p in rows), encoding="utf-8")
        base = measure(text)
        large = measure(text, glossary=str(big))
    print(f"sample article: {len(text.split())} words; glossary: shipped vs shipped + {len(rows):,} entries")
    for key in ("build_wall", "build_cpu", "find_wall", "find_cpu", "peak_mb"):
        unit = "MB" if key == "peak_mb" else "s"
        print(
            f"{key:10} {base[key]:9.4f} {unit}  {large[key]:9.4f} {unit}  ratio {large[key] / max(base[key], 1e-9):7.1f}"
        )
    print(f"findings   {base['findings']:9}     {large['findings']:9}  (the synthetic phrases end in 'zz': none match)")


if __name__ == "__main__":
    main()
