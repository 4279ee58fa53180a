"""Golden outputs: ``check``, ``run``, ``accept`` and ``apply`` over the sample article, every
text of ``tests/data`` and a corpus of each format, with the tiny model. Each output's digest
must stay what ``tests/end_to_end/golden.json`` holds, so that a change meant to move code around
cannot change what a user gets.

When a change is meant to change output, rewrite the digests with
``TQA_GOLDEN_WRITE=1 python -m pytest tests/end_to_end/test_golden.py`` and say why in the commit.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.support import REPO_ROOT, TEST_DATA

GOLDEN = Path(__file__).parent / "golden.json"
runner = CliRunner()


def _normalise(text: str, base: Path) -> str:
    text = text.replace(str(base.parent), "<TMP>")
    # the plain progress line carries a rate and a clock
    return "\n".join(line for line in text.splitlines() if not re.search(r"\d+s elapsed", line))


def _content(path: Path, base: Path) -> bytes:
    """What a user gets from ``path``: compressed files by their content (gzip stores a time),
    Parquet by its schema and rows (the file holds the writer's version)."""
    name = path.name
    if name.endswith(".gz"):
        data = gzip.decompress(path.read_bytes())
    elif name.endswith(".zst"):
        import zstandard

        data = zstandard.ZstdDecompressor().stream_reader(path.read_bytes()).read()
    elif name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        data = (str(table.schema) + json.dumps(table.to_pylist(), sort_keys=True, default=str)).encode()
    else:
        data = path.read_bytes()
    try:
        return _normalise(data.decode("utf-8"), base).encode("utf-8")
    except UnicodeDecodeError:
        return data


def _digest(data: bytes) -> str:
    if dump := os.environ.get("TQA_GOLDEN_DUMP"):  # to see what changed: diff two dumps
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)
    return hashlib.sha256(data).hexdigest()[:16]


def _tree(folder: Path, base: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): _digest(_content(p, base))
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".tqa.lock"
    }


