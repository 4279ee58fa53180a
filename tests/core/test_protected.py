"""Protected spans: which placeholders are found, which look-alikes in prose are not, and the
rules built on them (what an edit touches, what a replacement must keep)."""

from __future__ import annotations

import pytest

from pipeline.core.protected import (
    InlineCode,
    changed,
    placeholders,
    protected_spans,
    shifted,
    syntax_of,
    touches,
)
from pipeline.core.spans import Span


@pytest.mark.parametrize(
    "text, found",
    [
        ("Delete {0} of {1} files", ["{0}", "{1}"]),
        ("Hello, {name}!", ["{name}"]),
        ("Total: {0:.2f} ({user.name!r})", ["{0:.2f}", "{user.name!r}"]),
        ("Logged {} and {}", ["{}", "{}"]),
        ("Hi {{ user }}, see {{count}}", ["{{ user }}", "{{count}}"]),
        ("Path: ${HOME}/x", ["${HOME}"]),
        ("%s has %d items (%5.2f%%)", ["%s", "%d", "%5.2f"]),
        ("%1$s and %2$d", ["%1$s", "%2$d"]),
        ("%(count)d files in %(folder)s", ["%(count)d", "%(folder)s"]),
        ("%-10s|%lu|%@", ["%-10s", "%lu", "%@"]),
        ('Click <b>here</b> or <br/> <a href="x">', ["<b>", "</b>", "<br/>", '<a href="x">']),
    ],
)
def test_placeholders_found(text: str, found: list[str]) -> None:
    assert [p.text for p in placeholders(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "Growth reached 50% this year.",
        "It is 100% done.",  # "% d": printf's space flag is not read
        "A 50% of the total",  # "% o" likewise
        "Get 50%off today",  # a letter after the conversion
        "see http://example.com/a%2Fb%3Ac",  # percent-encodings inside a word
        "A brace { alone, and } another",
        "the set {a, b} of values",
        "5 < 6 and 7 > 3",
        "%% is a literal percent sign",
        "增长了50%，达到100%。",
    ],
)
def test_prose_is_not_a_placeholder(text: str) -> None:
    assert placeholders(text) == []


def test_positional_placeholders_are_marked() -> None:
    found = {p.text: p.positional for p in placeholders("%s %1$s %(n)s {} {0} {n}")}
    assert found == {"%s": True, "%1$s": False, "%(n)s": False, "{}": True, "{0}": False, "{n}": False}


def test_mustache_spaces_do_not_change_the_key() -> None:
    assert placeholders("{{ name }}")[0].key == placeholders("{{name}}")[0].key == "{{name}}"


def test_what_an_edit_touches() -> None:
    text = "Delete {0} files"
    (p,) = placeholders(text)
    assert touches(Span(7, 10), p) and touches(Span(5, 8), p) and touches(Span(8, 8), p)
    assert not touches(Span(0, 6), p) and not touches(Span(10, 11), p)
    assert not touches(Span(7, 7), p) and not touches(Span(10, 10), p)  # insertions beside it
    (code,) = protected_spans("Click here", [InlineCode(6, "x", "1")])
    assert touches(Span(6, 10), code) and touches(Span(0, 6), code) and touches(Span(6, 6), code)
    assert not touches(Span(0, 5), code) and not touches(Span(7, 10), code)


def test_inline_codes_are_protected_at_their_offset() -> None:
    spans = protected_spans("Click here {0}", [InlineCode(6, "g", "1", "open"), InlineCode(10, "g", "1", "close")])
    assert [(p.span.start, p.text, p.kind) for p in spans] == [
        (6, '<g id="1">', "code"),
        (10, "</g> (id 1)", "code"),
        (11, "{0}", "placeholder"),
    ]


def test_changed_says_what_a_replacement_lost_added_or_moved() -> None:
    assert changed("Delete {0} files?", "Remove {0} files?") is None
    assert changed("Delete {0} files?", "Remove the files?") == "placeholders not kept: it loses {0}"
    assert changed("Delete files?", "Remove {0} files?") == "placeholders not kept: it adds {0}"
    assert changed("%s at %d", "%d at %s") == "placeholders not kept: it reorders placeholders %s %d as %d %s"
    assert changed("no placeholder here", "nor here") is None
    # from the original: keeping the original's placeholders is as good as the English's
    assert changed("Delete files?", "Delete {0} files?", also="删除{0}个文件？") is None


def test_shifted_moves_codes_past_the_edits() -> None:
    codes = (InlineCode(6, "g", "1", "open"), InlineCode(10, "g", "1", "close"))
    moved = shifted(codes, [(Span(0, 5), "Press on"), (Span(11, 11), "!")])
    assert [c.at for c in moved] == [9, 13]


@pytest.mark.parametrize("piece", ["<a ", "%-", "{0:", "{", "{{ ", "%0", "50% of the "])
def test_hostile_runs_stay_linear(piece: str) -> None:
    import time

    text = piece * (300_000 // len(piece))
    started = time.process_time()
    assert placeholders(text) == []
    assert time.process_time() - started < 3  # ~0.3 s on a loaded 2-core machine; quadratic would take minutes


@pytest.mark.parametrize(
    "flags, syntax",
    [
        (["c-format"], {"printf"}),
        (["fuzzy", "no-c-format"], {"mustache", "dollar", "brace"}),  # the others as the heuristic finds them
        (["python-format", "python-brace-format"], {"printf", "brace"}),
        (["python-brace-format", "no-python-format"], {"brace"}),
        (["sh-format"], {"dollar"}),
        (["qt-format"], None),  # "%1": a syntax tqa does not model says nothing
        (["fuzzy"], None),
        ([], None),
    ],
)
def test_format_flags_name_the_placeholder_syntax(flags: list[str], syntax: set[str] | None) -> None:
    assert syntax_of(flags) == (None if syntax is None else frozenset(syntax))


@pytest.mark.parametrize(
    "text, flags, found",
    [
        ("%Y年%m月%d日", ["no-c-format"], []),  # a strftime format: text for printf
        ("%Y年%m月%d日", [], ["%d"]),  # no flag: the heuristic, as before
        ("Saved %d files to {folder}", ["c-format"], ["%d"]),  # braces are text in C
        ("Hello {name}, %(count)d new", ["python-brace-format"], ["{name}"]),
        ("Hello {name}, %(count)d new", ["python-format"], ["%(count)d"]),
        ("{{literal}} and {name}", ["python-brace-format"], ["{name}"]),  # doubled braces are text
        ("100%%d done in %d s", ["c-format"], ["%d"]),  # "%%" is a percent sign, then "d"
        ("Home: ${HOME}", ["python-brace-format"], ["{HOME}"]),  # "$" is text in str.format
        ("<b>%s</b>", ["no-c-format"], ["<b>", "</b>"]),  # tags whatever the syntax
    ],
)
def test_a_known_syntax_decides_which_look_alikes_are_placeholders(text: str, flags: list[str], found: list[str]):
    syntax = syntax_of(flags)
    assert [p.text for p in placeholders(text, syntax)] == found
    assert [p.text for p in protected_spans(text, (), syntax)] == found


def test_changed_reads_placeholders_in_the_segments_syntax() -> None:
    assert changed("%Y-%m-%d", "%e.%m.%Y", syntax=syntax_of(["no-c-format"])) is None
    assert changed("%Y-%m-%d", "%e.%m.%Y") == "placeholders not kept: it loses %d, adds %e"
