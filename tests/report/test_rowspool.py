"""Summary rows spooled to disk: the same summary files as from a list, with flat memory."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

from rich.console import Console

from pipeline.report import error_row, summary_row, summary_table, write_summary
from pipeline.report.rowspool import RowSpool
from tests.report.test_reports import make_result

NAMES = ("summary.json", "summary.jsonl", "summary.csv", "summary.md", "index.html", "retranslations.tmx")


def batch(n: int) -> list[dict]:
    """``n`` rows with MQM ties, failures in the middle, a reference score and a name with a bidi control."""
    base = summary_row(make_result(reference="Pipeline news"), "s")
    rows = []
    for i in range(n):
        if i % 17 == 5:
            rows.append(error_row(f"bad{i}.bin", f"bad{i}", "looks binary <b>"))
            continue
        row = {
            **base,
            "input": f"news/a{i}\u202e\u00fc.txt" if i == 3 else f"news/a{i}.txt",
            "stem": f"a{i}",
            "mqm_after": float(i % 7),
            "mqm_before": float(i % 5),
            f"n_check{i % 3}": i % 4,
        }
        rows.append(row)
    return rows


def spooled(rows: list[dict], shuffle: bool = True) -> RowSpool:
    spool = RowSpool()
    order = list(range(len(rows)))
    for i in (order[1::2] + order[::2]) if shuffle else order:  # finished out of order
        spool.add(rows[i], i)
    spool.sort()
    return spool


def test_a_spool_writes_the_same_summary_files_and_table_as_a_list(tmp_path: Path) -> None:
    for n in (0, 1, 70):  # none; one; more than the table (20) and the Markdown list (50) show
        rows = batch(n)
        spool = spooled(rows)
        assert list(spool) == rows and len(spool) == n
        listed, streamed = tmp_path / f"list{n}", tmp_path / f"spool{n}"
        write_summary(rows, listed)
        write_summary(spool, streamed)
        for name in NAMES:
            assert (streamed / name).read_bytes() == (listed / name).read_bytes(), name
        tables = []
        for source in (rows, spool):
            console = Console(file=io.StringIO(), width=120)
            console.print(summary_table(source, text=lambda s: s.replace("\u202e", "?")))
            tables.append(console.file.getvalue())
        assert tables[0] == tables[1]
        spool.close()


def test_writing_the_summary_of_a_spool_holds_no_more_than_a_few_rows(tmp_path: Path) -> None:
    def peak(n: int) -> int:
        spool = spooled(batch(n), shuffle=False)
        tracemalloc.start()
        write_summary(spool, tmp_path / str(n))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        spool.close()
        return top

    peak(20)  # templates compiled, modules imported
    small, large = peak(100), peak(700)
    # what still grows is the index of offsets, 16 bytes a row (sort keys: one run, see below); the files
    # built whole in memory took several KB a row (summary.json alone ~1.5 KB)
    assert (large - small) / 600 < 600, (small, large)


def test_sorting_a_spool_in_runs_gives_the_order_of_sorted(monkeypatch) -> None:
    """More rows than one run sorts in memory: runs spilled and merged, ties in input order."""
    from pipeline.report import rowspool
    from pipeline.report.index_page import _worst_key

    rows = batch(100)
    for run in (7, 100, 1000):
        monkeypatch.setattr(rowspool, "SORT_RUN", run)
        spool = spooled(rows)
        assert list(spool.sorted_by(_worst_key)) == sorted(rows, key=_worst_key)
        assert list(spool.sorted_by(lambda r: 0)) == rows  # all tied: input order
        spool.close()


def test_sorting_a_spool_holds_one_run_of_keys(monkeypatch) -> None:
    from pipeline.report import rowspool
    from pipeline.report.index_page import _worst_key

    monkeypatch.setattr(rowspool, "SORT_RUN", 50)

    def peak(n: int) -> int:
        spool = spooled(batch(n), shuffle=False)
        tracemalloc.start()
        for _ in spool.sorted_by(_worst_key):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        spool.close()
        return top

    peak(20)
    small, large = peak(200), peak(2000)
    # the merge holds one key per run and the spool 16 bytes a row; every row's key took ~200
    assert (large - small) / 1800 < 60, (small, large)
