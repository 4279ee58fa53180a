"""A reviewer's decisions -> the final text; the one code path from decisions to text.

The review page (or ``tqa review``, as each decision is made) saves
``<stem>.decisions.json`` (``tqa-decisions/2``): one item per finding on the page, under
its stable id, with its state (``pending``: nothing decided; ``fixed``: a change is
applied, the run's or the reviewer's own text; ``dismissed``: a false alarm), whether
its change is applied, the reviewer's own replacement (``fix``, an edit of origin
``reviewer``) and a comment. ``tqa-decisions/1`` files (accept or reject per change) are
still read. A findings JSON works too and means "accept everything that was applied". Either way the original file is read
again, checked against the fingerprint the report recorded (offsets into a text that has
changed since would silently corrupt it), and exactly the accepted changes are applied
with ``apply_edits``, the one place text changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.document import Document, InputError, load_document
from pipeline.core.edits import Edit, OverlappingEditsError, apply_edits
from pipeline.report.changes import text_sha256
from pipeline.review.decisions import DECISIONS_SCHEMA, PENDING, REVIEWER, Review, ReviewError, load_review
from pipeline.util.atomic import write_atomic


@dataclass(frozen=True)
class Applied:
    """What ``apply_review`` did."""

    output: Path
    input: Path
    accepted: int
    rejected: int
    final: str
    own: int = 0  # of the accepted: the reviewer's own texts
    pending: int | None = None  # findings still pending (a tqa-decisions/2 file), else None


def _matches(review: Review, doc: Document) -> str | None:
    """Why ``doc`` is not the text the review was made on; None when it is.

    The hash decides, first and alone: a report names a path, and a tampered one may name
    any file; nothing about a file that is not the input is used or said.
    """
    if review.sha256 is None:
        return "cannot be checked: the report carries no text_sha256"
    if text_sha256(doc.text) != review.sha256:
        return "is not the text the report was made on (its sha256 differs)"
    for d in review.decisions:
        if d.span.end > len(doc.text):
            return f"change {d.id} ends at {d.span.end}, past the end of the text ({len(doc.text)})"
        if d.text is not None and d.span.of(doc.text) != d.text:
            return f"the text at change {d.id} ({d.span.start}-{d.span.end}) is not what the report says"
    return None


def locate_input(review: Review, override: str | Path | None = None) -> Document:
    """Load the original text: ``override``, else the report's path as given, else near the file.

    The path in a report is the one ``tqa run`` was given, usually relative to where it ran;
    a decisions file may since have moved (a browser's download folder), so the folders of
    the file and its parent are tried too.
    """
    if override is not None:
        candidates = [Path(override)]
    else:
        if not review.input_path:
            raise ReviewError(f"{review.source}: the report names no input file; pass --input FILE")
        given = Path(review.input_path)
        candidates = (
            [given]
            if given.is_absolute()
            else [given, review.source.parent / given, review.source.parent.parent / given]
        )
    problems = []
    for candidate in dict.fromkeys(candidates):
        if not candidate.is_file():
            continue
        try:
            doc = load_document(candidate)
        except InputError as err:
            problems.append(f"{candidate}: {err}")
            continue
        why = _matches(review, doc)
        if why is None:
            return doc
        problems.append(f"{candidate} {why}")
    if problems:
        raise ReviewError(f"the input has changed since the report: {problems[0]}; rerun `tqa run` on it")
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise ReviewError(f"cannot find the input file (tried {tried}); pass --input FILE")


def final_text(review: Review, doc: Document) -> str:
    """The original text with exactly the accepted changes applied."""
    edits = [Edit(d.span, d.replacement, f"{d.id} accepted in review", d.origin, d.check) for d in review.accepted]
    try:
        return apply_edits(doc.text, edits)
    except OverlappingEditsError:
        spans = sorted(review.accepted, key=lambda d: (d.span.start, d.span.end))
        for a, b in zip(spans, spans[1:]):
            if a.span.overlaps(b.span) or a.span == b.span:
                raise ReviewError(
                    f"{review.source}: accepted changes {a.id} and {b.id} overlap; reject one of them"
                ) from None
        raise


def default_output(source: Path) -> Path:
    """``x.decisions.json`` or ``x.findings.json`` -> ``x.final.txt`` in the same folder."""
    name = source.name
    for suffix in (".decisions.json", ".findings.json", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return source.with_name(name[: -len(suffix)] + ".final.txt")
    return source.with_name(name + ".final.txt")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


def apply_review(path: str | Path, out: str | Path | None = None, input_path: str | Path | None = None) -> Applied:
    """Write the final text of a review; never overwrites the input or the decisions file."""
    review = load_review(path)
    doc = locate_input(review, input_path)
    final = final_text(review, doc)
    target = Path(out) if out is not None else default_output(review.source)
    assert doc.path is not None
    for protected, what in ((Path(doc.path), "the input"), (review.source, "the decisions file")):
        if _same_file(target, protected):
            raise ReviewError(f"{target}: refusing to overwrite {what}; choose another --out")
    if target.is_dir():
        raise ReviewError(f"{target}: is a folder; --out takes a file name")
    try:
        payload = doc.encode(final)
    except UnicodeEncodeError as err:
        raise ReviewError(
            f"the final text cannot be written in the input's encoding {doc.encoding}: {err.reason}"
        ) from None
    try:
        write_atomic(target, payload)
    except OSError as err:
        raise ReviewError(f"{target}: cannot write it: {err.strerror or err}") from None
    accepted = len(review.accepted)
    own = sum(d.origin == REVIEWER for d in review.accepted)
    pending = (
        sum(i.get("state", PENDING) == PENDING for i in review.items) if review.schema == DECISIONS_SCHEMA else None
    )
    return Applied(target, Path(doc.path), accepted, len(review.decisions) - accepted, final, own, pending)
