"""Core types: spans, documents and apply_edits."""

import codecs

import pytest

from pipeline.core.document import Document, InputError, decode, load_document
from pipeline.core.edits import Edit, OverlappingEditsError, apply_edits
from pipeline.core.spans import Span


def edit(start, end, replacement, origin="rule"):
    return Edit(Span(start, end), replacement, "test", origin)


def test_no_edits_returns_the_input_unchanged():
    text = "Line one\r\n\r\n  中文 and more\u200f\r\n"
    assert apply_edits(text, []) == text


def test_edits_change_only_their_spans():
    text = "good -neighborly and e -commerce"
    assert apply_edits(text, [edit(4, 6, "-"), edit(22, 24, "-")]) == "good-neighborly and e-commerce"


def test_edits_are_applied_by_position_whatever_their_order():
    text = "abcdef"
    assert apply_edits(text, [edit(4, 5, "E"), edit(0, 1, "A")]) == "AbcdEf"


def test_insertion_at_a_boundary_is_not_an_overlap():
    assert apply_edits("ab", [edit(1, 1, "-"), edit(1, 2, "B")]) == "a-B"


@pytest.mark.parametrize("spans", [[(0, 3), (2, 5)], [(0, 5), (2, 2)], [(1, 1), (1, 1)], [(0, 2), (0, 2)]])
def test_overlapping_edits_are_rejected(spans):
    with pytest.raises(OverlappingEditsError):
        apply_edits("abcdef", [edit(s, e, "x") for s, e in spans])


def test_edit_past_the_end_is_rejected():
    with pytest.raises(ValueError):
        apply_edits("abc", [edit(2, 9, "x")])


def test_span_rejects_negative_or_reversed_ranges():
    with pytest.raises(ValueError):
        Span(3, 2)
    with pytest.raises(ValueError):
        Span(-1, 2)


def test_paragraph_and_sentence_spans_point_into_the_unchanged_text():
    text = "Title line\r\n\r\n  First sentence here. Second one follows!\r\nSame paragraph.\r\n\r\n\r\nLast."
    doc = Document.from_text(text)
    assert doc.text == text
    assert [p.of(text) for p in doc.paragraphs] == [
        "Title line",
        "First sentence here. Second one follows!\r\nSame paragraph.",
        "Last.",
    ]
    sentences = [s.of(text) for s in doc.sentences]
    assert sentences[:3] == ["Title line", "First sentence here.", "Second one follows!"]
    assert sentences[-1] == "Last."
    assert doc.newline == "CRLF"
    for s in doc.sentences:
        assert any(p.contains(s) for p in doc.paragraphs)


def test_sample_segments_into_paragraphs_and_sentences(sample_doc):
    assert len(sample_doc.paragraphs) == 17
    assert sample_doc.paragraphs[0].of(sample_doc.text).startswith("The meeting of this head of state")
    assert len(sample_doc.sentences) > 30


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Café 中国".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Café".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "Café 中国".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Café 中国".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_decoding_round_trips_byte_for_byte(tmp_path, data, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    doc = load_document(path)
    assert doc.encoding == encoding
    assert doc.encode() == data


def test_gb18030_text_is_detected():
    text = "中国和中亚国家的合作不断深化，双方贸易额大幅增长。" * 4
    decoded, encoding, bom = decode(text.encode("gb18030"))
    assert decoded == text and encoding == "gb18030" and bom == b""


def test_binary_input_is_refused_with_a_reason():
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")


def test_missing_file_gives_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "missing.txt")


def test_utf16_text_starting_with_nul_is_not_taken_for_utf32():
    data = codecs.BOM_UTF16_LE + "\x00ab".encode("utf-16-le")
    assert decode(data) == ("\x00ab", "utf-16-le", codecs.BOM_UTF16_LE)


def test_invalid_bytes_after_a_bom_are_an_error_not_a_replacement():
    with pytest.raises(InputError, match="not valid utf-8"):
        decode(codecs.BOM_UTF8 + b"ok \xff")


def test_carry_span_follows_a_span_through_edits():
    from pipeline.core.edits import carry_span

    text = "aa bb cc dd"
    edits = [edit(0, 2, "AAAA"), edit(6, 8, "C")]
    out = apply_edits(text, edits)
    moved = carry_span(Span(3, 5), edits)
    assert moved is not None and moved.of(out) == "bb"
    assert carry_span(Span(9, 11), edits).of(out) == "dd"
    assert carry_span(Span(5, 7), edits) is None  # touched by an edit


def test_a_short_chinese_passage_in_gb18030_is_not_taken_for_korean_or_big5():
    for text in ("He said 我们将继续努力 and left.\n", "Officials said 中国 would respond."):
        assert decode(text.encode("gb18030"))[:2] == (text, "gb18030")


def test_big5_text_is_still_big5():
    text = "台灣的經濟成長率在第三季達到百分之五，出口訂單持續增加。" * 3
    assert decode(text.encode("big5"))[:2] == (text, "big5")


def test_overlapping_spans_are_found_by_bisection_as_a_scan_finds_them():
    import random

    from pipeline.core.spans import Span, overlapping

    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 300), rng.randrange(2, 40)))
        spans = [Span(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
        ends = [s.end for s in spans]
        for _ in range(20):
            a = rng.randrange(0, 310)
            probe = Span(a, a + rng.choice([0, 0, 1, 5, 60]))
            assert overlapping(spans, ends, probe) == [i for i, s in enumerate(spans) if s.overlaps(probe)]
