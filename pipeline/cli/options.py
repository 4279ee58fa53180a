"""Option types and option checks shared by the commands: each turns a bad value into one
``tqa: error:`` line and exit status 2, before any work."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import (
    fail,
)
from pipeline.core.findings import Severity
from pipeline.core.settings import BACKEND_CHOICES, DEVICES, ENGINES
from pipeline.stages.job_list import (
    InputListError,
)
from pipeline.util.terminal import printable

DEFAULT_OUT = Path("reports")


# the choices of --backend, --engine and --device, from the one list of each
Backend = Enum("Backend", {b: b for b in BACKEND_CHOICES}, type=str)
EngineName = Enum("EngineName", {e: e for e in ENGINES}, type=str)
Device = Enum("Device", {d: d for d in DEVICES}, type=str)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


PathsArg = Annotated[
    Optional[list[Path]],
    typer.Argument(
        metavar="PATH",
        help='Files, folders (searched for .txt/.md/.text files and corpora: .jsonl, .csv, .tsv, .parquet, .html), or quoted globs ("news/**/*.txt"). Default: seeds/. `tqa check -` checks text on standard input; a list of paths comes with --paths-from.',
        show_default=False,
    ),
]

FailOn = Annotated[
    Optional[Severity],
    typer.Option(
        "--fail-on",
        rich_help_panel="Output",
        help="Exit with status 1 when a finding of this severity or worse remains.",
        case_sensitive=False,
    ),
]

ConfigOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        rich_help_panel="Checks",
        metavar="FILE",
        help="Config file (default: tqa.toml in the working folder, if any).",
    ),
]

GlossaryOpt = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--glossary",
        rich_help_panel="Checks",
        metavar="FILE",
        help="Extra glossary of calques (TSV or CSV; repeatable).",
    ),
]

IgnoreOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--ignore-list",
        rich_help_panel="Checks",
        metavar="FILE",
        help="Ignore list of accepted findings (default: from the config, else .tqa-ignore.json if it exists).",
    ),
]

SelectOpt = Annotated[
    Optional[str],
    typer.Option(
        "--select",
        rich_help_panel="Checks",
        metavar="CHECK,...",
        help="Run only these checks (ids from `tqa checks`).",
    ),
]

IgnoreChecksOpt = Annotated[
    Optional[str],
    typer.Option(
        "--ignore",
        rich_help_panel="Checks",
        metavar="CHECK,...",
        help="Leave these checks out (ids from `tqa checks`; the ignore list is --ignore-list).",
    ),
]

EncodingOpt = Annotated[
    Optional[str],
    typer.Option(
        "--encoding",
        rich_help_panel="Input",
        metavar="ENC",
        help="Read every input in this encoding instead of detecting it.",
    ),
]

PathsFromOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--paths-from",
        rich_help_panel="Input",
        metavar="FILE",
        help="Read input paths from FILE, one a line (- for standard input).",
    ),
]

JobsOpt = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        min=0,
        rich_help_panel="Batch",
        metavar="N",
        help="Worker processes for checking and reports (0: one per 200 inputs, one core left free).",
    ),
]

StorageOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--storage-option",
        rich_help_panel="Input",
        metavar="KEY=VALUE",
        help="For PATHs and --out given as URLs (s3://, gs://, hf://, memory://): a keyword argument of the "
        "store's fsspec file system, e.g. endpoint_url=http://127.0.0.1:9000 or anon=true. Repeatable. "
        "Credentials also come from the store's usual environment (AWS_*, ~/.aws, HF_TOKEN) and fsspec's "
        "(FSSPEC_S3_KEY, ...); they are never printed.",
    ),
]


def storage_options(pairs: list[str] | None) -> None:
    """``--storage-option``: a malformed one is a usage error (exit 2), before any work."""
    from pipeline.util.storage import StorageError, set_options

    try:
        set_options(pairs or [])
    except StorageError as err:
        raise fail(str(err)) from None


def run_config(
    config: Path | None,
    glossary: list[Path] | None,
    ignore: Path | None,
    select: str | None = None,
    skip: str | None = None,
):  # type: ignore[no-untyped-def]
    """The run's configuration: config file, then command-line overrides; exits 2 on a bad one."""
    from pipeline.checks import ConfigurationError, build_checks
    from pipeline.checks.selection import SelectionError, select_checks
    from pipeline.review.ignore import DEFAULT_NAME
    from pipeline.stages.config import load_config

    try:
        cfg = load_config(config)
        if glossary:
            cfg = cfg.with_glossary(glossary)
        cfg = replace(cfg, checks=select_checks(cfg.checks, select, skip))
        build_checks(cfg.checks)  # validate options (and glossary files) before any work
    except (ConfigurationError, SelectionError) as err:
        raise fail(str(err)) from None
    ignore_file = ignore or cfg.ignore_file or (Path(DEFAULT_NAME) if Path(DEFAULT_NAME).is_file() else None)
    return replace(cfg, ignore_file=ignore_file)


