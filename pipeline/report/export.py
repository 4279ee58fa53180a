"""One batch-wide export of every finding: ``findings.jsonl`` and ``findings.csv``.

One row per finding of the original texts (what a reviewer works through): file, record
(a corpus record's id: a PO message, an XLIFF unit; empty for a text file), line, column,
check, severity, text, plus the report name, the finding's number (its position
in the report, for display), its message, its stable id (what ``tqa accept --id`` takes)
and where its review stands: ``state`` (pending, fixed, dismissed), the reviewer's own
``fix`` and ``comment``. A run writes every finding pending; the review's decisions files are
the truth the three columns follow (``review.refresh``), and ``rewrite_states`` rewrites
the export once for the rows of many articles. For spreadsheets and dashboards.

Rows are streamed to temporary files as articles finish and renamed into place at the
end, so memory stays flat in the batch size and a reader never sees half an export. An
article skipped by ``--resume`` contributes the rows of its findings JSON.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from pipeline.util.atomic import AtomicFile

COLUMNS = (
    "file",
    "record",
    "line",
    "column",
    "check",
    "severity",
    "text",
    "stem",
    "number",
    "message",
    "id",
    "state",
    "fix",
    "comment",
)
PENDING = "pending"
NAMES = ("findings.jsonl", "findings.csv")


def rows_from_report(payload: dict[str, Any], file: str, stem: str, record: str = "") -> list[dict[str, Any]]:
    """Export rows from a findings JSON payload (its findings carry line and column); ``file``
    the file the text was read from, ``record`` its id there when it is a corpus record."""
    return [
        {
            "file": file,
            "record": record,
            "line": f.get("line"),
            "column": f.get("column"),
            "check": f["check"],
            "severity": f["severity"],
            "text": f.get("text", "").strip(),
            "stem": stem,
            "number": n,
            "message": f.get("message", ""),
            "id": f.get("id", ""),
            "state": PENDING,
            "fix": "",
            "comment": "",
        }
        for n, f in enumerate(payload.get("findings", []), 1)
    ]


class FindingsExport:
    """Open with the output folder; ``add`` rows per article; ``close`` publishes both files."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.rows = 0
        self._files: list[tuple[IO[str], AtomicFile]] = []

    def _open(self) -> None:
        # opened on first use: the batch clears stale temporary files (tqa's own names) when it starts
        for name in NAMES:
            out = AtomicFile(self.out_dir / name)
            self._files.append((out.text(), out))
        self._jsonl = self._files[0][0]
        self._csv = csv.DictWriter(self._files[1][0], fieldnames=COLUMNS)
        self._csv.writeheader()

    def add(self, rows: list[dict[str, Any]]) -> None:
        if not self._files:
            self._open()
        for row in rows:
            self._jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            self._csv.writerow(row)
        self.rows += len(rows)

    def add_resumed(
        self,
        out_dir: Path,
        stem: str,
        file: str,
        text: str | None = None,
        output: dict[str, Any] | None = None,
        record: str = "",
    ) -> None:
        """The rows of an article ``--resume`` skipped: a corpus record's from its output as the
        manifest kept it (``text``: the record's text, for lines and columns), since a record
        has no findings JSON unless ``--reports`` asks; a file's from its findings JSON."""
        if text is not None and output is not None and "findings" in output.get("tqa", {}):
            self.add(rows_from_report({"findings": _located(output["tqa"]["findings"], text)}, file, stem, record))
            return
        try:
            payload = json.loads((out_dir / f"{stem}.findings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no findings JSON written (--reports without json): nothing to export
        self.add(rows_from_report(payload, file, stem, record))

    def close(self) -> list[Path]:
        """Publish both files; one that cannot be written does not keep the other back
        (``SummaryNotWritten`` names it)."""
        done, failures = [], []
        try:
            if not self._files:
                self._open()
        except OSError as err:  # a read-only output folder: not even an empty export
            self.discard()
            failures = [(self.out_dir / name, err.strerror or str(err)) for name in NAMES]
        for _, out in self._files if not failures else []:
            try:
                done.append(out.commit())
            except (OSError, UnicodeError) as err:
                out.abort()
                failures.append((out.target, getattr(err, "strerror", None) or str(err)))
        if failures:
            from pipeline.report.summary import SummaryNotWritten

            raise SummaryNotWritten(failures, {})
        return done

    def discard(self) -> None:
        for _, out in self._files:
            out.abort()


def _located(findings: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """``json_report.located`` for findings already as dicts (a record's ``tqa`` field)."""
    from pipeline.core.findings import Finding, Severity
    from pipeline.core.fingerprints import finding_ids
    from pipeline.core.lines import LineIndex
    from pipeline.core.spans import Span

    index = LineIndex(text)
    out = []
    made = [Finding(f["check"], Span(f["start"], f["end"]), Severity(f["severity"]), f["message"]) for f in findings]
    for f, finding, fid in zip(findings, made, finding_ids(made, text)):
        line, column = index.position(finding)
        out.append({**f, "id": fid, "line": line, "column": column})
    return out


def rewrite_states(out_dir: Path, states: Mapping[str, Mapping[str, Mapping[str, str]] | None]) -> int | None:
    """Set the ``state``, ``fix`` and ``comment`` of the rows of the articles in ``states`` in one
    pass over the export: stem -> finding id -> those three (a finding it does not name keeps its
    row), or None for an article with no decisions (its rows pending, as a run writes them).

    Streamed, so memory stays flat in the export's size. A row of another article is copied
    as it is, its JSON line and its CSV record byte for byte, without being parsed where its
    line shows its article (``_Rewrite``). Both files are replaced atomically, and left
    untouched when no row changes. Returns how many rows changed; None when the run wrote no
    export.
    """
    out_dir = Path(out_dir)
    if not (out_dir / NAMES[0]).is_file():
        return None
    try:
        return _Rewrite(out_dir, states).run(copy_csv=(out_dir / NAMES[1]).is_file())
    except _OutOfStep:  # a CSV that is not the JSONL's (edited by hand): written again from the JSONL
        return _Rewrite(out_dir, states).run(copy_csv=False)


class _OutOfStep(Exception):
    """The CSV's records are not the JSONL's rows, one for one."""


_STEM_KEY = b', "stem": "'  # how json.dumps writes the key; inside a string value its quotes would be escaped
_BLANK = {"state": PENDING, "fix": "", "comment": ""}


class _Rewrite:
    """One pass over ``findings.jsonl`` and, in step with it, ``findings.csv``.

    The CSV record of a row is as many ``\\n``-ended pieces of the file as the row's values
    hold newlines, plus one (the record's own ``\\r\\n``); a JSON line holds a newline only as
    the escape ``\\n``, so a line without one is a one-piece record, unparsed. Every row that is
    parsed anyway has its record compared with the one csv.writer makes from it, and the two
    files must end together: a CSV out of step with the JSONL (a record lost or added, one
    edited by hand that is compared) is noticed, and then written again from the JSONL.
    """

    def __init__(self, out_dir: Path, states: Mapping[str, Mapping[str, Mapping[str, str]] | None]) -> None:
        self.out_dir, self.states = out_dir, states
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)  # in column order: what DictWriter wrote at run time

    def record(self, row: dict[str, Any]) -> bytes:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow([row.get(column, "") for column in COLUMNS])
        return self.buffer.getvalue().encode("utf-8")

    def run(self, copy_csv: bool) -> int:
        changed = 0
        outs = [AtomicFile(self.out_dir / name) for name in NAMES]
        # the file objects under NamedTemporaryFile's wrapper: a write through it costs as much again
        put_line, put_record = (getattr(out.file, "file", out.file).write for out in outs)
        try:
            with contextlib.ExitStack() as stack:
                source = stack.enter_context((self.out_dir / NAMES[0]).open("rb"))
                pieces = iter(stack.enter_context((self.out_dir / NAMES[1]).open("rb")) if copy_csv else ())
                header = self.record(dict(zip(COLUMNS, COLUMNS)))
                if copy_csv and next(pieces, b"") != header:
                    raise _OutOfStep
                put_record(header)
                for line in source:
                    if not line.strip():
                        continue
                    row, stem = None, _stem(line)
                    if stem is None:
                        row = json.loads(line)
                        stem = row.get("stem")
                    if stem in self.states or (copy_csv and row is None and b"\\n" in line):
                        row = row or json.loads(line)
                    old = b""
                    if copy_csv:
                        if row is None:
                            old = next(pieces, b"")
                        else:
                            lines = 1 + sum(str(row.get(c, "")).count("\n") for c in COLUMNS)
                            old = b"".join(next(pieces, b"") for _ in range(lines))
                        if not old.endswith(b"\n") or (row is not None and old != self.record(row)):
                            raise _OutOfStep
                    if stem in self.states:
                        given = self.states[stem]
                        new = _BLANK if given is None else given.get(row.get("id"))  # type: ignore[union-attr]
                        if new is not None and any(row.get(k) != new.get(k, "") for k in _BLANK):  # type: ignore[union-attr]
                            row.update((k, new.get(k, "")) for k in _BLANK)  # type: ignore[union-attr]
                            line, old = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"), b""
                            changed += 1
                    put_line(line if line.endswith(b"\n") else line + b"\n")
                    put_record(old or self.record(row if row is not None else json.loads(line)))
                if copy_csv and next(pieces, None) is not None:
                    raise _OutOfStep
            if not changed and copy_csv:
                for out in outs:
                    out.abort()
                return 0
            for out in outs:
                out.commit()
        except BaseException:
            for out in outs:
                out.abort()
            raise
        return changed


def _stem(line: bytes) -> str | None:
    """The article of a JSON line, read without parsing it; None where the line does not
    show it plainly (an escape in the name, another layout): then it is parsed."""
    at = line.find(_STEM_KEY)
    if at < 0:
        return None
    at += len(_STEM_KEY)
    end = line.find(b'"', at)
    if end < 0 or b"\\" in line[at:end]:
        return None
    try:
        return line[at:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
