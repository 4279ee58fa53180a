"""``tqa.toml``: which checks run, with which severities and options; what is applied.

Example::

    apply = ["rule", "marian"]      # origins applied automatically (also "glossary")
    ignore = ".tqa-ignore.json"     # the ignore list (accepted findings)
    fail-on = "major"               # exit status 1 when a finding this severe remains

    [checks.repeated-phrase]
    enabled = false

    [checks.calque]
    severity = "major"
    glossary = ["terms.tsv"]        # relative paths are relative to this file

    [checks.untranslated]
    fail_threshold = 0.05           # its findings count for fail-on only where its score reaches this

Every mistake (an unknown key, check or option, a value of the wrong type) fails early
with one line naming the file and the allowed values: a typo in a config file must not
silently turn a check off.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomllib

from pipeline.checks import ConfigurationError, known_checks
from pipeline.core.findings import Severity
from pipeline.core.settings import DEFAULT_APPLY, ORIGINS
from pipeline.util.reading import read_text_limited

CONFIG_NAME = "tqa.toml"
_TOP_KEYS = ("apply", "checks", "fail-on", "ignore", "models")
_PATH_OPTIONS = frozenset({"glossary", "termbase"})  # option values that are file paths


@dataclass(frozen=True)
class Config:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # for build_checks(settings)
    apply: frozenset[str] = DEFAULT_APPLY
    ignore_file: Path | None = None
    fail_on: Severity | None = None
    path: Path | None = None  # the file read, if any
    models: dict[str, str] = field(default_factory=dict)  # [models]: language (or "fallback") -> model

    def with_glossary(self, paths: list[Path]) -> Config:
        """This config with extra glossary files for the calque check (``--glossary``)."""
        checks = {k: dict(v) for k, v in self.checks.items()}
        calque = checks.setdefault("calque", {})
        calque["glossary"] = [*calque.get("glossary", []), *(str(p) for p in paths)]
        return replace(self, checks=checks)


def load_config(path: Path | str | None = None, cwd: Path | None = None) -> Config:
    """Read ``path``, or ``tqa.toml`` in ``cwd`` when it exists, or return the defaults."""
    if path is None:
        path = (cwd or Path.cwd()) / CONFIG_NAME
        if not path.is_file():
            return Config()
    path = Path(path)
    try:
        data = tomllib.loads(read_text_limited(path, "utf-8-sig"))
    except FileNotFoundError:
        raise ConfigurationError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigurationError(f"{path}: cannot read: {getattr(err, 'strerror', None) or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigurationError(f"{path}: not valid TOML: {err}") from None
    try:
        return parse_config(data, path.resolve().parent, path)
    except ConfigurationError as err:
        raise ConfigurationError(f"{path}: {err}") from None


def parse_config(data: dict[str, Any], base: Path, path: Path | None = None) -> Config:
    """A ``Config`` from parsed TOML; relative paths are taken relative to ``base``."""
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise ConfigurationError(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_TOP_KEYS)}")
    return Config(
        checks=_checks(data.get("checks", {}), base),
        apply=parse_apply(data.get("apply", sorted(DEFAULT_APPLY))),
        ignore_file=_path(data["ignore"], base, "ignore") if "ignore" in data else None,
        fail_on=_severity(data["fail-on"], "fail-on") if "fail-on" in data else None,
        path=path,
        models=_models(data.get("models", {}), base),
    )


def _models(table: Any, base: Path) -> dict[str, str]:
    """``[models]``: ``ja = "DIR"`` or ``ko = "Helsinki-NLP/opus-mt-ko-en"``; ``fallback = ...``.
    A relative folder (starting with ``.``) is relative to tqa.toml."""
    from pipeline.core.languages import parse_model_options

    if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() for v in table.values()):
        raise ConfigurationError('models must be a table of language = "model id or folder"')
    entries = [f"{lang}={str(base / model) if model.startswith('.') else model}" for lang, model in table.items()]
    try:
        return parse_model_options(entries, bare_is_zh=False)
    except ValueError as err:
        raise ConfigurationError(f"models: {err}") from None


def parse_apply(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"apply must be a list of origins ({', '.join(ORIGINS)}), got {value!r}")
    names = {v.strip().lower() for v in value} - {"none"}
    names = {"rule" if v == "rules" else v for v in names}
    unknown = sorted(names - set(ORIGINS))
    if unknown:
        raise ConfigurationError(f"apply: unknown origin(s) {', '.join(unknown)}; allowed: {', '.join(ORIGINS)}")
    return frozenset(names)


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ConfigurationError(
            f"{where} must be one of {', '.join(s.value for s in Severity)}, got {value!r}"
        ) from None


def _path(value: Any, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{where} must be a file path, got {value!r}")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _checks(table: Any, base: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(table, dict):
        raise ConfigurationError(f"checks must be a table of [checks.ID] sections, got {table!r}")
    known = known_checks()
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigurationError(f"unknown check(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    out: dict[str, dict[str, Any]] = {}
    for check_id, settings in table.items():
        where = f"[checks.{check_id}]"
        if not isinstance(settings, dict):
            raise ConfigurationError(f"{where} must be a table, got {settings!r}")
        cls = known[check_id]
        allowed = ("enabled", "severity", "fail_threshold", *sorted(cls.options))
        unknown = sorted(set(settings) - set(allowed))
        if unknown:
            raise ConfigurationError(f"{where}: unknown option(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
        resolved: dict[str, Any] = {}
        for key, value in settings.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ConfigurationError(f"{where}: enabled must be true or false, got {value!r}")
            elif key == "severity":
                value = _severity(value, f"{where}: severity").value
            elif key == "fail_threshold":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ConfigurationError(f"{where}: fail_threshold must be a number >= 0 (a score), got {value!r}")
                value = float(value)
            else:
                value = _option(value, cls.options[key], f"{where}: {key}", path_like=key in _PATH_OPTIONS)
                if key in _PATH_OPTIONS:
                    value = [
                        str(_path(v, base, f"{where}: {key}")) for v in ([value] if isinstance(value, str) else value)
                    ]
            resolved[key] = value
        if resolved.get("enabled", True):
            options = {k: v for k, v in resolved.items() if k != "enabled"}
            try:
                cls(**options)  # the check validates its own values: fail now, not mid-batch
            except ConfigurationError as err:
                raise ConfigurationError(f"{where}: {err}") from None
        out[check_id] = resolved
    return out


def _option(value: Any, default: Any, where: str, path_like: bool = False) -> Any:
    """``value`` when it has the type of the option's default (an int is a valid float)."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, list) or (path_like and isinstance(value, str))  # one path for a list of paths
    else:
        ok = default is None or isinstance(value, type(default))
    if not ok:
        expected = "a list" if isinstance(default, (list, tuple)) else type(default).__name__
        raise ConfigurationError(f"{where} must be {expected} (like the default {default!r}), got {value!r}")
    return float(value) if isinstance(default, float) else value
