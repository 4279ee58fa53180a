"""Learn the thresholds of ``uncovered-source``, ``mistranslation`` and ``length-mismatch`` on the tune half, and print them.

    python bench/tune_coverage.py [--data DIR] [--budget 0.4] [--total 1.2]

Reads the MQM development split as ``bench/accuracy.py`` does (its ``load`` and its halves),
and **only the tune half**. Every segment is paired and aligned like ``tqa check --source``;
each aligned sentence's Chinese words are looked up once (``lexicon.coverage``), then every
candidate setting is scored by the share of clean (error-free) and of major-accuracy segments
it flags. The target is for all source checks together, so the choice is joint: the other
source checks run as they are, and the three checks are chosen in turn (twice round) for the
setting that brings the union of every source check's flags the most major-accuracy
segments, while the check alone flags at most ``--budget`` percent of clean ones (the target is
0.5% per check; the margin is for the check half, which the choice never sees), the union at
most ``--total`` percent (target 1.5%), and nothing at all on the faithful article pairs of
``tests/data/parallel`` (whole articles, where a document sets its own length ratio) nor on the
translated units of the bilingual test files (``tests/data/bilingual``). Ties go to the first
setting of the grid.

First it prints the raw signal of each feature (the area under the ROC curve, clean against
major, per segment: the plain share of uncovered words, the longest uncovered run, uncovered
names), then the chosen settings, which go into ``pipeline/checks/source/coverage.py``,
``mistranslation.py`` and ``length.py`` as their defaults.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import DEFAULT_DATA, ROOT, load  # noqa: E402

from pipeline.checks.runner import build_source_checks, run_source_checks  # noqa: E402
from pipeline.checks.source import coverage as coverage_check  # noqa: E402
from pipeline.checks.source import length as length_check  # noqa: E402
from pipeline.checks.source import mistranslation as mistranslation_check  # noqa: E402
from pipeline.checks.source.coverage import gaps  # noqa: E402
from pipeline.checks.source.length import judge, measures  # noqa: E402
from pipeline.core.document import Document, load_document  # noqa: E402
from pipeline.original.files import load_source  # noqa: E402
from pipeline.original.grounding import explained, ungrounded  # noqa: E402
from pipeline.original.lexicon import English, coverage, gloss  # noqa: E402
from pipeline.original.pair import pair_documents  # noqa: E402

RUNS = (2, 3, 4, 5, 0)  # 0: names only
FREQUENCIES = (3.0, 10.0, 30.0, 100.0, 1e9)  # per million: more common words are skipped
RUN_CHARS = (0, 6, 8, 10)  # Chinese characters a run needs  # per million: more common words are skipped
MIN_RATIOS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MAX_RATIOS = (1.1, 1.15, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0, 2.5, 99.0)
MIN_CHARS = (10, 20, 40, 50, 55, 60, 70, 80, 100, 120, 160)
MISTRANSLATION_FREQUENCIES = (10.0, 30.0, 100.0, 1e9)
MISTRANSLATION_COUNTS = (1, 2, 3, 4, 5, 6)
TUNED = ("uncovered-source", "mistranslation", "length-mismatch")


def auc(pos: list[float], neg: list[float]) -> float:
    """P(a major segment scores above a clean one), ties half (Mann-Whitney)."""
    ranked = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def prepare_pair(label: str, pair) -> tuple[str, list, list, bool]:
    """(label, [(english, words, document English, ungrounded English words) per aligned
    sentence], length measures, whether a source check other than the tuned ones flags it)."""
    document = English.of(pair.en.text)
    sentences = []
    for link in pair.alignment.links:
        if link.zh and link.en:
            english, zh = link.en_span.of(pair.en.text), link.zh_span.of(pair.original.text)
            words = coverage(zh, english)
            glossed = frozenset().union(*(gloss(w.text).stems for w in words))
            sentences.append((english, words, document, explained(ungrounded(zh, english, True), glossed)))
    others = [c for c in build_source_checks() if c.id not in TUNED]
    return label, sentences, measures(pair), bool(run_source_checks(pair, others))


def prepare(segments: list[dict]) -> list[tuple[str, list, list]]:
    return [
        prepare_pair(s["label"], pair_documents(Document.from_text(s["target"]), Document.from_text(s["source"])))
        for s in segments
    ]


def faithful_articles() -> list[tuple[str, list, list]]:
    """The faithful article pairs of tests/data/parallel, as rows labelled "article"."""
    parallel = ROOT / "tests" / "data" / "parallel"
    return [
        prepare_pair("article", pair_documents(load_document(en), load_source(en.with_name(en.name[:-7] + ".zh.txt"))))
        for en in sorted(parallel.glob("*.en.txt"))
    ]


def faithful_bilingual() -> list[tuple[str, list, list]]:
    """The translated units of the bilingual test files (tests/data/bilingual: PO and XLIFF,
    mostly English originals), each paired with its original as ``tqa check`` pairs them."""
    from pipeline.io import format_of, module
    from pipeline.io.base import Fields, Record

    rows = []
    for path in sorted((ROOT / "tests" / "data" / "bilingual").rglob("*")):
        if not path.is_file() or (fmt := format_of(path)) is None:
            continue
        for record in module(fmt).read(path, Fields()):
            if isinstance(record, Record) and record.source and record.text.strip():
                pair = pair_documents(Document.from_text(record.text), Document.from_text(record.source))
                rows.append(prepare_pair("article", pair))
    return rows


def rates(flags: list[tuple[str, bool]]) -> tuple[float, float]:
    clean = [f for label, f in flags if label == "clean"]
    major = [f for label, f in flags if label == "major"]
    return 100 * sum(clean) / max(len(clean), 1), 100 * sum(major) / max(len(major), 1)


def choose_jointly(grids: dict, flaggers: dict, rows, articles, budget: float, total: float) -> dict:
    """Each tuned check's setting, chosen in turn (twice round) for the most major-accuracy
    segments flagged by the union of all source checks, within the budgets (module docstring)."""
    labels = [label for label, *_ in rows]
    others = [row[-1] for row in rows]  # flagged by a source check that is not tuned here
    flags: dict[str, list[bool]] = {name: [False] * len(rows) for name in grids}
    chosen: dict[str, tuple] = {}
    for _ in range(2):
        for name, grid in grids.items():
            rest = [o or any(flags[n][i] for n in grids if n != name) for i, o in enumerate(others)]
            best = None
            for setting in grid:
                if any(flaggers[name](setting, *article[1:-1]) for article in articles):
                    continue
                own = [flaggers[name](setting, *row[1:-1]) for row in rows]
                clean, _ = rates(list(zip(labels, own)))
                union_clean, union_major = rates([(label, a or b) for label, a, b in zip(labels, own, rest)])
                if clean <= budget and union_clean <= total and (best is None or union_major > best[1]):
                    best = (setting, union_major, own)
            if best is not None:
                chosen[name], _, flags[name] = best
    for name, setting in chosen.items():
        clean, major = rates(list(zip(labels, flags[name])))
        print(f"{name}: {setting}  -> clean {clean:.2f}%, major accuracy {major:.2f}% (tune half, alone)")
    union = [o or any(flags[n][i] for n in grids) for i, o in enumerate(others)]
    clean, major = rates(list(zip(labels, union)))
    print(f"all source checks: clean {clean:.2f}%, major accuracy {major:.2f}% (tune half)")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--budget", type=float, default=0.45, help="most percent of clean segments a check may flag")
    parser.add_argument("--total", type=float, default=1.2, help="most percent of clean segments all may flag")
    args = parser.parse_args()
    if not (args.data / "segments.jsonl").exists():
        sys.exit(f"no development data in {args.data} (--data or TQA_MQM_DEV)")
    rows = prepare([s for s in load(args.data) if s["half"] == "tune"])
    articles = faithful_articles() + faithful_bilingual()
    print(
        f"tune half: {sum(r[0] == 'clean' for r in rows)} clean, {sum(r[0] == 'major' for r in rows)} major accuracy\n"
    )

    def feature(fn, on_measures: bool = False) -> float:
        pos = [fn(ms if on_measures else sentences) for label, sentences, ms, _ in rows if label == "major"]
        neg = [fn(ms if on_measures else sentences) for label, sentences, ms, _ in rows if label == "clean"]
        return auc(pos, neg)

    def share(sentences) -> float:
        words = [w for _, ws, _, _ in sentences for w in ws if w.known]
        return sum(not w.covered for w in words) / len(words) if words else 0.0

    def longest(max_frequency: float):
        def fn(sentences) -> float:
            return max(
                (len(g.words) for e, ws, _, _ in sentences for g in gaps(ws, e, 1, max_frequency, False)), default=0
            )

        return fn

    def names(sentences) -> float:
        return sum(len(gaps(ws, e, 0, 1e9, True, document=d)) for e, ws, d, _ in sentences)

    print("AUC per segment (0.5: chance)")
    print(f"  share of uncovered content words: {feature(share):.3f}")
    for f in (1e9, 100.0, 30.0):
        print(f"  longest uncovered run (words up to {f:g} per million): {feature(longest(f)):.3f}")
    print(f"  uncovered names: {feature(names):.3f}")
    shortest = feature(lambda ms: -min((m.ratio for m in ms), default=1.0), on_measures=True)
    longest_ratio = feature(lambda ms: max((m.ratio for m in ms), default=1.0), on_measures=True)
    print(f"  English length / expected, lowest sentence (omission): {shortest:.3f}")
    print(f"  English length / expected, highest sentence (addition): {longest_ratio:.3f}\n")

    def flag_coverage(setting, sentences, _measures) -> bool:
        return any(gaps(ws, e, *setting, document=d) for e, ws, d, _ in sentences)

    def flag_mistranslation(setting, sentences, _measures) -> bool:
        return any(mistranslation_check.judge(ws, extra, *setting) for _, ws, _, extra in sentences)

    def flag_length(setting, _sentences, ms) -> bool:
        return any(judge(m, *setting) for m in ms)

    grids = {
        "uncovered-source": [
            s for s in itertools.product(RUNS, FREQUENCIES, (True, False), (True, False), RUN_CHARS) if s[0] or s[2]
        ],
        "mistranslation": list(
            itertools.product(MISTRANSLATION_COUNTS, MISTRANSLATION_COUNTS, MISTRANSLATION_FREQUENCIES)
        ),
        "length-mismatch": list(itertools.product(MIN_RATIOS, MAX_RATIOS, MIN_CHARS)),
    }
    flaggers = {
        "uncovered-source": flag_coverage,
        "mistranslation": flag_mistranslation,
        "length-mismatch": flag_length,
    }
    print("chosen (uncovered-source: min_run, max_frequency, names, pieces, min_chars;")
    print(
        "        mistranslation: min_chinese, min_english, max_frequency; length-mismatch: min_ratio, max_ratio, min_chars):"
    )
    chosen = choose_jointly(grids, flaggers, rows, articles, args.budget, args.total)
    defaults = {
        "uncovered-source": (
            coverage_check.MIN_RUN,
            coverage_check.MAX_FREQUENCY,
            True,
            True,
            coverage_check.MIN_CHARS,
        ),
        "mistranslation": (
            mistranslation_check.MIN_CHINESE,
            mistranslation_check.MIN_ENGLISH,
            mistranslation_check.MAX_FREQUENCY,
        ),
        "length-mismatch": (length_check.MIN_RATIO, length_check.MAX_RATIO, length_check.MIN_CHARS),
    }
    for name, setting in chosen.items():
        if setting != defaults[name]:
            print(f"  {name}'s defaults differ: {defaults[name]}")


if __name__ == "__main__":
    main()
