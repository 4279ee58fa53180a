"""What ``tqa check`` prints: text lines (ruff-like) or one JSON document streamed file by file.

Positions come from ``lines.LineIndex`` (linear, first visible character). JSON is written one file at a time with the C
encoder (no ``indent``), so memory stays flat in the number of files.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import IO, Any

from pipeline import __version__
from pipeline.core.findings import CheckTally, Finding, Severity
from pipeline.core.fingerprints import finding_ids
from pipeline.core.lines import LineIndex
from pipeline.util.terminal import printable, printable_json

_COLOURS = {"critical": ("red", True), "major": ("yellow", True), "minor": ("cyan", False)}
EXCERPT = 60


def excerpt(text: str) -> str:
    text = text.strip().replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return text if len(text) <= EXCERPT else text[: EXCERPT - 3] + "..."


def use_colour(stream: IO[str]) -> bool:
    """Colour on a terminal only, and never with NO_COLOR set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


class CheckOutput:
    """Collects totals; subclasses decide how each file's findings are written."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tally = CheckTally()
        self.severities: Counter[str] = Counter()
        self.files = 0
        self.errors: list[dict[str, str]] = []

    def begin(self) -> None:
        pass

    def add(self, path: str, doc: Any, findings: list[Finding], record: dict[str, str] | None = None) -> None:
        """``record``: a corpus record's ``id`` and ``where`` (line/row); offsets are into its text."""
        self.files += 1
        self.tally.add(findings, doc.text)
        self.severities.update(f.severity.value for f in findings)
        self._write(path, doc, findings, record)

    def error(self, path: str, message: str, record: dict[str, str] | None = None) -> None:
        self.errors.append({"path": path, **(record or {}), "error": message})

    def totals(self) -> dict[str, int]:
        return {s.value: self.severities.get(s.value, 0) for s in reversed(list(Severity))}

    def _write(self, path: str, doc: Any, findings: list[Finding], record: dict[str, str] | None) -> None:
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError


class TextOutput(CheckOutput):
    """``path:line:col: severity check: message «text» (#n id ID)``, then counts per check and severity.

    ``ID`` is the finding's stable id (``fingerprints.finding_ids``), what ``tqa accept --id``
    takes; ``#n`` is its position in this listing, for the eye only."""

    def __init__(self, stream: IO[str], colour: bool | None = None) -> None:
        super().__init__(stream)
        self.colour = use_colour(stream) if colour is None else colour

    def _style(self, text: str, severity: str) -> str:
        if not self.colour:
            return text
        import click

        fg, bold = _COLOURS[severity]
        return click.style(text, fg=fg, bold=bold)

    def _write(self, path: str, doc: Any, findings: list[Finding], record: dict[str, str] | None) -> None:
        index = LineIndex(doc.text)
        path = f"{path}#{record['id']}" if record else path  # a record, then line:col inside its text
        for number, (f, fid) in enumerate(zip(findings, finding_ids(findings, doc.text)), 1):
            line, col = index.position(f)
            sev = self._style(f.severity.value, f.severity.value)
            # file names and article text may hold escape sequences: printed inert (terminal.py)
            shown = printable(f"{path}:{line}:{col}: ")
            self.stream.write(
                f"{shown}{sev} {f.check}: {printable(f.message)} «{printable(excerpt(f.span.of(doc.text)))}» (#{number} id {fid})\n"
            )

    def end(self) -> None:
        checked = self.files
        if not self.tally.counts:
            if checked:
                self.stream.write(f"All clear: no findings in {checked} file(s).\n")
            return
        self.stream.write(f"\nfindings per check ({checked} file(s)):\n")
        for check_id, entry in self.tally.to_dict().items():
            samples = printable(", ".join(f"«{s}»" for s in entry["samples"]))  # type: ignore[union-attr]
            self.stream.write(f"  {check_id:<24} {entry['count']:>6}  {samples}\n")
        total = sum(self.severities.values())
        parts = ", ".join(self._style(f"{n} {s}", s) for s, n in self.totals().items())
        self.stream.write(f"{total} finding(s) in {checked} file(s): {parts}\n")


class JsonOutput(CheckOutput):
    """One JSON document: ``files`` streamed as they come, then errors, counts and totals."""

    def begin(self) -> None:
        self.stream.write(f'{{"tqa": {json.dumps(__version__)}, "files": [')
        self._first = True

    def _write(self, path: str, doc: Any, findings: list[Finding], record: dict[str, str] | None) -> None:
        index = LineIndex(doc.text)
        entries = []
        for number, (f, fid) in enumerate(zip(findings, finding_ids(findings, doc.text)), 1):
            line, col = index.position(f)
            entries.append({"id": fid, "number": number, **f.to_dict(doc.text), "line": line, "column": col})
        entry = {
            "path": path,
            **(record or {}),
            "encoding": doc.encoding,
            "newline": doc.newline,
            "words": doc.word_count,
            "findings": entries,
        }
        self.stream.write(("\n" if self._first else ",\n") + printable_json(json.dumps(entry, ensure_ascii=False)))
        self._first = False

    def end(self) -> None:
        tail = {"errors": self.errors, "checks": self.tally.to_dict(), "totals": self.totals()}
        self.stream.write("\n], " + printable_json(json.dumps(tail, ensure_ascii=False))[1:] + "\n")
