"""Consistency across the batch: ``ConsistencyIndex`` decides, in input order, which segments disagree with earlier ones.

One index per consistency check (``pipeline.checks.source.consistency``): the check's
``measure`` gives each segment (the digest of the side a group shares, the digest of the
side that must agree). The index keeps, per group, each rendering's digest with the names
of its first segments (up to ``NAMED``) and a count: a later segment whose rendering differs
is told the earlier segments of the other renderings. Digests and names only, never texts:
a group with one rendering is a tuple, a dict only once it has a second.
"""

from __future__ import annotations

from typing import Any

from pipeline.checks.source.consistency import NAMED

Disagreement = tuple[list[str], int, int]  # earlier names (up to NAMED), how many, renderings in the group


class ConsistencyIndex:
    """The batch's groups so far; ``add`` says which earlier segments a segment disagrees with."""

    def __init__(self, check: Any) -> None:
        self.check = check
        # group digest -> its one rendering so far (digest, [count, first names...]), or, once
        # it has several, a dict of them: most groups never have a second
        self._groups: dict[bytes, tuple[bytes, list[Any]] | dict[bytes, list[Any]]] = {}

    def add(self, name: str, sig: tuple[bytes, bytes] | None) -> Disagreement | None:
        """Record the segment ``name``; the earlier segments that render its group otherwise, or None."""
        if sig is None:
            return None
        group, rendering = sig
        renderings = self._groups.get(group)
        if renderings is None:
            self._groups[group] = (rendering, [1, name])
            return None
        if isinstance(renderings, tuple):
            if renderings[0] == rendering:
                _count(renderings[1], name)
                return None
            renderings = self._groups[group] = {renderings[0]: renderings[1]}
        others = [entry for key, entry in renderings.items() if key != rendering]
        _count(renderings.setdefault(rendering, [0]), name)
        if not others:
            return None
        # rendering by rendering, each in order of first use, its segments in input order
        names = [n for other in others for n in other[1:]][:NAMED]
        return names, sum(other[0] for other in others), len(renderings)

    def names(self) -> list[str]:
        """Every name the index holds (what it keeps besides digests and counts)."""
        entries = [g[1] for g in self._groups.values() if isinstance(g, tuple)]
        entries += [e for g in self._groups.values() if isinstance(g, dict) for e in g.values()]
        return [n for entry in entries for n in entry[1:]]


def _count(entry: list[Any], name: str) -> None:
    entry[0] += 1
    if len(entry) <= NAMED:
        entry.append(name)
