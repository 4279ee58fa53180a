"""duplicate-record: copies across a batch, in corpora and folders, the same with any number of workers."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.duplicate_record import DuplicateRecord, normalised
from pipeline.stages.duplicates import DuplicateIndex
from tests.support import TEST_DATA, tqa

ARTICLE = (TEST_DATA / "clean").glob("*.txt").__next__().read_text(encoding="utf-8")
OTHER = sorted((TEST_DATA / "clean").glob("*.txt"))[-1].read_text(encoding="utf-8")

# the same news in two reporters' words: one topic, few shared five-word runs
STORY_A = (
    "Heavy rain flooded parts of the southern city on Tuesday, forcing schools to close and "
    "cutting power to thousands of homes. Emergency crews evacuated more than 2,000 residents "
    "from low-lying districts, and the weather service warned that more storms were on the way. "
    "Officials said the river had risen to its highest level in two decades."
)
STORY_B = (
    "Thousands of households lost electricity in the south of the country after torrential "
    "downpours on Tuesday, and schools shut their doors. Rescue teams moved over 2,000 people "
    "out of flooded neighbourhoods. Forecasters expect further storms this week, while the "
    "authorities reported the river at a level not seen for twenty years."
)


def changed(text: str, share: float, seed: int = 0) -> str:
    """``text`` with ``share`` of its words replaced by other words."""
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), max(1, round(share * len(words)))):
        words[i] = rng.choice(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"])
    return " ".join(words)


def corpus(path: Path, texts: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts), encoding="utf-8")
    return path


def copies(*args: object) -> dict[str, list[dict]]:
    """Each input's duplicate-record findings, from `tqa check --format json`."""
    result = tqa("check", "--select", "duplicate-record", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    return {(f"{f['path']}#{f['id']}" if "id" in f else f["path"]): [x for x in f["findings"]] for f in doc["files"]}


def test_normalised_ignores_case_space_quotes_and_dashes() -> None:
    assert normalised("The  “Belt”\nand Road — again") == normalised('the "belt" and road - AGAIN')


def test_options_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="threshold"):
        DuplicateRecord(threshold=1.5)
    with pytest.raises(ConfigurationError, match="shingle"):
        DuplicateRecord(shingle=0)


def test_short_texts_are_not_compared() -> None:
    assert DuplicateRecord().signature("Photo: Xinhua") is None


def test_index_names_the_first_copy_and_keeps_no_text() -> None:
    check = DuplicateRecord()
    index = DuplicateIndex(check)
    assert index.add("a", check.signature(ARTICLE)) is None
    assert index.add("b", check.signature(OTHER)) is None
    assert index.add("c", check.signature(ARTICLE.upper())) == ("a", "exact", 1.0)
    first, kind, jaccard = index.add("d", check.signature(changed(ARTICLE, 0.05)))
    assert (first, kind) == ("a", "near") and 0.5 <= jaccard < 1
    # names and numbers only, on disk: no text of an input is kept
    tables = index._index._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert sorted(t for (t,) in tables) == ["bucket", "exact", "sig"]
    assert index._index._db.execute("SELECT name FROM sig ORDER BY input").fetchall() == [
        ("a",),
        ("b",),
        ("c",),
        ("d",),
    ]


def test_corpus_exact_and_near_copies_name_the_first(tmp_path: Path) -> None:
    path = corpus(
        tmp_path / "news.jsonl",
        [("a", ARTICLE), ("b", OTHER), ("c", "  " + ARTICLE.upper()), ("d", changed(ARTICLE, 0.05)), ("e", STORY_A)],
    )
    found = copies(path)
    assert [k for k, v in found.items() if v] == [f"{path}#c", f"{path}#d"]
    exact, near = found[f"{path}#c"][0], found[f"{path}#d"][0]
    assert exact["severity"] == "major" and f"{path}#a" in exact["message"]
    assert exact["evidence"] == {"kind": "exact", "first": f"{path}#a", "jaccard": 1.0}
    assert near["evidence"]["kind"] == "near" and near["evidence"]["first"] == f"{path}#a"
    assert 0.5 <= near["evidence"]["jaccard"] < 1


def test_text_files_of_a_folder(tmp_path: Path) -> None:
    for name, text in [("1.txt", ARTICLE), ("2.txt", OTHER), ("3.txt", ARTICLE), ("4.txt", changed(OTHER, 0.05))]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = copies(tmp_path)
    named = {Path(k).name: [f["evidence"]["first"] for f in v] for k, v in found.items()}
    assert {k: [Path(p).name for p in v] for k, v in named.items()} == {
        "1.txt": [],
        "2.txt": [],
        "3.txt": ["1.txt"],
        "4.txt": ["2.txt"],
    }


