"""``inconsistent-target`` and ``inconsistent-source``: the translator-QA consistency classics.

One original translated in different ways across a file or a batch (``inconsistent-target``),
and one English used for different originals (``inconsistent-source``). Both depend on the
segments before them, so they are ``BatchCheck``s: per segment (an input with its original:
a PO message, an XLIFF segment, a record with ``--source-field``, a file with ``--source``)
``measure`` keeps two 16-byte digests, of the original and of the English in ``consistency_form``,
and ``pipeline.stages.consistency.ConsistencyIndex`` decides in input order in the main
process. The later segment is flagged and names the earlier segments it disagrees with
(their batch names: ``file#unit id``), so the first of a group is the reference and a run is
the same whatever the number of workers, with ``--resume`` and on Ray.

What counts as "the same" (``consistency_form``), and why:

- whitespace collapsed and trimmed: line wrapping in a PO or XLIFF file is layout;
- Unicode NFKC: full-width and half-width forms (``ＯＫ``, ``，``) are one character to a reader;
- casefolded: "Open" in a menu and "open" mid-sentence are one original, and an English that
  differs only in capitals mostly reflects where the segment stands (a title, a sentence
  start), not a different translation;
- sentence punctuation at the end dropped (``. ! ? : ; …`` and their CJK forms): "Saved" and
  "Saved." are one translation; end punctuation has its own checks;
- quotes and dashes made plain, as ``duplicate-record`` does. Inner punctuation, numbers and
  placeholders are kept: "3 files" and "4 files" are different originals.

An original's context in its file (a PO ``msgctxt``: ``Record.context``) is part of it for
``inconsistent-target``: gettext gives one msgid two contexts precisely so that it can be
translated two ways. For ``inconsistent-source`` it is not: one English for one msgid in two
contexts is no disagreement. An XLIFF ``resname`` is no context: it is the string's key, one per
unit (see ``pipeline.io.xliff``).

A segment whose original or English holds no letter outside placeholders, markup and URLs
(a number, ``%d``, ``{0}``) is not compared: "%d" rendered as "%d" a hundred times says nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import regex

from pipeline.checks.base import BatchCheck, register_source
from pipeline.checks.duplicate_record import anchor as first_sentence
from pipeline.checks.duplicate_record import normalised
from pipeline.checks.source.base import SourceCheck
from pipeline.checks.source.untranslated_segment import UNTRANSLATABLE
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.pair import SourcePair

_END = " .!?:;…。！？：；"  # sentence punctuation at the end, and the spaces between
_MAYBE_CODE = regex.compile(r"[%{<&@:]|www\.")  # where a placeholder, markup or URL could be
_LETTER = regex.compile(r"\p{L}")
SHOWN = 3  # earlier segments named in the message; the evidence keeps up to ``NAMED``
NAMED = 10


def consistency_form(text: str) -> str:
    """``text`` as the consistency checks compare it (see the module docstring)."""
    return normalised(unicodedata.normalize("NFKC", text)).rstrip(_END)


@lru_cache(maxsize=4)  # both checks measure the same two texts, one after the other
def digest(text: str) -> bytes | None:
    """The 16-byte digest of ``text``'s consistency form; None when it holds no letter
    outside placeholders, markup and URLs."""
    form = consistency_form(text)
    if not _has_words(form):
        return None
    return hashlib.blake2b(form.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _has_words(form: str) -> bool:
    """Whether ``form`` holds a letter outside placeholders, markup and URLs."""
    first = _LETTER.search(form)
    if first is None:
        return False
    if not _MAYBE_CODE.search(form):
        return True
    # The first letter is outside every span the substitution below removes unless a match
    # starting at or before it reaches past it (its matches are such matches): look there
    # alone, most texts opening with a word, before searching the whole text.
    at = first.start()
    if not any((m := UNTRANSLATABLE.match(form, s)) is not None and m.end() > at for s in range(at + 1)):
        return True
    return _LETTER.search(UNTRANSLATABLE.sub(" ", form)) is not None


def segment_span(doc: Document) -> Span:
    """The segment the finding is on: the whole text, trimmed (a segment is short); for a
    text of several paragraphs (a whole article), its first sentence."""
    text = doc.text
    if len(doc.paragraphs) > 1:
        return first_sentence(doc)
    start = len(text) - len(text.lstrip())
    return Span(start, max(start, len(text.rstrip())))


class _Consistency(BatchCheck, SourceCheck):
    """What both checks share: ``measure`` gives (the digest the segments are grouped by, the
    digest that must agree within a group); ``verdict`` words the index's answer."""

    severity = Severity.MINOR
    needs = "the original (in any language), and the other segments of the file or batch"
    keyed_by = "source"  # the side a group shares; the other side must agree
    disagreement = ""  # the message's start, before the earlier segments it names

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        return ()  # decided across the batch from ``measure``

    def measure(self, text: str, source: str | None, context: str | None = None) -> tuple[bytes, bytes] | None:
        if source is None:
            return None
        ours, theirs = digest(source), digest(text)
        if ours is None or theirs is None:
            return None
        if self.keyed_by != "source":
            return theirs, ours
        if context:  # a PO msgctxt: the same msgid in another context is another original
            ours = hashlib.blake2b(ours + context.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        return ours, theirs

    def anchor(self, doc: Document) -> Span:
        return segment_span(doc)

    def verdict(self, doc: Document, found: Any) -> Finding:
        """``found``: (the earlier segments' names, up to ``NAMED``; how many there are; how
        many different renderings the group has had, this one included)."""
        names, count, variants = found
        shown = ", ".join(names[:SHOWN]) + (f" and {count - SHOWN} more" if count > SHOWN else "")
        return self.finding(
            segment_span(doc),
            f"{self.disagreement} {count} earlier segment(s): {shown}",
            evidence={"others": list(names[:NAMED]), "count": count, "variants": variants},
        )


@register_source
class InconsistentTarget(_Consistency):
    id = "inconsistent-target"
    description = "Segment whose original is translated differently in earlier segments of the file or batch"
    keyed_by = "source"
    disagreement = "the same original is translated differently in"


@register_source
class InconsistentSource(_Consistency):
    id = "inconsistent-source"
    description = "Segment whose English translates a different original in earlier segments of the file or batch"
    keyed_by = "target"
    disagreement = "the same English translates a different original in"
