"""The engine seam: the local engine is the default, a Ray run without Ray
installed is a one-line usage error, bad engine options are refused before any work."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.engines import EngineUnavailable, engine_for, parse_actors
from pipeline.engines.local import LocalEngine

runner = CliRunner()


def test_the_local_engine_is_the_default():
    assert isinstance(engine_for(), LocalEngine)


def test_engine_ray_without_ray_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    article = tmp_path / "a.txt"
    article.write_text("Trade grew , the the year.\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(article), "--out", str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 2
    assert result.output.strip() == 'tqa: error: --engine ray needs Ray Data: pip install "tqa[ray]"'
    assert not (tmp_path / "out").exists()  # refused before any work


@pytest.mark.parametrize("value", ["x", "2:1", "0:2"])
def test_bad_actor_counts_are_refused(value):
    pytest.importorskip("ray.data")
    with pytest.raises(EngineUnavailable, match="--actors"):
        engine_for("ray", actors=parse_actors(value))


def test_actors_parse_as_min_max_or_a_fixed_size():
    assert parse_actors("1:4") == (1, 4) and parse_actors("3") == (3, 3)


def test_ray_tasks_pin_their_threads_once_per_process(monkeypatch):
    from pipeline.core.settings import Settings
    from pipeline.engines import ray as ray_engine
    from pipeline.stages import worker

    pinned: list[int] = []
    monkeypatch.setattr(worker, "pin_threads", lambda: pinned.append(1))
    monkeypatch.setattr(ray_engine, "_READY", {})
    settings = Settings()
    for _ in range(3):
        ray_engine._worker(settings, None)
    assert pinned == [1]  # like a local worker process: one thread for torch and BLAS


def test_a_partly_resumed_corpus_is_written_back_in_input_order(tmp_path):
    """Resumed records and recomputed ones meet in one chunk: the outcomes, and so the
    written corpus and the findings export, keep the input's order."""
    import json

    from tests.support import tqa

    texts = [f"Record {i} says the the same thing , again." for i in range(4)]
    corpus = tmp_path / "news.jsonl"

    def write(rows: list[str]) -> None:
        corpus.write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(rows)))

    write(texts)
    out = tmp_path / "out"
    assert tqa("run", corpus, "-o", out, "--no-retranslate", "-j", "1").exit_code == 0
    write([texts[0], "Record 1 changed , now.", *texts[2:]])  # only r1 needs the stages again
    assert tqa("run", corpus, "-o", out, "--no-retranslate", "-j", "1", "--resume").exit_code == 0
    ids = [json.loads(line)["id"] for line in (out / "news.jsonl").read_text().splitlines()]
    assert ids == ["r0", "r1", "r2", "r3"]
    exported = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert {row["file"] for row in exported} == {str(corpus)}
    assert list(dict.fromkeys(row["record"] for row in exported)) == ["r0", "r1", "r2", "r3"]
