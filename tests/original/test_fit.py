"""An original that does not fit its English is set aside: one notice naming it and the
figure, none of its source findings, and the documents counted at the end of a run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.checks import SOURCE_REGISTRY, build_checks
from pipeline.core.document import Document, load_document
from pipeline.original import MISFIT
from pipeline.original.align import Link
from pipeline.original.files import load_source
from pipeline.original.pair import MAX_UNALIGNED, MIN_COVERAGE, coverage, misfit, pair_documents, unaligned_share
from pipeline.report.run_summary import RunTally
from pipeline.stages.prepare import prepare
from tests.support import REPO_ROOT, TEST_DATA, tqa

PARALLEL = TEST_DATA / "parallel"
ORIGINALS = TEST_DATA / "originals"
SEED = REPO_ROOT / "seeds" / "000_0e67fac1f9dc59aa.txt"  # 6.6 KB: the summit article in full


def first_tenth(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[: len(text) // 10]


def source_findings(prep) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.check for f in prep.findings if f.check in SOURCE_REGISTRY]


@pytest.fixture(scope="module")
def checks():  # type: ignore[no-untyped-def]
    return build_checks()


# --- the pairs that fit --------------------------------------------------------------------

FULL_PAIRS = [
    (PARALLEL / "summit.en.txt", PARALLEL / "summit.zh.txt"),
    (PARALLEL / "rail.en.txt", PARALLEL / "rail.zh.txt"),
    *((ORIGINALS / "port.en.txt", ORIGINALS / f"port.{lang}.txt") for lang in ("de", "fr", "ru", "ko")),
]


@pytest.mark.parametrize("en, original", FULL_PAIRS, ids=lambda p: p.name)
def test_every_full_pair_fits(en: Path, original: Path, checks) -> None:  # type: ignore[no-untyped-def]
    assert misfit(pair_documents(load_document(en), load_source(original))) is None
    prep = prepare(load_document(en), checks, frozenset(), source=original)
    assert prep.pair is not None and not any(n.startswith(MISFIT) for n in prep.notices)


def test_short_texts_are_not_judged() -> None:
    # one short sentence's length ratio is noise: 6 characters against 50
    pair = pair_documents(
        Document.from_text("Buy at a higher price, get a refund for the difference!"), _zh("买贵退差价！")
    )
    assert misfit(pair) is None


# --- the pairs that do not ----------------------------------------------------------------


def _zh(text: str, path: str | None = None) -> Document:
    return Document.from_text(text, path)


def test_an_original_cut_to_its_first_tenth_is_set_aside(checks) -> None:  # type: ignore[no-untyped-def]
    en = load_document(PARALLEL / "summit.en.txt")
    cut = _zh(first_tenth(PARALLEL / "summit.zh.txt"), "summit.zh.txt")
    why = misfit(pair_documents(en, cut))
    assert why == f"{MISFIT}the original summit.zh.txt covers ~8% of the English"
    prep = prepare(en, checks, frozenset(), source=cut)
    assert prep.pair is None and prep.notices == [why] and source_findings(prep) == []
    # without the fit test the cut original gave a false number mismatch ("30th")
    assert prep.findings == prepare(en, checks, frozenset()).findings


def test_the_summit_original_against_the_whole_article(checks) -> None:  # type: ignore[no-untyped-def]
    # 478 bytes of Chinese for 6.6 KB of English: before, a false omission, number
    # mismatches and key-term findings on the passages the original does not hold
    prep = prepare(load_document(SEED), checks, frozenset(), source=PARALLEL / "summit.zh.txt")
    assert prep.notices == [f"{MISFIT}the original {PARALLEL / 'summit.zh.txt'} covers ~9% of the English"]
    assert prep.pair is None and source_findings(prep) == []


def test_an_original_far_longer_than_its_english() -> None:
    en = load_document(PARALLEL / "rail.en.txt")
    one_sentence = Document.from_text(en.sentences[0].of(en.text))
    why = misfit(pair_documents(one_sentence, load_source(PARALLEL / "rail.zh.txt")))
    assert why is not None and why.startswith(f"{MISFIT}the English covers ~") and "of the original" in why


def test_most_sentences_unaligned() -> None:
    pair = pair_documents(load_document(PARALLEL / "rail.en.txt"), load_source(PARALLEL / "rail.zh.txt"))
    assert unaligned_share(pair.alignment) <= MAX_UNALIGNED and misfit(pair) is None
    # the same pair as if the aligner had found a partner for none but the first sentences
    alignment, zh, en = pair.alignment, pair.alignment.zh_sentences, pair.alignment.en_sentences
    links = [Link((0,), (0,), zh[0], en[0])]
    links += [Link((i,), (), zh[i], en[0]) for i in range(1, len(zh))]
    links += [Link((), (j,), zh[0], en[j]) for j in range(1, len(en))]
    alone = replace(pair, alignment=replace(alignment, links=tuple(links)))
    why = misfit(alone)
    assert why is not None and why.startswith(MISFIT) and "of the sentences of" in why and "are unaligned" in why


def test_the_bounds_keep_the_cut_original_out_with_room() -> None:
    en = load_document(PARALLEL / "summit.en.txt")

    share, _ = coverage(en.text, first_tenth(PARALLEL / "summit.zh.txt"), "zh")
    assert share < MIN_COVERAGE / 2


# --- what the user sees -----------------------------------------------------------------


def test_tqa_check_names_the_original_and_counts_the_documents(tmp_path: Path) -> None:
    (tmp_path / "summit.en.txt").write_text((PARALLEL / "summit.en.txt").read_text("utf-8"), encoding="utf-8")
    (tmp_path / "summit.zh.txt").write_text(first_tenth(PARALLEL / "summit.zh.txt"), encoding="utf-8")
    result = tqa("check", tmp_path / "summit.en.txt", "--format", "json")
    original = tmp_path / "summit.zh.txt"
    assert f"summit.en.txt: {MISFIT}the original {original} covers ~8% of the English" in result.stderr
    assert "tqa: source checks skipped in 1 document(s) whose original does not fit the English" in result.stderr
    assert "number-mismatch" not in result.stdout


def test_a_record_whose_original_field_does_not_fit(tmp_path: Path) -> None:
    import json

    corpus = tmp_path / "news.jsonl"
    record = {
        "id": "a",
        "text": (PARALLEL / "summit.en.txt").read_text("utf-8"),
        "zh": first_tenth(PARALLEL / "summit.zh.txt"),
    }
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = tqa("check", corpus, "--source-field", "zh")
    assert f"news.jsonl#a: {MISFIT}the original covers ~8% of the English" in result.stderr
    assert "source checks skipped in 1 document(s)" in result.stderr


def test_the_end_of_a_run_counts_and_names_them() -> None:
    tally = RunTally()
    for i in range(7):
        notices = [f"{MISFIT}the original a{i}.zh.txt covers ~8% of the English"] if i % 2 == 0 else []
        tally.add(
            SimpleNamespace(
                hidden=0,
                guard_rejected=[],
                unguarded=[],
                notices=notices,
                job=SimpleNamespace(key=f"a{i}.en.txt"),
                worst=None,
            ),
            None,
        )
    (line,) = tally.lines(None)
    assert line.startswith("tqa: source checks skipped in 4 article(s) whose original does not fit the English: ")
    assert "a0.en.txt (the original a0.zh.txt covers ~8% of the English)" in line and "a6.en.txt" in line
