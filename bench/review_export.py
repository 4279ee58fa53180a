"""The findings export under ``tqa review``: CPU of a reviewer's decisions when every decision
rewrites the whole export, against the review server's batched refresh, in the same run.

    python bench/review_export.py                          # 100,000 rows, 100 decisions
    python bench/review_export.py --rows 1000000 --json review_export.json

A synthetic run folder: ``findings.jsonl``/``.csv`` with ``--rows`` rows over articles of 100
findings each (texts with commas, quotes, non-ASCII, one in ten with a newline), and the
decisions files of the ``--articles`` articles the decisions fall on. Each decision is one
``Store.merge`` (what one POST of the page runs: the decisions file written at once), one
finding at a time, ``--pace`` seconds apart. Three ways:

- ``per decision``: each decision rewrites the whole export for its article (read, parse and
  write every row of both files), the rule before the batched refresh;
- ``per decision, streamed``: each decision calls ``rewrite_states`` (the rewrite the
  refresh uses, copying other articles' rows unparsed), to tell its share from batching's;
- ``batched``: the server's ``ExportRefresher`` (a rewrite a second after the last decision,
  and one when the server stops).

The per-decision ways cost the same full pass every time, so they run on the first
``--sample`` decisions and are scaled to all of them (``--sample`` equal to ``--decisions``
runs them whole). CPU is the process's, background thread included. The batched way's
export must equal the one written from the final decisions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.report.export import COLUMNS, FindingsExport, rewrite_states  # noqa: E402
from pipeline.review.server import Store  # noqa: E402
from pipeline.util.atomic import AtomicFile  # noqa: E402

PER_ARTICLE = 100


def stem_of(article: int) -> str:
    return f"part-{article // 100:03d}/article-{article:05d}"


def build(out: Path, rows: int, decided: int) -> None:
    """The export and the pending decisions files of the first ``decided`` articles."""
    out.mkdir(parents=True)
    export = FindingsExport(out)
    for article in range(rows // PER_ARTICLE):
        stem = stem_of(article)
        batch = []
        for i in range(PER_ARTICLE):
            text = f'the "community of shared destiny", «{i}» 人类命运共同体' + ("\nnext line" if i % 10 == 0 else "")
            batch.append(
                {
                    "file": f"corpus/{stem}.txt",
                    "record": "",
                    "line": i + 1,
                    "column": 7,
                    "check": "calque",
                    "severity": "minor",
                    "text": text,
                    "stem": stem,
                    "number": i + 1,
                    "message": "Calque of 人类命运共同体: a shared future for humanity",
                    "id": f"{article:05d}{i:05d}",
                    "state": "pending",
                    "fix": "",
                    "comment": "",
                }
            )
        export.add(batch)
        if article < decided:
            items = [
                {"id": r["id"], "kind": "finding", "state": "pending", "fix": None, "comment": "", "start": 0, "end": 0}
                for r in batch
            ]
            path = out / f"{stem}.decisions.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"schema": "tqa-decisions/2", "input": {}, "items": items}), encoding="utf-8")
    export.close()


def decisions(n: int, articles: int) -> list[tuple[str, dict[str, Any]]]:
    """``n`` decisions spread over ``articles`` articles, a different finding each."""
    out = []
    for k in range(n):
        article, i = k % articles, k // articles
        state = ("dismissed", "fixed")[k % 2]
        out.append(
            (
                stem_of(article),
                {
                    "id": f"{article:05d}{i:05d}",
                    "state": state,
                    "fix": "a shared future" if state == "fixed" else None,
                    "comment": f"decision {k}",
                },
            )
        )
    return out


def whole_rewrite(out_dir: Path, stem: str, states: dict[str, dict[str, str]]) -> None:
    """Rewrite the whole export for one article's states: read and parse every row, write both files."""
    rows = []
    for line in (out_dir / "findings.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("stem") == stem and row.get("id") in states:
            row.update({k: states[row["id"]].get(k, row.get(k, "")) for k in ("state", "fix", "comment")})
        rows.append(row)
    export = FindingsExport(out_dir)
    export.add(rows)
    export.close()


class PerDecision:
    """Stands in for the store's refresher: rewrites on every mark."""

    def __init__(self, out: Path, streamed: bool) -> None:
        self.out, self.streamed, self.rewrites = out, streamed, 0

    def mark(self, stem: str) -> None:
        data = json.loads((self.out / f"{stem}.decisions.json").read_text(encoding="utf-8"))
        states = {
            i["id"]: {"state": i["state"], "fix": i.get("fix") or "", "comment": i.get("comment") or ""}
            for i in data["items"]
        }
        if self.streamed:
            rewrite_states(self.out, {stem: states})
        else:
            whole_rewrite(self.out, stem, states)
        self.rewrites += 1

    def try_flush(self) -> bool:
        return True

    def close(self) -> None:
        pass


def measure(way: str, template: Path, work: Path, todo: list[tuple[str, dict[str, Any]]], pace: float) -> dict:
    out = work / way.replace(" ", "-").replace(",", "")
    shutil.copytree(template, out)
    store = Store(out)
    if way != "batched":
        store.export = PerDecision(store.out, streamed=way != "per decision")  # type: ignore[assignment]
    latencies = []
    cpu, wall = time.process_time(), time.perf_counter()
    for stem, decision in todo:
        started = time.perf_counter()
        store.merge(stem, [decision])
        latencies.append(time.perf_counter() - started)
        if pace:
            time.sleep(pace)
    store.close()  # the server stops: the batched way's last rewrite
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "way": way,
        "decisions": len(todo),
        "cpu_s": cpu,
        "wall_s": wall,
        "rewrites": store.export.rewrites,
        "median_decision_ms": 1000 * statistics.median(latencies),
        "out": out,
    }


