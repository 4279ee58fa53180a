"""A model-based garble score: force-decode the English given its Chinese.

The zh→en model gives every target token a log-probability when the target is fed to the
decoder instead of generated (transformers: one forward pass with ``labels``, no
``generate``; CTranslate2: ``Translator.score_batch``). A sentence's score is the mean
log-probability of its tokens (end of sentence included), the length-normalised sequence
log-probability that studies of MT quality estimation found the best single unsupervised
detector of bad translation. Sentencepiece pieces are grouped into words (a piece
starting with ``▁`` starts one), a word scoring the mean of its pieces, and a word is
*weak* when it is far below its sentence's word mean: below ``mean - k·std`` and at
least ``min_gap`` nats below the mean. Weak words are reported as ``low-confidence``
findings with the sentence score, the word's score and the threshold in evidence.

Known limits: the score says how *expected* the English is given the Chinese, so rare
names and correct but unusual wording score low too (the findings are minor, to be
read, never applied); and a model always prefers its own output, so comparing the score
of the original with the model's own retranslation favours the retranslation (see
``pipeline.stages.acceptance.decide``).

Torch is imported only inside the transformers scorer; nothing here loads a model: a
scorer wraps a translator that is already loaded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

WORD_START = "▁"
CHECK_ID = "low-confidence"
_TOKEN = regex.compile(r"\S+")
_ONLY_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_EDGE_PUNCT = regex.compile(r"^[\p{P}\p{S}]+|[\p{P}\p{S}]+$")


@dataclass(frozen=True)
class WordScore:
    """A word of the target: its span in the target string, pieces and mean log-probability."""

    text: str
    span: Span
    logprob: float
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class SentenceScore:
    """Forced-decoding scores of one target sentence given its source."""

    score: float  # mean log-probability per token, end of sentence included
    tokens: int
    words: tuple[WordScore, ...]
    pieces: tuple[tuple[str, float], ...]  # every scored piece and its log-probability

    @property
    def word_mean(self) -> float:
        return sum(w.logprob for w in self.words) / len(self.words) if self.words else 0.0

    @property
    def word_std(self) -> float:
        if len(self.words) < 2:
            return 0.0
        mean = self.word_mean
        return math.sqrt(sum((w.logprob - mean) ** 2 for w in self.words) / (len(self.words) - 1))

    def threshold(self, k: float = 2.0, min_gap: float = 1.0) -> float:
        """Words below this are weak: ``min(mean - k·std, mean - min_gap)``."""
        return min(self.word_mean - k * self.word_std, self.word_mean - min_gap)

    def weak(self, k: float = 2.0, min_gap: float = 1.0, min_words: int = 4) -> list[WordScore]:
        """Words far below the sentence's mean; none in sentences under ``min_words`` words."""
        if len(self.words) < min_words:
            return []
        limit = self.threshold(k, min_gap)
        return [w for w in self.words if w.logprob < limit and not _ONLY_PUNCT.fullmatch(w.text)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "tokens": self.tokens,
            "words": [
                {"text": w.text, "start": w.span.start, "end": w.span.end, "logprob": round(w.logprob, 4)}
                for w in self.words
            ],
        }


