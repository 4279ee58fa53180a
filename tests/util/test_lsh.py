"""The on-disk MinHash LSH: datasketch's scheme (the same bands, the same candidates), memory on disk."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.util.lsh import BandIndex, bands


@pytest.mark.parametrize("threshold", [0.2, 0.4, 0.5, 0.75, 0.9])
@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_bands_are_datasketchs_choice(threshold: float, num_perm: int) -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    assert bands(threshold, num_perm) == lsh._optimal_param(threshold, num_perm, 0.5, 0.5)


def _values(rng: np.random.Generator, base: np.ndarray | None, keep: float) -> np.ndarray:
    fresh = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
    if base is None:
        return fresh
    return np.where(rng.random(128) < keep, base, fresh).astype(np.uint32)


def test_candidates_match_datasketch_and_the_earliest_is_named() -> None:
    datasketch = pytest.importorskip("datasketch")
    rng = np.random.default_rng(7)
    originals = [_values(rng, None, 0) for _ in range(50)]
    inputs = originals + [_values(rng, originals[i], keep) for i, keep in [(3, 0.9), (10, 0.6), (20, 0.3), (3, 0.8)]]
    ours = BandIndex(0.4, 128)
    theirs = datasketch.MinHashLSH(threshold=0.4, num_perm=128)
    for number, values in enumerate(inputs):
        assert ours.add_exact(values.tobytes(), f"r{number}") == number
        found = ours.nearest(values, 0.5) if number else None
        minhash = datasketch.LeanMinHash(seed=1, hashvalues=values.astype("uint64"), scheme="legacy")
        expected = [
            (other, round(float((inputs[other] == values).mean()), 3))
            for other in sorted(theirs.query(minhash))
            if (inputs[other] == values).mean() >= 0.5
        ]
        assert found == (expected[0] if expected else None)
        ours.insert(number, values)
        theirs.insert(number, minhash)
    # the planted near copies of 3 (90% and 80% kept) and of 10 (60%) are found; 30% is not a copy
    assert ours.nearest(inputs[50], 0.5)[0] == 3
    assert ours.name(3) == "r3"


def test_exact_copies_get_the_first_number() -> None:
    index = BandIndex(0.4, 64)
    assert [index.add_exact(d, n) for d, n in [(b"x", "a"), (b"y", "b"), (b"x", "c")]] == [0, 1, 0]
    assert [index.name(i) for i in range(3)] == ["a", "b", "c"]


def test_a_crowded_band_keeps_its_earliest_inputs_and_the_first_copy_is_still_named() -> None:
    # a corpus of near-identical records: every input shares every band with the first
    rng = np.random.default_rng(3)
    base = _values(rng, None, 0)
    index = BandIndex(0.4, 128)
    for number in range(200):
        values = base.copy()
        values[-1] = number  # 31 bands the same as the first input's, the last one its own
        index.add_exact(values.tobytes(), f"r{number}")
        assert index.nearest(values, 0.5) == (None if number == 0 else (0, 0.992))
        index.insert(number, values)
    sizes = sorted(n for (n,) in index._db.execute("SELECT count(*) FROM bucket GROUP BY key"))
    assert sizes == [1] * 200 + [32] * 31  # each shared bucket stopped growing at its cap
