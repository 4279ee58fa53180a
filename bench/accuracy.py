"""How often the source checks flag expert-annotated zh→en segments: clean ones and ones with a major accuracy error.

    python bench/accuracy.py [--data DIR] [--json FILE] [--show CHECK] [--label clean|major]

The data is the MQM development split of the WMT zh→en expert annotations (Freitag et al.
2021, *Experts, Errors, and Context*, arXiv:2104.14478; Apache-2.0), by default
``../shared/mqm-dev`` beside the repository (``--data`` or ``TQA_MQM_DEV`` to point
elsewhere). Each machine or human output is one pair: its English is ``Document.from_text``,
its original the Chinese source; they are aligned (``pair_documents``) and every source
check runs over the pair (``run_source_checks``), as ``tqa check --source`` does.

Labels: **clean** is an output every rater found without error; **major accuracy** is a
machine output with at least one Major error whose category starts with ``Accuracy`` or
``Non-translation`` (mistranslation, omission, addition, untranslated). A segment is flagged
by a check when the check reports anything on it.

The split is halved again by source sentence (``sha256("tune|dataset|seg_id")`` even: the
tune half; odd: the check half), so the thresholds set on the tune half are reported on
sentences they never saw. Both halves are printed.

The baseline is OpusFilter's length-ratio and numerals filters, computed in the same run:
``LengthRatioFilter`` on characters (a Chinese character counted as three English ones,
the usual zh→en ratio) at threshold 2, and ``NonZeroNumeralsFilter`` (the non-zero digits
of both sides compared with difflib's ratio) at its default threshold 0.5.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import regex  # noqa: E402

from pipeline.checks.runner import build_source_checks, run_source_checks  # noqa: E402
from pipeline.core.document import Document  # noqa: E402
from pipeline.original.pair import pair_documents  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("TQA_MQM_DEV", ROOT.parent / "shared" / "mqm-dev"))
HUMAN = {"ref", "refB"}  # human reference translations in the ted part
_HAN = regex.compile(r"\p{Han}")
_NONZERO = regex.compile(r"[1-9]")


def major_accuracy(segment: dict) -> bool:
    return segment["system"] not in HUMAN and any(
        e["severity"] == "Major" and e["category"].startswith(("Accuracy", "Non-translation"))
        for e in segment["errors"]
    )


def half(segment: dict) -> str:
    digest = hashlib.sha256(f"tune|{segment['dataset']}|{segment['seg_id']}".encode()).digest()
    return "tune" if digest[-1] % 2 == 0 else "check"


def baseline(source: str, target: str) -> list[str]:
    """OpusFilter's length-ratio and non-zero-numerals filters (see the module docstring)."""
    flagged = []
    han = len(_HAN.findall(source))
    zh = 3 * han + len(regex.sub(r"\s", "", source)) - han
    en = len(regex.sub(r"\s", "", target))
    if min(zh, en) == 0 or max(zh, en) / min(zh, en) > 2:
        flagged.append("length-ratio")
    digits_zh, digits_en = "".join(_NONZERO.findall(source)), "".join(_NONZERO.findall(target))
    if (digits_zh or digits_en) and difflib.SequenceMatcher(None, digits_zh, digits_en).ratio() < 0.5:
        flagged.append("numerals")
    return flagged


def load(data: Path) -> list[dict]:
    with open(data / "segments.jsonl", encoding="utf-8") as f:
        segments = [json.loads(line) for line in f]
    clean = set(json.loads((data / "label_sets.json").read_text(encoding="utf-8"))["clean"])
    for s in segments:
        s["label"] = "clean" if s["id"] in clean else "major" if major_accuracy(s) else None
        s["half"] = half(s)
    return [s for s in segments if s["label"]]


