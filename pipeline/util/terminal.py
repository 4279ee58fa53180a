"""Text from files (names, article text, reports) made safe to print on a terminal.

A file name or an article can hold escape sequences (ESC [ ... to recolour, retitle or
clear the terminal, C1 controls such as U+009B, bidi overrides that reorder what a
reviewer reads); printed raw, also when piped into ``less -R`` or a CI log, they act
instead of showing. Every control and format character is shown as a visible escape.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidi embedding/override/isolate marks.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def printable(text: object) -> str:
    """``str(text)`` with every control character (``\\n`` and ``\\t`` included) escaped, and the
    undecodable bytes of a file name (lone surrogates, which no terminal encoding takes) too."""
    text = str(text)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # as path_text
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSAFE.sub(_escape, text)


def printable_json(dumped: str) -> str:
    """JSON text (``ensure_ascii=False``) with the controls JSON leaves raw escaped as ``\\uXXXX``:
    still the same JSON value, but inert on a terminal."""
    # json.dumps has escaped every C0 control inside strings: a raw newline is indentation
    return _UNSAFE.sub(lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", dumped)
