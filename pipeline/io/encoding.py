"""Reading an input with the user's ``--encoding``, or warning when detection was a guess.

``document.decode`` detects; this module adds what a user needs around it: an explicit
encoding that wins (strict: bytes invalid in it are an error, never replaced), and a
warning when charset-normalizer's pick had close rivals that read the bytes differently
(a cp1252 file is easily taken for cp1250 or cp1257: the letters change, silently).
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from pipeline.core.document import MAX_BYTES, Document, InputError, read_input
from pipeline.util.reading import over_limit, path_text

CLOSE_CHAOS = 0.1  # a rival this close to the best candidate's "chaos" is a real alternative
DETECTED_BY_RULE = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "gb18030"}


def check_encoding(name: str) -> str:
    """The codec's canonical name; ``LookupError`` for an unknown one."""
    return codecs.lookup(name).name


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"not valid {encoding} (--encoding): {err.reason} at byte {err.start}") from None


def _rivals(data: bytes, found: str, text: str) -> list[str]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    best = min((m.chaos for m in matches), default=0.0)
    rivals = [m.encoding for m in matches if m.encoding != found and m.chaos <= best + CLOSE_CHAOS and str(m) != text]
    if not rivals:
        return []
    return [
        f"encoding detected as {found} with low confidence (it could also be {', '.join(rivals[:3])}); "
        f"pass --encoding ENC to be sure"
    ]


def read_document(
    path: str | Path, encoding: str | None = None, max_bytes: int = MAX_BYTES, data: bytes | None = None
) -> tuple[Document, list[str]]:
    """An input as a document, and warnings about its decoding: the file at ``path``, or
    ``data`` read elsewhere (standard input) under the name ``path``; one way for both."""
    if data is None:
        data = read_input(Path(path), max_bytes)
    elif len(data) > max_bytes:
        raise InputError(over_limit(max_bytes))
    if encoding is not None:
        return Document.from_text(
            _decode_as(data, encoding), path_text(path), encoding, b"", hashlib.sha256(data).hexdigest()
        ), []
    doc = Document.from_bytes(data, path_text(path))
    if doc.bom or doc.encoding in DETECTED_BY_RULE:
        return doc, []
    return doc, _rivals(data, doc.encoding, doc.text)
