"""A large string-keyed table read a part at a time: by the keys a text can look up.

jieba's prefix dictionary (~500,000 entries) and CC-CEDICT (~120,000 headwords) are looked up
only with pieces of the text at hand: one character, or a piece opening with two characters
that stand side by side in the text. So ``shelve`` stores the one-character keys together,
read at once, and the longer keys by their first two characters; ``Shelf.admit(text)`` reads
the pairs ``text`` holds, once each. A batch of news articles reads a tenth of jieba's
entries, one article a few per cent; the rest is never turned into Python objects.

Stored per first character: its pairs' second characters in one string, where each pair's
entries end in one byte string of them all, and that byte string (so a character's pairs
cost three objects to open, not one each). ``pack`` and ``unpack`` turn a group of entries
into a marshal-able value and back: keys joined by newlines, values as the caller keeps them.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any

Packed = tuple[Any, dict[str, bytes]]  # (the one-character entries packed, first character -> its pairs)


def shelve(table: dict[str, Any], pack: Callable[[dict[str, Any]], Any]) -> Packed:
    """``table`` as ``Shelf`` reads it (marshal-able, for ``pipeline.util.cache``)."""
    singles: dict[str, Any] = {}
    by_pair: dict[str, dict[str, dict[str, Any]]] = {}
    for key, value in table.items():
        if len(key) <= 1:
            singles[key] = value
        else:
            by_pair.setdefault(key[0], {}).setdefault(key[1], {})[key] = value
    pairs = {}
    for first, seconds in by_pair.items():
        blobs = [marshal.dumps(pack(entries)) for entries in seconds.values()]
        ends = array("I", accumulate(len(b) for b in blobs)).tobytes()
        pairs[first] = marshal.dumps(("".join(seconds), ends, b"".join(blobs)))
    return pack(singles), pairs


def pack_strings(entries: dict[str, str]) -> tuple[str, str]:
    """A group of string entries as ``shelve`` stores them: the keys joined by newlines, the
    values by NUL (a key holds no newline, a value no NUL; a value may hold newlines)."""
    return "\n".join(entries), "\x00".join(entries.values())


def unpack_strings(packed: tuple[str, str]) -> Iterable[tuple[str, str]]:
    """``pack_strings``' entries back (keys are never empty: an empty group is no entry)."""
    return zip(packed[0].split("\n"), packed[1].split("\x00")) if packed[0] else ()


class Shelf:
    """The entries of a shelved table that the texts seen so far can look up, in ``table``."""

    def __init__(self, packed: Packed, unpack: Callable[[Any], Iterable[tuple[str, Any]]]) -> None:
        singles, pairs = packed
        self.table: dict[str, Any] = {}
        self.pairs = dict(pairs)  # popped as opened
        self.unpack = unpack
        self.opened: dict[str, tuple[str, array[int], bytes] | None] = {}
        self.seen: set[str] = set()
        self.table.update(unpack(singles))

    def admit(self, text: str) -> dict[str, Any]:
        """``table``, holding every entry a lookup of a piece of ``text`` can find."""
        for pair in {text[k : k + 2] for k in range(len(text) - 1)} - self.seen:
            self.seen.add(pair)
            first = pair[0]
            if first not in self.opened:
                blob = self.pairs.pop(first, None)
                if blob is None:
                    self.opened[first] = None
                else:
                    seconds, ends, data = marshal.loads(blob)
                    offsets = array("I")
                    offsets.frombytes(ends)
                    self.opened[first] = (seconds, offsets, data)
            found = self.opened[first]
            if found is None or (k := found[0].find(pair[1])) < 0:
                continue
            _, offsets, data = found
            self.table.update(self.unpack(marshal.loads(data[offsets[k - 1] if k else 0 : offsets[k]])))
        return self.table

    def whole(self) -> dict[str, Any]:
        """``table`` with every entry (reads every pair not read yet)."""
        groups = [marshal.loads(blob) for blob in self.pairs.values()]
        groups += [(seconds, offsets.tobytes(), data) for seconds, offsets, data in filter(None, self.opened.values())]
        for _, ends, data in groups:
            offsets = array("I")
            offsets.frombytes(ends)
            start = 0
            for end in offsets:  # a pair read before is read again: the same entries
                self.table.update(self.unpack(marshal.loads(data[start:end])))
                start = end
        self.pairs.clear()
        self.opened = dict.fromkeys(self.opened, None)
        return self.table
