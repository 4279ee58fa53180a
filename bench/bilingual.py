"""Bilingual files against JSONL: the same segments as a PO catalogue, an XLIFF 1.2 document, a TMX
memory, parallel text (``.en`` beside ``.zh``) and a JSONL corpus with a source field. Figures per format and size: segments per CPU-second of the
reader alone (best of three), the reader's peak Python memory (tracemalloc), and the CPU seconds
of ``tqa check -j 1`` over the file (the checks dominate it).

    python bench/bilingual.py                        # 2,000 and 20,000 segments
    python bench/bilingual.py --sizes 200 --json bilingual.json --no-check
    python bench/bilingual.py --sizes 2000 --ignore inconsistent-target,inconsistent-source,untranslated-segment

Every segment is a sentence pair of tests/data/parallel with a number added to both sides, so
every one is distinct and the original still matches.
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
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.io import Fields, module  # noqa: E402

FORMATS = (("jsonl", "jsonl"), ("po", "po"), ("xliff", "xlf"), ("tmx", "tmx"), ("parallel", "en"))


def pairs() -> list[tuple[str, str]]:
    folder = ROOT / "tests" / "data" / "parallel"
    zh = (folder / "summit.zh.txt").read_text(encoding="utf-8").splitlines()
    en = (folder / "summit.en.txt").read_text(encoding="utf-8").splitlines()
    return [(z.strip(), e.strip()) for z, e in zip(zh, en) if z.strip() and e.strip()]


def make_inputs(n: int, work: Path) -> dict[str, Path]:
    base = pairs()
    segs = [(f"s{i}", f"{base[i % len(base)][0]}（{i}）", f"{base[i % len(base)][1]} ({i})") for i in range(n)]

    def po(t: str) -> str:
        return t.replace("\\", "\\\\").replace('"', '\\"')

    def xml(t: str) -> str:
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    paths = {fmt: work / f"n{n}.{ext}" for fmt, ext in FORMATS}
    rows = (json.dumps({"id": i, "zh": z, "text": e}, ensure_ascii=False) + "\n" for i, z, e in segs)
    paths["jsonl"].write_text("".join(rows), encoding="utf-8")
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    body = "".join(f'msgctxt "{i}"\nmsgid "{po(z)}"\nmsgstr "{po(e)}"\n\n' for i, z, e in segs)
    paths["po"].write_text(header + body, encoding="utf-8")
    units = "".join(
        f'<trans-unit id="{i}"><source>{xml(z)}</source><target>{xml(e)}</target></trans-unit>\n' for i, z, e in segs
    )
    paths["xliff"].write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="x" source-language="zh" target-language="en" datatype="plaintext"><body>\n'
        + units
        + "</body></file></xliff>\n",
        encoding="utf-8",
    )
    tus = "".join(
        f'<tu tuid="{i}"><tuv xml:lang="zh-CN"><seg>{xml(z)}</seg></tuv><tuv xml:lang="en"><seg>{xml(e)}</seg></tuv></tu>\n'
        for i, z, e in segs
    )
    paths["tmx"].write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-CN" adminlang="en" '
        'creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="none" datatype="plaintext"/><body>\n'
        + tus
        + "</body></tmx>\n",
        encoding="utf-8",
    )
    paths["parallel"].write_text("".join(e + "\n" for _, _, e in segs), encoding="utf-8")
    paths["parallel"].with_suffix(".zh").write_text("".join(z + "\n" for _, z, _ in segs), encoding="utf-8")
    return paths


def read_figures(fmt: str, path: Path) -> dict[str, float]:
    fields = Fields(source="zh") if fmt == "jsonl" else Fields()
    best, count = float("inf"), 0
    for _ in range(3):
        start = time.process_time()
        count = sum(1 for _ in module(fmt).read(path, fields))
        best = min(best, time.process_time() - start)
    tracemalloc.start()
    for _ in module(fmt).read(path, fields):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"segments": count, "read_per_cpu_s": round(count / max(best, 1e-9)), "read_peak_mib": peak / 2**20}


def check_cpu(fmt: str, path: Path, ignore: str = "") -> float:
    extra = ["--source-field", "zh"] if fmt == "jsonl" else []
    extra += ["--ignore", ignore] if ignore else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check", str(path), "-j", "1", "--exit-zero", *extra],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-check", action="store_true", help="the readers alone")
    parser.add_argument("--ignore", default="", help="checks tqa check leaves out (CHECK,...): what they cost")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            for fmt, path in make_inputs(n, Path(tmp)).items():
                row = {"format": fmt, "size": n, **read_figures(fmt, path)}
                if not args.no_check:
                    row["check_cpu_s"] = round(check_cpu(fmt, path, args.ignore), 2)
                results.append(row)
                print(
                    f"{n:>7} {fmt:6} read {row['read_per_cpu_s']:>8} segments/CPU-s, peak {row['read_peak_mib']:6.1f} MiB"
                    + (f"; tqa check {row['check_cpu_s']} CPU-s" if "check_cpu_s" in row else "")
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
