"""Where inputs and outputs live: a local path, or an fsspec URL (``s3://``, ``gs://``,
``hf://datasets/...``, ``memory://``).

A URL becomes a ``RemotePath``: the handful of ``pathlib.Path`` methods the pipeline
calls on an input, an original or a reference (``name``, ``exists``, ``is_dir``, ``open``, ``read_bytes``, ...),
answered by the URL's fsspec file system. It pickles as its URL, so a Ray task reads its
input from the store itself. A local path never reaches fsspec: ``location`` hands it back
as the ``Path`` it was, and fsspec is imported only when a URL is met.

Credentials are fsspec's: the store's own environment (``AWS_ACCESS_KEY_ID``,
``AWS_ENDPOINT_URL``, ``~/.aws``, ``HF_TOKEN``), fsspec's configuration (``FSSPEC_S3_KEY``,
``FSSPEC_S3``, ``~/.config/fsspec``), or ``--storage-option`` (``storage_options``). They are
never printed: every message about a store goes through ``scrub``.

A remote ``--out`` is written in a local staging folder and uploaded when the run ends
(``pipeline.util.staging``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]+)://")
# what ``Path("s3://bucket/key")`` makes of a URL (Typer hands PATH arguments over as Paths)
_FOLDED = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]+):/(?!/)")
# the package each common protocol needs, for the message when it is missing
_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
# an option whose name says it holds a credential (key, secret, token, password, ...)
_SECRET_KEY = re.compile(r"key|secret|token|pass|credential|auth|sas|signature", re.IGNORECASE)
ENV_OPTIONS = "TQA_STORAGE_OPTIONS"  # --storage-option, as JSON, for worker processes too


class StorageError(OSError):
    """A store that cannot be used as asked (unknown protocol, missing package, no access);
    ``str`` is one line, without credentials."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.strerror = message

    def __str__(self) -> str:
        return self.strerror


class StoreNotFound(StorageError, FileNotFoundError):
    """No such object, folder or bucket: a ``FileNotFoundError`` to the readers, one line naming the URL."""


class StoreDenied(StorageError, PermissionError):
    """The store refused the credentials: a ``PermissionError`` to the readers, one line naming the URL."""


def location(value: str | os.PathLike[str]) -> Any:
    """``value`` as tqa opens it: a ``RemotePath`` for a URL, else the local ``Path``."""
    if isinstance(value, RemotePath):
        return value
    name = os.fspath(value)
    url = remote_url(name)
    if url is None:
        return value if isinstance(value, Path) else Path(name)
    if url.startswith(("file://", "FILE://")):
        return Path(url[len("file://") :])
    return RemotePath(url)


def remote_url(name: str) -> str | None:
    """The URL ``name`` spells (also as ``Path`` folded it: ``s3:/bucket``), or None for a local path."""
    if _URL.match(name):
        return name
    folded = _FOLDED.match(name)
    if folded and not os.path.lexists(name.split("/", 1)[0]):  # a local folder named "s3:" stays one
        return f"{folded[1]}://{name[folded.end() :]}"
    return None


def as_remote(path: str | os.PathLike[str]) -> RemotePath | None:
    """The ``RemotePath`` behind ``path``, or None for a local file (the usual case: one regex)."""
    if isinstance(path, RemotePath):
        return path
    url = remote_url(os.fspath(path))
    return RemotePath(url) if url is not None and not url.lower().startswith("file://") else None


def is_remote(path: Any) -> bool:
    return as_remote(path) is not None


def set_options(pairs: Iterable[str]) -> None:
    """``--storage-option KEY=VALUE`` (repeatable): keyword arguments of the store's fsspec
    file system; kept in the environment so worker processes open stores the same way."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise StorageError(f"--storage-option {key.strip() or pair!r}: expected KEY=VALUE")
        options[key.strip()] = _value(value)
    if options:
        os.environ[ENV_OPTIONS] = json.dumps(options)
    else:  # this command's options only, not an earlier one's in the same process
        os.environ.pop(ENV_OPTIONS, None)


def _value(text: str) -> Any:
    """true/false, an integer, a JSON object or list (``config_kwargs={"retries": ...}``), else text."""
    if text.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        return text


def storage_options() -> dict[str, Any]:
    raw = os.environ.get(ENV_OPTIONS)
    return json.loads(raw) if raw else {}


def _secrets() -> list[str]:
    """Values that must never reach a message: the options given and the usual credential variables."""
    values = [v for k, v in storage_options().items() if isinstance(v, str) and _SECRET_KEY.search(k)]
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "HF_TOKEN", "FSSPEC_S3_SECRET"):
        if os.environ.get(name):
            values.append(os.environ[name])
    return [v for v in values if len(v) >= 4]


def scrub(text: str) -> str:
    """``text`` on one line with every known secret, and a URL's ``user:password@``, hidden."""
    text = re.sub(r"(://)[^/@\s]+@", r"\1***@", text)
    for secret in sorted(_secrets(), key=len, reverse=True):
        text = text.replace(secret, "***")
    return " ".join(text.split())


def describe(err: BaseException) -> str:
    """One line for a store's failure: the reason, not the client library's traceback."""
    if isinstance(err, FileNotFoundError):
        return "no such file, folder or bucket"
    if isinstance(err, PermissionError):
        return "permission denied (check the store's credentials)"
    if isinstance(err, StorageError):
        return str(err)
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return scrub(str(reason))


_FILESYSTEMS: dict[tuple[str, str, int], Any] = {}