def ignore_list(path: Path | None):  # type: ignore[no-untyped-def]
    from pipeline.checks import ConfigurationError
    from pipeline.review.ignore import load_ignore

    if path is not None and not path.exists():
        # only a named list gets here (the default .tqa-ignore is used when it exists): a typo
        # would otherwise report every finding the user had accepted
        raise fail(f"ignore list {path}: no such file (tqa accept creates one)")
    try:
        return load_ignore(path) if path else None
    except ConfigurationError as err:
        raise fail(str(err)) from None


SourceOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--source",
        metavar="FILE|DIR",
        rich_help_panel="Input",
        help="The Chinese original: a file (one input) or a folder of originals named like the inputs, "
        "local or a URL such as s3://bucket/zh/; article.zh.txt beside article.en.txt is found without it. For parallel text (corpus.en), "
        "the line-aligned original (corpus.zh beside it is found without it).",
    ),
]

InputFormatOpt = Annotated[
    Optional[str],
    typer.Option(
        "--input-format",
        rich_help_panel="Input",
        metavar="FORMAT",
        help="Read every input as: jsonl, csv, tsv, parquet, html, po, xliff, tmx, parallel or text (default: from the file name).",
        show_default=False,
    ),
]

TextFieldOpt = Annotated[
    str,
    typer.Option(
        "--text-field",
        rich_help_panel="Input",
        metavar="FIELD",
        help="Corpus field holding the English text.",
    ),
]

IdFieldOpt = Annotated[
    str,
    typer.Option(
        "--id-field",
        rich_help_panel="Input",
        metavar="FIELD",
        help="Corpus field holding the record id (absent: the line/row number).",
    ),
]

SourceFieldOpt = Annotated[
    Optional[str],
    typer.Option(
        "--source-field",
        rich_help_panel="Input",
        metavar="FIELD",
        help="Corpus field holding the Chinese original.",
        show_default=False,
    ),
]


def usage_errors(call):  # type: ignore[no-untyped-def]
    """``call`` with an unusable input list as a one-line usage error (exit 2)."""

    def usage(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return call(*args, **kwargs)
        except InputListError as err:
            raise fail(str(err)) from None

    return usage


def report_malformed(counter: list[int], verb: str = "skipped"):  # type: ignore[no-untyped-def]
    """Report a malformed record on standard error (one line) and count it; a blank line
    (a ``quiet`` item) is not a record and goes unsaid."""

    def report(corpus, item) -> None:  # type: ignore[no-untyped-def]
        if item.quiet:
            return
        counter[0] += 1
        typer.echo(printable(f"{corpus.path}: {item.where}: {verb}: {item.reason}"), err=True)

    return report


def report_unreadable(inputs) -> int:  # type: ignore[no-untyped-def]
    """Name each input left out because it cannot be read (one line each); how many."""
    for line in inputs.unreadable:
        typer.echo(printable(f"tqa: {line}; skipped"), err=True)
    return len(inputs.unreadable)


def encoding_option(name: str | None, option: str) -> str | None:
    from pipeline.io.encoding import check_encoding

    if name is None:
        return None
    try:
        return check_encoding(name)
    except LookupError:
        raise fail(f"{option}: unknown encoding {name!r}") from None


def apply_option(value: str) -> frozenset[str]:
    from pipeline.checks import ConfigurationError
    from pipeline.stages.config import parse_apply

    try:
        return parse_apply(value)
    except ConfigurationError as err:
        raise fail(f"--{err}") from None


LangOpt = Annotated[
    Optional[str],
    typer.Option(
        "--lang",
        metavar="LANG,...",
        help="Languages, comma-separated (ja,ko,ru): their models, from tqa.toml's \\[models] or Helsinki-NLP/opus-mt-{lang}-en.",
    ),
]
