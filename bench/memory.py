"""Memory of `tqa run` (or `tqa check`) as the batch grows: peak resident memory of the
whole process tree, of the main process and of the largest worker.

    python bench/memory.py                 # 1,000 and 10,000 articles (about 6 minutes on 2 cores)
    python bench/memory.py --sizes 200,2000 --jobs 2 --json memory.json
    python bench/memory.py --command check --sizes 1000,10000
    python bench/memory.py --corpus --command check --sizes 5000,50000
    python bench/memory.py --corpus --source --command check --sizes 10000,100000

Articles are the sample article with a numbered first line, so every one is distinct.
With ``--corpus`` the input is one JSONL file of short records instead (3 to 5 sentences
of tests/data/clean with a numbered first sentence, each record distinct): what grows
there is what the run keeps per record, not per article. ``--source`` gives each record an
original (field ``zh``, passed as ``--source-field``): a sentence of tests/data/parallel's
Chinese, numbered as the record except every tenth, and every hundredth record copies the
English of the one before, so that the batch's consistency checks (``inconsistent-target``,
``inconsistent-source``) keep every record and flag some. The original is not the English's
translation: the fit test sets it aside, so the other source checks do not run.
No model is needed: the run checks, repairs by rule, scores and writes every report
(the Chinese passage is reported as not retranslated). The ratio of peak memory between
the largest and the smallest batch is the figure to watch: near 1.0 means memory does
not grow with the batch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_rss(pid: int) -> tuple[int, int, int]:
    """Resident bytes of ``pid`` and its descendants, of ``pid`` alone, and of its largest
    descendant (a worker) (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, worker, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        if p != pid:
            worker = max(worker, rss.get(p, 0))
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total, rss.get(pid, 0), worker


def clean_sentences() -> list[str]:
    """The sentences of tests/data/clean, in order (cut at full stops: good enough for short records)."""
    sentences: list[str] = []
    for path in sorted((ROOT / "tests" / "data" / "clean").glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            sentences += [s.strip() + "." for s in paragraph.split(". ") if len(s.strip()) > 20]
    return [s.replace("..", ".") for s in sentences]


def make_corpus(n: int, path: Path) -> Path:
    """One JSONL file of ``n`` short records: a numbered sentence then 3 to 5 sentences of the
    clean articles, chosen by the record's number, so every record is distinct."""
    sentences = clean_sentences()
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            start, count = (i * 7) % len(sentences), 3 + i % 3
            body = " ".join(sentences[(start + k) % len(sentences)] for k in range(count))
            f.write(json.dumps({"id": f"r{i:06d}", "text": f"Record {i}. {body}"}, ensure_ascii=False) + "\n")
    return path


def chinese_sentences() -> list[str]:
    """The sentences of tests/data/parallel's Chinese paragraphs (cut at 。)."""
    found: list[str] = []
    for path in sorted((ROOT / "tests" / "data" / "parallel").glob("*.zh.txt")):
        found += [s.strip() + "。" for s in path.read_text(encoding="utf-8").replace("\n", "").split("。") if s.strip()]
    return found


def make_bilingual_corpus(n: int, path: Path) -> Path:
    """``make_corpus``'s records, each with an original (``zh``): a Chinese sentence with the
    record's number (a group of its own), every tenth one without (a group that grows and
    whose every English differs), and every hundredth record the English of the one before
    (an exact copy of another original)."""
    zh = chinese_sentences()
    records = make_corpus(n, path).read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as f:
        text = ""
        for i, line in enumerate(records):
            record = json.loads(line)
            if i % 100 == 99:
                record["text"] = text
            text = record["text"]
            record["zh"] = zh[(i // 10) % len(zh)] if i % 10 == 9 else f"{zh[i % len(zh)]}（{i}）"
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def run(
    n: int, jobs: int, work: Path, command_name: str = "run", corpus: bool = False, source: bool = False
) -> dict[str, float]:
    if corpus and source:
        inputs = make_bilingual_corpus(n, work / f"corpus-{n}.jsonl")
    elif corpus:
        inputs = make_corpus(n, work / f"corpus-{n}.jsonl")
    else:
        sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
        inputs = work / f"in-{n}"
        inputs.mkdir()
        for i in range(n):
            (inputs / f"a{i:05d}.txt").write_text(f"Article {i}.\n\n{sample}", encoding="utf-8")
    env = {**os.environ, "TQA_MODELS_DIR": str(work / "no-models"), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "pipeline.cli", command_name, str(inputs), "-j", str(jobs)]
    if corpus and source:
        command += ["--source-field", "zh"]
    if command_name == "run":
        command += ["--out", str(work / f"out-{n}")]
    else:
        command += ["--format", "json"]
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.DEVNULL)
        peak, main, worker, samples = 0, 0, 0, []
        while proc.poll() is None:
            now, now_main, now_worker = tree_rss(proc.pid)
            peak, main, worker = max(peak, now), max(main, now_main), max(worker, now_worker)
            samples.append(now)
            time.sleep(0.25)
    seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    if proc.returncode not in (0, 1):  # 1: tqa check found something
        raise SystemExit(f"tqa {command_name} failed with status {proc.returncode} on {n} articles")
    half = samples[len(samples) // 2 :] or [peak]
    mib = lambda b: round(b / 2**20, 1)  # noqa: E731
    return {
        "articles": n,
        "seconds": round(seconds, 1),
        "cpu_s": round(cpu, 1),
        "articles_per_s": round(n / seconds, 1),
        "peak_mib": mib(peak),
        "main_peak_mib": mib(main),
        "worker_peak_mib": mib(worker),
        "late_median_mib": mib(sorted(half)[len(half) // 2]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated batch sizes (default 1000,10000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--command", choices=("run", "check"), default="run", help="tqa run (default) or tqa check --format json"
    )
    parser.add_argument(
        "--corpus", action="store_true", help="one JSONL file of short records instead of a folder of articles"
    )
    parser.add_argument(
        "--source",
        action="store_true",
        help="with --corpus: records with a Chinese original (--source-field), so every batch check runs",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    if args.source and not args.corpus:
        parser.error("--source needs --corpus")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"tqa {args.command} -j {args.jobs}{' on a JSONL corpus' if args.corpus else ''}{' with originals' if args.source else ''}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="tqa-bench-memory-") as tmp:
        results = [run(n, args.jobs, Path(tmp), args.command, args.corpus, args.source) for n in sizes]
    print(
        f"{'articles':>9} {'seconds':>8} {'CPU s':>8} {'articles/s':>11} {'peak MiB':>9} {'main MiB':>9} {'worker MiB':>11} {'late median MiB':>16}"
    )
    for r in results:
        print(
            f"{r['articles']:>9} {r['seconds']:>8} {r['cpu_s']:>8} {r['articles_per_s']:>11} {r['peak_mib']:>9} "
            f"{r['main_peak_mib']:>9} {r['worker_peak_mib']:>11} {r['late_median_mib']:>16}"
        )
    ratios = {
        key: results[-1][key] / results[0][key]
        for key in ("peak_mib", "main_peak_mib", "worker_peak_mib")
        if results[0][key]
    }
    print(
        f"peak memory, {sizes[-1]:,} vs {sizes[0]:,} articles: "
        + ", ".join(f"{k[:-4].replace('_', ' ')} {v:.2f}x" for k, v in ratios.items())
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "command": args.command,
                    "corpus": args.corpus,
                    "source": args.source,
                    "jobs": args.jobs,
                    "results": results,
                    "ratios": ratios,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