def filesystem(protocol: str) -> Any:
    """The fsspec file system for ``protocol`` (one per process and set of options)."""
    options = storage_options()
    # per process: a forked worker must not use its parent's client (its event loop thread
    # stayed in the parent)
    key = (protocol, json.dumps(options, sort_keys=True), os.getpid())
    if key not in _FILESYSTEMS:
        try:
            import fsspec
        except ImportError:
            raise StorageError(f"{protocol}:// needs fsspec: pip install 'tqa[remote]'") from None
        try:
            _FILESYSTEMS[key] = fsspec.filesystem(protocol, **options)
        except ImportError:
            package = _PACKAGES.get(protocol, "the fsspec implementation for it")
            extra = " 'tqa[remote]'" if package == "s3fs" else f" {package}"
            raise StorageError(f"{protocol}:// needs {package}: pip install{extra}") from None
        except ValueError as err:
            if "known" in str(err).lower():
                raise StorageError(
                    f"{protocol}:// is not a storage protocol tqa knows (fsspec has none by that name)"
                ) from None
            raise StorageError(f"{protocol}://: {scrub(str(err))}") from None
        except TypeError as err:  # a --storage-option the file system does not take
            raise StorageError(f"{protocol}://: --storage-option: {scrub(str(err))}") from None
    return _FILESYSTEMS[key]


def failing(call: Any) -> Any:
    """A store's exceptions as ``OSError``s with one scrubbed line, so every caller's existing
    ``except OSError`` gives the user one line and no traceback."""

    def wrapped(self: RemotePath, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(self, *args, **kwargs)
        except StorageError:
            raise
        except FileNotFoundError:
            raise StoreNotFound(f"{self.url}: no such file, folder or bucket") from None
        except PermissionError:
            raise StoreDenied(f"{self.url}: permission denied (check the store's credentials)") from None
        except IsADirectoryError:
            raise
        except Exception as err:  # botocore's and aiohttp's errors are not OSErrors
            raise StorageError(f"{self.url}: {describe(err)}") from None

    return wrapped


class RemotePath:
    """A file or folder in an fsspec store, named by its URL; the ``Path`` methods tqa uses."""

    __slots__ = ("url", "protocol")

    def __init__(self, url: str) -> None:
        protocol, _, rest = url.partition("://")
        self.protocol = protocol.lower()
        # one spelling per object: file systems list keys with or without a leading "/" (memory://)
        self.url = f"{self.protocol}://{rest.strip('/')}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RemotePath, (self.url,))  # the URL only: a worker opens the store itself

    def __fspath__(self) -> str:
        return self.url

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"RemotePath({scrub(self.url)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RemotePath) and other.url == self.url

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(self.url)

    def __truediv__(self, name: str) -> RemotePath:
        return RemotePath(f"{self.url.rstrip('/')}/{name}")

    def _child(self, key: str) -> RemotePath:
        return RemotePath(f"{self.protocol}://{key}")

    @property
    def key(self) -> str:
        """The path inside the store (bucket and key for S3)."""
        return self.url.split("://", 1)[1]

    @property
    def name(self) -> str:
        return self.key.rstrip("/").rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix

    @property
    def parent(self) -> RemotePath:
        head = self.key.rstrip("/").rsplit("/", 1)[0] if "/" in self.key.rstrip("/") else ""
        return RemotePath(f"{self.protocol}://{head}")

    @property
    def fs(self) -> Any:
        return filesystem(self.protocol)

    def resolve(self) -> RemotePath:
        return self

    absolute = resolve

    def is_symlink(self) -> bool:
        return False

    def relative_to(self, other: RemotePath) -> str:
        prefix = other.url.rstrip("/") + "/"
        if not isinstance(other, RemotePath) or not self.url.startswith(prefix):
            raise ValueError(f"{self} is not under {other}")
        return self.url[len(prefix) :]

    @failing
    def exists(self) -> bool:
        return bool(self.fs.exists(self.key))

    @failing
    def is_dir(self) -> bool:
        return bool(self.fs.isdir(self.key))

    @failing
    def is_file(self) -> bool:
        return bool(self.fs.isfile(self.key))

    @failing
    def size(self) -> int:
        info = self.fs.info(self.key)
        if info.get("type") == "directory":
            raise IsADirectoryError(21, "Is a directory", self.url)
        return int(info.get("size") or 0)

    @failing
    def open(self, mode: str = "rb", **kwargs: Any) -> IO[Any]:
        return self.fs.open(self.key, mode, **kwargs)

    @failing
    def read_bytes(self) -> bytes:
        with self.fs.open(self.key, "rb") as f:
            return f.read()

    @failing
    def read_limited(self, max_bytes: int) -> bytes:
        """At most ``max_bytes + 1`` bytes: one past the limit tells the caller it is over."""
        self.size()  # a folder, or a missing object, is named before any read
        with self.fs.open(self.key, "rb") as f:
            return f.read(max_bytes + 1)

    @failing
    def iterdir(self) -> Iterator[RemotePath]:
        return iter(sorted(self._child(k) for k in self.fs.ls(self.key, detail=False)))

    @failing
    def files(self) -> list[RemotePath]:
        """Every file under this folder, sorted by URL (a store has no links to follow)."""
        found = self.fs.find(self.key, withdirs=False)
        return sorted(self._child(k) for k in found)

    @failing
    def glob(self, pattern: str) -> list[RemotePath]:
        return sorted(self._child(k) for k in self.fs.glob(pattern.split("://", 1)[1]))


def open_binary(path: Any) -> IO[bytes]:
    """``open(path, "rb")`` for a local file (the same call as before), the store's for a URL."""
    remote = as_remote(path)
    return open(path, "rb") if remote is None else remote.open("rb")
