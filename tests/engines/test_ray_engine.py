"""The Ray engine gives the local engine's outputs byte for byte.

One local Ray (2 CPUs, no dashboard, its own temporary folder, shut down and removed
after the module) runs the tiny model; skipped where ``tqa[ray]`` is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.support import hard_timeout, ray_runs
from tests.support.ray_runs import CHINESE, ray_auth_token

ray = pytest.importorskip("ray", reason='the Ray engine needs pip install "tqa[ray]"')
pytest.importorskip("ray.data", reason='the Ray engine needs pip install "tqa[ray]"')

runner = CliRunner()
LIMIT_S = 600  # every Ray test ends within this: a failing Ray run tends to hang, not fail (240 s was hit at load 50 on 2 cores)


_hard_timeout = hard_timeout(LIMIT_S)


@pytest.fixture(scope="module")
def ray_session():
    import os

    temp = tempfile.mkdtemp(prefix="tqa-ray-", dir="/tmp")  # short: Ray's sockets live in it
    # a token given, not generated: Ray would otherwise leave one in ~/.ray
    saved = {name: os.environ.get(name) for name in ("RAY_AUTH_TOKEN", "TQA_CACHE_DIR")}
    os.environ["RAY_AUTH_TOKEN"] = ray_auth_token()
    # Ray's workers take this process's environment now: their translation cache is this
    # "node's" own, never the user's, and not the one a test gives its driver
    os.environ["TQA_CACHE_DIR"] = str(Path(temp) / "node-cache")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temp, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run(inputs: Path, out: Path, model: Path, *extra: str):
    result = runner.invoke(app, [*ray_runs.args(inputs, out, model), *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_ray_and_local_engines_write_the_same_bytes_for_a_folder(ray_session, tmp_path, ray_reference, tiny_model_dir):
    inputs, local = ray_reference
    _run(inputs, tmp_path / "ray", tiny_model_dir, "--engine", "ray", "--actors", "1:2")
    distributed = ray_runs.tree(tmp_path / "ray")
    assert len(local) > 24 * 4 and local.keys() == distributed.keys()
    assert [name for name in local if local[name] != distributed[name]] == []
    assert b'"origin": "marian"' in local["article00.findings.json"]  # the model's translations are compared


def test_ray_and_local_engines_write_the_same_corpus(ray_session, tmp_path, seed_text, tiny_model_dir):
    paragraphs = [p for p in seed_text.split("\n\n") if p.strip()]
    corpus = tmp_path / "news.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for k in range(30):
            text = f"{paragraphs[k % len(paragraphs)]} The talks, {CHINESE[k % len(CHINESE)]} went on."
            f.write(json.dumps({"id": f"r{k}", "url": f"http://x/{k}", "text": text}, ensure_ascii=False) + "\n")
    ray_runs.local_run(corpus, tmp_path / "local", tiny_model_dir)
    result = _run(corpus, tmp_path / "ray", tiny_model_dir, "--engine", "ray")
    assert "30 article(s) processed" in result.output
    local, distributed = ray_runs.tree(tmp_path / "local"), ray_runs.tree(tmp_path / "ray")
    assert "news.jsonl" in local and local.keys() == distributed.keys()
    assert [name for name in local if local[name] != distributed[name]] == []
    rows = [json.loads(line) for line in (tmp_path / "ray" / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [f"r{k}" for k in range(30)]  # input order


def test_ray_resume_skips_what_the_manifest_lists(ray_session, tmp_path, seed_text, tiny_model_dir):
    inputs = ray_runs.articles(tmp_path / "in", seed_text, 10)
    out = tmp_path / "out"
    _run(
        inputs, out, tiny_model_dir, "-j", "1"
    )  # the local engine wrote the manifest (-j 1: no fork of this Ray driver)
    first = ray_runs.tree(out)
    result = _run(inputs, out, tiny_model_dir, "--engine", "ray", "--resume")
    assert "(10 unchanged since the last run)" in result.output
    assert ray_runs.tree(out) == first


def test_after_a_ray_run_the_users_cache_answers_every_translation(
    ray_session, tmp_path, monkeypatch, seed_text, tiny_model_dir
):
    """The actors' caches are their nodes' own; the pairs they used come back to the driver,
    which stores them in the user's cache: a second run of the same input calls no model."""
    inputs = ray_runs.articles(tmp_path / "in", seed_text, 6)
    monkeypatch.setenv("TQA_CACHE_DIR", str(tmp_path / "user-cache"))  # the driver's (the user's) cache
    cached = [arg for arg in ray_runs.args(inputs, tmp_path / "ray", tiny_model_dir) if arg != "--no-cache"]
    result = runner.invoke(app, [*cached, "--engine", "ray"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "translation(s) from the cluster stored" in result.output
    again = [a if a != str(tmp_path / "ray") else str(tmp_path / "again") for a in cached]
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *again, "-j", "1"], capture_output=True, text=True, timeout=LIMIT_S
    )
    assert done.returncode == 0, done.stderr
    hits = re.search(r"translation cache .*?: (\d+) hits, (\d+) misses", done.stderr)
    assert hits and int(hits[1]) > 0 and hits[2] == "0", done.stderr  # no model call
    first, second = ray_runs.tree(tmp_path / "ray"), ray_runs.tree(tmp_path / "again")
    assert [name for name in first if first[name] != second[name]] == []


