"""A bilingual file (PO, XLIFF, TMX) read in order a chunk at a time, and written back by copying
it from a cursor up to each edit: what lets their readers and writers stream, in memory that
does not grow with the file.

Offsets are those of the file's *view*: its bytes; a UTF-16 file's bytes transcoded to UTF-8
(expat scans, and the writers splice, in UTF-8, and the output goes back to UTF-16); a PO
catalogue's decoded characters. The view is made as the file is read (incremental codecs), so a
chunk may end inside a character.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pipeline.io.base import Fields, Malformed, Writer
from pipeline.util.atomic import AtomicFile

CHUNK = 1 << 16
_SPACE = b" \t\r\n\x0b\x0c"


def utf16_codec(head: bytes) -> str | None:
    """The UTF-16 codec a file starting with ``head`` is in (a byte-order mark, or ``<?`` in
    UTF-16 without one), or None. The mark is read as U+FEFF and written back as it was."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return "utf-16-le" if head[:2] in (b"\xff\xfe", b"<\x00") else "utf-16-be"
    return None


def view(path: Path, codec: str | None = None, text: str | None = None) -> Iterator[Any]:
    """The file's view a chunk at a time: its bytes; with ``codec``, decoded from it and
    encoded in UTF-8; with ``text``, its characters decoded from that encoding.
    ``UnicodeDecodeError`` where it does not decode."""
    with open(path, "rb") as f:
        if codec is None and text is None:
            while chunk := f.read(CHUNK):
                yield chunk
            return
        decoder = codecs.getincrementaldecoder(codec or text)()  # type: ignore[arg-type]
        read = 0
        while True:
            chunk = f.read(CHUNK)
            state = decoder.getstate()[0]
            try:
                piece = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                raise DecodeError(err, read - len(state)) from None
            read += len(chunk)
            if piece:
                yield piece.encode("utf-8") if codec else piece
            if not chunk:
                return


class DecodeError(UnicodeDecodeError):
    """A decoding error found a chunk at a time, told with its place in the file, as decoding
    the whole file would tell it."""

    def __init__(self, err: UnicodeDecodeError, offset: int) -> None:
        super().__init__(err.encoding, err.object, err.start, err.end, err.reason)
        self.offset = offset

    def __str__(self) -> str:
        at = self.offset + self.start
        if self.end - self.start == 1:
            byte = self.object[self.start]
            return f"'{self.encoding}' codec can't decode byte 0x{byte:02x} in position {at}: {self.reason}"
        return f"'{self.encoding}' codec can't decode bytes in position {at}-{at + self.end - self.start - 1}: {self.reason}"


class Splicer:
    """Writes ``out`` as the view of ``source`` with edits put in, reading the source once.

    A writer asks for the part of the source a unit occupies (``reach``: from ``lo``, where
    the unit starts, to past ``hi``); everything before ``lo`` is copied out first, so what is
    held is one unit and a chunk, plus the whitespace just before ``lo`` (a new element's
    indentation and a removed element's line break are found there). ``put`` writes a unit's
    edits, ``(start, end, new)``, as ``base.spliced`` would. A file that got no edit at all is
    copied byte for byte at ``finish``, whatever its encoding (a file that did not parse too)."""

    def __init__(self, source: Path | None, out: IO[bytes], codec: str | None = None, text: str | None = None) -> None:
        self.source, self.out = source, out
        self.chunks = view(source, codec, text) if source is not None else iter(())
        self.empty: Any = "" if text is not None else b""
        self.buf = self.empty  # the view from ``base`` on, read and not yet dropped
        self.base = 0
        self.cursor = 0  # what comes before is written (or skipped by an edit)
        self.edited = False
        self.error: UnicodeEncodeError | None = None  # a repair the file's encoding cannot hold
        if text is not None:
            encoder = codecs.getincrementalencoder(text)()
            self.encode = encoder.encode
        elif codec is not None:
            decoder, target = codecs.getincrementaldecoder("utf-8")(), codec
            self.encode = lambda piece: decoder.decode(piece).encode(target)
        else:
            self.encode = lambda piece: piece

    def _write(self, piece: Any, final: bool = False) -> None:
        """Write a piece of the view or of an edit, encoded; a piece that cannot be is kept
        for ``finish`` to raise, where the file would be written whole."""
        if self.error is None:
            try:
                self.out.write(self.encode(piece, final) if final else self.encode(piece))
            except UnicodeEncodeError as err:
                self.error = err

    def _read(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            return False
        self.buf += chunk
        return True

    def _ensure(self, upto: int) -> None:
        while self.base + len(self.buf) < upto and self._read():
            pass

    def _copy(self, upto: int) -> None:
        """Write the view from the cursor up to ``upto``."""
        if upto <= self.cursor:
            return
        self._ensure(upto)
        self._write(self.buf[self.cursor - self.base : upto - self.base])
        self.cursor = upto

    def _drop(self) -> None:
        """Forget what is written, but the whitespace before the cursor and the character before it."""
        keep = self.cursor - self.base
        space = _SPACE if isinstance(self.buf, bytes) else _SPACE.decode()
        while keep > 0 and self.buf[keep - 1 : keep] in space:
            keep -= 1
        keep = max(keep - 1, 0)
        self.buf, self.base = self.buf[keep:], self.base + keep

    def reach(self, lo: int, hi: int) -> tuple[Any, int]:
        """(the view from ``base`` to at least ``hi`` and past the whitespace there, ``base``):
        what a unit between ``lo`` and ``hi`` is edited from. The whitespace just before ``lo``
        is not copied yet: removing an element at ``lo`` takes its line break too."""
        space = _SPACE if isinstance(self.buf, bytes) else _SPACE.decode()
        self._ensure(lo)
        while lo > self.cursor and self.buf[lo - 1 - self.base : lo - self.base] in space:
            lo -= 1
        self._copy(lo)
        self._drop()
        self._ensure(hi)
        while not self.buf[hi - self.base :].strip() and self._read():
            pass  # a removal takes the line break and indentation after an element, however long
        return self.buf, self.base

    def put(self, edits: Iterable[tuple[int, int, Any]]) -> None:
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
            self._copy(start)
            self._write(new)
            self.cursor = max(self.cursor, end)
            self._ensure(self.cursor)
            self.edited = True

    def finish(self) -> None:
        if not self.edited:  # nothing changed: the file as it is
            self.out.seek(0)
            self.out.truncate()
            if self.source is not None:
                with open(self.source, "rb") as f:
                    shutil.copyfileobj(f, self.out)
            return
        self._ensure(self.cursor)
        self._write(self.buf[self.cursor - self.base :])
        self.buf, self.base = self.empty, self.base + len(self.buf)
        for chunk in self.chunks:
            self._write(chunk)
        if hasattr(self.encode, "__self__"):  # an incremental encoder: its last state
            self._write(self.empty, True)
        if self.error is not None:
            raise self.error


class SplicingWriter(Writer):
    """A format written back as its input's bytes with edits put in (PO, XLIFF, TMX): the file,
    the ``Splicer`` over the input, and what every such writer does at the end. A writer that
    holds a unit's edits back until the unit's last record (``write``) writes them in ``_flush``."""

    def __init__(
        self, target: Path, fields: Fields, source: Path | None, codec: str | None = None, text: str | None = None
    ) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.splicer = Splicer(source, self.out.file, codec, text)

    def _flush(self) -> None:
        """Write the edits held back for the pending unit (none by default)."""

    def passthrough(self, item: Malformed) -> None:
        pass  # a file that did not parse has no records: ``commit`` copies it as it is

    def commit(self) -> Path:
        self._flush()
        self.splicer.finish()
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
