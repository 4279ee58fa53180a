"""CTranslate2: the fast optional backend, and conversion of a Marian folder to it.

Tokenization mirrors MarianTokenizer (sentencepiece pieces + ``</s>`` in, special pieces
dropped out), so both backends see and produce the same text for the same model.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pipeline.core.settings import DEFAULT_MODEL
from pipeline.translate.base import BaseTranslator
from pipeline.translate.marian import quiet_transformers
from pipeline.translate.models import (
    ModelUnavailable,
    cache_name,
    describe_model,
    model_backend,
    models_dir,
    replace_folder,
    resolve_model,
    write_metadata,
)

COPY_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
SPECIAL_PIECES = frozenset({"</s>", "<unk>", "<pad>"})  # what MarianTokenizer skips when decoding
MAX_INPUT_TOKENS = 512  # Marian's sinusoidal positions end here; MarianTokenizer truncates there too


def _import_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise ModelUnavailable(
            "backend ct2 needs ctranslate2; `pip install 'tqa[ct2]'` or use --backend transformers"
        ) from exc
    return ctranslate2


def pick_device(ctranslate2: Any, device: str) -> tuple[str, str]:
    """(device, compute_type): float16 on GPUs, int8 on CPUs (fast, and small)."""
    cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "auto":
        device = "cuda" if cuda else "cpu"
    if device == "cuda" and not cuda:
        raise ValueError("CT2Translator: device 'cuda' is not available to ctranslate2 here; use auto or cpu")
    if device not in ("cuda", "cpu"):
        raise ValueError(f"CT2Translator: device must be auto, cpu or cuda; got {device!r}")
    return device, "float16" if device == "cuda" else "int8"


_LANGUAGE_TOKEN = re.compile(r"\s*(>>[\w-]+<<)\s*")


class CT2Translator(BaseTranslator):
    """A converted CTranslate2 model folder (model.bin + the sentencepiece files)."""

    backend = "ct2"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str = "auto",
        num_beams: int = 4,
        max_length: int = 512,
        batch_size: int = 16,
        threads: int = 1,
    ) -> None:
        super().__init__(num_beams=num_beams, max_length=max_length, batch_size=batch_size)
        ctranslate2 = _import_ctranslate2()
        path = resolve_model(model, backend="ct2")
        missing = [name for name in ("source.spm", "target.spm") if not (path / name).is_file()]
        if missing:
            raise ModelUnavailable(f"folder {path} lacks {', '.join(missing)}; convert it with `tqa models convert`")
        import sentencepiece

        self._meta = describe_model(path, model)
        self.device, self.compute_type = pick_device(ctranslate2, device)
        self._translator = ctranslate2.Translator(
            str(path), device=self.device, compute_type=self.compute_type, inter_threads=1, intra_threads=threads
        )
        self.threads = threads
        self._source = sentencepiece.SentencePieceProcessor(model_file=str(path / "source.spm"))
        self._target = sentencepiece.SentencePieceProcessor(model_file=str(path / "target.spm"))
        self._library = f"ctranslate2 {ctranslate2.__version__}"

    def _describe(self) -> dict[str, Any]:
        return {**self._meta, "device": self.device, "dtype": self.compute_type, "library": self._library}

    def source_tokens(self, text: str) -> list[str]:
        """Source pieces as MarianTokenizer makes them: a leading target-language token
        (``>>cmn_Hans<<``, which multilingual opus-mt models need) stays one piece."""
        m = _LANGUAGE_TOKEN.match(text)
        prefix, text = ([m.group(1)], text[m.end() :]) if m else ([], text)
        return prefix + self._source.encode(text, out_type=str) + ["</s>"]

    def _token_lengths(self, texts: list[str]) -> list[int]:
        return [len(self.source_tokens(text)) for text in texts]

    def _translate_batch(self, texts: list[str]) -> list[str]:
        tokens = [self.source_tokens(text) for text in texts]
        results = self._translator.translate_batch(
            tokens,
            beam_size=self.num_beams,
            max_decoding_length=self.max_length,
            max_batch_size=self.batch_size,
            max_input_length=MAX_INPUT_TOKENS,
        )
        return [
            self._target.decode([p for p in result.hypotheses[0] if p not in SPECIAL_PIECES]).strip()
            for result in results
        ]


def convert_model(
    src_folder: str | Path,
    out_folder: str | Path | None = None,
    quantization: str = "int8",
) -> Path:
    """Convert a Marian folder (or a locally available model id) to CTranslate2.

    ``out_folder`` defaults to ``<id>--ct2`` in the tqa cache, where ``resolve_model``
    looks for it. Conversion writes to a temporary folder beside the target, then renames.
    """
    ctranslate2 = _import_ctranslate2()
    src = resolve_model(str(src_folder))
    meta = describe_model(src, str(src_folder))
    out = Path(out_folder) if out_folder is not None else models_dir() / cache_name(meta["model"], "ct2")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        converter = ctranslate2.converters.TransformersConverter(
            str(src), copy_files=[name for name in COPY_FILES if (src / name).is_file()]
        )
        with quiet_transformers():
            converter.convert(str(tmp), quantization=quantization, force=True)
        write_metadata(tmp, **{**meta, "converted_from": str(src), "quantization": quantization})
        if model_backend(tmp) != "ct2":
            raise RuntimeError(f"conversion of {src} wrote no model.bin")
        replace_folder(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
