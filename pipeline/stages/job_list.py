"""What ``tqa check`` and ``tqa run`` work on, from their PATH arguments and input options.

Paths (files, folders, globs, ``--paths-from``) become input files; those a corpus format
claims become corpora of records, the rest text files, each paired with its Chinese
original (``--source``, or a tagged name beside it); an original is not an input itself.
``tqa check -`` reads one text from standard input instead. Every refusal is an
``InputListError`` whose message is the one line the command prints (exit 2).
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

DEFAULT_INPUT = Path("seeds")
STDIN_NAME = "<stdin>"


class InputListError(Exception):
    """Inputs that cannot be worked on as given; one line for the user."""


def option_place(option: str, value: Path | None) -> Any:
    """``--source`` or ``--ref`` as tqa opens it: a local path as given, or a URL's
    ``RemotePath`` (a file, or a folder or prefix, in a store), which the stages use as they use a
    ``Path`` and a job carries as its URL. A store that cannot be asked (an unknown protocol, a
    missing fsspec package, refused credentials) is one line naming the option; whether the
    file or folder is there is for the caller to say, as for a local path."""
    from pipeline.util.storage import StorageError, location

    if value is None:
        return None
    place = location(value)
    if isinstance(place, Path):  # a local path: asked nothing more here, as before
        return place
    try:
        place.exists()
    except StorageError as err:
        raise InputListError(f"{option} {err}") from None
    return place


def reads_stdin(paths: list[Path] | None, paths_from: Path | None) -> bool:
    """``tqa check -``: the text itself comes on standard input (as sacrebleu, ruff and black take it)."""
    return paths == [Path("-")] and paths_from is None


def list_files(paths: list[Path] | None, exclude: list[Path] = (), paths_from: Path | None = None) -> list[Path]:  # type: ignore[assignment]
    """The input files the command line names (default: seeds/), each once."""
    from pipeline.stages.inputs import UsageError, collect_inputs
    from pipeline.util.storage import StorageError

    if paths and Path("-") in paths:
        raise InputListError(
            "- (text on standard input) works with `tqa check -` alone; give a list of paths with --paths-from FILE (- for standard input)"
        )
    try:
        if paths_from is not None:
            # names that are not UTF-8 are kept as the bytes they are, as on the command line
            # (Python's surrogateescape); a listing on stdin is read, not closed: it is not ours
            if str(paths_from) == "-":
                listing = contextlib.nullcontext(
                    io.StringIO(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
                )
            else:
                listing = paths_from.open(encoding="utf-8", errors="surrogateescape")
            with listing as stream:
                files = collect_inputs([*(paths or []), Path("-")], exclude, stream)
        elif not paths and not DEFAULT_INPUT.exists():  # outside a checkout: say what is missing
            raise InputListError(
                f"no PATH given, and no {DEFAULT_INPUT}/ folder here to default to; name the files or folders to work on"
            )
        else:
            files = collect_inputs(paths or [DEFAULT_INPUT], exclude)
    except StorageError as err:  # a store that cannot be reached or listed
        raise InputListError(str(err)) from None
    except OSError as err:
        raise InputListError(f"--paths-from {paths_from}: {err.strerror or err}") from None
    except UsageError as err:
        raise InputListError(str(err)) from None
    if not files:
        raise InputListError(
            "no input files found (looked for .txt, .md and .text files and corpora: .jsonl, .ndjson, .csv, .tsv, .parquet, .html, .po, .xlf, .xliff, .tmx, .en)"
        )
    return files


@dataclass
class JobList:
    """Text files (originals left out) and corpora, in the order the command line gave them."""

    files: list[Path]
    corpora: list[Any] = field(default_factory=list)  # ``pipeline.stages.corpus.Corpus``, each scanned
    originals: Callable[[Path], Path | None] = lambda _: None  # input -> its Chinese original
    data: dict[Path, bytes] = field(default_factory=dict)  # inputs read already (standard input)
    unreadable: list[str] = field(default_factory=list)  # a line for each input left out: it cannot be read

    @property
    def record_count(self) -> int:
        return sum(c.count for c in self.corpora)

    @property
    def count(self) -> int:
        """Text files and records: what progress and the default ``--jobs`` count."""
        return len(self.files) + self.record_count

    def records(self, on_malformed: Callable[[Any, Any], None]) -> Iterator[Any]:
        """The corpora's records as batch jobs; a malformed one goes to ``on_malformed``."""
        return chain.from_iterable(c.jobs(on_malformed) for c in self.corpora)

    def jobs(self, on_malformed: Callable[[Any, Any], None]) -> Iterator[Any]:
        """Every input as a batch job: the text files, then the records."""
        from pipeline.stages.job import Job

        return chain(
            (Job(p, p.name, None, self.originals(p), data=self.data.get(p)) for p in self.files),
            self.records(on_malformed),
        )


