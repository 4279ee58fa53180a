"""``duplicate-record``: an input (a file, a corpus record) that repeats an earlier one of the batch.

Syndicated news repeats itself, exactly and nearly (a changed headline, a dateline, a few
edited words). Whether an input is a copy depends on the inputs before it, so this check
finds nothing in one document alone (a ``BatchCheck``): per document it only measures a
``RecordSignature`` (``measure``), where the document is checked, and
``pipeline.stages.duplicates.DuplicateIndex`` decides in input order in the main process.

- exact: a hash of the text casefolded, quotes and dashes made plain, whitespace collapsed;
- near: a MinHash signature of the text's word shingles (``shingle`` words each), compared
  through a MinHash LSH with its buckets on disk (``pipeline.util.lsh``: datasketch's scheme);
  a later input whose estimated Jaccard similarity with an earlier one reaches ``threshold`` is
  a near copy.

The signature is computed here with numpy, not datasketch, whose import (scipy) costs ~0.6
CPU-s in every worker, and cheaply (~0.3 ms for a 400-word article): a
CRC-32 per word, a shingle's 32-bit hash combined from its words' in 64-bit arithmetic, and
``num_perm`` multiply-shift universal hash functions, the minimum of each over the shingles.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from pipeline.checks.base import BatchCheck, ConfigurationError, register
from pipeline.checks.duplicate_line import normalise
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
_MIX = 0x9E3779B97F4A7C15  # odd: combines a shingle's word hashes over 64 bits
_SEED = 1


@dataclass(frozen=True)
class RecordSignature:
    """What the batch keeps of an input: its exact digest and its MinHash values (no text)."""

    digest: bytes
    minhash: Any  # numpy uint32 array of num_perm values


def normalised(text: str) -> str:
    """The text as the exact comparison sees it: casefolded, plain quotes and dashes,
    whitespace collapsed."""
    return normalise(text.translate(_DASHES)).casefold()


def anchor(doc: Document) -> Span:
    """Where a copy's finding points: its first sentence (a whole record would repeat the
    record in every report that quotes the finding's text)."""
    if doc.sentences:
        return doc.sentences[0]
    return doc.paragraphs[0] if doc.paragraphs else Span(0, len(doc.text))


def _permutations(num_perm: int) -> tuple[Any, Any]:
    """``num_perm`` hash functions: odd multipliers and offsets over 64 bits."""
    import numpy as np

    gen = np.random.default_rng(_SEED)
    a = gen.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = gen.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)
    return a, b


@register
class DuplicateRecord(BatchCheck):
    id = "duplicate-record"
    severity = Severity.MAJOR
    description = "Input repeating an earlier one of the batch, exactly or nearly (MinHash of word shingles)"
    # Jaccard 0.5 of 5-word shingles: 5% of words changed leaves ~0.95^5 = 77% of the shingles,
    # a Jaccard of ~0.63, while two articles on one topic in their own words share almost none.
    # Texts under min_words words ("Yes.", "Photo: Xinhua") repeat legitimately.
    options = {"threshold": 0.5, "shingle": 5, "num_perm": 128, "min_words": 5}
    score_name = "Jaccard similarity with the first copy (1 for an exact copy)"

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        return max(
            1.0 if f.evidence.get("kind") == "exact" else float(f.evidence.get("jaccard") or 0) for f in findings
        )

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        t = self.config["threshold"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
            raise ConfigurationError(f"{type(self).__name__}: threshold must be a number in (0, 1], got {t!r}")
        for name, low in (("shingle", 1), ("num_perm", 16), ("min_words", 0)):
            n = self.config[name]
            if not isinstance(n, int) or isinstance(n, bool) or n < low:
                raise ConfigurationError(f"{type(self).__name__}: {name} must be an integer >= {low}, got {n!r}")
        self._perms: tuple[Any, Any] | None = None

    def measure(self, text: str, source: str | None, context: str | None = None) -> RecordSignature | None:
        return self.signature(text)

    def anchor(self, doc: Document) -> Span:
        return anchor(doc)

    def verdict(self, doc: Document, found: Any) -> Finding:
        """The finding on a copy; ``found``: the first copy's name, "exact" or "near", the Jaccard estimate."""
        first, kind, jaccard = found
        how = (
            "exact, after case, whitespace, quotes and dashes"
            if kind == "exact"
            else f"near, estimated Jaccard {jaccard:.2f} of {self.config['shingle']}-word shingles"
        )
        evidence = {"kind": kind, "first": first, "jaccard": jaccard}
        return self.finding(anchor(doc), f"copy of {first} ({how})", evidence=evidence)

    def signature(self, text: str) -> RecordSignature | None:
        """The input's signature; None for a text under ``min_words`` words (not compared)."""
        import numpy as np

        norm = normalised(text)
        words = _WORD.findall(norm)
        if not words or len(words) < self.config["min_words"]:
            return None
        digest = hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        # a shingle's hash from its words' CRC-32s, combined in numpy (no string per shingle);
        # a repeated shingle repeats its hash, which leaves every minimum as it is
        w = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
        k = min(self.config["shingle"], len(words))
        n, mix = len(words) - k + 1, np.uint64(_MIX)
        h = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
            for j in range(k):
                h = (h + w[j : j + n]) * mix
            h >>= np.uint64(32)
            if self._perms is None:
                self._perms = _permutations(self.config["num_perm"])
            a, b = self._perms
            # multiply-shift: (a*h + b) >> 32 over 64 bits is a universal hash of a 32-bit h
            values = ((np.outer(h, a) + b) >> np.uint64(32)).min(axis=0)
        return RecordSignature(digest, values.astype(np.uint32))