def test_same_topic_in_other_words_is_not_a_copy(tmp_path: Path) -> None:
    found = copies(corpus(tmp_path / "c.jsonl", [("a", STORY_A), ("b", STORY_B)]))
    assert not any(found.values())


def test_same_findings_with_one_or_two_workers(tmp_path: Path) -> None:
    rng = random.Random(1)
    texts = [ARTICLE, OTHER, STORY_A, STORY_B]
    rows = []
    for i in range(40):  # copies spread over chunks: the first copy in input order is named
        base = texts[rng.randrange(len(texts))]
        rows.append((str(i), changed(base, 0.03, seed=i) if i % 3 else base))
    path = corpus(tmp_path / "c.jsonl", rows)
    one, two = copies("-j", "1", path), copies("-j", "2", path)
    assert one == two
    assert sum(bool(v) for v in one.values()) == 36  # all but the first of each of the four texts


def test_threshold_in_tqa_toml_and_ignore(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl", [("a", ARTICLE), ("b", changed(ARTICLE, 0.05))])
    config = tmp_path / "tqa.toml"
    config.write_text("[checks.duplicate-record]\nthreshold = 0.95\n", encoding="utf-8")
    assert not any(copies("--config", config, path).values())
    result = tqa("check", "--ignore", "duplicate-record", "--format", "json", path)
    assert "duplicate-record" not in result.stdout


def test_run_keeps_the_finding_in_the_corpus_and_drops_copies_when_asked(tmp_path: Path) -> None:
    path = corpus(tmp_path / "news.jsonl", [("a", ARTICLE), ("b", OTHER), ("c", ARTICLE), ("d", changed(OTHER, 0.05))])
    result = tqa("run", path, "--out", tmp_path / "out", "-j", "1", "--no-retranslate")
    assert result.exit_code in (0, 1), result.output
    rows = [json.loads(line) for line in (tmp_path / "out" / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    copied = {
        r["id"]: [f["evidence"]["first"] for f in r["tqa"]["findings_after"] if f["check"] == "duplicate-record"]
        for r in rows
    }
    assert copied == {"a": [], "b": [], "c": [f"{path}#a"], "d": [f"{path}#b"]}
    result = tqa("run", path, "--out", tmp_path / "dropped", "-j", "1", "--no-retranslate", "--drop-duplicates")
    assert "2 duplicate record(s) left out" in result.stderr
    kept = (tmp_path / "dropped" / "news.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["a", "b"]


def test_drop_duplicates_needs_the_check(tmp_path: Path) -> None:
    path = corpus(tmp_path / "news.jsonl", [("a", ARTICLE)])
    result = tqa("run", path, "--out", tmp_path / "out", "--drop-duplicates", "--ignore", "duplicate-record")
    assert result.exit_code == 2 and "needs the duplicate-record check" in result.stderr


def test_an_accepted_copy_is_not_reported_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "2.txt").write_text(ARTICLE, encoding="utf-8")
    tqa("run", folder, "--out", tmp_path / "out", "-j", "1", "--no-retranslate")
    ignore = tmp_path / "ignore.json"
    result = tqa("accept", tmp_path / "out" / "2.findings.json", "--check", "duplicate-record", "--ignore-list", ignore)
    assert result.exit_code == 0, result.output
    result = tqa("check", folder, "--select", "duplicate-record", "--ignore-list", ignore)
    assert result.exit_code == 0 and "1 finding(s) hidden" in result.stderr


def test_a_copy_decided_beforehand_is_added_where_the_input_is_checked(tmp_path: Path) -> None:
    from pipeline.core.settings import Settings
    from pipeline.stages import worker
    from pipeline.stages.job import Job

    worker.init_worker(Settings(apply=frozenset()), None)
    job = Job(tmp_path / "2.txt", "2")
    job.path.write_text(ARTICLE, encoding="utf-8")
    prep = worker.prepare_decided(job, {"duplicate-record": ("1.txt", "exact", 1.0)})
    assert [f.evidence["first"] for f in prep.findings if f.check == "duplicate-record"] == ["1.txt"]
    assert prep.signatures == {}


def test_a_csv_corpus_gets_the_first_copy_in_a_column(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "news.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], ["a", ARTICLE], ["b", OTHER], ["c", ARTICLE.upper()]])
    result = tqa("run", path, "--out", tmp_path / "out", "-j", "1", "--no-retranslate")
    assert result.exit_code in (0, 1), result.output
    with open(tmp_path / "out" / "news.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["tqa_duplicate_of"] for r in rows] == ["", "", f"{path}#a"]