def expected_csv(template: Path, todo: list[tuple[str, dict[str, Any]]], target: Path) -> None:
    """The CSV a run would write with the final decisions in it."""
    final = {(stem, d["id"]): d for stem, d in todo}
    out = AtomicFile(target)
    writer = csv.DictWriter(out.text(), fieldnames=COLUMNS)
    writer.writeheader()
    for line in (template / "findings.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        d = final.get((row["stem"], row["id"]))
        if d is not None:
            row.update(state=d["state"], fix=d["fix"] or "", comment=d["comment"])
        writer.writerow(row)
    out.commit(durable=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=100)
    parser.add_argument("--articles", type=int, default=10, help="articles the decisions fall on")
    parser.add_argument("--sample", type=int, default=10, help="decisions the per-decision ways run (scaled)")
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between decisions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tqa-bench-") as tmp:
        work = Path(tmp)
        template = work / "template"
        build(template, args.rows, args.articles)
        todo = decisions(args.decisions, args.articles)
        sample = todo[: min(args.sample, len(todo))]
        results = [
            measure(way, template, work, sample, args.pace) for way in ("per decision", "per decision, streamed")
        ]
        results.append(measure("batched", template, work, todo, args.pace))
        expected_csv(template, todo, work / "expected.csv")
        same = (results[-1]["out"] / "findings.csv").read_bytes() == (work / "expected.csv").read_bytes()
        load = os.getloadavg()[0]
    base = results[0]["cpu_s"] * args.decisions / results[0]["decisions"]
    print(
        f"python bench/review_export.py --rows {args.rows} --decisions {args.decisions}"
        f" --articles {args.articles} --sample {args.sample} --pace {args.pace}   (load average {load:.1f})"
    )
    print(
        f"{'way':>24} {'measured on':>11} {'rewrites':>8} {'CPU s':>8} {f'CPU s/{args.decisions}':>10} {'ratio':>7} {'ms/decision':>11}"
    )
    for r in results:
        scaled = r["cpu_s"] * args.decisions / r["decisions"]
        r["cpu_s_scaled"] = scaled
        r["ratio"] = base / scaled if scaled else float("inf")
        print(
            f"{r['way']:>24} {r['decisions']:>11} {r['rewrites']:>8} {r['cpu_s']:>8.2f} {scaled:>10.2f}"
            f" {r['ratio']:>6.1f}x {r['median_decision_ms']:>11.1f}"
        )
    print(f"batched export equals the one written from the final decisions: {'yes' if same else 'NO'}")
    if args.json:
        payload = {
            "settings": vars(args) | {"json": str(args.json)},
            "load_average": load,
            "cpu_count": os.cpu_count(),
            "results": [{k: v for k, v in r.items() if k != "out"} for r in results],
            "same_export": same,
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
