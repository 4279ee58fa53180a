"""Recall per kind and precision per check on a labelled set of machine-translated pages.

    python bench/devset.py [--set devset|heldout] [--json FILE]

``--set devset`` (the default) is tests/data/devset, collected while the checks were
written; ``--set heldout`` is tests/data/heldout, labelled before tqa was run on it and never
tuned on.

"before" runs the checks without the surface family (the shipped 120-phrase glossary,
no term base, none of the surface checks); "after" runs every check as shipped.
A labelled defect is found when a finding of a check of its kind overlaps it. Precision
of a check: its findings that overlap any labelled defect, over all its findings (a
finding on an unlabelled defect of another kind, say grammar, counts against it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.checks import build_checks, run_checks  # noqa: E402
from pipeline.checks.catalog import SURFACE  # noqa: E402
from pipeline.checks.resources.glossary import SHIPPED as GLOSSARY  # noqa: E402
from pipeline.core.document import load_document  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEVSET = DATA / "devset"
SETS = {"devset": "development set", "heldout": "held-out set"}
KINDS = {
    "untranslated": {"untranslated", "pinyin", "untranslated-source"},
    "calque": {"calque", "key-term"},
    "spacing": {
        "hyphen-spacing",
        "space-before-punctuation",
        "missing-space",
        "ordinal-spacing",
        "cjk-punctuation",
        "glued-words",
        "glued-number",
        "glued-punctuation",
        "doubled-punctuation",
        "spaced-quote",
        "missing-hyphen",
    },
    "repetition": {"repeated-phrase", "duplicate-line", "repeated-stem", "repeated-modifier", "repeated-headline"},
    "markup": {"html-residue", "unpaired-punctuation"},
}


def labelled(page: dict, text: str) -> list[tuple[str, int, int]]:
    spans, taken = [], set()
    for kind, snippet in page["labels"]:
        start = text.find(snippet)
        while start in taken:
            start = text.find(snippet, start + 1)
        taken.add(start)
        spans.append((kind, start, start + len(snippet)))
    return spans


def evaluate(checks, folder: Path = DEVSET) -> dict:
    pages = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["pages"]
    found, total = Counter(), Counter()
    hits, counts = Counter(), Counter()
    for page in pages:
        doc = load_document(folder / page["file"])
        findings = run_checks(doc, checks)
        labels = labelled(page, doc.text)
        for kind, start, end in labels:
            total[kind] += 1
            if any(
                f.check in KINDS[kind] and f.span.start < end and start < max(f.span.end, f.span.start + 1)
                for f in findings
            ):
                found[kind] += 1
        for f in findings:
            counts[f.check] += 1
            if any(f.span.start < end and start < max(f.span.end, f.span.start + 1) for _, start, end in labels):
                hits[f.check] += 1
    return {
        "recall": {k: {"found": found[k], "labelled": total[k]} for k in KINDS},
        "overall": {"found": sum(found.values()), "labelled": sum(total.values())},
        "precision": {c: {"correct": hits[c], "findings": counts[c]} for c in sorted(counts)},
    }


def before_checks() -> list:
    """The checks without the surface family (the shipped 120-phrase glossary)."""
    return [c for c in build_checks({"calque": {"shipped": False, "glossary": [str(GLOSSARY)]}}) if c.id not in SURFACE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="devset", help="which labelled set (default: devset)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    folder = DATA / args.set
    before, after = evaluate(before_checks(), folder), evaluate(build_checks(), folder)
    pages = len(json.loads((folder / "labels.json").read_text(encoding="utf-8"))["pages"])
    print(
        f"{SETS[args.set]}: {pages} excerpts of machine-translated pages, {after['overall']['labelled']} labelled defects"
    )
    print(f"{'kind':14} {'before':>9} {'after':>9}")
    for kind in KINDS:
        b, a = before["recall"][kind], after["recall"][kind]
        print(f"{kind:14} {b['found']:>4}/{b['labelled']:<4} {a['found']:>4}/{a['labelled']:<4}")
    b, a = before["overall"], after["overall"]
    print(f"{'all':14} {b['found']:>4}/{b['labelled']:<4} {a['found']:>4}/{a['labelled']:<4}")
    print("\nprecision per check (after): findings on a labelled defect / findings")
    for check, p in after["precision"].items():
        print(f"  {check:26} {p['correct']:>3}/{p['findings']:<3}")
    if args.json:
        args.json.write_text(json.dumps({"before": before, "after": after}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
