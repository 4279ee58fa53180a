"""Checking speed: articles per second through tqa's checks, against a naive langdetect loop.

    python bench/check.py                    # 1,000 articles, one core
    python bench/check.py --articles 5000 --json bench/check.json

Articles are sample-sized variations (about the 6.5 kB of the sample in seeds/): the
sample with its paragraphs shuffled and defects removed or injected (Chinese passages,
repeated words, spaced hyphens, duplicated titles, calques), and the clean articles of
tests/data/clean/ combined two or three at a time, with defects injected the same way.

Measured, each pinned to one CPU core:

- ``in-process``: ``run_checks(Document.from_text(text), checks)`` over every article
  (the checks built once), in this process: the check stage alone;
- ``cli``: ``python -m pipeline.cli check DIR --format json`` on the articles written
  as files to a temporary folder: one process, end to end (start-up, imports, reading,
  decoding, checking, JSON output), which is what the 100 articles/s target is about;
- ``naive``: what a short script does: split every article into sentences and run
  langdetect (seeded) on each one, flagging the non-English ones. It finds fewer defects
  (it calls the sample's mixed Chinese-English paragraph English), so it is a speed
  baseline, not a quality one; it runs on ``--naive-articles`` articles (a rate needs fewer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET = 150.0  # articles per CPU-second, end to end through the CLI
RATIO_TARGET = 13.0  # x the naive loop, per CPU-second
CHINESE = [
    "疫情背景下,中国和中亚将逐步恢复客运航班,建立人畅其行的“快捷通道”",
    "确保中国—中亚油气管道稳定运营",
    "加快中国—中",
    "中国是中亚最大的贸易伙伴。",
]
CALQUES = ["community of destiny", "thirty stands", "the lip and teeth", "win-win cooperation"]


# ---------------------------------------------------------------- articles


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _inject(paragraphs: list[str], rng: random.Random) -> None:
    """One defect of a kind MT output has, at a random place."""
    k = rng.randrange(len(paragraphs))
    words = paragraphs[k].split(" ")
    kind = rng.choice(("chinese", "repeat", "hyphen", "title", "calque"))
    if kind == "chinese":
        at = rng.randrange(len(words))
        words[at] = rng.choice(CHINESE) + words[at]
    elif kind == "repeat":
        at = rng.randrange(len(words))
        words.insert(at, words[at])
    elif kind == "hyphen":
        hyphenated = [i for i, w in enumerate(words) if "-" in w.strip("-")]
        if hyphenated:
            i = rng.choice(hyphenated)
            words[i] = words[i].replace("-", " -", 1)
        else:
            words.insert(rng.randrange(len(words)), "good -neighborly")
    elif kind == "title":
        paragraphs.insert(1, paragraphs[0])
        return
    else:
        words.insert(rng.randrange(len(words)), rng.choice(CALQUES))
    paragraphs[k] = " ".join(words)


def _clean_up(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Remove some of the sample's own defects: its Chinese paragraph, its repeated title."""
    out = list(dict.fromkeys(paragraphs)) if rng.random() < 0.5 else list(paragraphs)
    if rng.random() < 0.5:
        out = [p for p in out if not re.search(r"[\u4e00-\u9fff]", p)]
    return out


def make_articles(n: int, seed: int = 0) -> list[str]:
    """``n`` sample-sized articles, deterministic for a given seed."""
    rng = random.Random(seed)
    samples = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    clean = [p.read_text(encoding="utf-8") for p in sorted((REPO / "tests" / "data" / "clean").glob("*.txt"))]
    target = sum(map(len, samples)) / len(samples)
    articles = []
    for i in range(n):
        if i % 2 == 0 or not clean:
            paragraphs = _paragraphs(rng.choice(samples))
            body = paragraphs[1:]
            rng.shuffle(body)
            paragraphs = _clean_up(paragraphs[:1] + body, rng)
        else:
            paragraphs = []
            while sum(map(len, paragraphs)) < target * 0.9:
                paragraphs += _paragraphs(rng.choice(clean))
            paragraphs = paragraphs[:1] + rng.sample(paragraphs[1:], len(paragraphs) - 1)
        for _ in range(rng.randint(0, 4)):
            _inject(paragraphs, rng)
        articles.append("\n\n".join(paragraphs) + "\n")
    return articles


