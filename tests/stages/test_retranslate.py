"""Retranslation from the original, round trip, the forced-decoding score and the acceptance rule.

The tiny models are random: these tests assert structure and decision logic, never
translation quality.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.checks.runner import run_source_checks
from pipeline.core.document import Document, load_document
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.files import load_source
from pipeline.original.pair import pair_documents
from pipeline.stages.acceptance import decide, decide_proposal, text_with_edits, to_edit
from pipeline.stages.proposals import ROUND_TRIP, SOURCE, Proposal, Retranslation, make_proposals, score_proposals
from pipeline.stages.retranslate import (
    by_round_trip,
    flagged_sentences,
    from_source,
    load_optional,
    merge_edits,
    reference_segments,
    retranslate,
    round_trip,
    target_prefix,
)
from pipeline.translate import load_translator
from pipeline.translate.scoring import (
    SentenceScore,
    WordScore,
    low_confidence,
    make_scorer,
    words_from_pieces,
)
from tests.support import TEST_DATA

PARALLEL = TEST_DATA / "parallel"
OPTIONS = dict(num_beams=1, max_length=12)


@pytest.fixture(scope="module")
def checks() -> list[Any]:
    return build_checks()


@pytest.fixture(scope="module")
def zh_en(tiny_model_dir: Path):
    return load_translator(str(tiny_model_dir), **OPTIONS)


@pytest.fixture(scope="module")
def en_zh(tiny_en_zh_dir: Path):
    return load_translator(str(tiny_en_zh_dir), **OPTIONS)


@pytest.fixture(scope="module")
def summit():
    en = load_document(PARALLEL / "summit.en.txt")
    return pair_documents(en, load_source(PARALLEL / "summit.zh.txt"))


@pytest.fixture(scope="module")
def summit_findings(summit, checks) -> list[Finding]:
    return run_checks(summit.en, checks) + run_source_checks(summit)


# --- what gets retranslated -----------------------------------------------------------------


def test_flagged_sentences_name_their_checks(summit, summit_findings) -> None:
    flagged = flagged_sentences(summit.en, summit_findings)
    assert flagged == {0: ("repeated-phrase", "calque"), 2: ("calque",)}


def test_from_source_retranslates_the_aligned_chinese(summit, summit_findings) -> None:
    wanted = from_source(summit, summit_findings)
    assert [r.span for r in wanted] == [summit.en.sentences[0], summit.en.sentences[2]]
    assert (
        wanted[1].segments == ("中国人讲三十而立。",) and wanted[1].original == "Chinese people say that thirty stands."
    )
    assert all(r.mechanism == SOURCE for r in wanted)


def test_an_omission_becomes_an_insertion() -> None:
    en = load_document(PARALLEL / "rail.en.txt")
    pair = pair_documents(en, load_source(PARALLEL / "rail.zh.txt"))
    (insertion,) = from_source(pair, run_source_checks(pair))
    assert insertion.insertion and insertion.span.start == en.sentences[6].end
    assert insertion.segments[0].startswith("记者在磨憨站看到")
    (proposal,) = make_proposals([insertion], {insertion.segments[0]: "Trains waited."}, text=en.text)
    assert proposal.text == " Trains waited."  # placed after the full stop of the sentence before


def test_round_trip_leaves_out_sentences_holding_chinese() -> None:
    doc = Document.from_text("People say that thirty stands. 中国人讲三十而立 stands.")
    findings = run_checks(doc)
    assert [r.original for r in by_round_trip(doc, findings)] == ["People say that thirty stands."]


# --- the acceptance rule --------------------------------------------------------------------

GARBLED = "Chinese people say that thirty stands."
FIXED = "As the Chinese saying goes, at thirty one stands firm."


def test_fewer_findings_accept(checks) -> None:
    d = decide(GARBLED, FIXED, checks=checks)
    assert d.accept
    assert d.deltas["penalty"] == -1 and d.deltas["findings"] == -1
    assert d.before["counts"] == {"calque": 1} and d.after["counts"] == {}
    assert any(r.startswith("better findings: penalty 1 → 0") for r in d.reasons)
    assert d.summary.startswith("accepted: ")


def test_no_change_is_not_better(checks) -> None:
    d = decide(FIXED, FIXED.replace("firm", "strong"), checks=checks)
    assert not d.accept and d.reasons[0] == "not measurably better"


def test_new_findings_reject(checks) -> None:
    d = decide(GARBLED, "中国人讲 thirty stands firm.", checks=checks)
    assert not d.accept and d.deltas["penalty"] > 0
    assert any(r.startswith("worse findings") for r in d.reasons)


def test_a_lower_model_score_rejects_even_with_fewer_findings(checks) -> None:
    d = decide(GARBLED, FIXED, checks=checks, model_before=-1.0, model_after=-2.0)
    assert not d.accept and d.deltas["model"] == -1.0
    assert any(r.startswith("worse model score -1.00 → -2.00") for r in d.reasons)


def test_a_higher_model_score_alone_is_not_enough_unless_asked(checks) -> None:
    other = FIXED.replace("firm", "strong")
    d = decide(FIXED, other, checks=checks, model_before=-3.0, model_after=-1.0)
    assert not d.accept and d.reasons[0] == "not measurably better (only the model score rose)"
    d = decide(FIXED, other, checks=checks, model_before=-3.0, model_after=-1.0, model_alone=True)
    assert d.accept and d.deltas["model"] == 2.0
    d = decide(GARBLED, FIXED, checks=checks, model_before=-3.0, model_after=-1.0)  # beside fewer findings it counts
    assert d.accept and "better model score -3.00 → -1.00 per token (+2.00)" in d.reasons


def test_model_score_within_its_margin_is_unchanged(checks) -> None:
    d = decide(GARBLED, FIXED, checks=checks, model_before=-2.0, model_after=-2.05)
    assert d.accept and any(r.startswith("unchanged model score") for r in d.reasons)


def test_reference_chrf_decides_too(checks) -> None:
    reference = "As the Chinese saying goes, at thirty one stands firm."
    better = decide("At thirty a man stands firm, they say.", reference, checks=checks, reference=reference)
    assert better.accept and better.deltas["chrF"] > 0 and better.after["chrF"] == 100.0
    worse = decide(reference, "At thirty a man is steady, people say.", checks=checks, reference=reference)
    assert not worse.accept and worse.deltas["chrF"] < 0


def test_suggestion_only_and_guard_never_accept(checks) -> None:
    d = decide(GARBLED, FIXED, checks=checks, suggestion_only="round trip: a suggestion only")
    assert not d.accept and d.reasons[0] == "round trip: a suggestion only" and d.deltas["penalty"] == -1
    d = decide(GARBLED, FIXED, checks=checks, guard="repetition loop")
    assert not d.accept and d.reasons[0] == "rejected by the output guard: repetition loop"


def test_round_trip_proposals_are_suggestions_with_their_numbers(checks) -> None:
    r = Retranslation(Span(0, len(GARBLED)), GARBLED, (GARBLED,), ROUND_TRIP, ("calque",), (0,))
    p = Proposal(r, FIXED, (FIXED,), pivot="中国人讲三十而立。", model_before=-3.0, model_after=-2.0)
    d = decide_proposal(p, checks)
    assert not d.accept and d.reasons[0].startswith("round trip: a suggestion only")
    assert d.deltas == {"penalty": -1, "findings": -1, "model": 1.0}
    edit = to_edit(p, d)
    assert edit.origin == "round-trip" and edit.check == "calque" and "kept as a suggestion" in edit.reason


def test_rule_repairs_are_not_credited_to_the_retranslation(checks) -> None:
    text = "Trade grew , and good -neighborly ties deepened."
    span = Span(0, len(text))
    comma, hyphen = text.index(" ,"), text.index(" -")
    edits = [
        Edit(Span(comma, comma + 2), ",", "space", "rule", "space-before-punctuation"),
        Edit(Span(hyphen, hyphen + 2), "-", "hyphen", "rule", "hyphen-spacing"),
    ]
    repaired = text_with_edits(text, span, edits)
    assert repaired == "Trade grew, and good-neighborly ties deepened."
    proposal = "Trade grew, and good-neighbourly ties deepened."
    assert decide(text, proposal, checks=checks).accept  # against the raw sentence it looks better ...
    assert not decide(repaired, proposal, checks=checks).accept  # ... but not against what the rules leave


def test_an_accepted_sentence_displaces_the_repairs_inside_it() -> None:
    inside = Edit(Span(5, 7), "x", "r", "rule", "a")
    outside = Edit(Span(40, 42), "y", "r", "rule", "b")
    sentence = Edit(Span(0, 30), "New sentence.", "accepted", "retranslation", "calque")
    kept, displaced = merge_edits([inside, outside], [sentence])
    assert kept == [sentence, outside] and displaced == [inside]


def test_reference_segments_follow_the_sentences() -> None:
    doc = Document.from_text("First sentence here. A second, longer sentence follows it.\n\nA third one.")
    lookup = reference_segments(doc, "The first sentence. Then a second one, which is longer.\n\nThe third.")
    assert lookup(doc.sentences[1]) == "Then a second one, which is longer."
    assert lookup(doc.sentences[2]) == "The third."


# --- the forced-decoding score --------------------------------------------------------------


def test_marian_scores_are_the_models_log_probabilities(zh_en) -> None:
    import torch

    scorer = make_scorer(zh_en)
    source, target = "中国和中亚", "China and Central Asia ."
    (score,) = scorer.score([source], [target])
    assert score.pieces[-1][0] == "</s>" and score.tokens == len(score.pieces)
    assert all(lp <= 0 for _, lp in score.pieces)
    assert [w.text for w in score.words] == target.split()
    assert all(w.span.of(target) == w.text for w in score.words)
    batch = zh_en._tokenizer([source], text_target=[target], return_tensors="pt")
    with torch.inference_mode():
        loss = zh_en._model(**batch).loss.item()
    assert score.score == pytest.approx(-loss, abs=1e-3)  # the mean token log-prob is minus the loss
    assert scorer.signature["scoring"].startswith("forced-decoding")


def test_ctranslate2_scores_agree_with_transformers(zh_en, tiny_model_dir: Path, tmp_path: Path) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")
    from pipeline.translate.ct2 import CT2Translator, convert_model

    folder = convert_model(tiny_model_dir, tmp_path / "ct2-f32", quantization="float32")
    ct2 = CT2Translator(str(folder), device="cpu", **OPTIONS)
    ct2._translator = ctranslate2.Translator(
        str(folder), device="cpu", compute_type="float32"
    )  # exact, for the comparison
    pairs = (["中国和中亚", "确保中国"], ["China and Central Asia .", "The summit is the first major activity"])
    for a, b in zip(make_scorer(zh_en).score(*pairs), make_scorer(ct2).score(*pairs)):
        assert [p for p, _ in a.pieces] == [p for p, _ in b.pieces]
        assert a.score == pytest.approx(b.score, abs=1e-3)


def test_scorer_needs_a_backend_that_can_score(zh_en) -> None:
    class Wrapper:  # like the translation cache
        def __init__(self, inner: Any) -> None:
            self.inner = inner

    assert make_scorer(None) is None and make_scorer(object()) is None
    assert make_scorer(Wrapper(zh_en)) is not None


def test_pieces_become_words_on_the_text() -> None:
    pieces = [("▁good", -1.0), ("▁", -1.0), ("-", -3.0), ("ne", -1.0), ("▁Asia", -2.0), ("</s>", -0.5)]
    words = words_from_pieces("good -neighborly Asia", pieces)
    assert [(w.text, w.logprob) for w in words] == [("good", -1.0), ("-neighborly", -5.0 / 3), ("Asia", -2.0)]
    # normalisation changed the count of words: placed by search instead
    words = words_from_pieces("A  B\u3000C", [("▁A", -1.0), ("▁B", -1.0), ("▁C", -1.0)])
    assert [w.text for w in words] == ["A", "B", "C"]


class StubScorer:
    """Word log-probabilities chosen by the test."""

    signature = {"model": "stub", "revision": "0", "backend": "test"}

    def __init__(self, logprobs: dict[str, float]) -> None:
        self.logprobs = logprobs

    def score(self, sources, targets):
        out = []
        for target in targets:
            pieces = [("▁" + w, self.logprobs.get(w, -1.0)) for w in target.split()] + [("</s>", -0.5)]
            words = words_from_pieces(target, pieces)
            out.append(SentenceScore(sum(p for _, p in pieces) / len(pieces), len(pieces), words, tuple(pieces)))
        return out


def test_low_confidence_marks_runs_of_weak_words() -> None:
    text = "Intro. How should the country work upon this moment, fight side by side, together?"
    span = Span(7, len(text))
    scorer = StubScorer({"upon": -9.0, "this": -8.8, "moment,": -8.5})
    (finding,) = low_confidence(text, [span], ["国家应如何携手"], scorer, k=1.0, min_gap=1.0)
    assert finding.span.of(text) == "upon this moment"  # one run of adjacent weak words, without the comma
    assert finding.check == "low-confidence" and finding.severity == Severity.MINOR
    assert set(finding.evidence) >= {
        "sentence_score",
        "word_logprobs",
        "word_mean",
        "word_std",
        "threshold",
        "source",
        "model",
    }
    assert finding.evidence["word_logprobs"] == [-9.0, -8.8, -8.5]
    two = StubScorer({"upon": -9.0, "moment,": -8.5})
    assert [f.span.of(text) for f in low_confidence(text, [span], ["国家"], two, k=1.0, min_gap=1.0)] == [
        "upon",
        "moment",
    ]


def test_no_weak_words_in_short_or_even_sentences() -> None:
    score = SentenceScore(-1.0, 3, tuple(WordScore(w, Span(0, 1), -1.0, ("▁" + w,)) for w in "a b".split()), ())
    assert score.weak() == []


def test_low_confidence_with_the_tiny_model(zh_en, summit) -> None:
    from pipeline.stages.retranslate import confidence_findings

    findings = confidence_findings(summit, make_scorer(zh_en))
    for f in findings:
        assert f.check == "low-confidence" and f.span.of(summit.en.text).strip()
        assert f.evidence["sentence_score"] < 0 and f.evidence["source_kind"] == "original"


# --- the models together ------------------------------------------------------------------------


def test_round_trip_sends_the_target_token(en_zh, zh_en, monkeypatch: pytest.MonkeyPatch) -> None:
    assert target_prefix(en_zh) == ">>cmn_Hans<<" and target_prefix(zh_en) == ""
    seen: list[list[str]] = []
    real = en_zh.translate
    monkeypatch.setattr(en_zh, "translate", lambda texts: seen.append(list(texts)) or real(texts))
    (pivot_back,) = round_trip(["Chinese people say that thirty stands."], en_zh, zh_en)
    assert seen == [[">>cmn_Hans<< Chinese people say that thirty stands."]]
    assert all(isinstance(t, str) for t in pivot_back)


def test_retranslate_from_the_original(summit, summit_findings, zh_en, en_zh, checks) -> None:
    result = retranslate(summit.en, summit_findings, pair=summit, to_english=zh_en, from_english=en_zh, checks=checks)
    assert result.notices == []
    assert [p.span for p in result.proposals][:2] == [summit.en.sentences[0], summit.en.sentences[2]]
    for p, d in zip(result.proposals, result.decisions):
        assert p.mechanism == SOURCE and p.text and p.outputs
        assert p.model_before is not None and p.model_after is not None
        assert d.reasons and {"penalty", "findings", "model"} <= set(d.deltas)
        assert "model" in d.before and "model" in d.after
    accepted, suggestions = result.edits()
    assert len(accepted) + len(suggestions) == len(result.proposals)
    assert all(e.origin == "retranslation" for e in accepted + suggestions)
    rows = result.to_dict()
    assert rows[0]["decision"]["reasons"] == result.decisions[0].reasons and rows[0]["source"].startswith("1月25日")


def test_retranslate_without_the_original_suggests_round_trips(summit, checks, zh_en, en_zh) -> None:
    findings = run_checks(summit.en, checks)
    result = retranslate(summit.en, findings, to_english=zh_en, from_english=en_zh, checks=checks)
    assert [p.mechanism for p in result.proposals] == [ROUND_TRIP, ROUND_TRIP]
    assert all(p.pivot for p in result.proposals)
    assert not any(d.accept for d in result.decisions)
    assert all(d.reasons[0].startswith(("round trip", "rejected by the output guard")) for d in result.decisions)


def test_missing_models_cost_only_their_part(summit, summit_findings, checks, zh_en) -> None:
    none = retranslate(summit.en, summit_findings, pair=summit, checks=checks)
    assert none.proposals == [] and none.notices == ["flagged sentences not retranslated: no Chinese→English model"]
    findings = run_checks(summit.en, checks)
    half = retranslate(summit.en, findings, to_english=zh_en, checks=checks)
    assert half.proposals == [] and len(half.notices) == 1 and "opus-mt-en-zh" in half.notices[0]
    translator, notice = load_optional("/nonexistent/model-folder")
    assert translator is None and notice and "\n" not in notice


def test_proposals_and_scores_line_up(summit, summit_findings, zh_en) -> None:
    wanted = from_source(summit, summit_findings)
    segments = [s for r in wanted for s in r.segments]
    proposals = make_proposals(wanted, dict(zip(segments, zh_en.translate(segments))))
    scored = score_proposals(proposals, make_scorer(zh_en))
    direct = make_scorer(zh_en).score(
        [p.retranslation.source for p in proposals], [p.retranslation.original for p in proposals]
    )
    assert [p.model_before for p in scored] == pytest.approx([s.score for s in direct])
    assert make_proposals(wanted, {}) == []  # no outputs, no proposal
