"""Translation speed: the naive per-sentence loop against tqa's batched backends.

    python bench/translate.py                      # tiny + full-size model, every engine, --device auto
    python bench/translate.py --json bench/translate.json --sentences 128

Engines, each in its own subprocess (so its peak memory is its own):

- ``naive``: what a short script does: load the model with transformers and call it once
  per sentence. transformers 5 removed the ``translation`` pipeline task
  (``pipeline("translation")`` raises KeyError), so the loop calls ``model.generate`` on
  one tokenized sentence at a time, in the model's default dtype (float32), exactly what
  that pipeline did per call.
- ``transformers``: tqa's MarianTranslator (``load_translator(..., backend="transformers")``):
  distinct sentences sorted by length, batches of ``--batch-size``; float16 on CUDA.
- ``ct2``: tqa's CT2Translator on the model converted by ``pipeline.translate.ct2.convert_model``
  (int8 on CPU, float16 on CUDA).

``--order tokens,chars,input`` runs each tqa engine with its batches cut from the
sentences sorted by the model's tokens (tqa as shipped), by characters (tqa before), or
not by length at all (by text); ``input padding`` is the share of the encoder's input
positions that are padding, counted in the model's tokens.

Models: the tiny test model (tests/support/tiny_model.py) and a full-size opus-mt-zh-en
architecture with random weights (d_model 512, 6+6 layers, 8 heads, FFN 2048, vocabulary
65,001, shared embeddings), its vocabulary the tiny sentencepiece model padded with
unused entries. Random weights decode to nonsense of random length, so every engine is
made to generate exactly ``--new-tokens`` tokens per sentence (minimum = maximum length,
no forced end token); the tqa backends are given these settings by wrapping their
``generate``/``translate_batch`` in this script, so tqa's own code stays as shipped. The
generated tokens are counted, and the counts are checked to be equal across engines.

Timings exclude loading and one warm-up call; each engine translates its sentences
``--repeat`` times and the median time counts (a shared machine makes single runs noisy).
Peak memory: the engine process's maximum resident set (VmHWM, else ``ru_maxrss``) and
its growth over the process after imports; on CUDA also the device memory in use
(sampled, CUDA context of the engine excluded) and, for torch engines,
``torch.cuda.max_memory_allocated``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("naive", "naive-fp16", "transformers", "ct2")
DEFAULT_ENGINES = {"cpu": "naive,transformers,ct2", "cuda": "naive,naive-fp16,transformers,ct2"}
MODELS = ("tiny", "full")
ORDERS = ("tokens", "chars", "input")
FULL_VOCAB = 65001  # Helsinki-NLP/opus-mt-zh-en
_SPLIT_CHARS = "，,。；;！!？?：:"


# ---------------------------------------------------------------- inputs


def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))


def chinese_pieces(text: str) -> list[str]:
    """The Chinese passages of ``text`` split at punctuation: clauses of two Han letters or more."""
    import regex

    pieces: list[str] = []
    for passage in regex.findall(r"\p{Han}[\p{Han}\p{P}\p{N}“”‘’—]*", text):
        for piece in regex.split(f"[{_SPLIT_CHARS}]", passage):
            piece = piece.strip("“”‘’— ")
            if len(regex.findall(r"\p{Han}", piece)) >= 2 and piece not in pieces:
                pieces.append(piece)
    if not pieces:
        raise SystemExit("bench: the seed articles hold no Chinese to translate")
    return pieces


def chinese_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct sentences: the seed's clauses recombined (1-4 each), some with a date.

    Distinct, because tqa translates a repeated sentence once and the naive loop would not:
    the comparison is of translation speed, not of deduplication.
    """
    pieces = chinese_pieces(seed_text())
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        k = rng.randint(1, min(4, len(pieces)))
        clauses = rng.sample(pieces, k)
        if rng.random() < 0.3 or len(out) > 200:
            clauses.insert(0, f"{rng.randint(1990, 2030)}年{rng.randint(1, 12)}月")
        out.setdefault("，".join(clauses) + "。", None)
    return list(out)