def words_from_pieces(target: str, scored: Sequence[tuple[str, float]]) -> tuple[WordScore, ...]:
    """Group scored pieces into words and place each word on ``target``.

    Pieces starting with ``▁`` start a word; the words are matched to the whitespace
    tokens of ``target`` in order (sentencepiece splits on whitespace, so their numbers
    agree; when normalisation made them differ, a word is looked up from where the
    previous one ended). Special pieces (``</s>``) belong to no word.
    """
    groups: list[list[tuple[str, float]]] = []
    for piece, logprob in scored:
        if piece in ("</s>", "<pad>"):
            continue
        if piece.startswith(WORD_START) or not groups:
            groups.append([])
        groups[-1].append((piece, logprob))
    groups = [g for g in groups if "".join(p for p, _ in g).replace(WORD_START, "")]
    tokens = [Span(m.start(), m.end()) for m in _TOKEN.finditer(target)]
    words = []
    cursor = 0
    for index, group in enumerate(groups):
        pieces = tuple(p for p, _ in group)
        text = "".join(pieces).replace(WORD_START, "")
        if len(tokens) == len(groups):
            span = tokens[index]
        else:
            at = target.find(text, cursor)
            if at < 0:
                following = [t for t in tokens if t.start >= cursor]
                span = following[0] if following else Span(len(target), len(target))
            else:
                span = Span(at, at + len(text))
        cursor = span.end
        words.append(WordScore(span.of(target), span, sum(lp for _, lp in group) / len(group), pieces))
    return tuple(words)


class Scorer:
    """``score`` written once; a backend fills in ``_score_batch`` (pieces and log-probabilities)."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.batch_size = getattr(translator, "batch_size", 16)

    @property
    def signature(self) -> dict[str, Any]:
        return {**self.translator.signature, "scoring": "forced-decoding|mean-logprob|words:sentencepiece"}

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[SentenceScore]:
        """Scores of each target given its source (same length and order as the inputs)."""
        if len(sources) != len(targets):
            raise ValueError(f"{type(self).__name__}.score: {len(sources)} sources but {len(targets)} targets")
        pairs = sorted({(s, t) for s, t in zip(sources, targets)}, key=lambda p: (len(p[0]) + len(p[1]), p))
        done: dict[tuple[str, str], SentenceScore] = {}
        for start in range(0, len(pairs), self.batch_size):
            batch = pairs[start : start + self.batch_size]
            scored = self._score_batch([s for s, _ in batch], [t for _, t in batch])
            for (source, target), pieces in zip(batch, scored):
                mean = sum(lp for _, lp in pieces) / len(pieces) if pieces else 0.0
                done[(source, target)] = SentenceScore(
                    mean, len(pieces), words_from_pieces(target, pieces), tuple(pieces)
                )
        return [done[(s, t)] for s, t in zip(sources, targets)]

    def _score_batch(self, sources: list[str], targets: list[str]) -> list[list[tuple[str, float]]]:
        raise NotImplementedError


class MarianScorer(Scorer):
    """Forced decoding with a ``MarianTranslator``'s model: one forward pass per batch."""

    def _score_batch(self, sources: list[str], targets: list[str]) -> list[list[tuple[str, float]]]:
        t = self.translator
        torch = t._torch
        tokenizer, model = t._tokenizer, t._model
        pad = model.config.pad_token_id
        batch = tokenizer(
            sources, text_target=targets, return_tensors="pt", padding=True, truncation=True, max_length=t._max_input
        )
        labels = batch.pop("labels")
        mask = labels != pad
        batch = batch.to(t.device)
        with torch.inference_mode():
            logits = model(**batch, labels=labels.masked_fill(~mask, -100).to(t.device)).logits.float()
            logits[..., pad] = -math.inf  # generation never emits <pad>, so it takes no mass here either
            logprobs = torch.log_softmax(logits, dim=-1).gather(-1, labels.to(t.device).unsqueeze(-1)).squeeze(-1).cpu()
        out = []
        for row, row_mask, row_lp in zip(labels, mask, logprobs):
            ids = row[row_mask].tolist()
            out.append(list(zip(tokenizer.convert_ids_to_tokens(ids), row_lp[row_mask].tolist())))
        return out


class CT2Scorer(Scorer):
    """Forced decoding with a ``CT2Translator``'s model (``score_batch``)."""

    def _score_batch(self, sources: list[str], targets: list[str]) -> list[list[tuple[str, float]]]:
        from pipeline.translate.ct2 import MAX_INPUT_TOKENS

        t = self.translator
        src = [t.source_tokens(s) for s in sources]
        tgt = [t._target.encode(s, out_type=str) for s in targets]
        results = t._translator.score_batch(src, tgt, max_batch_size=self.batch_size, max_input_length=MAX_INPUT_TOKENS)
        return [list(zip(r.tokens, r.log_probs)) for r in results]


