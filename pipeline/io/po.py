"""gettext PO catalogues (``.po``): each translated message is a segment.

A message with a non-empty ``msgstr`` is one record: its text the ``msgstr``, its original the
``msgid`` (``msgid_plural`` for ``msgstr[1]`` and beyond, each plural form its own record), its id
the ``msgid`` (``msgctxt|msgid`` with a context; ``[n]`` after a plural form); its key, which tells
records apart, has gettext's EOT in place of the bar, so a ``|`` in a msgid cannot make two alike.
The header, untranslated and obsolete (``#~``) messages are not records and stay as they are.
A message's format flags (``#, c-format``, ``#, no-c-format``, ``#, python-brace-format``) go with
its records (``Record.formats``; a message without one, in a catalogue whose other messages carry
``X-format``, gets ``no-X-format``): ``pipeline.core.protected.syntax_of`` decides from them which
``%d`` or ``{name}`` is a placeholder.

Written back by splicing into the file as read: only the characters of a repaired ``msgstr`` change
(inside its quoted strings, so its line wrapping stays), and a message with findings tqa did not
resolve gets the ``fuzzy`` flag and a ``# tqa: <check ids>`` translator comment (``Fields.markers``
off: neither); a later run replaces that comment, or removes it when the message is clean. ``fuzzy`` keeps the translation out of the compiled catalogue until someone looks,
which is what it is for. A small reader of PO's string syntax is used, not polib, because
splicing needs where each character of a string is in the file, and polib keeps only the values.

Both ways stream: the catalogue is decoded and read a line at a time (once to make sure all of it
is PO, a catalogue that is not being written back as it is; then for its records), and the writer
copies it from one message's edits to the next (``stream.Splicer``), so memory holds a message,
not the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, UnreadableInput
from pipeline.io.stream import SplicingWriter, view

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(?=\"|$)")
_PLAIN = re.compile(r'[^"\\\n]+')
_ESCAPE = re.compile(r'\\(?:[ntrabfv\\"?]|[0-7]{1,3}|x[0-9A-Fa-f]{1,2})')
_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"', "?": "?"}
_OUT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# a decoded character and where its spelling is in the file: (start, end)
Spans = list[tuple[int, int]]


def _string(line: str, at: int, i: int, where: str, places: bool = True) -> tuple[str, Spans, int]:
    """The quoted string starting at ``line[i]`` (``"``): its value, each character's place
    (``at``: where ``line`` starts in the file; none unless ``places``) and where the closing
    quote is."""
    out, spans, i = [], [], i + 1
    while True:
        run = _PLAIN.match(line, i)
        if run:  # most of a string: characters that stand for themselves
            out.append(run.group())
            if places:
                spans += [(at + k, at + k + 1) for k in range(i, run.end())]
            i = run.end()
        if i >= len(line) or line[i] != "\\":
            break
        start, m = i, _ESCAPE.match(line, i)
        if m is None:
            raise ValueError(f"{where}: unknown escape {line[i : i + 2]}")
        text = m.group()
        if text[1] in _ESCAPES:
            out.append(_ESCAPES[text[1]])
        else:  # \ooo octal or \xhh hexadecimal
            out.append(chr(int(text[2:], 16) if text[1] == "x" else int(text[1:], 8)))
        i = m.end()
        if places:
            spans.append((at + start, at + i))
    if i >= len(line) or line[i] != '"':
        raise ValueError(f"{where}: a string with no closing quote")
    return "".join(out), spans, at + i


class _Message:
    def __init__(self, start: int) -> None:
        self.start = start  # where its first line is
        self.first_keyword = -1  # where its first keyword line (or ``#|``) is: flags go before it
        self.comments_end = start  # after its leading translator comments
        self.tqa_comment: tuple[int, int] | None = None  # a ``# tqa:`` line's text, without the newline
        self.flags: tuple[int, int] | None = None  # a ``#,`` line, without the newline
        self.words: list[str] = []  # its flags: ``fuzzy``, ``c-format``, ...
        self.fuzzy = False
        # keyword -> [value, where its strings' opening quotes are, where its last closing quote is, line]
        self.parts: dict[str, list[Any]] = {}
        self.obsolete = False


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """The catalogue's lines, decoded a chunk at a time, each with its newline. Lines end at
    \n alone: str.splitlines would also break at \u2028 and friends inside a string."""
    rest = ""
    for chunk in view(path, text=encoding):
        text, at = rest + chunk, 0
        while (end := text.find("\n", at)) >= 0:  # one line at a time: a chunk's lines are not all held
            yield text[at : end + 1]
            at = end + 1
        rest = text[at:]
    if rest:
        yield rest


def _messages(lines: Iterator[str], path: Path) -> Iterator[_Message]:
    message: _Message | None = None
    current: list[Any] | None = None
    pos = 0
    for number, line in enumerate(lines, 1):
        at, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if number == 1 and body.startswith("\ufeff"):  # a byte-order mark, as some Windows tools write
            body, at = body[1:], at + 1
        stripped = body.strip()
        where = f"{path.name}: line {number}"
        if not stripped or stripped.startswith("domain "):  # ``domain``: where a catalogue's next domain starts
            if message is not None:
                yield message
            message, current = None, None
            continue
        if message is None or (current is not None and stripped.startswith("#") and message.parts):
            if message is not None:  # a comment after a message's strings starts the next one
                yield message
            message, current = _Message(at), None
        if stripped.startswith("#~"):
            message.obsolete = True
            continue
        if stripped.startswith("#"):
            if stripped.startswith("#,"):
                message.flags = (at, at + len(body))
                message.words += [f.strip() for f in stripped[2:].split(",") if f.strip()]
                message.fuzzy = "fuzzy" in message.words
            elif stripped.startswith("#|") and message.first_keyword < 0:
                message.first_keyword = at
            elif body[:2] in ("# ", "#") and message.first_keyword < 0 and message.flags is None:
                if body.startswith("# tqa:"):
                    message.tqa_comment = (at, at + len(body))
                message.comments_end = pos
            continue
        indent = len(body) - len(body.lstrip())
        m = _KEYWORD.match(body, indent)
        if m and m.group(1) in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in message.parts):
            yield message  # no blank line between two messages
            message = _Message(at)
        if m:
            if message.first_keyword < 0:
                message.first_keyword = at
            if m.end() < len(body):
                value, _, end = _string(body, at, m.end(), where, places=False)
                quotes = [at + m.end()]
                i = end - at + 1
            else:  # the keyword alone, its strings on the lines after
                value, quotes, end, i = "", [], -1, len(body)
            current = message.parts[m.group(1)] = [value, quotes, end, number]
        elif stripped.startswith('"') and current is not None:
            value, _, end = _string(body, at, indent, where, places=False)
            current[0] += value
            current[1].append(at + indent)
            current[2] = end
            i = end - at + 1
        else:
            raise ValueError(f"{where}: not PO syntax: {stripped[:40]!r}")
        if body[i:].strip():
            raise ValueError(f"{where}: text after a string: {body[i:].strip()[:40]!r}")
    if message is not None:
        yield message


def _encoding(path: Path) -> str:
    """The catalogue's charset, from its header (the first message)."""
    with open(path, "rb") as f:
        m = _CHARSET.search(f.read(4096))
    return m.group(1).decode("ascii") if m and m.group(1).upper() != b"CHARSET" else "utf-8"


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    marked: set[str] = set()  # the format flags the catalogue's messages carry
    try:
        encoding = _encoding(path)
        for message in _messages(_lines(path, encoding), path):  # all of it must be PO before a record is handed on
            marked.update(w for w in message.words if w.endswith("-format") and not w.startswith("no-"))
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    except (UnicodeDecodeError, LookupError) as err:
        yield Malformed("file", f"cannot be decoded: {err}")
        return
    except ValueError as err:
        yield Malformed("file", str(err).removeprefix(path.name + ": "))
        return
    try:
        yield from _records(_messages(_lines(path, encoding), path), marked)
    except (OSError, ValueError) as err:  # it was read a moment ago
        raise CorpusError(f"{path}: changed while it was read: {err}") from None


def _formats(message: _Message, marked: set[str]) -> tuple[str, ...]:
    """A message's format flags, with ``no-X-format`` for each ``X-format`` other messages of the
    catalogue carry and it does not: the extractor (xgettext, Babel) flags every message it finds
    to be a format string of its language, so a message it left unflagged is not one (as
    ``msgfmt --check`` reads it)."""
    own = tuple(w for w in message.words if w.endswith("-format"))
    return own + tuple(f"no-{w}" for w in sorted(marked) if w not in own and f"no-{w}" not in own)


def _records(messages: Iterator[_Message], marked: set[str]) -> Iterator[Record]:
    for message in messages:
        parts = message.parts
        if message.obsolete or "msgid" not in parts or not parts["msgid"][0]:
            continue  # the header, or not a message
        formats = _formats(message, marked)
        key = shown = parts["msgid"][0]
        if "msgctxt" in parts:  # the key is gettext's own (an EOT between); the id people read has a bar
            key, shown = parts["msgctxt"][0] + "\x04" + key, parts["msgctxt"][0] + "|" + key
        plural = "msgid_plural" in parts
        for name, (value, quotes, end, number) in parts.items():
            if not name.startswith("msgstr") or not value:
                continue
            n = int(name[7:-1]) if name.endswith("]") else 0
            source = parts["msgid_plural"][0] if plural and n >= 1 else parts["msgid"][0]
            rid, rkey = (f"{shown}[{n}]", f"{key}[{n}]") if plural else (shown, key)
            place = {
                "message": message.start,
                "quotes": quotes,  # the writer finds each character from here: lighter than keeping them
                "end": end,
                "flags": message.flags,
                "fuzzy": message.fuzzy,
                "comments_end": message.comments_end,
                "tqa_comment": message.tqa_comment,
                "first_keyword": message.first_keyword,
            }
            context = parts["msgctxt"][0] if "msgctxt" in parts else None
            yield Record(rid, value, f"line {number}", place, source, f"s:{rkey}", context=context, formats=formats)


def _escape(text: str) -> str:
    return "".join(_OUT.get(c, c if c >= " " or c == "\x04" else f"\\{ord(c):03o}") for c in text)


def _edits(
    text: str, place: dict[str, Any], applied: list[dict[str, Any]], base: int = 0
) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Splices into the file for the repairs of one ``msgstr``: each repair's characters
    removed where they are spelled and its replacement put where the first was (a repair at
    the very end: before the last closing quote); checks of repairs that overlap one before.
    ``text``: the catalogue from ``base`` on."""
    if not applied:
        return [], []
    spans: Spans = [span for q in place["quotes"] for span in _string(text, base, q - base, "")[1]]
    out: list[tuple[int, int, str]] = []
    refused, done = [], 0
    for edit in sorted(applied, key=lambda e: (e["start"], e["end"])):
        start, end = edit["start"], edit["end"]
        if start < done:
            refused.append(edit["check"])
            continue
        at = spans[start][0] if start < len(spans) else place["end"]
        out.append((at, at, _escape(edit["replacement"])))
        out += [(a, b, "") for a, b in spans[start:end]]
        done = end
    return out, refused


class Writer(SplicingWriter):
    """The catalogue as read with the repairs and markers spliced in, a message at a time as
    its records come (a message's plural forms come as separate records and share one marker)."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        encoding = _encoding(source) if source is not None else "utf-8"
        super().__init__(target, fields, source, text=encoding)
        head = next(view(source, text=encoding), "") if source is not None else ""
        self.newline = "\r\n" if "\r\n" in head[:4096] else "\n"
        self.message: int | None = None  # the message whose edits wait for its last plural form
        self.hi = 0
        self.edits: list[tuple[int, int, str]] = []
        self.flagged: dict[int, tuple[dict[str, Any], set[str]]] = {}
        self.stale: dict[int, tuple[int, int]] = {}  # messages clean now, with a comment of an earlier run

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        tqa, place = output["tqa"], record.fields
        if place["message"] != self.message:
            self._flush()
            self.message = place["message"]
        ends = [place["end"], place["comments_end"], place["first_keyword"], *(place["tqa_comment"] or ())]
        self.hi = max(self.hi, *ends, *(place["flags"] or ()))
        data, base = self.splicer.reach(place["message"], self.hi + 2)
        edits, refused = _edits(data, place, tqa.get("applied", []), base)
        self.edits += edits
        checks = {f["check"] for f in tqa.get("findings_after", [])} | set(refused)
        if "error" in tqa:
            checks.add("error")
        if checks and self.fields.markers:
            self.flagged.setdefault(place["message"], (place, set()))[1].update(checks)
        elif self.fields.markers and place["tqa_comment"]:  # clean now: an earlier run's comment goes
            self.stale[place["message"]] = place["tqa_comment"]
        return [f"{len(refused)} repair(s) not written back: they overlap another"] if refused else []

    def _markers(self, text: str, base: int) -> list[tuple[int, int, str]]:
        out, newline = [], self.newline
        for message, (a, b) in self.stale.items():
            if message not in self.flagged:  # a plural form of it may still be flagged
                out.append((a, b + (2 if text.startswith("\r\n", b - base) else 1), ""))
        for place, checks in self.flagged.values():
            comment = f"# tqa: {', '.join(sorted(checks))}"
            if place["tqa_comment"]:
                out.append((*place["tqa_comment"], comment))
            else:
                out.append((place["comments_end"], place["comments_end"], comment + newline))
            if place["fuzzy"]:
                continue
            if place["flags"]:
                a, b = place["flags"]
                out.append((a + 2, a + 2, " fuzzy,"))  # gettext writes fuzzy first: "#, fuzzy, c-format"
            else:
                out.append((place["first_keyword"], place["first_keyword"], "#, fuzzy" + newline))
        return out

    def _flush(self) -> None:
        """Write the pending message's repairs and markers."""
        if self.message is None:
            return
        data, base = self.splicer.reach(self.message, self.hi + 2)
        self.splicer.put(self.edits + self._markers(data, base))
        self.edits, self.flagged, self.stale, self.message, self.hi = [], {}, {}, None, 0
