"""``ConsistencyIndex`` on disk: the same answers as the plain rule it implements, on groups
with one rendering, with many, and with more segments than it names; its state in a
temporary SQLite database, not in the process."""

from __future__ import annotations

import random

from pipeline.checks.source.consistency import NAMED
from pipeline.stages.consistency import ConsistencyIndex


def _reference(sigs: list[tuple[str, tuple[bytes, bytes] | None]]) -> list[object]:
    """The rule, kept in memory: per group its renderings in order of first use, each with
    its count and its first NAMED segments; a segment is told the other renderings'."""
    groups: dict[bytes, dict[bytes, list[object]]] = {}
    answers: list[object] = []
    for name, sig in sigs:
        if sig is None:
            answers.append(None)
            continue
        renderings = groups.setdefault(sig[0], {})
        others = [entry for key, entry in renderings.items() if key != sig[1]]
        entry = renderings.setdefault(sig[1], [0, []])
        entry[0] += 1
        if len(entry[1]) < NAMED:
            entry[1].append(name)
        if not others:
            answers.append(None)
        else:
            names = [n for other in others for n in other[1]][:NAMED]
            answers.append((names, sum(other[0] for other in others), len(renderings)))
    return answers


def test_the_same_answers_as_the_rule_on_random_batches() -> None:
    for seed in range(8):
        rng = random.Random(seed)
        groups, renderings = rng.choice([(3, 40), (50, 2), (2000, 3), (10, 1)])
        sigs: list[tuple[str, tuple[bytes, bytes] | None]] = [
            (
                f"batch#{i}",
                None
                if rng.random() < 0.05
                else (b"g%d" % int(rng.paretovariate(1.0) * 7 % groups), b"r%d" % rng.randrange(renderings)),
            )
            for i in range(1500)
        ]
        index = ConsistencyIndex(None)
        assert [index.add(name, sig) for name, sig in sigs] == _reference(sigs), seed
        kept: dict[tuple[bytes, bytes], list[str]] = {}
        for name, sig in sigs:
            if sig is not None and len(kept.setdefault(sig, [])) < NAMED:
                kept[sig].append(name)
        assert sorted(index.names()) == sorted(n for names in kept.values() for n in names)
        index.close()


def test_a_group_with_many_renderings_names_the_first_and_counts_all() -> None:
    index = ConsistencyIndex(None)
    for i in range(500):  # one English for 500 originals: each later one disagrees with all before
        answer = index.add(f"s{i}", (b"english", b"original %d" % i))
    assert answer == ([f"s{i}" for i in range(NAMED)], 499, 500)
    assert len(index.names()) == 500  # one name per rendering, however many there are


def test_a_rendering_keeps_its_first_names_only() -> None:
    index = ConsistencyIndex(None)
    for i in range(3 * NAMED):
        assert index.add(f"a{i}", (b"g", b"one")) is None
    assert index.add("b", (b"g", b"two")) == ([f"a{i}" for i in range(NAMED)], 3 * NAMED, 2)
    assert index.add("a-again", (b"g", b"one")) == (["b"], 1, 2)
    assert len(index.names()) == NAMED + 1


def test_the_state_is_a_temporary_database() -> None:
    index = ConsistencyIndex(None)
    index.add("a", (b"g", b"r"))
    # "" names no file: SQLite made a temporary one, which it deletes on close
    assert [row[2] for row in index._db.execute("PRAGMA database_list")] == [""]
    index.close()