def evaluate(segments: list[dict], show: str | None = None, label: str = "clean") -> dict:
    checks = build_source_checks()
    ids = [c.id for c in checks]
    # flagged[row][half][label] = segments flagged
    flagged: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in segments:
        totals[s["half"]][s["label"]] += 1
        pair = pair_documents(Document.from_text(s["target"]), Document.from_text(s["source"]))
        findings = run_source_checks(pair, checks)
        by_check = {f.check for f in findings}
        opus = baseline(s["source"], s["target"])
        rows = [*by_check, *(["all source checks"] if by_check else []), *opus, *(["baseline"] if opus else [])]
        for row in rows:
            flagged[row][s["half"]][s["label"]] += 1
        # the two corpora apart: their errors differ (news terms and names; a talk's spoken turns)
        totals[f"{s['half']} {s['dataset']}"][s["label"]] += 1
        for row in ("all source checks", "baseline"):
            if row in rows:
                flagged[f"{row}, {s['dataset']}"][s["half"]][s["label"]] += 1
        if show and s["label"] == label and show in rows:
            print(f"--- {s['id']}\n  zh: {s['source']}\n  en: {s['target']}")
            for f in findings:
                if f.check == show or show == "all source checks":
                    print(f"  {f.check}: {f.message} {json.dumps(f.evidence, ensure_ascii=False)[:300]}")
            for e in s["errors"]:
                if e["severity"] == "Major":
                    print(f"  [{e['category']}] {e['span']}")
    datasets = sorted({s["dataset"] for s in segments})
    order = [
        *ids,
        "all source checks",
        *(f"all source checks, {d}" for d in datasets),
        "length-ratio",
        "numerals",
        "baseline",
        *(f"baseline, {d}" for d in datasets),
    ]
    table = {}
    for row in order:
        # a dataset's row is measured against that dataset's segments alone
        dataset = row.split(", ")[1] if ", " in row else None
        table[row] = {
            h: {
                lab: round(100 * flagged[row][h][lab] / max(totals[f"{h} {dataset}" if dataset else h][lab], 1), 2)
                for lab in ("clean", "major")
            }
            for h in ("tune", "check")
        }
    return {"totals": {h: dict(v) for h, v in totals.items()}, "table": table}


def markdown(result: dict) -> str:
    t = result["totals"]
    lines = [
        "| check | clean flagged (tune) | major accuracy flagged (tune) | clean flagged (check) | major accuracy flagged (check) |",
        "|---|---:|---:|---:|---:|",
    ]
    for row, v in result["table"].items():
        name = f"**{row}**" if row in ("all source checks", "baseline") else row
        if ", " in row:
            name = f"… {row.split(', ')[1]} only"
        if row in ("length-ratio", "numerals"):
            name = f"baseline: {row}"
        lines.append(
            f"| {name} | {v['tune']['clean']:.1f}% | {v['tune']['major']:.1f}% "
            f"| {v['check']['clean']:.1f}% | {v['check']['major']:.1f}% |"
        )
    lines.append("")
    lines.append(
        f"Segments: tune {t.get('tune', {}).get('clean', 0)} clean, {t.get('tune', {}).get('major', 0)} major accuracy; "
        f"check {t.get('check', {}).get('clean', 0)} clean, {t.get('check', {}).get('major', 0)} major accuracy."
    )
    for key in sorted(k for k in t if " " in k):
        lines.append(f"  {key}: {t[key].get('clean', 0)} clean, {t[key].get('major', 0)} major accuracy")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", help="print the segments this check (or 'all source checks') flags")
    parser.add_argument("--label", choices=("clean", "major"), default="clean")
    parser.add_argument("--half", choices=("tune", "check", "both"), default="both")
    args = parser.parse_args()
    if not (args.data / "segments.jsonl").exists():
        sys.exit(f"no development data in {args.data} (--data or TQA_MQM_DEV)")
    segments = load(args.data)
    if args.half != "both":
        segments = [s for s in segments if s["half"] == args.half]
    started = time.perf_counter()
    result = evaluate(segments, args.show, args.label)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(markdown(result))
    print(f"\n{len(segments)} segments in {result['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
