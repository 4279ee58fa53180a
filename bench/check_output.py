"""`tqa check` output: line:column in linear time, JSON memory flat in the number of files.

    python bench/check_output.py            # ~10 s on 2 busy cores
    python bench/check_output.py --quick

Two measurements, each against a baseline run in the same process:

- ``line:col``: one long text (``--lines`` lines, a finding on every line), every finding
  located by ``pipeline.core.lines.LineIndex`` (line starts once, then bisect) against the
  previous per-finding computation (count the line breaks in ``text[:offset]``, which
  is quadratic: every finding rescans the text before it). Wall and CPU seconds.
- ``json memory``: tracemalloc's peak while writing the JSON of N and 10·N sample-sized
  files, through ``check_output.JsonOutput`` (streamed, one file at a time) and through the
  previous way (every file's findings collected, one ``json.dumps(indent=2)`` at the end).
  A flat writer's peak barely grows with N; the collecting one grows ~10x.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.checks import build_checks, run_checks  # noqa: E402
from pipeline.core.document import Document  # noqa: E402
from pipeline.core.findings import Finding, Severity  # noqa: E402
from pipeline.core.lines import LineIndex  # noqa: E402
from pipeline.core.spans import Span  # noqa: E402
from pipeline.report.check_output import JsonOutput  # noqa: E402


def old_line_col(text: str, offset: int) -> tuple[int, int]:
    """The naive baseline: rescans ``text[:offset]`` for every finding."""
    head = text[:offset]
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, offset - start + 1


def timed(fn):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench_line_col(lines: int) -> None:
    text = "".join(f"Line {i} of the article, with the good -neighborly ties.\n" for i in range(lines))
    import re

    findings = [
        Finding("hyphen-spacing", Span(m.start(), m.end()), Severity.MINOR, "") for m in re.finditer(" -", text)
    ]

    def located() -> list[tuple[int, int]]:
        index = LineIndex(text)
        return [index.locate(f.span.start) for f in findings]

    index_result, new_wall, new_cpu = timed(located)
    old_result, old_wall, old_cpu = timed(lambda: [old_line_col(text, f.span.start) for f in findings])
    assert index_result == old_result, "both give the same positions"
    print(f"line:col, {lines:,} lines, {len(findings):,} findings ({len(text) / 1e6:.1f} MB of text)")
    print(f"  {'per-finding rescan (before)':<30} wall {old_wall:8.3f} s  cpu {old_cpu:8.3f} s")
    print(f"  {'LineIndex + bisect (now)':<30} wall {new_wall:8.3f} s  cpu {new_cpu:8.3f} s")
    print(f"  speed-up: {old_cpu / max(new_cpu, 1e-9):.0f}x (cpu)")


def _collecting(docs: list[tuple[Document, list[Finding]]], stream: io.StringIO) -> None:
    import json

    files = [
        {"path": f"a{i}.txt", "findings": [f.to_dict(doc.text) for f in found]} for i, (doc, found) in enumerate(docs)
    ]
    stream.write(json.dumps({"files": files}, ensure_ascii=False, indent=2))


def _streaming(docs: list[tuple[Document, list[Finding]]], stream: io.StringIO) -> None:
    out = JsonOutput(stream)
    out.begin()
    for i, (doc, found) in enumerate(docs):
        out.add(f"a{i}.txt", doc, found)
    out.end()


class Discard(io.StringIO):
    def write(self, s: str) -> int:  # the output goes nowhere: only the writer's own memory counts
        return len(s)


def peak(write, n: int, doc: Document, found: list[Finding]) -> int:  # type: ignore[no-untyped-def]
    # the same document object n times: the inputs cost nothing, the writer's memory shows
    docs = [(doc, found)] * n
    tracemalloc.start()
    write(docs, Discard())
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def bench_json(n: int) -> None:
    sample = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    doc = Document.from_text(sample)
    found = run_checks(doc, build_checks())
    print(f"json memory: tracemalloc peak, {len(found)} findings per file")
    for name, write in (("collect + dumps (before)", _collecting), ("streamed (now)", _streaming)):
        small, large = peak(write, n, doc, found), peak(write, 10 * n, doc, found)
        print(
            f"  {name:<30} {n:>6} files {small / 1e6:8.2f} MB   {10 * n:>6} files {large / 1e6:8.2f} MB   growth {large / small:5.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="toy sizes (a smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.lines, args.files = 500, 10
    bench_line_col(args.lines)
    bench_json(args.files)


if __name__ == "__main__":
    main()
