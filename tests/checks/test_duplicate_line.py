from __future__ import annotations

from pipeline.checks.duplicate_line import DuplicateLine
from pipeline.core.document import Document
from pipeline.core.edits import Edit, apply_edits


def repair(text: str, **options) -> tuple[list[str], str]:
    found = list(DuplicateLine(**options).find(Document.from_text(text)))
    edits = [Edit(f.span, f.replacement, f.message, f.origin) for f in found]
    return [f.span.of(text) for f in found], apply_edits(text, edits)


def test_title_three_times():
    title = "The meeting opened a new era of relations"
    text = f"{title}\n\n{title}\n\n{title}\n\n  Body text here.\n"
    spans, cleaned = repair(text)
    assert spans == [f"\n\n{title}", f"\n\n{title}"]
    assert cleaned == f"{title}\n\n  Body text here.\n"


def test_whitespace_and_quote_normalisation():
    text = 'He said “we will go on” to the press\n\nHe said  "we will go on" to the press\n'
    spans, cleaned = repair(text)
    assert len(spans) == 1 and cleaned == "He said “we will go on” to the press\n"


def test_far_apart_paragraph_copy():
    para = "China is the largest trading partner in Central Asia."
    text = f"{para}\n\nOther news follows here.\n\n{para}\n\nEnd of the story here."
    spans, cleaned = repair(text)
    assert cleaned == f"{para}\n\nOther news follows here.\n\nEnd of the story here."


def test_lines_inside_a_paragraph():
    text = "Title of the piece here\nTitle of the piece here\nBody line one\n"
    spans, cleaned = repair(text)
    assert cleaned == "Title of the piece here\nBody line one\n"
    text = "Title of the piece here\n\nTitle of the piece here\nBody line one"
    spans, cleaned = repair(text)
    assert cleaned == "Title of the piece here\n\nBody line one"


def test_crlf_text():
    text = "A line repeated twice here\r\n\r\nA line repeated twice here\r\n\r\nEnd of it all now\r\n"
    spans, cleaned = repair(text)
    assert cleaned == "A line repeated twice here\r\n\r\nEnd of it all now\r\n"


def test_short_lines_and_different_lines_are_quiet():
    assert repair("* * *\n\nText one is here.\n\n* * *\n\nPhoto: Xinhua\n\nPhoto: Xinhua")[0] == []
    assert repair("The first line of text\n\nThe second line of text")[0] == []
    assert repair("a b c\n\na b c", min_words=4)[0] == []
    assert len(repair("a b c\n\na b c", min_words=3)[0]) == 1


def test_evidence_points_to_first_copy():
    text = "Same line of text\n\nSame line of text"
    (f,) = DuplicateLine().find(Document.from_text(text))
    assert f.evidence["first"] == [0, 17] and f.evidence["copies"] == 2 and f.origin == "rule"


def test_equal_lines_of_hard_wrapped_prose_are_not_duplicates():
    from pipeline.checks.duplicate_line import DuplicateLine
    from pipeline.core.document import Document

    text = (
        "Subject to the terms and conditions of\nthis License, each Contributor hereby grants to You a perpetual,\n"
        "worldwide, non-exclusive copyright license.\n\n"
        "Subject to the further conditions of\nthis License, each Contributor hereby grants to You a perpetual,\n"
        "worldwide, non-exclusive patent license.\n"
    )
    assert list(DuplicateLine().find(Document.from_text(text))) == []
