"""The term base (pipeline/checks/resources/data/terms.tsv, TSV and TBX readers) and the calques it feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.calque import Calque
from pipeline.checks.resources.termbase import SHIPPED, load_termbase, shipped_termbase
from tests.support import hits


def test_shipped_term_base_is_well_formed():
    entries = shipped_termbase()
    assert len(entries) >= 300
    assert len({e.zh for e in entries}) == len(entries)
    assert all(e.en and e.source and e.licence for e in entries)
    assert {"official", "economy", "legal", "health", "technology", "idiom"} <= {e.domain for e in entries}
    assert sum(len(e.wrong) for e in entries) >= 500
    assert SHIPPED.suffix == ".tsv"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("patients with new crown pneumonia were treated", [("new crown pneumonia", "COVID-19")]),
        (
            "to deepen supply side structural reform",
            [("supply side structural reform", "supply-side structural reform")],
        ),
        ("the one belt one road countries", [("one belt one road", "Belt and Road Initiative")]),  # the glossary wins
        ("a people mountain people sea at the station", [("people mountain people sea", "huge crowds")]),
        ("we must fill the short board in rural areas", [("fill the short board", "strengthen weak links")]),
    ],
)
def test_wrong_renderings_are_calques(text, expected):
    assert hits(Calque, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 patients were treated",
        "supply-side structural reform",
        "the Belt and Road Initiative",
        "huge crowds at the station",
        "a crown of thorns",
        "a short board meeting",
    ],
)
def test_accepted_renderings_are_not(text):
    assert hits(Calque, text) == []


def test_shipped_false_turns_the_term_base_off_too():
    assert hits(Calque, "new crown pneumonia", shipped=False) == []


def test_user_term_base_tsv(tmp_path: Path):
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("zh\ten\twrong\n白皮书\twhite paper\twhite skin book|white leather book\n", encoding="utf-8")
    assert hits(Calque, "the white skin book says", termbase=str(tsv), shipped=False) == [
        ("white skin book", "white paper")
    ]


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="c1">
  <descrip type="subjectField">health</descrip>
  <langSet xml:lang="zh-CN"><tig><term>新冠肺炎</term></tig></langSet>
  <langSet xml:lang="en-US">
    <tig><term>COVID-19</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>new crown pneumonia</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2">
  <langSet xml:lang="en"><tig><term>orphan</term></tig></langSet>
</termEntry>
</body></text></martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
<conceptEntry id="c1">
  <langSec xml:lang="zh"><termSec><term>白皮书</term></termSec></langSec>
  <langSec xml:lang="en">
    <termSec><term>white paper</term></termSec>
    <termSec><term>white skin book</term><termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></termSec>
  </langSec>
</conceptEntry>
</body></text></tbx>
"""


def test_tbx_basic_and_tbx3(tmp_path: Path):
    two = tmp_path / "two.tbx"
    two.write_text(TBX, encoding="utf-8")
    [entry] = load_termbase(two)
    assert (entry.zh, entry.en, entry.wrong, entry.domain) == (
        "新冠肺炎",
        ("COVID-19",),
        ("new crown pneumonia",),
        "health",
    )
    three = tmp_path / "three.tbx"
    three.write_text(TBX3, encoding="utf-8")
    [entry] = load_termbase(three)
    assert (entry.zh, entry.en, entry.wrong) == ("白皮书", ("white paper",), ("white skin book",))
    assert hits(Calque, "a white skin book", termbase=[str(three)], shipped=False) == [
        ("white skin book", "white paper")
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.tsv", "zh\twrong\n", "header must name"),
        ("b.tsv", "zh\ten\n新冠\t\n", "accepted rendering are required"),
        ("c.tsv", "", "empty"),
        ("d.tbx", "<martif><text>", "not well-formed TBX"),
        ("e.tbx", '<!DOCTYPE x [<!ENTITY a "aaaa">]><martif/>', "entity declarations"),
        ("f.tbx", "<martif><text><body/></text></martif>", "no entry"),
    ],
)
def test_malformed_term_base(tmp_path: Path, name: str, content: str, message: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message) as err:
        load_termbase(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_missing_term_base():
    with pytest.raises(ConfigurationError, match="no such file"):
        Calque(termbase="nowhere.tbx")