def _corpora(folder: Path) -> Path:
    """One small corpus per format, from the project's own test articles."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted((TEST_DATA / "devset").glob("*.txt"))[:6]]
    zh = (TEST_DATA / "parallel" / "summit.zh.txt").read_text(encoding="utf-8")
    en = (TEST_DATA / "parallel" / "summit.en.txt").read_text(encoding="utf-8")
    rows = [{"id": f"doc-{i}", "text": t, "note": i} for i, t in enumerate(texts)]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (folder / "news.jsonl").write_text(lines, encoding="utf-8")
    (folder / "news-gz.jsonl.gz").write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
    import zstandard

    (folder / "news-zst.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(lines.encode("utf-8")))
    pairs = [{"id": "summit", "text": en, "zh": zh}, {"id": "rail", "text": texts[0], "zh": ""}]
    (folder / "pairs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pairs), encoding="utf-8"
    )
    with open(folder / "news.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "note"])
        writer.writerows([r["id"], r["text"], r["note"]] for r in rows)
    # TSV has no quoting: a cell holds no tab and no line break
    tsv = [f"{r['id']}\t{' '.join(r['text'].split())}\t{r['note']}\n" for r in rows]
    (folder / "news.tsv").write_text("id\ttext\tnote\n" + "".join(tsv), encoding="utf-8", newline="")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), folder / "news.parquet")
    paragraphs = "".join(f"<p>{t.split(chr(10))[0]}</p>\n" for t in texts[:3])
    (folder / "page.html").write_text(
        f"<!DOCTYPE html>\n<html><body>\n<h1>News</h1>\n{paragraphs}</body></html>\n", encoding="utf-8"
    )
    return folder


@pytest.fixture()
def golden_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "golden"
    base.mkdir()
    shutil.copytree(REPO_ROOT / "seeds", base / "seeds")
    shutil.copytree(TEST_DATA, base / "data")
    _corpora(base / "corpora")
    monkeypatch.chdir(base)
    monkeypatch.setenv("TQA_CACHE_DIR", str(tmp_path / "cache"))
    return base


def test_outputs_match_the_golden_digests(golden_inputs: Path, tiny_model_dir: Path) -> None:
    base = golden_inputs
    model = "model"  # a relative path: the settings' digest names it
    shutil.copytree(tiny_model_dir, base / model)
    digests: dict[str, str] = {}

    def tqa(name: str, *args: str, out: str | None = None) -> None:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        digests[f"{name} exit"] = str(result.exit_code)
        digests[f"{name} stdout"] = _digest(_normalise(result.stdout, base).encode())
        digests[f"{name} stderr"] = _digest(_normalise(result.stderr, base).encode())
        if out is not None:
            for path, digest in _tree(base / out, base).items():
                digests[f"{name} {path}"] = digest

    tqa("check seeds", "check", "seeds")
    tqa("check seeds json", "check", "seeds", "--format", "json")
    tqa("check data", "check", "data", "-j", "1")
    tqa("check data json", "check", "data", "--format", "json", "-j", "1")
    tqa("check select", "check", "data/devset", "--select", "untranslated,duplicate-line,calque")
    tqa("check clean fail-on", "check", "data/clean", "--ignore", "repeated-phrase", "--fail-on", "minor")
    tqa(
        "check corpora",
        "check",
        "corpora",
        "corpora/news.jsonl",
        "corpora/news.csv",
        "corpora/news.tsv",
        "corpora/news.parquet",
        "corpora/page.html",
        "corpora/news-gz.jsonl.gz",
        "corpora/news-zst.jsonl.zst",
        "-j",
        "1",
    )
    tqa("check pairs", "check", "corpora/pairs.jsonl", "--source-field", "zh", "--format", "json")
    tqa("checks", "checks")

    tqa("run seeds", "run", "seeds", "-o", "out-seeds", "--model", model, "-j", "1", out="out-seeds")
    tqa("run parallel", "run", "data/parallel", "-o", "out-parallel", "--model", model, "-j", "1", out="out-parallel")
    tqa(
        "run multilingual",
        "run",
        "data/multilingual",
        "-o",
        "out-multi",
        "--model",
        model,
        "-j",
        "1",
        "--model",
        f"fallback={model}",
        out="out-multi",
    )
    tqa("run data", "run", "data", "-o", "out-data", "--no-retranslate", "-j", "2", out="out-data")
    for corpus in (
        "news.jsonl",
        "news-gz.jsonl.gz",
        "news-zst.jsonl.zst",
        "news.csv",
        "news.tsv",
        "news.parquet",
        "page.html",
    ):
        tqa(
            f"run {corpus}",
            "run",
            f"corpora/{corpus}",
            "-o",
            f"out-{corpus}",
            "--model",
            model,
            "-j",
            "1",
            "--reports",
            "txt,json,diff,html,export",
            out=f"out-{corpus}",
        )
    tqa(
        "run pairs",
        "run",
        "corpora/pairs.jsonl",
        "--source-field",
        "zh",
        "-o",
        "out-pairs",
        "--model",
        model,
        "-j",
        "1",
        "--cleaned-field",
        "clean",
        out="out-pairs",
    )

    stem = next((base / "out-seeds").glob("*.findings.json")).name.removesuffix(".findings.json")
    tqa("apply", "apply", f"out-seeds/{stem}.findings.json", "-o", "final.txt")
    digests["apply final.txt"] = _digest(_content(base / "final.txt", base))
    tqa(
        "accept",
        "accept",
        f"out-seeds/{stem}.findings.json",
        "--check",
        "calque",
        "-n",
        "3",
        "--ignore-list",
        "ign.json",
    )
    digests["accept ign.json"] = _digest(_content(base / "ign.json", base))
    tqa("check ignored", "check", "seeds", "--ignore-list", "ign.json")

    if dump := os.environ.get("TQA_GOLDEN_DUMP"):
        (Path(dump) / "digests.json").write_text(json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8")
    if os.environ.get("TQA_GOLDEN_WRITE"):
        GOLDEN.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in golden.keys() | digests.keys() if golden.get(k) != digests.get(k))
    assert not changed, f"{len(changed)} output(s) differ from tests/end_to_end/golden.json: {changed[:20]}"