def test_a_resumed_ray_run_holds_one_finished_outcome_at_a_time(ray_session, tmp_path, seed_text, tiny_model_dir):
    """A window's finished articles are read back from the manifest as their turn comes, not
    held from the start (a finished corpus record's outcome carries its whole cleaned text)."""
    import gc

    from pipeline.core.settings import Settings
    from pipeline.engines import run_batch
    from pipeline.engines.ray import RayEngine
    from pipeline.stages.job import Outcome

    n = 20
    inputs = ray_runs.articles(tmp_path / "in", seed_text, n)
    paths = sorted(inputs.iterdir())
    stems = {p: p.stem for p in paths}
    settings = Settings(model=str(tiny_model_dir), use_cache=False, max_length=16, chunk_size=8)
    first = [o.row for o in run_batch(paths, stems, settings, tmp_path / "out")]  # the local engine, in this process

    def alive() -> int:
        return sum(type(o) is Outcome for o in gc.get_objects())

    before, live, rows = alive(), [], []  # before: any an earlier test left (0 when all went well)
    for outcome in run_batch(paths, stems, settings, tmp_path / "out", resume=True, engine=RayEngine()):
        live.append(alive() - before)
        rows.append(outcome.row if outcome.resumed else None)
    assert rows == first  # every article resumed, in input order
    assert max(live) <= 2, f"{max(live)} outcomes alive at once while {n} finished ones were resumed"


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds the actor's process in /proc (Linux)")
def test_a_killed_translation_actor_is_replaced_and_the_outputs_stay_the_same(
    ray_session, tmp_path, ray_reference, tiny_model_dir
):
    import os
    import signal
    import threading
    import time

    inputs, local = ray_reference
    killed: list[str] = []

    def kill_the_translator() -> None:
        deadline = time.monotonic() + LIMIT_S / 2
        while time.monotonic() < deadline:
            for pid in _translator_processes():
                time.sleep(1)  # in the middle of its work, not before it
                os.kill(pid, signal.SIGKILL)  # a crash, as an out-of-memory kill would be
                killed.append(pid)
                return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_the_translator, daemon=True)
    killer.start()
    _run(inputs, tmp_path / "ray", tiny_model_dir, "--engine", "ray")
    killer.join()
    assert killed, "the translation actor was never seen alive"
    distributed = ray_runs.tree(tmp_path / "ray")
    assert local.keys() == distributed.keys()
    assert [name for name in local if local[name] != distributed[name]] == []


def _translator_processes() -> list[int]:
    """Ray names its actor processes after the class (``ray::MapWorker(MapBatches(_Translate))``)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"_Translate" in cmdline.read_bytes() and b"pytest" not in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except (OSError, ValueError):
            continue
    return found


def test_ray_decides_consistency_as_the_local_engine_does(ray_session, tmp_path):
    from tests.support.bilingual import XLIFF

    xlf = tmp_path / "app.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    common = ["run", str(xlf), "--no-retranslate", "--chunk-size", "2"]  # the groups span chunks
    local = runner.invoke(app, [*common, "--out", str(tmp_path / "local"), "-j", "1"], catch_exceptions=False)
    assert local.exit_code == 0, local.output
    result = runner.invoke(app, [*common, "--out", str(tmp_path / "ray"), "--engine", "ray"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    a, b = ray_runs.tree(tmp_path / "local"), ray_runs.tree(tmp_path / "ray")
    assert a.keys() == b.keys() and [name for name in a if a[name] != b[name]] == []
    rows = [json.loads(line) for line in b["findings.jsonl"].decode().splitlines()]
    assert [(r["record"], r["check"]) for r in rows] == [
        ("footer", "inconsistent-target"),
        ("again", "inconsistent-source"),
        ("third", "inconsistent-target"),
    ]
