"""Every check id a user can meet: the registered checks, the source checks and the
model-made ``low-confidence``. One list for ``tqa checks``, ``--select``/``--ignore``
and ``tqa accept --check``, so an id is valid in all of them or in none."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.checks.base import PER_1000W

# The surface family: glued text, punctuation and HTML residue, missing hyphens, romanised
# Chinese, repeated stems and headlines (docs/checks.md); the devset benchmark measures them
# as one family, and the clean-English tests hold each to the false-alarm bar.
SURFACE = (
    "glued-words",
    "glued-number",
    "glued-punctuation",
    "doubled-punctuation",
    "spaced-quote",
    "html-residue",
    "missing-hyphen",
    "pinyin",
    "repeated-stem",
    "repeated-modifier",
    "repeated-headline",
)


@dataclass(frozen=True)
class CheckInfo:
    id: str
    severity: str
    description: str
    needs: str = ""  # what the check needs beyond the English text
    score: str = PER_1000W  # what its score measures (``Check.score``), what a threshold is on


def catalog() -> dict[str, CheckInfo]:
    from pipeline.checks import SOURCE_REGISTRY, known_checks
    from pipeline.translate.scoring import CHECK_ID as LOW_CONFIDENCE

    def original(cls: type) -> str:
        return f"the original: --source; originals in: {', '.join(cls.languages)}"

    found = {
        check_id: CheckInfo(
            check_id,
            cls.severity.value,
            cls.description,
            getattr(cls, "needs", "") or (original(cls) if check_id in SOURCE_REGISTRY else ""),
            cls.score_name,
        )
        for check_id, cls in known_checks().items()
    }
    found[LOW_CONFIDENCE] = CheckInfo(
        LOW_CONFIDENCE,
        "minor",
        "Words the translation model finds far less likely than the rest of their sentence",
        "a translation model; made by `tqa run` while retranslating",
    )
    return dict(sorted(found.items()))


def unknown_ids(ids: set[str] | list[str]) -> list[str]:
    known = catalog()
    return sorted(i for i in ids if i not in known)