# ---------------------------------------------------------------- models


def build_tiny(out: Path) -> Path:
    sys.path.insert(0, str(REPO / "tests" / "support"))
    from tiny_model import build_tiny_marian

    return build_tiny_marian(out, seed_text())


def build_full(out: Path, seed: int = 0) -> Path:
    """A random opus-mt-zh-en-sized Marian model: the real architecture, a padded vocabulary."""
    sys.path.insert(0, str(REPO / "tests" / "support"))
    from tiny_model import build_random_marian

    config = dict(  # Helsinki-NLP/opus-mt-zh-en's config.json
        decoder_vocab_size=FULL_VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    return build_random_marian(out, seed_text(), config, seed, vocab_size=FULL_VOCAB)


# ---------------------------------------------------------------- one engine (child process)


def _max_rss_mib() -> float:
    """Peak resident memory of this process, in MiB.

    Linux: VmHWM of /proc/self/status, which starts afresh at exec (``ru_maxrss`` does not:
    a child inherits its parent's peak through fork, and the parent built the models).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


class _GpuSampler:
    """Device memory in use (all of it, CUDA context included), sampled every 5 ms."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch
        self.base = self._used()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _used(self) -> int:
        free, total = self.torch.cuda.mem_get_info()
        return total - free

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._used())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._used())


def _fixed_length_generate(model: Any, new_tokens: int, counter: list[int]) -> None:
    """Make ``model.generate`` produce exactly ``new_tokens`` tokens per sequence, and count them."""
    generate = model.generate
    pad = model.config.pad_token_id

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        kwargs.update(min_new_tokens=new_tokens, max_new_tokens=new_tokens, forced_eos_token_id=None)
        out = generate(*args, **kwargs)
        counter[0] += int((out[:, 1:] != pad).sum())
        return out

    model.generate = wrapped


class _FixedLengthCT2:
    """Stands in for a ``ctranslate2.Translator``: fixed decoding length, counted tokens."""

    def __init__(self, translator: Any, new_tokens: int, counter: list[int]) -> None:
        self._translator, self._n, self._counter = translator, new_tokens, counter

    def translate_batch(self, tokens: Any, **kwargs: Any) -> Any:
        kwargs.update(min_decoding_length=self._n, max_decoding_length=self._n)
        results = self._translator.translate_batch(tokens, **kwargs)
        self._counter[0] += sum(len(r.hypotheses[0]) for r in results)
        return results