def unwrap(translator: Any) -> Any:
    """The backend under wrappers such as the translation cache (``.inner``)."""
    seen = 0
    while hasattr(translator, "inner") and seen < 8:
        translator, seen = translator.inner, seen + 1
    return translator


def make_scorer(translator: Any) -> Scorer | None:
    """A scorer over a loaded translator's model, or None when its backend cannot score."""
    backend = unwrap(translator)
    if backend is None:
        return None
    if hasattr(backend, "_model") and hasattr(backend, "_tokenizer"):
        return MarianScorer(backend)
    if hasattr(getattr(backend, "_translator", None), "score_batch") and hasattr(backend, "_target"):
        return CT2Scorer(backend)
    return None


def low_confidence(
    text: str,
    spans: Sequence[Span],
    sources: Sequence[str],
    scorer: Scorer,
    *,
    k: float = 2.0,
    min_gap: float = 1.0,
    min_words: int = 4,
    source_kind: str = "original",
    scores: Sequence[SentenceScore] | None = None,
) -> list[Finding]:
    """``low-confidence`` findings for the English ``spans`` of ``text`` given their ``sources``.

    One finding per run of adjacent weak words, spanning them (trimmed of edge punctuation)
    in ``text``. ``source_kind`` says where the Chinese came from (``original`` or
    ``round-trip``) and goes into the evidence with the sentence score. ``scores`` may be
    passed when they were computed already (one model call per chunk).
    """
    if len(spans) != len(sources):
        raise ValueError(f"low_confidence: {len(spans)} spans but {len(sources)} sources")
    if scores is None:
        scores = scorer.score(list(sources), [s.of(text) for s in spans])
    signature = scorer.signature
    model = {
        "model": signature.get("model"),
        "revision": signature.get("revision"),
        "backend": signature.get("backend"),
    }
    findings = []
    for span, source, score in zip(spans, sources, scores):
        weak = score.weak(k, min_gap, min_words)
        for run in _runs(score, weak):
            first, last = run[0], run[-1]
            local = _trim(span.of(text), Span(first.span.start, last.span.end))
            at = Span(span.start + local.start, span.start + local.end)
            lowest = min(w.logprob for w in run)
            findings.append(
                Finding(
                    check=CHECK_ID,
                    span=at,
                    severity=Severity.MINOR,
                    message=(
                        f"low model confidence: “{at.of(text)}” (log-prob {lowest:.2f} per token, "
                        f"sentence mean {score.word_mean:.2f})"
                    ),
                    evidence={
                        "sentence_score": round(score.score, 4),
                        "word_logprobs": [round(w.logprob, 4) for w in run],
                        "word_mean": round(score.word_mean, 4),
                        "word_std": round(score.word_std, 4),
                        "threshold": round(score.threshold(k, min_gap), 4),
                        "source": source,
                        "source_kind": source_kind,
                        "model": model,
                    },
                )
            )
    return findings


def _runs(score: SentenceScore, weak: Iterable[WordScore]) -> list[list[WordScore]]:
    weak_ids = {id(w) for w in weak}
    runs: list[list[WordScore]] = []
    previous = False
    for word in score.words:
        is_weak = id(word) in weak_ids
        if is_weak:
            if previous:
                runs[-1].append(word)
            else:
                runs.append([word])
        previous = is_weak
    return runs


def _trim(sentence: str, span: Span) -> Span:
    """``span`` without leading and trailing punctuation ("“Fate," -> "Fate"), unless that is all it holds."""
    piece = span.of(sentence)
    core = _EDGE_PUNCT.sub("", piece)
    if not core:
        return span
    start = span.start + piece.index(core)
    return Span(start, start + len(core))
