"""A persistent translation cache (SQLite), and a translator that consults it first.

Rerunning a batch costs no model time for passages seen before. One table maps a key to
the model's raw output; the key is a hash of the source text and of the translator
settings that change the output:

- ``model`` and ``revision``: another model or another snapshot of it translates differently;
- ``backend`` and the numeric precision it runs in (``dtype``: float32/float16 for
  transformers, int8/float16 for CTranslate2, plus the stored ``quantization`` of a
  converted model): int8 and float16 outputs differ from float32 ones;
- ``num_beams`` and ``max_length``: the generation settings.

Not in the key: the ``device`` (the same precision on another device gives the same
output up to rounding, and the precision is already in the key), the ``batch_size``
(translations do not depend on what they were batched with, see ``BaseTranslator``),
and library versions (a new transformers release rarely changes a translation; clear
the cache, or run with ``--no-cache``, to rule it out).

What is cached is the model's output before the output guard judges it, so a change to
the guard applies to cached translations too.

Concurrency: one connection per cache guarded by a lock (threads of one process), WAL
mode and a busy timeout (several processes may share the file). A cache that cannot be
opened, read or written (corrupt file, read-only folder, full disk) turns itself off
with a one-line warning; translation goes on without it.

Across machines: SQLite stays on each machine (WAL mode does not work over network
filesystems). A process that translates for another (a Ray actor) keeps a journal of the
pairs it looks up or stores (``start_journal``/``take_journal``) and hands them to the
driver, which stores them in the user's cache (``merge_pairs``): afterwards that cache
holds every translation the run used, also those another machine's cache answered. Keys
are content hashes, so a pair stored twice is the same row: merges cannot conflict.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.util.cache import CACHE_ENV, cache_dir  # noqa: F401 (CACHE_ENV: its name here too)

log = logging.getLogger(__name__)

CACHE_FILE = "translations.sqlite3"
# Signature fields that decide a translation (see the module docstring for why these).
KEY_FIELDS = ("model", "revision", "backend", "dtype", "quantization", "num_beams", "max_length")
FORMAT = 1  # bump when the meaning of a stored row changes: old rows stop matching
_CHUNK = 500  # keys per SELECT: below SQLite's oldest limit on bound variables (999)
# (settings key, settings description or None, {source: translation}) this process looked up
# or stored since the last take_journal(); None: no journal (the default: only Ray actors keep one)
_JOURNAL: list[tuple[str, dict[str, Any] | None, dict[str, str]]] | None = None

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key BLOB PRIMARY KEY,
    settings TEXT NOT NULL,
    translation TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (
    settings TEXT PRIMARY KEY,
    description TEXT NOT NULL
);
"""