def run_engine(spec: dict[str, Any]) -> dict[str, Any]:
    """Load one engine, warm it up, time it on the sentences; return the measurements."""
    engine, device, n_new = spec["engine"], spec["device"], spec["new_tokens"]
    sentences: list[str] = spec["sentences"]
    counter = [0]
    cuda = device == "cuda"
    torch: Any = None
    if engine != "ct2" or cuda:  # CTranslate2 on CPU needs no torch: its memory is its own
        import torch  # first: on CUDA it loads the CUDA libraries CTranslate2 then finds

        if spec.get("threads"):
            torch.set_num_threads(spec["threads"])
    if engine == "ct2":
        import ctranslate2  # noqa: F401  (imported before the baseline, as torch is for the others)
    sampler = _GpuSampler(torch) if cuda else None
    base_rss = _max_rss_mib()
    t0 = time.perf_counter()
    padding = None
    if engine.startswith("naive"):
        from transformers import MarianMTModel, MarianTokenizer

        from pipeline.translate.marian import quiet_transformers

        dtype_arg = {"dtype": torch.float16} if engine == "naive-fp16" else {}  # else the default, float32
        with quiet_transformers():
            tokenizer = MarianTokenizer.from_pretrained(spec["model_dir"])
            model = MarianMTModel.from_pretrained(spec["model_dir"], **dtype_arg).to(device).eval()
        _fixed_length_generate(model, n_new, counter)
        dtype = str(model.dtype).removeprefix("torch.")

        def translate(texts: list[str]) -> list[str]:
            out = []
            for text in texts:  # one sentence at a time, as a translation pipeline is called
                batch = tokenizer([text], return_tensors="pt").to(device)
                out.append(
                    tokenizer.decode(model.generate(**batch, num_beams=spec["beams"])[0], skip_special_tokens=True)
                )
            return out

    else:
        from pipeline.translate import load_translator

        folder = spec["ct2_dir"] if engine == "ct2" else spec["model_dir"]
        # tqa's own default is one thread (--threads); without --threads here, tqa runs as it would
        translator = load_translator(
            folder,
            backend=engine,
            device=device,
            num_beams=spec["beams"],
            max_length=n_new,
            batch_size=spec["batch_size"],
            threads=spec.get("threads") or 1,
        )
        if engine == "ct2":
            translator._translator = _FixedLengthCT2(translator._translator, n_new, counter)
        else:
            _fixed_length_generate(translator._model, n_new, counter)
        dtype = translator.signature.get("dtype", "")
        translate = translator.translate
        padding = _count_padding(translator, spec.get("order", "tokens"))
    load_s = time.perf_counter() - t0

    translate(spec["warm"])
    # Imports leave millions of objects behind; a full collection of them (about a second)
    # must not land inside one engine's timing and not another's.
    gc.collect()
    gc.freeze()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    runs, cpu_runs = [], []
    for _ in range(spec["repeat"]):
        counter[0] = 0
        if padding is not None:
            padding[:] = [0, 0]
        t0, c0 = time.perf_counter(), time.process_time()
        outputs = translate(sentences)
        if cuda:
            torch.cuda.synchronize()
        runs.append(time.perf_counter() - t0)
        cpu_runs.append(time.process_time() - c0)  # all threads of this process: what a busy machine pays
        assert len(outputs) == len(sentences)
    seconds = statistics.median(runs)
    result: dict[str, Any] = {
        "engine": engine,
        "device": device,
        "dtype": dtype,
        "sentences": len(sentences),
        "tokens": counter[0],
        "seconds": round(seconds, 4),
        "sentences_per_s": len(sentences) / seconds,
        "tokens_per_s": counter[0] / seconds,
        "runs_s": [round(r, 4) for r in runs],
        "cpu_s": round(statistics.median(cpu_runs), 4),
        "sentences_per_cpu_s": len(sentences) / max(statistics.median(cpu_runs), 1e-9),
        "load_s": round(load_s, 2),
        "peak_rss_mib": round(_max_rss_mib(), 1),
        "rss_growth_mib": round(_max_rss_mib() - base_rss, 1),
        "threads": spec.get("threads") or (torch.get_num_threads() if engine.startswith("naive") else 1),
        "order": spec.get("order", "tokens") if padding is not None else "-",
        "input_padding": padding[0] / max(padding[0] + padding[1], 1) if padding is not None else 0.0,
    }
    if sampler is not None:
        sampler.stop()
        result["gpu_peak_mib"] = round((sampler.peak - sampler.base) / 2**20, 1)
        if engine != "ct2":
            result["torch_max_allocated_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return result


def _count_padding(translator: Any, order: str) -> list[int]:
    """Sort the translator's batches by ``order``; count [padding, real] input tokens per call."""
    tokens_of = translator._token_lengths  # the model's tokens, whatever the order
    if order == "chars":
        translator._token_lengths = lambda texts: [len(t) for t in texts]
    elif order == "input":
        translator._token_lengths = lambda texts: [0] * len(texts)  # ties: sorted by text, not by length
    counts = [0, 0]
    real_batch = translator._translate_batch

    def counted(texts: list[str]) -> list[str]:
        lengths = tokens_of(texts)
        counts[0] += len(lengths) * max(lengths) - sum(lengths)
        counts[1] += sum(lengths)
        return real_batch(texts)

    translator._translate_batch = counted
    return counts


def padding_shares(model_dir: Path, sentences: list[str], batch_size: int) -> dict[str, float]:
    """The share of input positions that are padding, per order, by the model's tokenizer alone."""
    from transformers import MarianTokenizer

    from pipeline.translate.marian import quiet_transformers

    with quiet_transformers():
        tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
    unique = sorted(set(sentences))
    tokens = dict(zip(unique, (len(ids) for ids in tokenizer(unique)["input_ids"])))
    keys = {"tokens": lambda t: (tokens[t], t), "chars": lambda t: (len(t), t), "input": lambda t: t}
    shares = {}
    for order, key in keys.items():
        ordered = sorted(unique, key=key)
        pad = real = 0
        for start in range(0, len(ordered), batch_size):
            lengths = [tokens[t] for t in ordered[start : start + batch_size]]
            pad += len(lengths) * max(lengths) - sum(lengths)
            real += sum(lengths)
        shares[order] = pad / (pad + real)
    return shares


def _child(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    result = run_engine(spec)
    print("RESULT " + json.dumps(result))


# ---------------------------------------------------------------- orchestration


def pick_device(device: str) -> str:
    if device == "cpu":
        return device
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"bench: --device cuda, but torch {torch.__version__} sees no CUDA device")
    return "cuda" if torch.cuda.is_available() else "cpu"


def card_name(device: str) -> str:
    if device == "cuda":
        import torch

        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def run_child(spec: dict[str, Any], work: Path, timeout: float) -> dict[str, Any]:
    spec_file = work / f"spec-{spec['model']}-{spec['engine']}.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(spec_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return {"model": spec["model"], **json.loads(line[len("RESULT ") :])}
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
    last = tail[-1] if tail else "no output"
    raise RuntimeError(f"status {proc.returncode}: {last}\n" + "\n".join(tail))


def ratios(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for model in dict.fromkeys(r["model"] for r in results):
        by = {r["engine"]: r for r in results if r["model"] == model}
        pairs = [
            ("transformers", "naive"),
            ("ct2", "naive"),
            ("transformers", "naive-fp16"),
            ("ct2", "naive-fp16"),
            ("ct2", "transformers"),
        ]
        pairs += [(e, f"{e}/{o}") for e in ("transformers", "ct2") for o in ("chars", "input")]
        for fast, slow in pairs:
            if fast in by and slow in by:
                rows.append(
                    {
                        "model": model,
                        "engine": fast,
                        "baseline": slow,
                        "sentences_per_s": by[fast]["sentences_per_s"] / by[slow]["sentences_per_s"],
                        "tokens_per_s": by[fast]["tokens_per_s"] / by[slow]["tokens_per_s"],
                        "sentences_per_cpu_s": by[fast]["sentences_per_cpu_s"] / by[slow]["sentences_per_cpu_s"],
                    }
                )
    return rows


def table(results: list[dict[str, Any]], ratio_rows: list[dict[str, Any]]) -> str:
    head = [
        "model",
        "engine",
        "device",
        "dtype",
        "sent",
        "tokens",
        "s",
        "sent/s",
        "tok/s",
        "sent/CPU-s",
        "x naive",
        "input padding",
        "peak RSS MiB",
        "RSS +MiB",
        "GPU +MiB",
    ]
    naive = {r["model"]: r for r in results if r["engine"] == "naive"}
    rows = []
    for r in results:
        base = naive.get(r["model"])
        rows.append(
            [
                r["model"],
                r["engine"],
                r["device"],
                r["dtype"],
                str(r["sentences"]),
                str(r["tokens"]),
                f"{r['seconds']:.2f}",
                f"{r['sentences_per_s']:.1f}",
                f"{r['tokens_per_s']:.0f}",
                f"{r['sentences_per_cpu_s']:.2f}",
                f"{r['tokens_per_s'] / base['tokens_per_s']:.1f}x" if base else "-",
                f"{100 * r['input_padding']:.1f}%" if r.get("order", "-") != "-" else "-",
                f"{r['peak_rss_mib']:.0f}",
                f"{r['rss_growth_mib']:.0f}",
                f"{r['gpu_peak_mib']:.0f}" if "gpu_peak_mib" in r else "-",
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    if ratio_rows:
        lines.append("")
        lines.append("ratios (same run, same machine): tokens/s, sentences per CPU-s")
        for q in ratio_rows:
            lines.append(
                f"  {q['model']:<5} {q['engine']:>12} / {q['baseline']:<18} {q['tokens_per_s']:6.2f}x  {q['sentences_per_cpu_s']:6.2f}x"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="auto: cuda when torch sees one")
    p.add_argument("--models", default="tiny,full", help="comma-separated: tiny, full (default: both)")
    p.add_argument(
        "--engines",
        help="comma-separated: naive, naive-fp16, transformers, ct2 (default: all but naive-fp16 on CPU, all on CUDA)",
    )
    p.add_argument("--sentences", type=int, help="sentences for the batched engines (default: 48 CPU, 1024 CUDA)")
    p.add_argument(
        "--naive-sentences",
        type=int,
        help="sentences for the naive loop, a rate needs fewer (default: 12 CPU, 64 CUDA)",
    )
    p.add_argument(
        "--new-tokens", type=int, default=32, help="tokens generated per sentence by every engine (default 32)"
    )
    p.add_argument("--beams", type=int, default=4, help="beam size, tqa's default 4")
    p.add_argument("--batch-size", type=int, help="tqa batch size (default: 16 CPU as tqa, 64 CUDA)")
    p.add_argument(
        "--order",
        default="tokens",
        help="comma-separated orders the tqa engines batch in: tokens (tqa), "
        "chars (tqa before), input (not by length) (default: tokens)",
    )
    p.add_argument("--repeat", type=int, default=3, help="timed runs per engine; the median is reported (default 3)")
    p.add_argument(
        "--threads",
        type=int,
        help="CPU threads of torch and of CTranslate2 (default: the naive loop gets torch's choice, tqa's engines tqa's default, one)",
    )
    p.add_argument("--warmup", type=int, help="sentences in the untimed warm-up call (default: one batch)")
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON to OUT")
    p.add_argument("--workdir", type=Path, help="build models here and keep them (default: a temporary folder)")
    p.add_argument("--tiny-model", type=Path, help="use this tiny Marian folder instead of building one")
    p.add_argument("--tiny-ct2", type=Path, help="use this converted tiny model instead of converting")
    p.add_argument("--quick", action="store_true", help="smoke test: tiny model, a few sentences and tokens")
    p.add_argument("--timeout", type=float, default=1800, help="seconds allowed per engine process")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.models = "tiny" if args.models == "tiny,full" else args.models
        args.sentences = args.sentences or 6
        args.naive_sentences = args.naive_sentences or 3
        args.new_tokens = 4 if args.new_tokens == 32 else args.new_tokens
        args.beams = 2 if args.beams == 4 else args.beams
        args.batch_size = args.batch_size or 4
        args.repeat = 1 if args.repeat == 3 else args.repeat
    for name, allowed in (("models", MODELS), ("engines", ENGINES), ("order", ORDERS)):
        value = getattr(args, name)
        if value is None:
            continue  # engines: the default depends on the device, chosen in main()
        values = [v.strip() for v in value.split(",") if v.strip()]
        bad = [v for v in values if v not in allowed]
        if bad or not values:
            p.error(f"--{name}: choose from {', '.join(allowed)}; got {value!r}")
        setattr(args, name, values)
    for name in ("sentences", "naive_sentences", "new_tokens", "beams", "batch_size", "repeat", "warmup", "threads"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    device = pick_device(args.device)
    cuda = device == "cuda"
    engines = args.engines or DEFAULT_ENGINES[device].split(",")
    n = args.sentences or (1024 if cuda else 48)
    n_naive = args.naive_sentences or (64 if cuda else 12)
    batch_size = args.batch_size or (64 if cuda else 16)
    warmup = args.warmup or batch_size
    sentences = chinese_sentences(max(n, n_naive) + warmup)
    top = max(n, n_naive)
    timed, warm = sentences[:top], sentences[top : top + warmup]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tqa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(
        f"tqa translation benchmark: {card_name(device)}; device {device}; {n} sentences "
        f"({n_naive} for the naive loop), {args.new_tokens} tokens each, beams {args.beams}, batch {batch_size}",
        flush=True,
    )
    if not cuda and load is not None and load > 0.5:
        print(
            f"note: load average {load:.1f}: other work on this machine slows every figure, torch's threads most",
            flush=True,
        )
    results: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    try:
        for model in args.models:
            t0 = time.perf_counter()
            hf = args.tiny_model if model == "tiny" and args.tiny_model else work / model
            if not (hf / "config.json").is_file():
                if hf == args.tiny_model:
                    raise SystemExit(f"bench: --tiny-model {hf} holds no Marian model (no config.json)")
                (build_tiny if model == "tiny" else build_full)(hf)
            ct2 = args.tiny_ct2 if model == "tiny" and args.tiny_ct2 else work / f"{model}-ct2"
            if ct2 == args.tiny_ct2 and not (ct2 / "model.bin").is_file():
                raise SystemExit(f"bench: --tiny-ct2 {ct2} holds no CTranslate2 model (no model.bin)")
            if "ct2" in engines and not (ct2 / "model.bin").is_file():
                from pipeline.translate.ct2 import convert_model

                convert_model(hf, ct2, quantization="float16" if cuda else "int8")
            print(f"[{model}] model ready in {time.perf_counter() - t0:.1f} s: {hf}", flush=True)
            for count in sorted({n, 1024}):  # a chunk's worth too: padding needs no model run
                shares = padding_shares(hf, chinese_sentences(count, seed=1), batch_size)
                print(
                    f"[{model}] input padding, {count} sentences in batches of {batch_size}: "
                    + ", ".join(f"{order} {100 * share:.1f}%" for order, share in shares.items()),
                    flush=True,
                )
            runs = [(e, o) for e in engines for o in (("tokens",) if e.startswith("naive") else args.order)]
            for engine, order in runs:
                label = engine if order == "tokens" else f"{engine}/{order}"
                spec = {
                    "model": model,
                    "engine": engine,
                    "order": order,
                    "device": device,
                    "model_dir": str(hf),
                    "ct2_dir": str(ct2),
                    "sentences": timed[:n_naive] if engine.startswith("naive") else timed[:n],
                    "new_tokens": args.new_tokens,
                    "beams": args.beams,
                    "batch_size": batch_size,
                    "threads": args.threads,
                    "repeat": args.repeat,
                    "warm": warm[:2] if engine.startswith("naive") else warm,
                }
                try:
                    result = run_child(spec, work, args.timeout)
                except (RuntimeError, subprocess.TimeoutExpired) as err:  # the other engines still run
                    failures.append({"model": model, "engine": label, "error": str(err)})
                    print(f"[{model}] {label:<18} FAILED: {str(err).splitlines()[0]}", file=sys.stderr, flush=True)
                    continue
                result["engine"] = label
                results.append(result)
                print(
                    f"[{model}] {label:<18} {result['sentences_per_s']:8.1f} sent/s {result['tokens_per_s']:9.0f} tok/s "
                    f"{result['sentences_per_cpu_s']:8.2f} sent/CPU-s, {result['threads']} thread(s), "
                    f"peak RSS {result['peak_rss_mib']:.0f} MiB",
                    flush=True,
                )
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    counts = {(r["tokens"] / r["sentences"]) for r in results}
    if len(counts) > 1:
        print(f"warning: engines generated different numbers of tokens per sentence: {sorted(counts)}", file=sys.stderr)
    ratio_rows = ratios(results)
    print()
    print(table(results, ratio_rows) if results else "no engine finished")
    for f in failures:
        print(f"failed: {f['model']} {f['engine']}: {f['error'].splitlines()[0]}", file=sys.stderr)
    if args.json:
        report = {
            "benchmark": "translate",
            "device": device,
            "hardware": card_name(device),
            "load_average": load,
            "settings": {
                "sentences": n,
                "naive_sentences": n_naive,
                "new_tokens": args.new_tokens,
                "beams": args.beams,
                "batch_size": batch_size,
                "warmup": warmup,
                "repeat": args.repeat,
                "models": args.models,
                "engines": engines,
                "order": args.order,
            },
            "results": results,
            "ratios": ratio_rows,
            "failures": failures,
            "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
