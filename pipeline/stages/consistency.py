"""Consistency across the batch: ``ConsistencyIndex`` decides, in input order, which segments disagree with earlier ones.

One index per consistency check (``pipeline.checks.source.consistency``): the check's
``measure`` gives each segment (the digest of the side a group shares, the digest of the
side that must agree). The index keeps, per group, each rendering's digest with the names
of its first segments (up to ``NAMED``) and a count: a later segment whose rendering differs
is told the earlier segments of the other renderings. Digests and names only, never texts,
and in a temporary SQLite database (``pipeline.util.scratch``) rather than in memory: ~100
bytes a segment, which a million-segment corpus would otherwise hold in the main process.

Most groups have one rendering, most of them one segment: a group's row holds its first
rendering and first name, so such a segment costs one lookup and one insert; the
renderings and names beyond the first go to tables of their own. Per segment the index reads
its group's row and its own rendering, never the group's other renderings, and reads names
only when the segment disagrees, so a group with thousands of renderings (one English for
many originals) costs no more per segment than a group of one.
"""

from __future__ import annotations

from typing import Any

from pipeline.checks.source.consistency import NAMED
from pipeline.util.scratch import scratch_db

Disagreement = tuple[list[str], int, int]  # earlier names (up to NAMED), how many, renderings in the group

# SQLite's page cache per index, in KiB: the lookups are by digest, so at random; a small cache
# keeps the B-trees' inner pages and SQLite reads a leaf page from the file (the OS caches it)
_CACHE_KIB = 4 * 1024

_SCHEMA = """
-- per group: its segments and renderings so far, its first rendering and its first segment's name
CREATE TABLE grp (grp BLOB PRIMARY KEY, total INTEGER, variants INTEGER, first BLOB, name TEXT) WITHOUT ROWID;
-- once a group has several: per rendering, its place in the order of first use and its segments
CREATE TABLE rendering (grp BLOB, digest BLOB, seq INTEGER, count INTEGER, PRIMARY KEY (grp, digest)) WITHOUT ROWID;
-- the names beyond the group's first: each rendering's first segments (up to NAMED), in input order
CREATE TABLE named (grp BLOB, seq INTEGER, k INTEGER, name TEXT, PRIMARY KEY (grp, seq, k)) WITHOUT ROWID;
"""


class ConsistencyIndex:
    """The batch's groups so far; ``add`` says which earlier segments a segment disagrees with."""

    def __init__(self, check: Any) -> None:
        self.check = check
        self._db = scratch_db(_SCHEMA, _CACHE_KIB)

    def add(self, name: str, sig: tuple[bytes, bytes] | None) -> Disagreement | None:
        """Record the segment ``name``; the earlier segments that render its group otherwise, or None."""
        if sig is None:
            return None
        group, rendering = sig
        db = self._db
        row = db.execute("SELECT total, variants, first, name FROM grp WHERE grp = ?", (group,)).fetchone()
        if row is None:  # most segments: an original (or English) of their own
            db.execute("INSERT INTO grp VALUES (?, 1, 1, ?, ?)", (group, rendering, name))
            return None
        total, variants, first, first_name = row
        if variants == 1 and first == rendering:  # the group's one rendering again
            seq, count = 0, total
        else:
            if variants == 1:  # the group's second rendering: the first gets its row
                db.execute("INSERT INTO rendering VALUES (?, ?, 0, ?)", (group, first, total))
            mine = db.execute(
                "SELECT seq, count FROM rendering WHERE grp = ? AND digest = ?", (group, rendering)
            ).fetchone()
            if mine is None:  # a new rendering, last in the order of first use
                seq, count, variants = variants, 0, variants + 1
                db.execute("INSERT INTO rendering VALUES (?, ?, ?, 1)", (group, rendering, seq))
            else:
                seq, count = mine
                db.execute("UPDATE rendering SET count = ? WHERE grp = ? AND digest = ?", (count + 1, group, rendering))
        db.execute("UPDATE grp SET total = ?, variants = ? WHERE grp = ?", (total + 1, variants, group))
        if count < NAMED:
            db.execute("INSERT INTO named VALUES (?, ?, ?, ?)", (group, seq, count, name))
        if variants == 1:
            return None
        # rendering by rendering, each in order of first use, its segments in input order; the
        # group's first name comes before every other
        names = [first_name] if seq != 0 else []
        names += [
            n
            for (n,) in db.execute(
                "SELECT name FROM named WHERE grp = ? AND seq != ? ORDER BY seq, k LIMIT ?", (group, seq, NAMED)
            )
        ]
        return names[:NAMED], total - count, variants

    def names(self) -> list[str]:
        """Every name the index holds (what it keeps besides digests and counts)."""
        rows = self._db.execute(
            "SELECT grp, 0, 0, name FROM grp UNION ALL SELECT grp, seq, k, name FROM named ORDER BY 1, 2, 3"
        )
        return [row[3] for row in rows]

    def close(self) -> None:
        self._db.close()
