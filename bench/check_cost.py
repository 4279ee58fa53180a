"""CPU cost per check on the sample article, the surface checks against the set without them.

    python bench/check_cost.py

Both sets run in this process on seeds/'s sample article (best of 5 rounds of 20 runs,
CPU time): "before" is the set without the surface checks (the shipped glossary
without the term base, none of ``SURFACE`` in ``pipeline.checks.catalog``), "after" every
check as shipped.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.checks import build_checks  # noqa: E402
from pipeline.core.document import Document  # noqa: E402

_spec = importlib.util.spec_from_file_location("devset_bench", ROOT / "bench" / "devset.py")
_devset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_devset)


def cost(checks, doc) -> dict[str, float]:
    for c in checks:
        list(c.find(doc))  # warm: lazy tables (wordfreq) load once per process
    best: dict[str, float] = {}
    for _ in range(5):
        for c in checks:
            start = time.process_time()
            for _ in range(20):
                list(c.find(doc))
            ms = (time.process_time() - start) / 20 * 1000
            best[c.id] = min(best.get(c.id, ms), ms)
    return best


def main() -> None:
    doc = Document.from_text(next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8"))
    before = cost(_devset.before_checks(), doc)
    after = cost(build_checks(), doc)
    print(f"sample article, {doc.word_count} words; CPU ms per article, best of 5")
    for check in sorted(after):
        print(f"  {check:26} {before.get(check, 0):6.2f} {after[check]:6.2f}")
    b, a = sum(before.values()), sum(after.values())
    print(f"  {'all checks':26} {b:6.2f} {a:6.2f}   ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
