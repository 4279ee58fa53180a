"""What checking with the original costs: ``tqa check DIR -j 1`` with and without originals.

    python bench/source_cost.py [--data DIR] [--runs 3] [--ignore CHECKS] [--profile FILE] [--instructions]

The documents are the tune half of the MQM development split (see ``bench/accuracy.py``):
every segment of the half, grouped by dataset, system and document in segment order, one
segment a line, as ``NAME.en.txt`` (455 documents, 56,323 words) with its Chinese source as
``NAME.zh.txt`` beside it. "Without" checks a folder of the English files alone; "with"
checks the folder where each original lies beside its English (found without ``--source``).
Each run is a fresh ``python -m pipeline.cli check DIR -j 1 --format json``; the figure is
its user+system CPU seconds (the child's rusage), the median of ``--runs`` alternating runs;
the ratio is the median of each round's ratio, so the machine's load and speed hit both
sides alike. ``--ignore`` adds a third variant, with originals but without the named checks;
``--profile FILE`` also writes a cProfile of one run with originals (in process,
``pipeline.cli`` as ``tqa`` runs it) to FILE. CPU seconds on a shared machine move the ratio
by ±0.1-0.2 between measurements; ``--instructions`` also counts each variant's instructions
once under valgrind (minutes), a figure the machine's load does not move.
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
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import DEFAULT_DATA, half  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def write_documents(data: Path, english_only: Path, with_originals: Path) -> tuple[int, int]:
    """The tune half's documents, written into both folders; (documents, English words)."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    with open(data / "segments.jsonl", encoding="utf-8") as f:
        for line in f:
            s = json.loads(line)
            if half(s) == "tune":
                groups[(s["dataset"], s["system"], s["doc"])].append(s)
    words = 0
    for i, (_key, segments) in enumerate(sorted(groups.items())):
        segments.sort(key=lambda s: s["doc_seg_id"])
        name = f"{i:04d}"
        en = "\n".join(s["target"] for s in segments) + "\n"
        zh = "\n".join(s["source"] for s in segments) + "\n"
        words += len(en.split())
        (english_only / f"{name}.en.txt").write_text(en, encoding="utf-8")
        (with_originals / f"{name}.en.txt").write_text(en, encoding="utf-8")
        (with_originals / f"{name}.zh.txt").write_text(zh, encoding="utf-8")
    return len(groups), words


def cpu_seconds(folder: Path, extra: list[str]) -> float:
    """User+system CPU seconds of one ``tqa check FOLDER -j 1`` (findings to /dev/null)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "pipeline.cli", "check", str(folder), "-j", "1", "--format", "json", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT, check=False)
    if done.returncode not in (0, 1):  # 1: findings reported
        raise SystemExit(f"tqa check failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(folder: Path, extra: list[str]) -> int:
    """Instructions one ``tqa check FOLDER -j 1`` executes, counted by valgrind's callgrind: the
    same figure on a busy machine as on an idle one (the run takes ~50x as long). String hashing
    is seeded (``PYTHONHASHSEED=0``): the order of sets and dicts moves the count by up to ~5%
    from one seed to another."""
    command = [sys.executable, "-m", "pipeline.cli", "check", str(folder), "-j", "1", "--format", "json", *extra]
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={os.devnull}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        valgrind + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT, check=False
    )
    found = re.search(rb"Collected : (\d+)", done.stderr)
    if done.returncode not in (0, 1) or found is None:
        raise SystemExit(f"valgrind tqa check failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ignore", help="a third variant: with originals, --ignore these checks")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one run with originals here")
    parser.add_argument(
        "--instructions", action="store_true", help="also count each variant's instructions once (needs valgrind)"
    )
    args = parser.parse_args()
    if not (args.data / "segments.jsonl").exists():
        raise SystemExit(f"no segments.jsonl in {args.data} (--data or TQA_MQM_DEV)")
    with tempfile.TemporaryDirectory() as tmp:
        english_only, with_originals = Path(tmp, "en"), Path(tmp, "with")
        english_only.mkdir()
        with_originals.mkdir()
        documents, words = write_documents(args.data, english_only, with_originals)
        variants = {"without originals": (english_only, []), "with originals": (with_originals, [])}
        if args.ignore:
            variants[f"with originals, --ignore {args.ignore}"] = (with_originals, ["--ignore", args.ignore])
        seconds: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.runs):
            for name, (folder, extra) in variants.items():
                seconds[name].append(cpu_seconds(folder, extra))
        counted = (
            {name: instructions(folder, extra) for name, (folder, extra) in variants.items()}
            if args.instructions
            else {}
        )
        if args.profile:
            import cProfile

            from pipeline.cli import app

            sys.argv = ["tqa", "check", str(with_originals), "-j", "1", "--format", "json"]
            with open(os.devnull, "w") as sink:
                stdout, sys.stdout = sys.stdout, sink
                profiler = cProfile.Profile()
                try:
                    profiler.runcall(app, standalone_mode=False)
                except SystemExit:
                    pass
                finally:
                    sys.stdout = stdout
                profiler.dump_stats(str(args.profile))
    base = seconds["without originals"]
    print(f"{documents} documents, {words:,} English words; load average {os.getloadavg()[0]:.1f}")
    print("| variant | CPU s (median) | runs | x without (median of the rounds' ratios) |")
    print("|---|---:|---|---:|")
    for name, values in seconds.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        # each round's runs follow one another, so a ratio within a round is measured at one
        # speed of a shared machine, whose speed drifts by ~10% between rounds
        ratio = statistics.median(v / b for v, b in zip(values, base))
        print(f"| {name} | {statistics.median(values):.2f} | {shown} | {ratio:.2f}x |")
    if counted:
        print("\n| variant | instructions (valgrind) | x without |")
        print("|---|---:|---:|")
        for name, count in counted.items():
            print(f"| {name} | {count / 1e9:.2f} G | {count / counted['without originals']:.3f}x |")


if __name__ == "__main__":
    main()
