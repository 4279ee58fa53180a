"""Placeholders, tags and inline codes are never edited: the plan keeps a repair that touches
one as a suggestion, and a retranslation that loses, adds or moves a placeholder is rejected
with its reason (with a stand-in translator and with the tiny random model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.checks.runner import run_source_checks
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.protected import InlineCode, changed, syntax_of
from pipeline.core.spans import Span
from pipeline.original.pair import pair_documents
from pipeline.stages.plan import make_plan
from pipeline.stages.retranslate import retranslate
from pipeline.translate import load_translator


def _rule(span: Span, replacement: str) -> Finding:
    return Finding("spacing", span, Severity.MINOR, "a repair", replacement, "rule")


def test_a_repair_touching_a_placeholder_is_a_suggestion() -> None:
    doc = Document.from_text("Delete {0}files  now")
    touching = _rule(Span(7, 10), "{0} ")  # rewrites "{0}"
    beside = _rule(Span(15, 17), " ")  # the double space
    plan = make_plan(doc, [touching, beside])
    assert [e.span for e in plan.edits] == [Span(15, 17)]
    (kept,) = plan.suggestions
    assert kept.span == Span(7, 10)
    assert kept.reason == "a repair (not applied: it would change the placeholder {0})"


def test_a_segment_whose_format_says_it_is_text_is_repaired() -> None:
    # a strftime format in a PO message flagged no-c-format: "%d" is text there, a repair may touch it
    text = "Date: %d.%m.%Y"
    fix = _rule(Span(6, 8), "%e")
    assert not make_plan(Document.from_text(text), [fix]).edits  # no flag: the heuristic protects "%d"
    plan = make_plan(Document.from_text(text, syntax=syntax_of(["no-c-format"])), [fix])
    assert [e.span for e in plan.edits] == [Span(6, 8)] and not plan.suggestions


def test_an_insertion_beside_a_placeholder_is_applied() -> None:
    doc = Document.from_text("Delete {0}files")
    plan = make_plan(doc, [_rule(Span(10, 10), " ")])
    assert [e.span for e in plan.edits] == [Span(10, 10)] and not plan.suggestions


def test_a_repair_reaching_an_inline_code_is_a_suggestion() -> None:
    doc = Document.from_text("Click here , now", codes=(InlineCode(10, "g", "1", "close"),))
    plan = make_plan(doc, [_rule(Span(10, 11), "")])  # the space after </g>
    assert not plan.edits
    assert plan.suggestions[0].reason.endswith("(not applied: it would change inline markup </g> (id 1))")


def test_a_passage_holding_an_inline_code_is_not_sent_to_the_model() -> None:
    doc = Document.from_text("Click 这里 now", codes=(InlineCode(7, "x", "1"),))
    untranslated = Finding(
        "untranslated", Span(6, 8), Severity.CRITICAL, "Chinese", origin="marian", evidence={"language": "zh"}
    )
    plan = make_plan(doc, [untranslated])
    assert not plan.requests
    assert plan.untranslatable == [(Span(6, 8), 'it holds inline markup (<x id="1"/>), which a translation would lose')]


# --- retranslation -----------------------------------------------------------------------------

ZH = "中国人讲三十而立，{0}。"
EN = "Chinese people say that thirty stands, {0}."


class Fixed:
    """A translator that answers every input with one text."""

    signature: dict[str, Any] = {"model": "fixed"}

    def __init__(self, text: str) -> None:
        self.text = text

    def translate(self, texts: list[str]) -> list[str]:
        return [self.text for _ in texts]


@pytest.fixture(scope="module")
def checks() -> list[Any]:
    return build_checks()


@pytest.fixture(scope="module")
def pair():
    return pair_documents(Document.from_text(EN), Document.from_text(ZH))


def _retranslated(pair: Any, translator: Any, checks: list[Any]):
    findings = run_checks(pair.en, checks) + run_source_checks(pair)
    assert any(f.check == "calque" for f in findings), "the sentence must be flagged for this test"
    return retranslate(pair.en, findings, pair=pair, to_english=translator, checks=checks, score=False)


def test_a_proposal_that_loses_a_placeholder_is_rejected(pair, checks) -> None:
    result = _retranslated(pair, Fixed("As the Chinese saying goes, at thirty one stands firm."), checks)
    (decision,) = result.decisions
    assert not decision.accept
    assert "rejected: placeholders not kept: it loses {0}" in decision.reasons
    accepted, suggestions = result.edits()
    assert not accepted and "placeholders not kept" in suggestions[0].reason  # what the report shows


def test_a_proposal_that_keeps_its_placeholder_is_judged_on_its_scores(pair, checks) -> None:
    result = _retranslated(pair, Fixed("As the Chinese saying goes, at thirty one stands firm, {0}."), checks)
    (decision,) = result.decisions
    assert decision.accept, decision.reasons
    assert not any("placeholders" in r for r in decision.reasons)


def test_a_proposal_that_reorders_positional_placeholders_is_rejected(checks) -> None:
    pair = pair_documents(
        Document.from_text("Chinese people say that thirty stands, %s at %d."),
        Document.from_text("中国人讲三十而立，%s在%d。"),
    )
    result = _retranslated(pair, Fixed("At thirty one stands firm, %d at %s."), checks)
    assert "rejected: placeholders not kept: it reorders placeholders %s %d as %d %s" in result.decisions[0].reasons


def test_a_proposal_inside_inline_markup_is_rejected(checks) -> None:
    en = Document.from_text("Chinese people say that thirty stands.", codes=(InlineCode(8, "x", "1"),))
    pair = pair_documents(en, Document.from_text("中国人讲三十而立。", codes=(InlineCode(3, "x", "1"),)))
    result = _retranslated(pair, Fixed("As the Chinese saying goes, at thirty one stands firm."), checks)
    assert not result.decisions[0].accept
    assert result.decisions[0].reasons[0].startswith('rejected: its span holds inline markup (<x id="1"/>)')


def test_the_tiny_model_is_held_to_the_rule(tiny_model_dir: Path, pair, checks) -> None:
    """The tiny model's words are random: whatever it says, a proposal without ``{0}`` in its
    place is never accepted, and one that keeps it is not rejected for it."""
    model = load_translator(str(tiny_model_dir), num_beams=1, max_length=12)
    result = _retranslated(pair, model, checks)
    assert result.proposals, "the flagged sentence goes to the model"
    for proposal, decision in zip(result.proposals, result.decisions):
        lost = changed(proposal.retranslation.original, proposal.text, proposal.retranslation.source)
        if lost:
            assert not decision.accept and f"rejected: {lost}" in decision.reasons
        else:
            assert not any(r.startswith("rejected: placeholders") for r in decision.reasons)


def test_a_po_message_keeps_its_placeholder_and_its_report_says_why(tmp_path: Path, tiny_model_dir: Path) -> None:
    import json

    from tests.support import tqa

    po = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "{ZH}"\nmsgstr "{EN}"\n'
    (tmp_path / "m.po").write_text(po, encoding="utf-8")
    args = ("-j", "1", "--model", tiny_model_dir, "--max-length", "48", "--no-cache", "--no-guard", "--reports", "json")
    result = tqa("run", tmp_path / "m.po", "--out", tmp_path / "out", *args)
    assert result.exit_code in (0, 1), result.output
    assert f'msgstr "{EN}"' in (tmp_path / "out" / "m.po").read_text(encoding="utf-8")
    (report,) = (tmp_path / "out" / "m.po-reports").glob("*.findings.json")
    (retranslation,) = json.loads(report.read_text(encoding="utf-8"))["retranslations"]
    if "{0}" not in retranslation["proposal"]:  # the tiny model's words are random; it has no "{"
        assert not retranslation["decision"]["accept"]
        assert "rejected: placeholders not kept: it loses {0}" in retranslation["decision"]["reasons"]
