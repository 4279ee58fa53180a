"""Surface defects of real machine-translated pages: glued text, punctuation and HTML
residue, missing hyphens in fixed compounds, romanised Chinese. Each check: what it finds
(with its repair) and the near misses it must leave alone."""

from __future__ import annotations

import functools

import pytest

from pipeline.checks import REGISTRY
from pipeline.checks.catalog import SURFACE
from pipeline.core.findings import Severity
from tests.support import hits


@functools.cache
def _check(check_id: str):
    return REGISTRY[check_id]()


def test_registered_with_severity_and_description():
    for check_id in SURFACE:
        cls = REGISTRY[check_id]
        assert cls.severity == Severity.MINOR and cls.description


@pytest.mark.parametrize(
    "check_id, text, expected",
    [
        ("glued-words", "the talks ofthe two sides", [("ofthe", "of the")]),
        ("glued-words", "economic developmentand trade", [("developmentand", "development and")]),
        ("glued-words", "investment inChina rose", [("inChina", "in China")]),
        ("glued-number", "exports rose in2020 by 5million tonnes", [("in2020", "in 2020"), ("5million", "5 million")]),
        ("glued-number", "the 2021year plan", [("2021year", "2021 year")]),
        ("glued-punctuation", "He said:the plan", [(":", ": ")]),
        ("glued-punctuation", "China(Beijing)is ready", [("(", " ("), (")", ") ")]),
        ("doubled-punctuation", "rice, wheat etc. , and", [(". ,", ".,")]),
        (
            "doubled-punctuation",
            "the end . , then,, again ; ; and , .",
            [(". ,", ".,"), (",,", ","), ("; ;", ";"), (", .", None)],
        ),
        ("spaced-quote", "the “ Belt and Road ” project", [("“ ", "“"), (" ”", "”")]),
        (
            "html-residue",
            "the talks</p> went < / p > well&nbsp;and &amp; more",
            [("</p>", None), (" < / p >", ""), ("&nbsp;", " "), ("&amp;", "&")],
        ),
        ("html-residue", "two< br >words", [("< br >", " ")]),
        (
            "missing-hyphen",
            "Sino Japanese ties in the post pandemic era",
            [("Sino Japanese", "Sino-Japanese"), ("post pandemic era", "post-pandemic era")],
        ),
        ("missing-hyphen", "after COVID 19, a win win deal", [("COVID 19", "COVID-19"), ("win win", "win-win")]),
        (
            "missing-hyphen",
            "people to people exchanges and state owned firms",
            [("people to people", "people-to-people"), ("state owned", "state-owned")],
        ),
        ("missing-hyphen", "pandemic related deaths", [("pandemic related", "pandemic-related")]),
        ("pinyin", "the jiayou spirit", [("jiayou", None)]),
        ("pinyin", "the zhengfu gongzuo baogao was read", [("zhengfu gongzuo baogao", None)]),
        ("pinyin", "he said nǐ hǎo", [("nǐ hǎo", None)]),
        ("repeated-stem", "the district voiced their voices", [("voiced their voices", None)]),
        ("repeated-stem", "to achieve great achievements", [("achieve great achievements", None)]),
        ("repeated-modifier", "implement joint defense and joint control", [("joint defense and joint control", None)]),
        (
            "repeated-headline",
            "【Focus】China's exports rose sharply last month\n\nChina’s exports rose sharply last month. Officials said more.",
            [("China’s exports rose sharply last month.", None)],
        ),
        (
            "repeated-headline",
            "China's exports rose sharply last month\n\nChina's exports rose sharply last month. Officials said more.",
            [("China's exports rose sharply last month.", None)],
        ),
    ],
)
def test_finds(check_id, text, expected):
    assert hits(_check(check_id), text) == expected


@pytest.mark.parametrize(
    "check_id, text",
    [
        ("glued-words", "within reach; we cannot; another however; thereof, hereunder, herein, text formatters"),
        ("glued-words", "the iPhone, eBay, McDonald's, JavaScript and YouTube; www.chinadaily.com; user@example.org"),
        ("glued-words", "relicensing, the Bloomberg terminal, Shenzhen and Xinjiang"),
        ("glued-number", "the G20 and the A380, COVID19 tests in the 1990s, 24hours, the 3rd and 5th, H1N1"),
        ("glued-punctuation", "at 10:30, a 3:1 win, https://example.org/a:b, Note: see (below) and f(x) = 2"),
        ("doubled-punctuation", "wait... what?! etc., U.S., e.g., and i.e.; a . . . pause; std::vector"),
        ("spaced-quote", '“quoted” words and "straight" ones, and “ — ” as a mark'),
        ("html-residue", "5 < 6 > 4, AT&T and R&D, the Q&A; x<y"),
        (
            "missing-hyphen",
            "Sino-Japanese, post-war, COVID-19, closely related to trade, are related, the related issues",
        ),
        ("missing-hyphen", "the post office era, a win-win, people to people in trade"),
        ("pinyin", "Xi Jinping met Li Qiang in Zhongnanhai; guanxi, hukou, tofu, tai chi, gaokao, feng shui, mahjong"),
        ("pinyin", "banana, change, along, hang, ganglion, chinese, heritage, machine, relinking, Chang'e"),
        # other languages' words an initial and a final would spell, though Mandarin has no such syllable
        # (fi, ver, vio, ro): "the fichier", "vergangenen Jahr", "movió", "ferroviaire ouvrira"
        ("pinyin", "the fichier was sent; vergangenen Jahr; movió; the ferroviaire ouvrira"),
        ("repeated-stem", "developed and developing countries, from building to building; the voices. Voiced"),
        ("repeated-modifier", "the old and the new, nothing more and nothing less, good neighbours, good friends"),
        (
            "repeated-headline",
            "China's exports rose 7% in May\n\nChina's exports rose 7% in May as demand grew. Officials said more.",
        ),
        ("repeated-headline", "【Focus】China's exports rose\n\nImports fell in May. Officials said more."),
    ],
)
def test_leaves_alone(check_id, text):
    assert hits(_check(check_id), text) == []


def test_listed_by_tqa_checks():
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["checks"])
    assert result.exit_code == 0
    for check_id in (*SURFACE, "key-term"):
        assert check_id in result.output


def test_html_residue_leaves_the_markup_the_original_holds():
    from pipeline.checks.runner import run_checks, with_original
    from pipeline.core.document import Document
    from pipeline.original.pair import pair_documents

    check = _check("html-residue")

    def kept(zh: str, en: str) -> list[str]:
        doc = Document.from_text(en)
        pair = pair_documents(doc, Document.from_text(zh))
        return [f.span.of(en) for f in with_original(run_checks(doc, [check]), pair, [check], [])]

    assert kept("<b>保存</b>", "<b>Save</b>") == []
    assert kept("保存", "<b>Save</b>") == ["<b>", "</b>"]  # the original has none: residue
    assert kept("<b>保存</b>", "<b><b>Save</b>") == ["<b>"]  # one more than the original has
    assert kept('<a href="/help">帮助</a>', '<a href="/en/help">Help</a>') == []  # by name; tag-mismatch sees the rest
    assert kept("<br/>第一行<br>", "<br>First line<br/>") == []
    assert kept("保存 &amp; 关闭", "Save &amp; close") == []
    assert kept("保存&nbsp;关闭", "Save &amp; close") == ["&amp;"]
    assert kept("<p>保存</p>", "<p>Save < / p >") == [" < / p >"]  # a broken tag is residue whatever the original
