"""Smoke test: each benchmark script runs end to end at tiny sizes and writes its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPO_ROOT


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=timeout
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_translate_bench_quick(tiny_model_dir: Path, tiny_ct2_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "translate.json"
    proc = _run(
        [
            "bench/translate.py",
            "--quick",
            "--device",
            "cpu",
            "--tiny-model",
            str(tiny_model_dir),
            "--tiny-ct2",
            str(tiny_ct2_dir),
            "--json",
            str(out),
        ]
    )
    assert "ct2 / transformers" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    results = {r["engine"]: r for r in report["results"]}
    assert set(results) == {"naive", "transformers", "ct2"}
    per_sentence = {r["tokens"] / r["sentences"] for r in results.values()}
    assert per_sentence == {report["settings"]["new_tokens"]}  # every engine generated the same length
    assert all(r["tokens_per_s"] > 0 and r["peak_rss_mib"] > 0 for r in results.values())
    assert {(q["engine"], q["baseline"]) for q in report["ratios"]} == {
        ("transformers", "naive"),
        ("ct2", "naive"),
        ("ct2", "transformers"),
    }
    assert tiny_model_dir.is_dir() and (tiny_ct2_dir / "model.bin").is_file()  # given models are not removed


def test_check_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    proc = _run(["bench/check.py", "--quick", "--articles", "8", "--naive-articles", "3", "--json", str(out)])
    assert "target: >= 150 articles per CPU-second" in proc.stdout and "target: >= 13x the naive loop" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["way"]: r for r in report["results"]}
    assert set(rows) == {"in-process", "cli", "naive"}
    assert rows["cli"]["articles"] == 8 and rows["naive"]["articles"] == 3
    assert rows["in-process"]["findings"] == rows["cli"]["findings"] > 0  # the CLI checks what run_checks does
    assert all(r["cpu_s"] > 0 and r["articles_per_cpu_s"] > 0 for r in rows.values())


def test_check_bench_articles_are_sample_sized_and_varied() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("tqa_bench_check", REPO_ROOT / "bench" / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    make_articles = module.make_articles
    articles = make_articles(12, seed=1)
    assert articles == make_articles(12, seed=1)  # deterministic
    assert len(set(articles)) == 12
    sample = len(next((REPO_ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8"))
    mean = sum(map(len, articles)) / len(articles)
    assert 0.6 * sample < mean < 1.5 * sample


def test_langid_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "langid.json"
    proc = _run(["bench/langid.py", "--rounds", "1", "--only", "langdetect", "--units", "20,80", "--json", str(out)])
    assert "langdetect" in proc.stdout and "1.0 = linear" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["results"][0]["accuracy"] > 0.9 and len(report["alternating"]) == 2


def test_jobs_bench_compares_the_default_with_one_worker(tmp_path: Path) -> None:
    out = tmp_path / "jobs.json"
    proc = _run(["bench/jobs.py", "--articles", "3", "--repeat", "1", "--commands", "check", "--json", str(out)])
    assert "wall default / -j 1" in proc.stdout
    (row,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert row["command"] == "check" and row["default_jobs"] == 1 and row["cpu_1"] > 0 and row["wall_ratio"] > 0


def test_startup_bench_prints_each_command_against_the_bare_interpreter(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    proc = _run(["bench/startup.py", "--repeat", "1", "--json", str(out)])
    assert "over the baseline" in proc.stdout and "top-level imports of tqa check" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert results["tqa check FILE"]["cpu_s"] > results["python -c pass (baseline)"]["cpu_s"]


def test_ray_bench_says_where_its_gpu_section_was_skipped(tmp_path: Path) -> None:
    import pytest

    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is here: the section would run")
    out = tmp_path / "ray.json"
    proc = _run(
        ["bench/ray.py", "--skip-cpu", "--articles", "2", "--json", str(out)], timeout=600
    )  # torch import on a busy machine
    assert "GPU section skipped: torch.cuda.is_available() is False" in proc.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["gpu"] == []


def test_dups_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "dups.json"
    proc = _run(["bench/dups.py", "--articles", "60", "--json", str(out)])
    assert "recall" in proc.stdout
    row = json.loads(out.read_text(encoding="utf-8"))["rows"][0]
    assert row["planted"] > 0 and row["recall"] >= 0.8 and row["false_pairs"] == 0


def test_memory_bench_measures_a_corpus_of_distinct_records(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        import memory
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    lines = memory.make_corpus(30, tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert len(set(texts)) == 30 and all(3 <= t.count(". ") + 1 <= 7 for t in texts)
    out = tmp_path / "memory.json"
    proc = _run(["bench/memory.py", "--corpus", "--command", "check", "--sizes", "10,20", "--json", str(out)])
    assert "on a JSONL corpus" in proc.stdout and "peak memory, 20 vs 10" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["corpus"] and [r["articles"] for r in report["results"]] == [10, 20]


def test_memory_bench_gives_a_corpus_originals_for_the_batch_checks(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        import memory
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    rows = [json.loads(line) for line in memory.make_bilingual_corpus(200, tmp_path / "c.jsonl").open()]
    originals = [r["zh"] for r in rows]
    # every tenth original is one of 16 sentences again: record 19 and record 179 share one
    assert len(set(originals)) == 200 - 4 and originals[19] == originals[179] != originals[29]
    assert rows[99]["text"] == rows[98]["text"] and len({r["text"] for r in rows}) == 198
    out = tmp_path / "memory.json"
    proc = _run(
        ["bench/memory.py", "--corpus", "--source", "--command", "check", "--sizes", "10,20", "--json", str(out)]
    )
    assert "with originals" in proc.stdout and json.loads(out.read_text(encoding="utf-8"))["source"]


def test_bilingual_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "bilingual.json"
    result = _run(["bench/bilingual.py", "--sizes", "60", "--no-check", "--json", str(out)])
    assert result.returncode == 0, result.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {r["format"] for r in rows} == {"jsonl", "po", "xliff", "tmx", "parallel"}
    assert all(r["segments"] == 60 for r in rows)
    assert all(("write_peak_mib" in r) == (r["format"] in ("po", "xliff", "tmx")) for r in rows)


def test_consistency_index_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "index.json"
    proc = _run(["bench/consistency_index.py", "--segments", "3000", "--json", str(out)])
    assert "µs/segment" in proc.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["way"] for r in rows] == ["dict", "disk"] and rows[0]["flagged"] == rows[1]["flagged"] > 0


def test_review_export_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "review_export.json"
    args = ["--rows", "1000", "--decisions", "12", "--articles", "3", "--sample", "2", "--json", str(out)]
    proc = _run(["bench/review_export.py", *args])
    assert "batched export equals the one written from the final decisions: yes" in proc.stdout
    rows = {r["way"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
    assert set(rows) == {"per decision", "per decision, streamed", "batched"}
    assert rows["per decision"]["rewrites"] == 2 and rows["batched"]["rewrites"] == 1  # a burst: one rewrite
