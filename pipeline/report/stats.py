"""``tqa stats``: each check's distributions over a run's records, read from its summary.

A run's ``summary.jsonl`` has one row per article or corpus record, and in it each check's
figures before repair (``n_<check>``, ``per1000w_<check>``, ``score_<check>``; a check
without findings in a record has none). Per check this gathers how many records it
flagged, the percentiles of its findings per 1,000 words over every record processed (a
record without findings counts as 0), and of its score over the records it flagged
(without findings there is no score). The values are kept, not the rows, and only the
nonzero rates: memory grows with the findings, not with the records.

Percentiles interpolate linearly between the two nearest ranks, as ``numpy.percentile``
does by default. The histogram's bins are of equal width from 0 to the largest score; each
line says how many records a threshold at the bin's lower edge would flag.
"""

from __future__ import annotations

import io
import json
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.report.columns import RATE, SCORE
from pipeline.util.atomic import write_atomic

PERCENTILES = (50, 90, 99)
SUMMARY_NAMES = ("summary.jsonl", "summary.json")


class NotAnOutput(ValueError):
    """The folder is not one a tqa run wrote, or its summary cannot be read."""


def percentile(values: array | list[float], q: float, zeros: int = 0) -> float:
    """The ``q``-th percentile (0 to 100) of sorted ``values`` preceded by ``zeros`` zeros,
    by linear interpolation between the nearest ranks (numpy's default)."""
    n = zeros + len(values)
    if n == 0:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be from 0 to 100, got {q!r}")

    def at(i: int) -> float:
        return 0.0 if i < zeros else float(values[i - zeros])

    pos = q / 100 * (n - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    return at(lo) + (at(hi) - at(lo)) * (pos - lo)


@dataclass
class CheckStats:
    """One check's figures over a run: the nonzero rates and the scores, each sorted by ``done``."""

    check: str
    rates: array = field(default_factory=lambda: array("d"))  # per 1,000 words, records with findings
    scores: array = field(default_factory=lambda: array("d"))  # records with findings

    def done(self) -> None:
        self.rates = array("d", sorted(self.rates))
        self.scores = array("d", sorted(self.scores))

    @property
    def flagged(self) -> int:
        return len(self.rates)

    def rate_percentiles(self, records: int) -> dict[str, float]:
        return _summary(self.rates, records - len(self.rates))

    def score_percentiles(self) -> dict[str, float]:
        return _summary(self.scores, 0)

    def at_or_above(self, threshold: float) -> int:
        """How many records a threshold on the score would flag."""
        from bisect import bisect_left

        return len(self.scores) - bisect_left(self.scores, threshold)

    def histogram(self, bins: int = 10) -> list[tuple[float, float, int, int]]:
        """``bins`` equal bins from 0 to the largest score: (low, high, records in the bin,
        records at or above ``low``). The last bin includes its upper edge."""
        if not self.scores:
            return []
        top = self.scores[-1] or 1.0
        width = top / bins
        counts = [0] * bins
        for s in self.scores:
            counts[min(int(s / width), bins - 1)] += 1
        out, above = [], len(self.scores)
        for k, n in enumerate(counts):
            out.append((k * width, (k + 1) * width, n, above))
            above -= n
        return out


def _summary(values: array, zeros: int) -> dict[str, float]:
    if zeros + len(values) == 0:
        return {}
    out = {f"p{q}": round(percentile(values, q, zeros), 4) for q in PERCENTILES}
    out["max"] = float(values[-1]) if values else 0.0
    return out


@dataclass
class RunStats:
    """A run's records (processed, failed) and each check's ``CheckStats``, by check id."""

    records: int = 0
    failed: int = 0
    checks: dict[str, CheckStats] = field(default_factory=dict)
    unscored: int = 0  # records with findings counted but no figures: a summary from an older tqa

    def add(self, row: Mapping[str, Any]) -> None:
        if row.get("status") != "ok":
            self.failed += 1
            return
        self.records += 1
        if any(k.startswith("n_") and v for k, v in row.items()) and not any(k.startswith(RATE) for k in row):
            self.unscored += 1
        for key, value in row.items():
            if key.startswith(RATE) and value:
                self._check(key[len(RATE) :]).rates.append(float(value))
            elif key.startswith(SCORE) and value is not None:
                self._check(key[len(SCORE) :]).scores.append(float(value))

    def _check(self, check: str) -> CheckStats:
        if check not in self.checks:
            self.checks[check] = CheckStats(check)
        return self.checks[check]

    def done(self) -> RunStats:
        for c in self.checks.values():
            c.done()
        self.checks = dict(sorted(self.checks.items()))
        return self

    def to_dict(self, thresholds: Mapping[str, float] | None = None) -> dict[str, Any]:
        """Plain data (``tqa stats --json``); ``thresholds``: what each flags."""
        out: dict[str, Any] = {"records": self.records, "failed": self.failed, "unscored": self.unscored, "checks": {}}
        for check, c in self.checks.items():
            entry: dict[str, Any] = {
                "flagged": c.flagged,
                "per_1000w": c.rate_percentiles(self.records),
                "score": c.score_percentiles(),
            }
            if thresholds and check in thresholds:
                entry["fail_threshold"] = {"value": thresholds[check], "flags": c.at_or_above(thresholds[check])}
            out["checks"][check] = entry
        return out


def summary_path(out_dir: Path) -> Path:
    """The summary of the run in ``out_dir``; ``NotAnOutput`` when there is none."""
    if not out_dir.exists():
        raise NotAnOutput(f"{out_dir}: no such folder")
    if not out_dir.is_dir():
        raise NotAnOutput(f"{out_dir}: not a folder; give the --out folder of a tqa run")
    for name in SUMMARY_NAMES:
        if (out_dir / name).is_file():
            return out_dir / name
    raise NotAnOutput(
        f"{out_dir}: not a tqa output folder (no summary.jsonl or summary.json); run `tqa run ... --out {out_dir}` first"
    )


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a ``summary.jsonl`` (one at a time) or a ``summary.json``."""
    try:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        yield _row(json.loads(line), path, number)
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
            raise NotAnOutput(f"{path}: not a tqa summary (no articles list)")
        for number, row in enumerate(data["articles"], 1):
            yield _row(row, path, number)
    except json.JSONDecodeError as err:
        raise NotAnOutput(f"{path}: not valid JSON: {err}") from None
    except UnicodeDecodeError:
        raise NotAnOutput(f"{path}: not UTF-8 text") from None
    except OSError as err:
        raise NotAnOutput(f"{path}: cannot read: {err.strerror or err}") from None


def _row(row: Any, path: Path, number: int) -> dict[str, Any]:
    if not isinstance(row, dict) or "status" not in row:
        raise NotAnOutput(f"{path}: row {number} is not a tqa summary row")
    return row


def run_stats(rows: Iterable[Mapping[str, Any]]) -> RunStats:
    stats = RunStats()
    for row in rows:
        stats.add(row)
    return stats.done()


def _num(value: float) -> str:
    """Three significant digits, without an exponent below a thousand."""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def stats_text(
    stats: RunStats,
    names: Mapping[str, str],
    thresholds: Mapping[str, float] | None = None,
    bins: int = 10,
    width: int = 30,
) -> str:
    """The terminal report: per check, records flagged, percentiles, and a histogram of its
    score with how many records a threshold at each bin's lower edge would flag."""
    thresholds = thresholds or {}
    lines = [f"tqa stats: {stats.records} record(s) processed" + (f", {stats.failed} failed" if stats.failed else "")]
    if stats.unscored:
        lines.append(
            f"{stats.unscored} record(s) with findings have no per-check figures (a summary from an older tqa): "
            "run it again to include them"
        )
    if not stats.checks:
        lines.append("no findings: every check's score is absent (nothing to set a threshold on)")
    for check, c in stats.checks.items():
        share = 100 * c.flagged / stats.records if stats.records else 0
        name = names.get(check, "findings per 1,000 words")
        lines += ["", f"{check}: {c.flagged} of {stats.records} record(s) with findings ({share:.1f}%)"]
        lines.append(f"  {'':<26}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}")
        for label, figures in (
            ("findings per 1,000 words", c.rate_percentiles(stats.records)),
            ("score (records flagged)", c.score_percentiles()),
        ):
            lines.append(f"  {label:<26}" + "".join(f"{_num(figures[k]):>9}" for k in ("p50", "p90", "p99", "max")))
        lines.append(f"  score: {name}")
        lines.append(f"  {'score from – to':<21} {'':<{width}} {'records':>7}  a threshold at 'from' flags")
        histogram = c.histogram(bins)
        tallest = max((n for _, _, n, _ in histogram), default=0)
        for low, high, n, above in histogram:
            bar = _bar(n / tallest, width) if tallest else ""  # the tallest bin fills the width
            share = 100 * above / stats.records
            lines.append(f"  {_num(low):>9} – {_num(high):<9} {bar:<{width}} {n:>7}  {above:>8} ({share:.1f}%)")
        if check in thresholds:
            t = thresholds[check]
            n = c.at_or_above(t)
            lines.append(f"  tqa.toml fail_threshold {_num(t)}: flags {n} of {stats.records} record(s)")
    return "\n".join(lines) + "\n"


_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(fraction: float, width: int) -> str:
    """A horizontal bar of ``fraction`` of ``width`` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def plot(stats: RunStats, path: Path, names: Mapping[str, str], thresholds: Mapping[str, float] | None = None) -> Path:
    """A PNG: one histogram per check of its score over the records it flagged, with the
    p50, p90 and p99 lines and the configured threshold. Needs matplotlib (``ImportError``)."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file is all that is wanted
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    thresholds = thresholds or {}
    checks = [c for c in stats.checks.values() if c.scores]
    cols = min(3, max(1, math.ceil(math.sqrt(len(checks)))))  # four checks: two by two
    rows = max(1, math.ceil(len(checks) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.flat[len(checks) :]:
        ax.axis("off")
    if not checks:
        axes[0][0].text(0.5, 0.5, "no findings in this run", ha="center", va="center")
    for ax, c in zip(axes.flat, checks):
        ax.hist(list(c.scores), bins=20, range=(0, c.scores[-1] or 1.0), color="#4477aa")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for q, style in zip(PERCENTILES, (":", "--", "-.")):
            ax.axvline(percentile(c.scores, q), color="#aa3377", linestyle=style, linewidth=1, label=f"p{q}")
        if c.check in thresholds:
            ax.axvline(thresholds[c.check], color="#228833", linewidth=1.5, label="fail_threshold")
        ax.set_title(f"{c.check} ({c.flagged} of {stats.records})", fontsize=9)
        ax.set_xlabel(names.get(c.check, "findings per 1,000 words"), fontsize=8)
        ax.set_ylabel("records", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
    fig.suptitle(f"tqa stats: scores of the records each check flagged ({stats.records} records)", fontsize=10)
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=100)
    plt.close(fig)
    write_atomic(path, image.getvalue())  # never half a PNG where an older one was
    return path
