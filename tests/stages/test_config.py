from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import ConfigurationError, build_checks
from pipeline.core.findings import Severity
from pipeline.stages.config import CONFIG_NAME, Config, load_config


def write(tmp_path: Path, content: str, name: str = CONFIG_NAME) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path):
    config = load_config(cwd=tmp_path)
    assert config == Config() and config.apply == {"rule", "marian"} and config.ignore_file is None


def test_reads_tqa_toml_from_cwd(tmp_path: Path):
    write(
        tmp_path,
        """
apply = ["rules", "glossary"]
ignore = "review/accepted.json"
fail-on = "major"

[checks.repeated-phrase]
enabled = false

[checks.hyphen-spacing]
severity = "major"

[checks.duplicate-line]
min_words = 5
""",
    )
    config = load_config(cwd=tmp_path)
    assert config.apply == {"rule", "glossary"}
    assert config.ignore_file == tmp_path.resolve() / "review" / "accepted.json"
    assert config.fail_on is Severity.MAJOR
    checks = {c.id: c for c in build_checks(config.checks)}
    assert "repeated-phrase" not in checks
    assert checks["hyphen-spacing"].severity is Severity.MAJOR
    assert checks["duplicate-line"].config["min_words"] == 5


def test_severity_override_reaches_findings(tmp_path: Path):
    from pipeline.core.document import Document

    path = write(tmp_path, '[checks.repeated-phrase]\nseverity = "minor"\nmax_words = 3\n', "custom.toml")
    config = load_config(path)
    (check,) = [c for c in build_checks(config.checks) if c.id == "repeated-phrase"]
    (finding,) = check.find(Document.from_text("China China ties"))
    assert finding.severity is Severity.MINOR and check.config["max_words"] == 3


def test_glossary_paths_are_relative_to_the_config(tmp_path: Path):
    (tmp_path / "terms.tsv").write_text("phrase\trendering\nfoo bar\tbaz\n", encoding="utf-8")
    config = load_config(write(tmp_path, '[checks.calque]\nglossary = "terms.tsv"\n'))
    assert config.checks["calque"]["glossary"] == [str(tmp_path.resolve() / "terms.tsv")]
    extra = config.with_glossary([tmp_path / "terms.tsv"])
    assert len(extra.checks["calque"]["glossary"]) == 2 and len(config.checks["calque"]["glossary"]) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "[checks.no-such-check]\nenabled = false\n",
            r"unknown check\(s\) no-such-check; known: .*calque.*repeated-phrase",
        ),
        (
            "[checks.repeated-phrase]\nmaxwords = 3\n",
            r"unknown option\(s\) maxwords; allowed: enabled, severity, fail_threshold, allow, max_words",
        ),
        ('[checks.repeated-phrase]\nseverity = "huge"\n', "severity must be one of minor, major, critical"),
        ('[checks.repeated-phrase]\nenabled = "no"\n', "enabled must be true or false"),
        ('[checks.repeated-phrase]\nmax_words = "six"\n', "max_words must be int"),
        ("[checks.repeated-phrase]\nmax_words = 0\n", "max_words must be an integer from 1 to 20"),
        ('[checks.calque]\nglossary = ["missing.tsv"]\n', "missing.tsv: no such file"),
        ('apply = ["rules", "magic"]\n', r"unknown origin\(s\) magic; allowed: rule, glossary, marian"),
        ('fail-on = "sometimes"\n', "fail-on must be one of minor, major, critical"),
        ("colour = 1\n", r"unknown key\(s\) colour; allowed: apply, checks, fail-on, ignore"),
        ("[checks\n", "not valid TOML"),
    ],
)
def test_errors_are_one_line_and_name_allowed_values(tmp_path: Path, content: str, message: str):
    path = write(tmp_path, content)
    with pytest.raises(ConfigurationError, match=message) as err:
        load_config(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_explicit_missing_file(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="no such config file"):
        load_config(tmp_path / "nope.toml")