# ---------------------------------------------------------------- the three ways


@contextmanager
def one_core() -> Iterator[str]:
    """Pin this process (and children started inside) to one CPU core, where the OS allows."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity)"
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield f"pinned to core {core}"
    finally:
        os.sched_setaffinity(0, before)


def time_in_process(articles: list[str]) -> tuple[float, int]:
    from pipeline.checks import build_checks, run_checks
    from pipeline.core.document import Document

    checks = build_checks()
    run_checks(Document.from_text(articles[0]), checks)  # warm-up: lazy imports, langdetect profiles
    findings = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for text in articles:
        findings += len(run_checks(Document.from_text(text), checks))
    return time.perf_counter() - t0, findings, time.process_time() - c0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_cli(folder: Path, count: int) -> tuple[float, int, float, float]:
    """(seconds, findings, CPU-seconds, start-up seconds on one file) for ``tqa check folder --format json``."""
    # the articles are copies of one another: duplicate-record (batch-wide) has its own bench/dups.py
    command = [sys.executable, "-m", "pipeline.cli", "check", "--format", "json", "--ignore", "duplicate-record"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("TQA_CONFIG", None)
    cwd = folder.parent  # no tqa.toml or ignore list of the repository's is picked up

    def run(target: Path) -> tuple[float, dict[str, Any]]:
        t0, c0 = time.perf_counter(), _children_cpu()
        proc = subprocess.run([*command, str(target)], capture_output=True, text=True, env=env, cwd=cwd)
        seconds = time.perf_counter() - t0
        cpu[0] = _children_cpu() - c0
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"tqa check failed with status {proc.returncode}: {proc.stderr.strip()[-2000:]}")
        return seconds, json.loads(proc.stdout)

    cpu = [0.0]
    one = sorted(folder.iterdir())[0]
    startup, _ = run(one)
    seconds, report = run(folder)
    files = report.get("files", [])
    if len(files) != count:
        raise RuntimeError(f"tqa check reported {len(files)} files of {count}")
    return seconds, sum(len(f["findings"]) for f in files), cpu[0], startup


_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")


def time_naive(articles: list[str]) -> tuple[float, int]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    detect_langs("warm up the profiles")
    flagged = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for text in articles:
        for line in text.splitlines():
            for sentence in _SENTENCE.split(line):
                if not sentence.strip():
                    continue
                try:
                    best = detect_langs(sentence)[0]
                except LangDetectException:
                    continue
                flagged += best.lang != "en"
    return time.perf_counter() - t0, flagged, time.process_time() - c0


# ---------------------------------------------------------------- report


def table(rows: list[dict[str, Any]]) -> str:
    naive = next((r for r in rows if r["way"] == "naive"), None)
    head = ["way", "articles", "seconds", "CPU s", "articles/s", "per CPU-s", "x naive (CPU)", "findings", "note"]
    body = []
    for r in rows:
        ratio = f"{r['articles_per_cpu_s'] / naive['articles_per_cpu_s']:.1f}x" if naive else "-"
        body.append(
            [
                r["way"],
                str(r["articles"]),
                f"{r['seconds']:.2f}",
                f"{r['cpu_s']:.2f}",
                f"{r['articles_per_s']:.1f}",
                f"{r['articles_per_cpu_s']:.1f}",
                ratio,
                str(r["findings"]),
                r.get("note", ""),
            ]
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths)).rstrip() for b in body]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--articles", type=int, default=1000, help="articles checked in-process and through the CLI (default 1000)"
    )
    p.add_argument(
        "--naive-articles", type=int, default=100, help="articles for the naive langdetect loop (default 100)"
    )
    p.add_argument("--ways", default="in-process,cli,naive", help="comma-separated: in-process, cli, naive")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON to OUT")
    p.add_argument("--quick", action="store_true", help="smoke test: 20 articles, 5 for the naive loop")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.naive_articles = min(args.articles, 20), min(args.naive_articles, 5)
    args.ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    bad = [w for w in args.ways if w not in ("in-process", "cli", "naive")]
    if bad or not args.ways or args.articles < 1 or args.naive_articles < 1:
        p.error("--ways: choose from in-process, cli, naive; --articles and --naive-articles: at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    articles = make_articles(max(args.articles, args.naive_articles), args.seed)
    sizes = [len(a) for a in articles[: args.articles]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(
        f"tqa checking benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{args.articles} articles of {sum(sizes) / len(sizes) / 1000:.1f} kB on average",
        flush=True,
    )
    if load is not None and load > 0.5:
        print(f"note: load average {load:.1f}: other work on this machine slows every figure", flush=True)
    rows: list[dict[str, Any]] = []

    def record(way: str, count: int, measure: Callable[[], tuple], note: str = "") -> None:
        seconds, findings, cpu, *extra = measure()
        row = {
            "way": way,
            "articles": count,
            "seconds": round(seconds, 3),
            "cpu_s": round(cpu, 3),
            "articles_per_s": count / seconds,
            "articles_per_cpu_s": count / cpu,
            "findings": findings,
            "note": note,
        }
        if extra:
            row["startup_s"] = round(extra[0], 3)
            row["note"] = f"{note}; start-up {extra[0]:.2f} s" if note else f"start-up {extra[0]:.2f} s"
        rows.append(row)
        print(
            f"{way:<11} {row['articles_per_s']:8.1f} articles/s {row['articles_per_cpu_s']:8.1f} per CPU-s", flush=True
        )

    with one_core() as pinned:
        print(pinned, flush=True)
        if "in-process" in args.ways:
            record("in-process", args.articles, lambda: time_in_process(articles[: args.articles]), "run_checks")
        if "cli" in args.ways:
            folder = Path(tempfile.mkdtemp(prefix="tqa-bench-check-")) / "articles"
            try:
                folder.mkdir()
                for i, text in enumerate(articles[: args.articles]):
                    (folder / f"article-{i:05d}.txt").write_text(text, encoding="utf-8")
                record("cli", args.articles, lambda: time_cli(folder, args.articles), "tqa check --format json")
            finally:
                shutil.rmtree(folder.parent, ignore_errors=True)
        if "naive" in args.ways:
            record(
                "naive",
                args.naive_articles,
                lambda: time_naive(articles[: args.naive_articles]),
                "langdetect per sentence (findings: non-English sentences)",
            )
    by = {r["way"]: r for r in rows}
    if "in-process" in by and "cli" in by and by["in-process"]["findings"] != by["cli"]["findings"]:
        print(
            f"warning: in-process found {by['in-process']['findings']} findings, the CLI {by['cli']['findings']}",
            file=sys.stderr,
        )
    print()
    print(table(rows))
    if "cli" in by:
        rate = by["cli"]["articles_per_cpu_s"]
        verdict = "met" if rate >= TARGET else "not met"
        print(f"\ntarget: >= {TARGET:.0f} articles per CPU-second end to end through the CLI: {rate:.1f} ({verdict})")
        if "naive" in by:
            ratio = rate / by["naive"]["articles_per_cpu_s"]
            print(
                f"target: >= {RATIO_TARGET:.0f}x the naive loop per CPU-second: {ratio:.1f}x ({'met' if ratio >= RATIO_TARGET else 'not met'})"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "benchmark": "check",
                    "hardware": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                    "load_average": load,
                    "articles": args.articles,
                    "naive_articles": args.naive_articles,
                    "mean_article_chars": sum(sizes) / len(sizes),
                    "results": rows,
                    "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