def default_cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def settings_of(signature: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a translator signature that go into the cache key."""
    return {name: signature.get(name) for name in KEY_FIELDS}


def settings_key(signature: Mapping[str, Any]) -> str:
    """A short, stable hash of the output-deciding settings of ``signature``."""
    facts = {"format": FORMAT, **settings_of(signature)}
    blob = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def text_key(settings: str, text: str) -> bytes:
    return hashlib.sha256(f"{settings}\0{text}".encode()).digest()


class TranslationCache:
    """Source text -> translation, per settings key, in one SQLite file.

    Opened lazily, on first use. ``error`` holds the reason when the cache turned itself
    off; ``enabled`` says whether it still works.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_path()
        self.error: str | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def in_dir(cls, folder: str | Path | None) -> TranslationCache:
        """The cache file in ``folder`` (``--cache DIR``); None: the default folder."""
        return cls(Path(folder).expanduser() / CACHE_FILE if folder is not None else None)

    @property
    def enabled(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        state = "enabled" if self.enabled else f"disabled: {self.error}"
        return f"{type(self).__name__}({str(self.path)!r}, {state})"

    def _disable(self, exc: BaseException) -> None:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.error = f"{self.path}: {reason}"
        log.warning("translation cache off (%s); translating without it", self.error)
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            try:
                conn.execute("PRAGMA busy_timeout = 10000")
                conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
                conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a crash loses at most the last writes
                conn.executescript(_SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def get_many(self, settings: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached translations of ``texts`` under ``settings`` (missing texts are absent)."""
        keys = {text_key(settings, t): t for t in texts}
        found: dict[str, str] = {}
        if not keys or not self.enabled:
            return found
        with self._lock:
            try:
                conn = self._connect()
                items = list(keys)
                for start in range(0, len(items), _CHUNK):
                    chunk = items[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(f"SELECT key, translation FROM translations WHERE key IN ({marks})", chunk)
                    # SQLite keeps any type in any column: a row that is not text (an edited or
                    # damaged cache) is a miss, and the fresh translation replaces it
                    found.update((keys[key], out) for key, out in rows if isinstance(out, str))
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
                return {}
        if found and _JOURNAL is not None:
            _JOURNAL.append((settings, None, dict(found)))
        return found

    def put_many(self, settings: str, pairs: Mapping[str, str], description: Mapping[str, Any] | None = None) -> None:
        """Store ``source -> translation`` pairs under ``settings`` (one transaction)."""
        if pairs and _JOURNAL is not None:  # journaled even when this machine's cache is off
            _JOURNAL.append((settings, dict(description) if description is not None else None, dict(pairs)))
        if not pairs or not self.enabled:
            return
        rows = [(text_key(settings, source), settings, out) for source, out in pairs.items()]
        with self._lock:
            try:
                conn = self._connect()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?)", rows)
                    if description is not None:
                        blob = json.dumps(dict(description), sort_keys=True, ensure_ascii=False, default=str)
                        conn.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", (settings, blob))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)

    def __len__(self) -> int:
        if not self.enabled:
            return 0
        with self._lock:
            try:
                return int(self._connect().execute("SELECT count(*) FROM translations").fetchone()[0])
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
                return 0

    def close(self) -> None:
        with self._lock:
            self._close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_journal() -> None:
    """From now on, remember every pair this process's caches answer or store (``take_journal``)."""
    global _JOURNAL
    if _JOURNAL is None:
        _JOURNAL = []


def take_journal() -> list[tuple[str, dict[str, Any] | None, dict[str, str]]]:
    """The pairs answered or stored since the last call, as (settings key, description or
    None, pairs); empties the journal."""
    if not _JOURNAL:
        return []
    taken = list(_JOURNAL)
    del _JOURNAL[: len(taken)]
    return taken


def merge_pairs(cache: TranslationCache, journal: Iterable[tuple[str, dict[str, Any] | None, dict[str, str]]]) -> int:
    """Store another process's journaled pairs in ``cache``; the number of pairs."""
    count = 0
    for settings, description, pairs in journal:
        cache.put_many(settings, pairs, description)
        count += len(pairs)
    return count


@dataclass
class CacheStats:
    """Distinct non-blank texts answered from the cache (hits) and sent to the model (misses)."""

    hits: int = 0
    misses: int = 0

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    def to_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


class CachedTranslator:
    """A ``Translator`` that answers from ``cache`` and sends only the misses to ``inner``.

    All texts are looked up at once, the misses go to ``inner.translate`` in one call,
    their translations are stored, and the output keeps the input's length and order.
    Blank texts come back unchanged, as from ``BaseTranslator``.
    """

    def __init__(self, inner: Any, cache: TranslationCache) -> None:
        self.inner = inner
        self.cache = cache
        self.stats = CacheStats()
        self._signature: dict[str, Any] | None = None
        self._settings: str | None = None

    @property
    def signature(self) -> dict[str, Any]:
        return self.inner.signature  # the cache changes no output, so reports say the same

    @property
    def settings(self) -> str:
        if self._settings is None:
            self._signature = dict(self.inner.signature)
            self._settings = settings_key(self._signature)
        return self._settings

    def translate(self, texts: list[str]) -> list[str]:
        if isinstance(texts, str):
            raise TypeError(f"{type(self).__name__}.translate takes a list of strings, got one str")
        texts = list(texts)
        wanted = list(dict.fromkeys(t for t in texts if t.strip()))
        if not wanted:
            return texts
        done = self.cache.get_many(self.settings, wanted)
        misses = [t for t in wanted if t not in done]
        self.stats.hits += len(wanted) - len(misses)
        self.stats.misses += len(misses)
        if misses:
            outputs = self.inner.translate(misses)
            if len(outputs) != len(misses):
                raise RuntimeError(f"{type(self.inner).__name__}: {len(misses)} texts in, {len(outputs)} out")
            fresh = dict(zip(misses, outputs))
            self.cache.put_many(self.settings, fresh, settings_of(self._signature or {}))
            done.update(fresh)
        return [done.get(t, t) for t in texts]
