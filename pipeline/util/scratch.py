"""A scratch SQLite database: a batch index kept on disk so that memory stays flat.

``sqlite3.connect("")`` makes a temporary database in a file that SQLite deletes when it is
closed (or the process ends): nothing to name, commit, recover or clean up. Its page cache is
bounded (``cache_kib``), so the file grows with the batch and memory does not. Nothing is
worth keeping after a crash, so there is no journal and no sync, and the whole run is one
transaction (no commit per row).
"""

from __future__ import annotations

import sqlite3


def scratch_db(schema: str, cache_kib: int) -> sqlite3.Connection:
    """A temporary database with the tables of ``schema`` (SQL statements), a page cache of at
    most ``cache_kib`` KiB, and a transaction open for the rows to come."""
    db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    db.executescript(
        f"""
        PRAGMA cache_size = -{int(cache_kib)};
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        {schema}
        BEGIN;
        """
    )
    return db
