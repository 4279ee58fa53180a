"""The ``tqa`` command line: parses options, calls the stages, prints. No logic of its own."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .findings import CheckTally, Severity

app = typer.Typer(
    help="tqa: find, repair and report defects in English text machine-translated from Chinese.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Get and list translation models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

# Exit statuses (documented in the README).
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
DEFAULT_INPUT = Path("seeds")
DEFAULT_OUT = Path("reports")


class Backend(str, Enum):
    transformers = "transformers"
    ct2 = "ct2"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"tqa: error: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tqa {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """tqa: find, repair and report defects in English text machine-translated from Chinese."""


PathsArg = Annotated[
    Optional[list[Path]],
    typer.Argument(help="Files, folders (searched for .txt/.md files), quoted globs (\"news/**/*.txt\"), or - to read paths from standard input. Default: seeds/.", show_default=False),
]
FailOn = Annotated[
    Optional[Severity],
    typer.Option("--fail-on", help="Exit with status 1 when a finding of this severity or worse remains.", case_sensitive=False),
]


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Config file (default: tqa.toml in the working folder, if any).")]
GlossaryOpt = Annotated[Optional[list[Path]], typer.Option("--glossary", help="Extra glossary of calques (TSV or CSV; repeatable).")]
IgnoreOpt = Annotated[Optional[Path], typer.Option("--ignore", help=f"Ignore list of accepted findings (default: from the config, else {'.tqa-ignore.json'} if it exists).")]


def _config(config: Path | None, glossary: list[Path] | None, ignore: Path | None):  # type: ignore[no-untyped-def]
    """The run's configuration: config file, then command-line overrides; exits 2 on a bad one."""
    from .checks import ConfigurationError, build_checks
    from .config import load_config
    from .ignore import DEFAULT_NAME

    try:
        cfg = load_config(config)
        if glossary:
            cfg = cfg.with_glossary(glossary)
        build_checks(cfg.checks)  # validate options (and glossary files) before any work
    except ConfigurationError as err:
        raise fail(str(err)) from None
    ignore_file = ignore or cfg.ignore_file or (Path(DEFAULT_NAME) if Path(DEFAULT_NAME).is_file() else None)
    return replace(cfg, ignore_file=ignore_file)


def _load_ignore(path: Path | None):  # type: ignore[no-untyped-def]
    from .checks import ConfigurationError
    from .ignore import load_ignore

    try:
        return load_ignore(path) if path else None
    except ConfigurationError as err:
        raise fail(str(err)) from None


def _inputs(paths: list[Path] | None, exclude: list[Path] = ()) -> list[Path]:  # type: ignore[assignment]
    from .inputs import UsageError, collect_inputs

    try:
        files = collect_inputs(paths or [DEFAULT_INPUT], exclude)
    except UsageError as err:
        raise fail(str(err)) from None
    if not files:
        raise fail("no input files found (looked for .txt and .md files)")
    return files


SourceOpt = Annotated[
    Optional[Path],
    typer.Option("--source", help="The Chinese original: a file (one input) or a folder of originals named like the inputs "
                 "(article.zh.txt beside article.en.txt is found without it)."),
]


def _pair_sources(source: Path | None, files: list[Path]):  # type: ignore[no-untyped-def]
    """(inputs without the originals among them, input -> its original or None)."""
    from .source import SourceError, find_source

    if source is not None and source.is_file() and len(files) > 1:
        raise fail("--source is a file but there are several inputs; pass a folder of originals")
    listings: dict = {}
    try:
        found = {f: find_source(f, source, listings) for f in files}
    except SourceError as err:
        raise fail(str(err)) from None
    if any(p is not None and p.resolve() == f.resolve() for f, p in found.items()):
        raise fail("--source names the input itself; give the Chinese original")
    originals = {p.resolve() for p in found.values() if p is not None}
    kept = [f for f in files if f.resolve() not in originals]  # an original is not an input
    if not kept:
        raise fail("every input is the Chinese original of another; no English article to check")
    return kept, lambda path: found.get(path)


