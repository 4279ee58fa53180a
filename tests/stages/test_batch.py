"""The batch runner's model calls: one batched call per chunk and direction."""

from pipeline.checks import build_checks
from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages.job import Job
from pipeline.stages.prepare import prepare
from pipeline.stages.translate import TranslatorSlot, retranslate_chunk


class Recorder:
    """A stand-in translator that records its calls (the model is not what is tested here)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.calls: list[list[str]] = []
        self.signature = {"model": f"recorder-{self.tag}"}

    def translate(self, texts: list[str]) -> list[str]:
        self.calls.append(list(texts))
        return [f"{self.tag}: {t}" for t in texts]


def _slot(translator) -> TranslatorSlot:
    slot = TranslatorSlot(Settings())
    slot.translator = translator
    return slot


def test_round_trips_of_a_chunk_go_to_each_model_in_one_call(tmp_path):
    checks = build_checks()
    texts = [
        "The two sides will build a community of destiny in the region.",
        "Leaders spoke of lip and teeth ties. Trade grew.",
        "Officials praised the community of destiny again.",
    ]
    ready = [
        (Job(tmp_path / f"{i}.txt", str(i)), prepare(Document.from_text(t), checks, frozenset()))
        for i, t in enumerate(texts)
    ]
    zh_en, en_zh = Recorder("en"), Recorder("zh")
    retranslate_chunk(ready, checks, _slot(zh_en), _slot(en_zh))
    assert len(en_zh.calls) == 1 and len(zh_en.calls) == 1  # one batched call per direction
    assert len(en_zh.calls[0]) == 3  # every flagged sentence of the chunk, once
    for _, prep in ready:
        trips = prep.retranslation.proposals
        assert trips and all(p.retranslation.mechanism == "round-trip" for p in trips)
        assert not any(d.accept for d in prep.retranslation.decisions)  # round trips only suggest


def test_without_a_model_each_article_says_what_was_not_retranslated(tmp_path):
    checks = build_checks()
    prep = prepare(Document.from_text("They hailed the community of destiny."), checks, frozenset())
    missing = TranslatorSlot(Settings(model=str(tmp_path / "no-model")))
    retranslate_chunk([(Job(tmp_path / "a.txt", "a"), prep)], checks, missing, missing)
    assert prep.retranslation is None
    assert prep.notices and prep.notices[0].startswith("flagged sentences not retranslated: ")


def test_an_input_that_failed_before_it_was_read_is_measured_for_no_batch_check(tmp_path):
    """An input whose --ref could not be read fails alone: the batch checks compare it with nothing."""
    from pipeline.stages.batch import batch_checks, measure_job
    from pipeline.stages.worker import init_worker, prepare_job

    path = tmp_path / "a.txt"
    path.write_text("Trade grew 5% last year.\n", encoding="utf-8")
    checks = list(batch_checks(build_checks()))
    assert measure_job(checks, Job(path, "a"))  # readable: measured
    failed = Job(path, "a", failure="--ref refs/a.txt: looks binary")
    assert measure_job(checks, failed) == {}
    init_worker(Settings(), None)
    assert prepare_job(failed) == "--ref refs/a.txt: looks binary"
