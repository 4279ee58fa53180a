"""What the terminal says at the end of ``tqa run`` beyond the table: nothing silent.

Guard rejections are counted and explained, translations kept with ``--no-guard`` that
the guard rejects are named (with the articles whose penalty rose), the ignore list's
hidden findings are counted, articles whose original does not fit them (their source
checks skipped) are counted and named, and an exit status 1 says which findings caused it.
Tallies stay small (counts, and a few example files), whatever the batch size.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.findings import Severity
from pipeline.original import MISFIT

EXAMPLES = 5  # files named per line at most
_REASON = re.compile(r"^translation rejected \((?:segment \d+ of \d+: )?(?P<kind>[^:(]+)")


def reason_kind(reason: str) -> str:
    """``translation rejected (segment 2 of 3: repetition loop: ...)`` -> ``repetition loop``."""
    m = _REASON.match(reason)
    return m.group("kind").strip() if m else reason


def _examples(names: list[str], total: int) -> str:
    more = f", … {total - len(names)} more" if total > len(names) else ""
    return ", ".join(names) + more


def _per_kind(counts: dict[str, int]) -> str:
    """``{"major x": 2, "critical y": 1}`` -> ``1 critical y, 2 major x``: worst first."""

    def order(item: tuple[str, int]) -> tuple[int, str]:
        severity = item[0].split(" ", 1)[0]
        rank = Severity(severity).rank if severity in {s.value for s in Severity} else -1
        return -rank, item[0]

    return ", ".join(f"{n} {key}" for key, n in sorted(counts.items(), key=order))


def misfit_line(n: int, noun: str) -> str:
    """The count of inputs whose original was set aside (``pipeline.original.pair.misfit``)."""
    return f"source checks skipped in {n} {noun}(s) whose original does not fit the English"


def fail_on_line(fail_on: Severity, counts: dict[str, int]) -> str:
    """Why ``tqa check`` exits 1: the findings at or above ``--fail-on``, per severity and check."""
    return f"tqa: exit status 1: {sum(counts.values())} finding(s) at or above {fail_on.value} ({_per_kind(counts)})"


@dataclass
class RunTally:
    hidden: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unguarded: Counter[str] = field(default_factory=Counter)
    worse: list[str] = field(default_factory=list)  # articles whose penalty rose with --no-guard output
    n_worse: int = 0
    failing: dict[str, Any] = field(default_factory=dict)  # path -> remaining counts (or worst, when resumed)
    n_failing: int = 0
    remaining: Counter[str] = field(default_factory=Counter)
    n_misfit: int = 0  # articles whose original does not fit them: source checks skipped
    misfit: list[str] = field(default_factory=list)

    def add(self, outcome: Any, fail_on: Severity | None) -> None:
        self.hidden += outcome.hidden
        for notice in outcome.notices:
            if notice.startswith(MISFIT):
                self.n_misfit += 1
                if len(self.misfit) < EXAMPLES:
                    self.misfit.append(f"{outcome.job.key} ({notice.removeprefix(MISFIT)})")
        self.rejected.update(reason_kind(r) for r in outcome.guard_rejected)
        if outcome.unguarded:
            self.unguarded.update(reason_kind(r) for r in outcome.unguarded)
            row = outcome.row or {}
            if (row.get("mqm_after") or 0) > (row.get("mqm_before") or 0):
                self.n_worse += 1
                if len(self.worse) < EXAMPLES:
                    self.worse.append(str(outcome.job.path))
        if fail_on is None or outcome.worst is None or outcome.worst < fail_on:
            return
        self.n_failing += 1
        over = {k: n for k, n in outcome.remaining.items() if Severity(k.split(" ", 1)[0]) >= fail_on}
        self.remaining.update(over)
        if len(self.failing) < EXAMPLES:
            self.failing[str(outcome.job.path)] = over or {f"{outcome.worst.value} (resumed; see its report)": 1}

    def lines(self, fail_on: Severity | None) -> list[str]:
        out: list[str] = []
        if self.rejected:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.rejected.most_common())
            out.append(
                f"tqa: the output guard rejected {sum(self.rejected.values())} translation(s) ({kinds}); "
                "those passages stay as they were and each report lists them under skipped (--no-guard keeps them)"
            )
        if self.unguarded:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.unguarded.most_common())
            out.append(
                f"tqa: --no-guard applied {sum(self.unguarded.values())} translation(s) the guard rejects ({kinds})"
            )
            if self.n_worse:
                out.append(
                    f"tqa: --no-guard made the MQM penalty worse in {self.n_worse} article(s): "
                    f"{_examples(self.worse, self.n_worse)}"
                )
        if self.hidden:
            out.append(f"tqa: {self.hidden} finding(s) hidden by the ignore list")
        if self.n_misfit:
            out.append(f"tqa: {misfit_line(self.n_misfit, 'article')}: {_examples(self.misfit, self.n_misfit)}")
        if fail_on is not None and self.n_failing:
            per = _per_kind(self.remaining)
            out.append(
                f"tqa: exit status 1: findings at or above {fail_on.value} remain in {self.n_failing} article(s)"
                + (f" ({per})" if per else "")
            )
            for path, counts in self.failing.items():
                out.append(f"  {path}: {_per_kind(counts)}")
            if self.n_failing > len(self.failing):
                out.append(f"  … {self.n_failing - len(self.failing)} more (see summary.csv)")
        return out
