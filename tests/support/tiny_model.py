"""A tiny, random, deterministic Marian model for tests (no model hub needed).

It has the real opus-mt layout (source.spm/target.spm, vocab.json with ``</s>`` = 0,
``<unk>`` = 1 and ``<pad>`` last, config.json + model.safetensors), so it loads through
the same code path as Helsinki-NLP/opus-mt-zh-en and converts with CTranslate2, whose
Marian converter expects ``<pad>`` to be the last token.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from pipeline.translate.marian import quiet_transformers

VOCAB_SIZE = 400


def _train_sentencepiece(corpus_text: str, seed: int) -> bytes:
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    lines = [line.strip() for line in corpus_text.splitlines() if line.strip()]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=VOCAB_SIZE,
        hard_vocab_limit=False,  # a short corpus may not support 400 pieces
        character_coverage=1.0,  # keep every Chinese character the seed holds
        model_type="unigram",
        num_threads=1,  # one thread: the same pieces on every machine
        minloglevel=2,
    )
    return model.getvalue()


TINY_CONFIG = dict(
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
    max_position_embeddings=256,
    # large random weights so that different inputs give different outputs
    # (at the usual 0.02 every input decodes to the same string)
    init_std=0.5,
)


def build_tiny_marian(
    out_dir: Path,
    corpus_text: str,
    seed: int = 0,
    source_lang: str = "zh",
    target_lang: str = "en",
    language_tokens: tuple[str, ...] = (),
) -> Path:
    """Write a tiny Marian model (sentencepiece trained on ``corpus_text``) to ``out_dir``.

    ``source_lang``/``target_lang`` name the direction (``en``/``zh`` for a stand-in of
    Helsinki-NLP/opus-mt-en-zh); ``language_tokens`` (e.g. ``>>cmn_Hans<<``) are added to
    the vocabulary, as multi-target opus-mt models have them.
    """
    return build_random_marian(out_dir, corpus_text, TINY_CONFIG, seed, source_lang, target_lang, language_tokens)


def build_random_marian(
    out_dir: Path,
    corpus_text: str,
    config: dict,
    seed: int = 0,
    source_lang: str = "zh",
    target_lang: str = "en",
    language_tokens: tuple[str, ...] = (),
    vocab_size: int | None = None,
) -> Path:
    """A random Marian model of any size with the opus-mt layout (``config``: MarianConfig
    fields besides the vocabulary and special tokens). ``vocab_size`` pads the vocabulary
    with entries the tokenizer never produces, where only the size matters (benchmarks)."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sp_model = _train_sentencepiece(corpus_text, seed)
    for name in ("source.spm", "target.spm"):
        (out_dir / name).write_bytes(sp_model)
    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    for token in language_tokens:
        vocab.setdefault(token, len(vocab))
    while vocab_size is not None and len(vocab) < vocab_size - 1:
        vocab[f"▁unused{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = pad = len(vocab)  # last, as CTranslate2's Marian converter expects
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    with quiet_transformers():
        tokenizer = MarianTokenizer(
            source_spm=str(out_dir / "source.spm"),
            target_spm=str(out_dir / "target.spm"),
            vocab=str(out_dir / "vocab.json"),
            source_lang=source_lang,
            target_lang=target_lang,
        )
        tokenizer.save_pretrained(out_dir)
        model_config = MarianConfig(
            vocab_size=len(vocab),
            pad_token_id=pad,
            eos_token_id=0,
            decoder_start_token_id=pad,
            forced_eos_token_id=0,
            **config,
        )
        with torch.random.fork_rng():  # seed the weights without touching the caller's RNG
            torch.manual_seed(seed)
            MarianMTModel(model_config).save_pretrained(out_dir)
    return out_dir
