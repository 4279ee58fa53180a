"""Consistency across the batch: ``ConsistencyIndex`` decides, in input order, which segments disagree with earlier ones.

One index per consistency check (``pipeline.checks.source.consistency``): the check's
``measure`` gives each segment (the digest of the side a group shares, the digest of the
side that must agree). The index keeps, per group, each rendering's digest with the names
of its first segments (up to ``NAMED``) and a count: a later segment whose rendering differs
is told the earlier segments of the other renderings. Digests and names only, never texts:
a group seen once costs one small dict entry.
"""

from __future__ import annotations

from typing import Any

from pipeline.checks.source.consistency import NAMED

Disagreement = tuple[list[str], int, int]  # earlier names (up to NAMED), how many, renderings in the group


class ConsistencyIndex:
    """The batch's groups so far; ``add`` says which earlier segments a segment disagrees with."""

    def __init__(self, check: Any) -> None:
        self.check = check
        # group digest -> rendering digest -> [count, first names...]
        self._groups: dict[bytes, dict[bytes, list[Any]]] = {}

    def add(self, name: str, sig: tuple[bytes, bytes] | None) -> Disagreement | None:
        """Record the segment ``name``; the earlier segments that render its group otherwise, or None."""
        if sig is None:
            return None
        group, rendering = sig
        renderings = self._groups.setdefault(group, {})
        others = [entry for key, entry in renderings.items() if key != rendering]
        entry = renderings.setdefault(rendering, [0])
        entry[0] += 1
        if len(entry) <= NAMED:
            entry.append(name)
        if not others:
            return None
        # rendering by rendering, each in order of first use, its segments in input order
        names = [n for other in others for n in other[1:]][:NAMED]
        return names, sum(other[0] for other in others), len(renderings)
