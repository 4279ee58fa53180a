"""Loading, decoding and segmenting a document into paragraph and sentence spans.

The text is kept exactly as decoded (newlines included), so every offset that a check
reports points into what the user's file says, and writing the text back with
``Document.encode`` gives the input bytes back.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import regex

from pipeline.core.protected import InlineCode, Syntax
from pipeline.core.spans import Span, trimmed
from pipeline.util.reading import MAX_BYTES, path_text, read_limited

# Order matters: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_WORD = regex.compile(r"\w+(?:[-'’]\w+)*")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


class InputError(Exception):
    """A file tqa cannot read as text; the message is one line for the user."""


def decode(data: bytes) -> tuple[str, str, bytes]:
    """Return (text, encoding, bom). Strict: undecodable bytes raise ``InputError``."""
    marked = [(bom, encoding) for bom, encoding in _BOMS if data.startswith(bom)]
    for bom, encoding in marked:
        try:
            return data[len(bom) :].decode(encoding), encoding, bom
        except UnicodeDecodeError as err:
            failure = f"starts with a {encoding} byte-order mark but is not valid {encoding}: {err.reason} at byte {err.start + len(bom)}"
    if marked:
        # UTF-16 LE text starting with NUL looks like a UTF-32 LE mark: every mark was tried
        raise InputError(failure)
    # Text may hold a stray NUL; a file where NULs are common is binary (or BOM-less UTF-16).
    if data.count(b"\x00") > max(1, len(data) // 100):
        raise InputError("looks binary (NUL bytes, no UTF-16/32 byte-order mark); not a text file")
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError:
        pass
    # A stray byte in UTF-8 text makes a detector guess some legacy encoding (mac_iceland)
    # and turns the Chinese into mojibake that no check recognises: text that is almost all
    # valid UTF-8 is UTF-8, with the bad bytes replaced (``Document.replaced`` counts them).
    text = data.decode("utf-8", errors="replace")
    bad = replaced_count(text, data)
    wide = sum(1 for c in text if ord(c) > 0x7F) - text.count("\ufffd")
    if bad <= max(1, len(text) // 1000) and wide >= 4 * bad:
        return text, "utf-8", b""
    # Not UTF-8. Chinese sources are tqa's business: bytes that decode as GB18030 into text
    # whose characters are nearly all in GB2312 (the common simplified set) are GB18030;
    # a statistical detector guesses Korean or Big5 for a short Chinese passage in English.
    gb = _as_gb18030(data)
    if gb is not None:
        return gb, "gb18030", b""
    # Otherwise let charset-normalizer pick among legacy encodings (Big5, Shift-JIS, cp1252, ...).
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("cannot be decoded as text in any known encoding")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"  # the superset decodes everything its subsets do
    try:
        return data.decode(encoding), encoding, b""
    except UnicodeDecodeError as err:
        raise InputError(f"not valid {encoding}: {err.reason} at byte {err.start}") from None


def replaced_count(text: str, data: bytes) -> int:
    """How many U+FFFD in ``text`` stand for undecodable bytes of ``data`` (not written ones)."""
    return text.count("\ufffd") - data.count("\ufffd".encode())


_HAN = regex.compile(r"\p{Han}")


def _as_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide or not _HAN.search(text):
        return None
    in_gb2312 = sum(1 for c in wide if _encodable(c, "gb2312"))
    return text if in_gb2312 >= 0.95 * len(wide) else None


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def newline_style(text: str) -> str:
    """The dominant line ending: ``LF``, ``CRLF``, ``CR`` (``LF`` when there is none)."""
    crlf = text.count("\r\n")
    counts = {"CRLF": crlf, "LF": text.count("\n") - crlf, "CR": text.count("\r") - crlf}
    style, n = max(counts.items(), key=lambda kv: kv[1])
    return style if n else "LF"


def split_paragraphs(text: str) -> list[Span]:
    """Paragraphs are runs of non-blank lines; spans exclude surrounding whitespace."""
    spans: list[Span] = []
    start: int | None = None
    end = 0
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        if m.group().strip():
            if start is None:
                start = m.start()
            end = m.end()
        elif start is not None:
            spans.append(trimmed(text, start, end))  # type: ignore[arg-type]
            start = None
    if start is not None:
        spans.append(trimmed(text, start, end))  # type: ignore[arg-type]
    return spans


def split_sentences(text: str, paragraph: Span) -> list[Span]:
    """Sentence spans inside one paragraph, found by sentencex (see README: why sentencex)."""
    import sentencex

    para = paragraph.of(text)
    spans: list[Span] = []
    cursor = 0
    for sentence in sentencex.segment("en", para):
        piece = sentence.strip()
        if not piece:
            continue
        at = para.find(piece, cursor)
        if at < 0:  # the segmenter normalised something: fall back to the rest of the paragraph
            break
        spans.append(Span(paragraph.start + at, paragraph.start + at + len(piece)))
        cursor = at + len(piece)
    rest = trimmed(text, paragraph.start + cursor, paragraph.end)
    if rest is not None:
        spans.append(rest)
    return spans


@dataclass(frozen=True)
class Document:
    """An input text, never mutated, with its paragraphs and sentences as spans."""

    text: str
    path: str | None = None
    encoding: str = "utf-8"
    bom: bytes = b""
    newline: str = "LF"
    sha256: str = ""  # of the input bytes, when read from a file
    paragraphs: tuple[Span, ...] = field(default=(), repr=False)
    sentences: tuple[Span, ...] = field(default=(), repr=False)
    replaced: int = 0  # undecodable byte sequences replaced with U+FFFD when read
    # a bilingual segment's inline markup (XLIFF <g>, <x/>, ...): not in ``text``, only where it sits
    codes: tuple[InlineCode, ...] = field(default=(), repr=False)
    # which placeholder syntaxes its text uses where its file says (a PO message's format flags,
    # ``protected.syntax_of``); None: not known, every look-alike is a placeholder
    syntax: Syntax = field(default=None, repr=False)

    @classmethod
    def from_text(
        cls,
        text: str,
        path: str | None = None,
        encoding: str = "utf-8",
        bom: bytes = b"",
        sha256: str = "",
        replaced: int = 0,
        codes: tuple[InlineCode, ...] = (),
        syntax: Syntax = None,
    ) -> Document:
        paragraphs = split_paragraphs(text)
        sentences = tuple(s for p in paragraphs for s in split_sentences(text, p))
        return cls(
            text,
            path,
            encoding,
            bom,
            newline_style(text),
            sha256,
            tuple(paragraphs),
            sentences,
            replaced,
            codes,
            syntax,
        )

    @classmethod
    def from_bytes(cls, data: bytes, path: str | None = None) -> Document:
        """An input's bytes, decoded (``decode``), with the bytes replaced by U+FFFD counted:
        files and standard input alike."""
        text, encoding, bom = decode(data)
        replaced = replaced_count(text, data[len(bom) :]) if encoding == "utf-8" else 0
        return cls.from_text(text, path, encoding, bom, hashlib.sha256(data).hexdigest(), replaced)

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "<text>"

    @cached_property
    def word_count(self) -> int:
        # cached: the reports ask more than once; the checks' word index leaves it here
        # (``checks.resources.words.forget``), which spares a scan of the text
        return word_count(self.text)

    def encode(self, text: str | None = None, encoding: str | None = None) -> bytes:
        """Bytes of ``text`` (default: the original) in the input's encoding, BOM included."""
        text = self.text if text is None else text
        if encoding is None:
            return self.bom + text.encode(self.encoding)
        return text.encode(encoding)


def read_input(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """An input's bytes (regular files only, the limit counted while reading); ``InputError``
    carries a one-line reason on failure."""
    try:
        return read_limited(path, max_bytes)
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as err:
        raise InputError(err.strerror or str(err)) from None


def load_document(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and decode one file; ``InputError`` carries a one-line reason on failure."""
    return Document.from_bytes(read_input(Path(path), max_bytes), path_text(path))