InputFormatOpt = Annotated[Optional[str], typer.Option("--input-format", help="Read every input as: jsonl, csv, tsv, parquet, html or text (default: from the file name).", show_default=False)]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="Corpus field holding the English text.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Corpus field holding the record id (absent: the line/row number).")]
SourceFieldOpt = Annotated[Optional[str], typer.Option("--source-field", help="Corpus field holding the Chinese original.", show_default=False)]


def _corpora(files: list[Path], input_format: str | None, fields):  # type: ignore[no-untyped-def]
    """(text files, corpora) among the inputs; a corpus that cannot be used is a usage error."""
    from .io import CorpusError
    from .io.corpus import split_inputs

    try:
        return split_inputs(files, input_format, fields)
    except CorpusError as err:
        raise fail(str(err)) from None


def _no_source(source: Path | None):  # type: ignore[no-untyped-def]
    if source is not None:
        raise fail("--source pairs text files; a corpus keeps its original in a field: use --source-field")
    return [], lambda _: None


def _malformed(counter: list[int]):  # type: ignore[no-untyped-def]
    """Report a malformed record on standard error (one line) and count it."""
    def report(corpus, item) -> None:  # type: ignore[no-untyped-def]
        counter[0] += 1
        typer.echo(f"{corpus.path}: {item.where}: skipped: {item.reason}", err=True)

    return report


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column; LF, CRLF and lone CR all end a line."""
    head = text[:offset]
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, offset - start + 1


@app.command()
def check(
    paths: PathsArg = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: text lines or one JSON document.")] = OutputFormat.text,
    fail_on: FailOn = None,
    source: SourceOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0: all cores).")] = 0,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
) -> None:
    """Find defects and print them; change nothing. Use --fail-on to gate a CI job."""
    from itertools import chain

    from .batch import Job, Settings, check_jobs, default_jobs
    from .io import Fields

    cfg = _config(config, glossary, ignore)
    _load_ignore(cfg.ignore_file)
    fail_on = fail_on or cfg.fail_on
    texts, corpora = _corpora(_inputs(paths), input_format, Fields(text_field, id_field, source_field))
    inputs, originals = _pair_sources(source, texts) if texts else _no_source(source)
    settings = Settings(apply=frozenset(), checks=cfg.checks, ignore_file=cfg.ignore_file, jobs=jobs or default_jobs())
    files, errors, worst, tally, malformed = [], [], None, CheckTally(), [0]
    jobs_in = chain((Job(p, p.name, None, originals(p)) for p in inputs), *(c.jobs(_malformed(malformed)) for c in corpora))
    for job, prep in check_jobs(jobs_in, settings, len(inputs) + sum(c.count for c in corpora)):
        path, rid = job.path, job.record.id if job.record is not None else None
        where = {"path": str(path), **({"id": rid, "where": job.record.where} if rid is not None else {})}
        if rid is not None:
            path = job.key
        if isinstance(prep, str):
            errors.append({**where, "error": prep})
            typer.echo(f"{path}: error: {prep}", err=True)
            continue
        doc, findings = prep.doc, prep.findings
        for notice in prep.notices:
            typer.echo(f"{path}: {notice}", err=True)
        tally.add(findings, doc.text)
        for f in findings:
            worst = f.severity if worst is None or f.severity > worst else worst
        if fmt is OutputFormat.json:
            files.append({**where, "encoding": doc.encoding, "newline": doc.newline,
                          "words": doc.word_count, "findings": [f.to_dict(doc.text) for f in findings]})
        else:
            for f in findings:
                line, col = _line_col(doc.text, f.span.start)
                excerpt = f.span.of(doc.text).replace("\n", "⏎")
                excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
                typer.echo(f"{path}:{line}:{col}: {f.severity.value} {f.check}: {f.message} «{excerpt}»")
    if fmt is OutputFormat.json:
        payload = {"tqa": __version__, "files": files, "errors": errors, "checks": tally.to_dict()}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif tally.counts:
        done = len(inputs) + sum(c.count for c in corpora) - len(errors)
        typer.echo(f"\nfindings per check ({done} {'input(s)' if corpora else 'file(s)'}):")
        for check_id, entry in tally.to_dict().items():
            samples = ", ".join(f"«{s}»" for s in entry["samples"])  # type: ignore[union-attr]
            typer.echo(f"  {check_id:<24} {entry['count']:>6}  {samples}")
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if errors or malformed[0]:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("checks")
def list_checks() -> None:
    """List every check with its id, default severity and description."""
    from .checks import SOURCE_REGISTRY, known_checks

    for check_id, cls in sorted(known_checks().items()):
        needs = " (needs the Chinese original: --source)" if check_id in SOURCE_REGISTRY else ""
        typer.echo(f"{check_id:<24} {cls.severity.value:<9} {cls.description}{needs}")


@app.command()
def accept(
    report: Annotated[Path, typer.Argument(help="A NAME.findings.json report written by `tqa run`.")],
    finding: Annotated[Optional[list[int]], typer.Option("--finding", "-n", help="Number of a finding in the report (1-based; repeatable).")] = None,
    check_id: Annotated[Optional[list[str]], typer.Option("--check", help="Accept every finding of this check (repeatable).")] = None,
    note: Annotated[str, typer.Option(help="Why it was accepted, kept in the ignore list.")] = "",
    input_file: Annotated[Optional[Path], typer.Option("--input", help="The article the report was made from, if it has moved.")] = None,
    config: ConfigOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """Accept findings of a report (all, or the chosen ones) so later runs no longer report them."""
    from .checks import ConfigurationError
    from .ignore import DEFAULT_NAME, accept_from_report

    cfg = _config(config, None, ignore)
    target = cfg.ignore_file or Path(DEFAULT_NAME)
    try:
        added = accept_from_report(report, target, check_id or (), finding or (), note, input_file)
    except ConfigurationError as err:
        raise fail(str(err)) from None
    typer.echo(f"tqa: {added} finding(s) added to {target}")


def _parse_apply(value: str) -> frozenset[str]:
    from .checks import ConfigurationError
    from .config import parse_apply

    try:
        return parse_apply(value)
    except ConfigurationError as err:
        raise fail(f"--{err}") from None


@app.command()
def run(
    paths: PathsArg = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.")] = DEFAULT_OUT,
    model: Annotated[str, typer.Option(help="Translation model: a local folder or a Hugging Face model id.")] = "Helsinki-NLP/opus-mt-zh-en",
    backend: Annotated[Backend, typer.Option(help="Translation backend: transformers (MarianMT) or ct2 (CTranslate2, `pip install 'tqa[ct2]'`).")] = Backend.transformers,
    device: Annotated[Device, typer.Option(help="Where the model runs; auto: CUDA, then Apple MPS, then CPU.")] = Device.auto,
    beams: Annotated[int, typer.Option(min=1, help="Beam size for translation.")] = 4,
    max_length: Annotated[int, typer.Option(min=1, help="Maximum tokens generated per segment.")] = 512,
    apply: Annotated[Optional[str], typer.Option(help="Which repairs to apply: any of rules, glossary, marian (comma-separated), or none. Default: rules,marian (or the config's).")] = None,
    ref: Annotated[Optional[Path], typer.Option(help="Reference translation: a file (one input) or a folder of files named like the inputs.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes for checking and reports (0: all cores).")] = 0,
    resume: Annotated[bool, typer.Option(help="Skip articles the manifest in --out says are finished with the same input and settings.")] = False,
    fail_fast: Annotated[bool, typer.Option(help="Stop at the first file that fails (default: list it and go on).")] = False,
    in_place: Annotated[bool, typer.Option(help="Also overwrite each input with its cleaned text, keeping the original as NAME.orig.")] = False,
    output_encoding: Annotated[Optional[str], typer.Option(help="Encoding of the cleaned text (default: the input's).")] = None,
    cache: Annotated[Optional[Path], typer.Option(help="Folder of the translation cache (default: $TQA_CACHE_DIR or the user cache folder).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Translate everything again; neither read nor write the cache.")] = False,
    guard: Annotated[bool, typer.Option(help="Reject model output that is worse than the passage (empty, a loop, script left, absurd length).")] = True,
    source: SourceOpt = None,
    retranslate: Annotated[bool, typer.Option(help="Retranslate flagged sentences: from the original when there is one, else by round trip (suggestions).")] = True,
    round_trip_model: Annotated[str, typer.Option(help="English-to-Chinese model for round trips.")] = "Helsinki-NLP/opus-mt-en-zh",
    fail_on: FailOn = None,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
    cleaned_field: Annotated[Optional[str], typer.Option("--cleaned-field", help="Write a corpus's cleaned text into this field and keep --text-field as it was.", show_default=False)] = None,
    reports: Annotated[bool, typer.Option("--reports", help="Also write the per-article report files for each corpus record.")] = False,
) -> None:
    """Check, retranslate, repair, score and write reports for each input."""
    import codecs
    from collections import Counter
    from itertools import chain

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import Settings, TranslatorSlot, default_jobs, run_batch
    from .inputs import report_stems
    from .report import error_row, summary_table, write_summary

    if output_encoding is not None:
        try:
            output_encoding = codecs.lookup(output_encoding).name
        except LookupError:
            raise fail(f"--output-encoding: unknown encoding {output_encoding!r}") from None
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise fail(f"--out {out}: cannot create the folder: {err.strerror or err}") from None
    cfg = _config(config, glossary, ignore)
    _load_ignore(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    fail_on = fail_on or cfg.fail_on
    from .io import Fields

    texts, corpora = _corpora(_inputs(paths, exclude=[out]), input_format, Fields(text_field, id_field, source_field, cleaned_field))
    if corpora and in_place:
        raise fail("--in-place rewrites text files; a corpus is written to --out")
    files, originals = _pair_sources(source, texts) if texts else _no_source(source)
    references = _references(ref, files) if files else (lambda _: None)
    settings = Settings(apply=cfg.apply if apply is None else _parse_apply(apply), model=model, backend=backend.value,
                        device=device.value, num_beams=beams, max_length=max_length, checks=cfg.checks,
                        output_encoding=output_encoding, ignore_file=cfg.ignore_file, guard=guard,
                        jobs=jobs or default_jobs(), in_place=in_place, use_cache=not no_cache, cache_dir=cache,
                        retranslate=retranslate, round_trip_model=round_trip_model, record_reports=reports)
    slot = TranslatorSlot(settings)
    stems = report_stems(files)
    rows, failed, resumed, worst, notices, malformed = [], 0, 0, None, Counter(), [0]
    writers = _corpus_writers(corpora, out)
    records = chain.from_iterable(c.jobs(_malformed(malformed)) for c in corpora)
    count = sum(c.count for c in corpora)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    console = Console(stderr=True, soft_wrap=True, highlight=False)
    with Progress(*columns, console=console, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("tqa run", total=len(files) + count)
        for outcome in run_batch(files, stems, settings, out, references, resume, fail_fast, slot, originals, records, count):
            progress.advance(task)
            if outcome.job.record is not None:
                notices.update(writers.take(outcome))
            if outcome.row is None:
                failed += 1
                console.print(f"{outcome.job.path}: error: {outcome.error}", markup=False)
                rows.append(error_row(str(outcome.job.path), outcome.job.stem, outcome.error or "failed"))
                continue
            rows.append(outcome.row)
            resumed += outcome.resumed
            notices.update(outcome.notices)
            if outcome.worst is not None and (worst is None or outcome.worst > worst):
                worst = outcome.worst
    written, left_out = writers.commit()
    for path in left_out:
        typer.echo(f"tqa: {path}: not written to {out}/, the run stopped before its last record", err=True)
    write_summary(rows, out)
    Console(soft_wrap=False).print(summary_table(rows))
    for notice, n in sorted(notices.items()):
        typer.echo(f"tqa: {n} article(s) with {notice}", err=True)
    if slot.cache is not None:
        stats = slot.translator.stats
        state = f"{stats.hits} hits, {stats.misses} misses" if slot.cache.enabled else f"off: {slot.cache.error}"
        typer.echo(f"tqa: translation cache {state} ({slot.cache.path})", err=True)
    done = len(rows) - failed
    extra = f" ({resumed} unchanged since the last run)" if resumed else ""
    typer.echo(f"tqa: {done} article(s) processed{extra}, {failed} failed; reports in {out}/")
    for path in written:
        typer.echo(f"tqa: cleaned corpus in {path}")
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if failed or malformed[0]:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        raise typer.Exit(EXIT_FINDINGS)


def _corpus_writers(corpora, out: Path):  # type: ignore[no-untyped-def]
    from .io import CorpusError
    from .io.corpus import CorpusWriters

    try:
        return CorpusWriters(corpora, out)
    except CorpusError as err:
        raise fail(str(err)) from None


def _references(ref: Path | None, files: list[Path]):  # type: ignore[no-untyped-def]
    """A function from input path to reference text (None where there is none)."""
    from .document import InputError, load_document

    if ref is None:
        return lambda _: None
    if ref.is_file():
        if len(files) > 1:
            raise fail("--ref is a file but there are several inputs; pass a folder of references named like the inputs")
        targets = {files[0]: ref}
    elif ref.is_dir():
        targets = {f: ref / f.name for f in files if (ref / f.name).is_file()}
    else:
        raise fail(f"--ref {ref}: no such file or folder")

    def lookup(path: Path) -> str | None:
        target = targets.get(path)
        if target is None:
            return None
        try:
            return load_document(target).text
        except InputError as err:
            raise fail(f"--ref {target}: {err}") from None

    return lookup


@models_app.command("pull")
def models_pull(
    model: Annotated[str, typer.Argument(help="Hugging Face model id.")] = "Helsinki-NLP/opus-mt-zh-en",
) -> None:
    """Download a model into the tqa model cache (needs network access)."""
    from .translate import ModelUnavailable
    from .translate.models import pull_model

    try:
        path = pull_model(model)
    except ModelUnavailable as err:
        raise fail(str(err)) from None
    typer.echo(f"{model}: saved in {path}")


@models_app.command("list")
def models_list() -> None:
    """List the models available locally."""
    from .translate.models import list_models, models_dir

    found = list_models()
    if not found:
        typer.echo(f"no models in {models_dir()}; get one with `tqa models pull`")
        return
    for m in found:
        typer.echo(f"{m['name']:<40} {m['backend']:<13} {m['size'] / 1e6:8.1f} MB  {m['path']}")


@models_app.command("convert")
def models_convert(
    model: Annotated[str, typer.Argument(help="A model folder or a locally available model id.")] = "Helsinki-NLP/opus-mt-zh-en",
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: the model cache).")] = None,
    quantization: Annotated[str, typer.Option(help="int8 (CPU), float16 (GPU), int8_float16, float32.")] = "int8",
) -> None:
    """Convert a Marian model for the fast CTranslate2 backend (`pip install 'tqa[ct2]'`)."""
    from .translate import ModelUnavailable
    from .translate.ct2 import convert_model

    try:
        path = convert_model(model, out, quantization=quantization)
    except (ModelUnavailable, ValueError) as err:
        raise fail(str(err)) from None
    typer.echo(f"{model}: converted ({quantization}) into {path}; use it with --backend ct2 --model {path}")


@app.command("apply")
def apply_decisions(
    decisions: Annotated[Path, typer.Argument(help="A <stem>.decisions.json saved from a review page, or a <stem>.findings.json (= accept what was applied).", show_default=False)],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Where to write the final text (default: <stem>.final.txt beside the decisions).")] = None,
    input_file: Annotated[Optional[Path], typer.Option("--input", help="The original text, when it is no longer where the report says.")] = None,
) -> None:
    """Write the final text: the original input with exactly the accepted changes applied."""
    from .review import ReviewError, apply_review

    try:
        done = apply_review(decisions, out, input_file)
    except ReviewError as err:
        raise fail(str(err)) from None
    typer.echo(f"tqa: {done.accepted} change(s) accepted, {done.rejected} rejected; final text of {done.input} in {done.output}")


if __name__ == "__main__":
    app()
