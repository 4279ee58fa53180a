"""Which real pairs of an English text and its original the fit test would refuse.

    python bench/source_fit.py [--data DIR] [--json FILE]

``pipeline.original.pair.misfit`` skips an original's source checks when its length
accounts for too little or too much of the English, or when most sentences stay unaligned.
This measures its figures on pairs that do fit: the pairs in tests/data/parallel and
tests/data/originals, and the WMT zh→en MQM development split (``../shared/mqm-dev`` beside
the repository; ``--data`` or ``TQA_MQM_DEV``) both as single segments (each output with its
Chinese source) and as documents (a system's outputs of one document, in order). It prints
the spread of the coverage (the original's expected English length over the English's),
the share each bound refuses, the refused pairs, and the same for an original cut to its
first tenth (which must be refused).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core.document import Document  # noqa: E402
from pipeline.original.pair import (  # noqa: E402
    MAX_COVERAGE,
    MAX_UNALIGNED,
    MIN_COVERAGE,
    MIN_FIT_LENGTH,
    coverage,
    misfit,
    pair_documents,
    unaligned_share,
)

DEFAULT_DATA = Path(os.environ.get("TQA_MQM_DEV", ROOT.parent / "shared" / "mqm-dev"))
DATA = ROOT / "tests" / "data"


def measure(name: str, en: str, original: str) -> dict:
    pair = pair_documents(Document.from_text(en), Document.from_text(original, name))
    share, longer = coverage(en, original, pair.language)
    return {
        "name": name,
        "language": pair.language,
        "coverage": share,
        "judged": longer >= MIN_FIT_LENGTH,
        "unaligned": unaligned_share(pair.alignment),
        "misfit": misfit(pair),
    }


def shipped_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for stem in ("summit", "rail"):
        en = (DATA / "parallel" / f"{stem}.en.txt").read_text(encoding="utf-8")
        pairs.append(
            (f"parallel/{stem}.zh.txt", en, (DATA / "parallel" / f"{stem}.zh.txt").read_text(encoding="utf-8"))
        )
    en = (DATA / "originals" / "port.en.txt").read_text(encoding="utf-8")
    for lang in ("de", "fr", "ru", "ko"):
        pairs.append((f"originals/port.{lang}.txt", en, (DATA / "originals" / f"port.{lang}.txt").read_text("utf-8")))
    return pairs


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if not values:
        return {}
    at = {"min": 0.0, "p1": 0.01, "p50": 0.5, "p99": 0.99, "max": 1.0}
    return {k: round(values[round(q * (len(values) - 1))], 3) for k, q in at.items()}


def summary(label: str, rows: list[dict]) -> dict:
    judged = [r for r in rows if r["judged"]]
    refused = [r for r in rows if r["misfit"]]
    out = {
        "pairs": len(rows),
        "judged": len(judged),
        "refused": len(refused),
        "refused_share": len(refused) / len(rows) if rows else 0.0,
        "coverage": percentiles([r["coverage"] for r in judged]),
        "unaligned": percentiles([r["unaligned"] for r in judged]),
        "low": sum(r["coverage"] < MIN_COVERAGE for r in judged),
        "high": sum(r["coverage"] > MAX_COVERAGE for r in judged),
        "examples": [f"{r['name']}: {r['misfit']}" for r in refused[:12]],
    }
    print(
        f"{label}: {out['pairs']} pairs, {out['judged']} judged (>= {MIN_FIT_LENGTH} chars), "
        f"{out['refused']} refused ({out['refused_share']:.2%}: {out['low']} under {MIN_COVERAGE}, "
        f"{out['high']} over {MAX_COVERAGE}, the rest over {MAX_UNALIGNED:.0%} unaligned)"
    )
    print(f"  coverage of the judged: {out['coverage']}")
    print(f"  unaligned share of the judged: {out['unaligned']}")
    for line in out["examples"]:
        print(f"  refused {line[:160]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    report: dict = {"bounds": [MIN_COVERAGE, MAX_COVERAGE], "max_unaligned": MAX_UNALIGNED, "min": MIN_FIT_LENGTH}

    shipped = [measure(*p) for p in shipped_pairs()]
    report["shipped"] = summary("tests/data pairs", shipped)
    for r in shipped:
        print(f"  {r['name']}: coverage {r['coverage']:.2f}, unaligned {r['unaligned']:.2f}")
    zh = (DATA / "parallel" / "summit.zh.txt").read_text(encoding="utf-8")
    en = (DATA / "parallel" / "summit.en.txt").read_text(encoding="utf-8")
    cut = measure("summit.zh.txt (first tenth)", en, zh[: len(zh) // 10])
    print(f"truncated: {cut['misfit']}")
    report["truncated"] = cut["misfit"]

    segments_file = args.data / "segments.jsonl"
    if not segments_file.is_file():
        sys.exit(f"no development data in {args.data} (--data or TQA_MQM_DEV)")
    segments = [json.loads(line) for line in segments_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    report["segments"] = summary("mqm-dev segments", [measure(s["id"], s["target"], s["source"]) for s in segments])
    documents: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for s in segments:
        documents[(s["dataset"], s["system"], s["doc"])].append(s)
    rows = []
    for key, segs in documents.items():
        segs.sort(key=lambda s: s["doc_seg_id"])
        en = "\n\n".join(s["target"] for s in segs)
        original = "\n\n".join(s["source"] for s in segs)
        rows.append(measure("|".join(key), en, original))
    report["documents"] = summary("mqm-dev documents", rows)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(f"({report['seconds']} s)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
