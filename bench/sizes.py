"""Time against document size: seconds per stage of `check` and `run`, and growth per doubling.

    python bench/sizes.py                          # 10 KB, 100 KB, 1 MB
    python bench/sizes.py --sizes 10,100,1000,10000 --json sizes.json
    python bench/sizes.py --source                 # also with the Chinese original

Documents: the English of tests/data/parallel/ (two news articles with their Chinese
originals), paragraphs repeated, with the sample's defects (spaced hyphens, a doubled
phrase, a calque) in every repetition, up to each size; with ``--source`` the Chinese
original is repeated as often. Each size runs in one process, stage by stage, through the
functions `tqa run --no-retranslate -j 1` calls (load, check+plan, repair+re-check+score,
reports) and `tqa check` (load, check); CPU-seconds (``time.process_time``) and wall
seconds per stage. The baseline is the smallest size of the same run: growth per doubling
is ``(t / t_base) ** (1 / log2(size / size_base))``, 2.0 for linear time; a stage above
2.2 is marked.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PARALLEL = REPO / "tests" / "data" / "parallel"
DEFECTS = [
    (" cooperation", " good -neighborly cooperation"),
    (" the ", " the the "),
    ("people", "community of destiny people"),
]


def make_document(kb: int) -> tuple[str, str, int]:
    """English and Chinese of about ``kb`` kilobytes (characters) of English, and the repeat count."""
    en_parts, zh_parts = [], []
    for name in ("summit", "rail"):
        en_parts.append((PARALLEL / f"{name}.en.txt").read_text(encoding="utf-8").strip())
        zh_parts.append((PARALLEL / f"{name}.zh.txt").read_text(encoding="utf-8").strip())
    unit_en = "\n\n".join(en_parts)
    for old, new in DEFECTS:
        unit_en = unit_en.replace(old, new, 1)
    unit_zh = "\n\n".join(zh_parts)
    times = max(1, round(kb * 1000 / (len(unit_en) + 2)))
    return "\n\n".join([unit_en] * times) + "\n", "\n\n".join([unit_zh] * times) + "\n", times


class Clock:
    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}

    def __call__(self, stage: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        entry = self.stages.setdefault(stage, {"cpu": 0.0, "wall": 0.0})
        entry["cpu"] += time.process_time() - cpu
        entry["wall"] += time.perf_counter() - wall
        return out


def measure(kb: int, source: bool, work: Path) -> dict[str, Any]:
    from pipeline.checks import build_checks
    from pipeline.core.document import load_document
    from pipeline.core.settings import Settings
    from pipeline.report import write_article_reports
    from pipeline.stages.finish import finish
    from pipeline.stages.prepare import prepare

    en, zh, times = make_document(kb)
    path = work / f"doc{kb}.en.txt"
    path.write_text(en, encoding="utf-8")
    zh_path = work / f"doc{kb}.zh.txt"
    zh_path.write_text(zh, encoding="utf-8")
    checks = build_checks()
    settings = Settings()
    clock = Clock()
    doc = clock("load", load_document, path)
    prep = clock("check+plan", prepare, doc, checks, settings.apply, None, zh_path if source else None)
    result = clock("repair+recheck+score", finish, prep, checks, None, settings.describe(), "no model (benchmark)")
    clock("reports", write_article_reports, result, work / "out", f"doc{kb}")
    return {
        "kb": round(len(en) / 1000, 1),
        "chars": len(en),
        "repeats": times,
        "findings": len(prep.findings),
        "applied": len(result.applied),
        "source": source,
        "stages": clock.stages,
    }


def growth(base: dict[str, Any], row: dict[str, Any], stage: str, key: str) -> float | None:
    t0, t1 = base["stages"][stage][key], row["stages"][stage][key]
    doublings = math.log2(row["chars"] / base["chars"])
    if t0 <= 0 or doublings <= 0:
        return None
    return (t1 / t0) ** (1 / doublings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="kilobytes, comma-separated (10000 = 10 MB)")
    parser.add_argument("--source", action="store_true", help="also run every size with the Chinese original")
    parser.add_argument("--json", type=Path, help="save every figure here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in (False, True) if args.source else (False,):
            for kb in sizes:
                # one process per size: the next size starts with a fresh heap and no warm caches
                import subprocess

                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(kb), *(["--with-source"] if source else []), "--work", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                rows.append(json.loads(out.splitlines()[-1]))
    report(rows)
    if args.json:
        info = {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load": os.getloadavg(),
        }
        args.json.write_text(json.dumps({"info": info, "rows": rows}, indent=2), encoding="utf-8")


def report(rows: list[dict[str, Any]]) -> None:
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; CPU-s (wall s); growth per doubling of CPU-s against the smallest size"
    )
    for source in sorted({r["source"] for r in rows}):
        group = [r for r in rows if r["source"] == source]
        stages = list(group[0]["stages"])
        print(f"\n{'with' if source else 'without'} --source")
        print("| size | findings | applied | " + " | ".join(stages) + " | total | growth/doubling |")
        print("|---|---|---|" + "---|" * (len(stages) + 2))
        for row in group:
            cells = [f"{row['stages'][s]['cpu']:.2f} ({row['stages'][s]['wall']:.2f})" for s in stages]
            total_cpu = sum(row["stages"][s]["cpu"] for s in stages)
            total_wall = sum(row["stages"][s]["wall"] for s in stages)
            grows = []
            for s in stages:
                g = growth(group[0], row, s, "cpu")
                if g is not None:
                    grows.append(f"{s} {g:.2f}" + (" (!)" if g > 2.2 else ""))
            print(
                f"| {row['kb']} KB | {row['findings']} | {row['applied']} | "
                + " | ".join(cells)
                + f" | {total_cpu:.2f} ({total_wall:.2f}) | {', '.join(grows) or 'baseline'} |"
            )


if __name__ == "__main__":
    if "--one" in sys.argv:
        one = argparse.ArgumentParser()
        one.add_argument("--one", type=int)
        one.add_argument("--with-source", action="store_true")
        one.add_argument("--work", type=Path)
        a = one.parse_args()
        print(json.dumps(measure(a.one, a.with_source, a.work)))
    else:
        main()
