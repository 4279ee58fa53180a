"""Property-based tests: lossless edits, decoding round trips, checks never raise."""

import codecs

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.checks import run_checks
from pipeline.core.document import Document, decode
from pipeline.core.edits import Edit, apply_edits
from pipeline.core.spans import Span

# Arbitrary Unicode, weighted towards what breaks text tools: combining marks, emoji,
# right-to-left text, NUL, lone CR, CJK and its punctuation.
tricky = st.sampled_from(
    ["\u0301", "👍🏽", "\u200f", "שלום", "\x00", "\r", "\r\n", "\n\n", "中文。", "，", " -", "\ufeff"]
)
texts = st.lists(st.one_of(st.text(max_size=20), tricky), max_size=30).map("".join)


@st.composite
def text_and_edits(draw):
    text = draw(texts)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    edits = []
    # consecutive cut points pair up into disjoint spans; a pair may be empty (an insertion)
    for start, end in zip(cuts[::2], cuts[1::2]):
        if edits and edits[-1].span.end == start == end:
            continue  # two insertions at one point are rejected by design
        if edits and not edits[-1].span and edits[-1].span.start == start:
            continue
        edits.append(Edit(Span(start, end), draw(st.text(max_size=5)), "p", "rule"))
    return text, edits


@given(text_and_edits())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_characters_outside_edited_spans_are_unchanged(case):
    text, edits = case
    out = apply_edits(text, edits)
    # Walk both texts: outside the spans, characters must match exactly and in order.
    cursor_in, cursor_out = 0, 0
    for e in sorted(edits, key=lambda e: e.span):
        kept = text[cursor_in : e.span.start]
        assert out[cursor_out : cursor_out + len(kept)] == kept
        cursor_out += len(kept)
        assert out[cursor_out : cursor_out + len(e.replacement)] == e.replacement
        cursor_out += len(e.replacement)
        cursor_in = e.span.end
    assert out[cursor_out:] == text[cursor_in:]


@given(texts)
def test_no_edits_gives_the_text_back(text):
    assert apply_edits(text, []) == text


@given(texts, st.sampled_from(["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be"]))
def test_decoding_round_trips(text, encoding):
    text = text.replace("\ufeff", "")  # a leading U+FEFF is the BOM itself
    boms = {"utf-8-bom": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    codec = {"utf-8-bom": "utf-8"}.get(encoding, encoding)
    try:
        data = boms.get(encoding, b"") + text.encode(codec)
    except UnicodeEncodeError:
        return  # lone surrogates cannot be stored in any UTF
    if encoding == "utf-8":  # without a BOM, a NUL-heavy file is refused as binary (tested elsewhere)
        assume(data.count(b"\x00") <= max(1, len(data) // 100))
    # FF FE 00 00 opens both UTF-32 LE and UTF-16 LE text that starts with NUL: the bytes
    # round-trip either way (tested below), but the text cannot be told apart.
    assume(not (encoding == "utf-16-le" and text.startswith("\x00")))
    decoded, found, bom = decode(data)
    assert decoded == text
    assert Document(decoded, encoding=found, bom=bom).encode() == data


@given(texts)
@settings(max_examples=200, deadline=None)
def test_segmentation_and_checks_never_raise(text):
    doc = Document.from_text(text)
    for span in doc.paragraphs + doc.sentences:
        assert 0 <= span.start < span.end <= len(text)
    for finding in run_checks(doc):
        assert 0 <= finding.span.start <= finding.span.end <= len(text)