def job_list(
    files: list[Path],
    source: Path | None,
    input_format: str | None,
    fields: Any,
    in_place: bool = False,
    named: list[Path] | None = None,
) -> JobList:
    """Split ``files`` into text files and corpora and pair the text files with originals.

    ``fields`` is a ``pipeline.io.Fields``; ``in_place`` (``tqa run --in-place``) refuses corpora;
    ``named``: the paths the command line gave (a corpus found in a folder is held to less).
    """
    from dataclasses import replace

    from pipeline.io import CorpusError, module
    from pipeline.stages.corpus import split_inputs

    source = option_place("--source", source)
    try:
        # a format whose original is a file of its own (parallel text) reads --source itself
        texts, corpora, unreadable = split_inputs(files, input_format, replace(fields, original=source), named)
    except CorpusError as err:
        raise InputListError(str(err)) from None
    paired = [c for c in corpora if getattr(module(c.fmt), "ORIGINAL_FILE", False)]
    if source is not None and source.is_file() and len(texts) + len(paired) > 1:
        raise InputListError("--source is a file but there are several inputs; pass a folder of originals")
    if unreadable and not texts and not corpora:
        raise InputListError(
            unreadable[0] if len(unreadable) == 1 else f"no input can be read: {'; '.join(unreadable)}"
        )
    if corpora and in_place:
        raise InputListError("--in-place rewrites text files; a corpus is written to --out")
    if not texts:
        if source is not None and not paired:
            raise InputListError(
                "--source pairs text files; a corpus keeps its original in a field: use --source-field"
            )
        return JobList([], corpora, unreadable=unreadable)
    kept, originals = pair_sources(source, texts)
    return JobList(kept, corpora, originals, unreadable=unreadable)


def pair_sources(source: Path | None, files: list[Path]) -> tuple[list[Path], Callable[[Path], Path | None]]:
    """(inputs without the originals among them, input -> its original or None)."""
    from pipeline.original.files import SourceError, find_source, resolved

    source = option_place("--source", source)
    if source is not None and not source.exists():
        raise InputListError(f"--source {source}: no such file or folder")
    if source is not None and source.is_file() and len(files) > 1:
        raise InputListError("--source is a file but there are several inputs; pass a folder of originals")
    listings: dict = {}
    memo: dict[Path, Path] = {}
    try:
        found = {f: find_source(f, source, listings, memo) for f in files}
    except SourceError as err:
        raise InputListError(str(err)) from None
    if any(p is not None and resolved(p, memo) == resolved(f, memo) for f, p in found.items()):
        raise InputListError("--source names the input itself; give the Chinese original")
    originals = {resolved(p, memo) for p in found.values() if p is not None}
    kept = [f for f in files if resolved(f, memo) not in originals]  # an original is not an input
    if not kept:
        raise InputListError("every input is the Chinese original of another; no English article to check")
    return kept, found.get


def stdin_jobs(stream: BinaryIO, source: Path | None, input_format: str | None = None) -> JobList:
    """``tqa check -``: the text on ``stream`` as the one input, named <stdin>. It is decoded
    where every input is (``Job.load``), so it gets the same warnings and errors as a file."""
    from pipeline.util.reading import MAX_BYTES

    source = option_place("--source", source)
    if source is not None and not source.is_file():
        raise InputListError("--source with text on standard input must be a file")
    if input_format not in (None, "text"):  # a corpus on stdin would be checked as its JSON/CSV/HTML markup
        raise InputListError(
            f"--input-format {input_format}: standard input is read as plain text; give the corpus as a path"
        )
    data = stream.read(MAX_BYTES + 1)  # one byte past the limit is enough to refuse it
    return JobList([Path(STDIN_NAME)], originals=lambda _: source, data={Path(STDIN_NAME): data})


def references(ref: Path | None, files: list[Path]) -> Callable[[Path], str | None]:
    """A function from input path to its reference text (``--ref``; None where there is none).

    References are read when asked for, chunk by chunk like the inputs; one that cannot be
    read raises ``InputListError`` then."""
    from pipeline.core.document import InputError, load_document
    from pipeline.util.storage import StorageError

    if ref is None or not files:  # corpus records have no --ref
        return lambda _: None
    ref = option_place("--ref", ref)
    try:
        if ref.is_file():
            if len(files) > 1:
                raise InputListError(
                    "--ref is a file but there are several inputs; pass a folder of references named like the inputs"
                )
            targets = {files[0]: ref}
        elif ref.is_dir():
            # the folder listed once (in a store, one request, not one per input), then only
            # the inputs' own names asked whether they are files
            wanted = {f.name for f in files}
            present = {p.name for p in ref.iterdir() if p.name in wanted}
            targets = {f: ref / f.name for f in files if f.name in present and (ref / f.name).is_file()}
        else:
            raise InputListError(f"--ref {ref}: no such file or folder")
    except StorageError as err:  # its one line names the URL already
        raise InputListError(f"--ref {err}") from None
    except OSError as err:  # a folder that cannot be listed
        raise InputListError(f"--ref {ref}: cannot be read: {err.strerror or err}") from None

    def lookup(path: Path) -> str | None:
        target = targets.get(path)
        if target is None:
            return None
        try:
            return load_document(target).text
        except InputError as err:
            raise InputListError(f"--ref {target}: {err}") from None

    return lookup
