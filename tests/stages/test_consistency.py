"""Consistency across a file or a batch: ``inconsistent-target`` and ``inconsistent-source`` decided
in input order in the main process (``pipeline.stages.batch``), on PO and XLIFF files checked with
``tqa check``, the same with one or two workers and after ``--resume``."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.checks.source.consistency import InconsistentTarget
from pipeline.stages.consistency import ConsistencyIndex
from tests.support import tqa
from tests.support.bilingual import PO, XLIFF

CONSISTENCY = "inconsistent-target,inconsistent-source,untranslated-segment"


def _found(output: str) -> dict[str, list[tuple[str, list[str]]]]:
    """Per record id, its consistency findings: (check, the earlier segments named)."""
    data = json.loads(output)
    return {
        f["id"]: [(x["check"], x["evidence"].get("others", x["evidence"].get("words"))) for x in f["findings"]]
        for f in data["files"]
        if f["findings"]
    }


def test_a_po_file_names_the_earlier_segments(tmp_path: Path) -> None:
    po = tmp_path / "ui.po"
    po.write_text(PO, encoding="utf-8")
    result = tqa("check", po, "--select", CONSISTENCY, "-f", "json")
    assert result.exit_code == 1, result.output
    assert _found(result.stdout) == {
        # the same original up to its full stop, translated otherwise
        "保存文件。": [("inconsistent-target", [f"{po}#保存文件"])],
        # "save the file" is "Save the file" in lower case: the same English for another original
        "另存为": [("inconsistent-source", [f"{po}#保存文件"])],
        # "open the FILE" is "Open the file": consistent, not flagged; "%d" is not compared;
        # "Keep the file" renders 保存文件 in another msgctxt: another original
        "Annuler le téléchargement": [("untranslated-segment", ["Annuler", "téléchargement"])],
    }
    assert "the same original is translated differently in 1 earlier segment(s)" in tqa("check", po).stdout


def test_an_xliff_file_counts_every_earlier_rendering(tmp_path: Path) -> None:
    xlf = tmp_path / "app.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    result = tqa("check", xlf, "--select", CONSISTENCY, "-f", "json")
    assert result.exit_code == 1, result.output
    assert _found(result.stdout) == {
        "footer": [("inconsistent-target", [f"{xlf}#title"])],
        "again": [("inconsistent-source", [f"{xlf}#title"])],
        "third": [("inconsistent-target", [f"{xlf}#title", f"{xlf}#footer"])],
    }
    third = next(f for f in json.loads(result.stdout)["files"] if f["id"] == "third")["findings"][0]
    assert third["evidence"]["count"] == 2 and third["evidence"]["variants"] == 3
    assert third["text"] == "Report of the year"  # the whole segment


def test_across_the_files_of_a_batch_and_with_two_workers(tmp_path: Path) -> None:
    (tmp_path / "a.xlf").write_text(XLIFF, encoding="utf-8")
    (tmp_path / "b.po").write_text(PO.replace("Store the file.", "Save the file."), encoding="utf-8")
    one = tqa("check", tmp_path, "--select", CONSISTENCY, "-f", "json", "-j", "1")
    two = tqa("check", tmp_path, "--select", CONSISTENCY, "-f", "json", "-j", "2")
    assert one.stdout == two.stdout
    found = _found(one.stdout)
    assert "title" not in found  # the first of its group: the reference
    assert "保存文件。" not in found  # rendered as its earlier twin now
    po = tmp_path / "b.po"
    assert found["另存为"] == [("inconsistent-source", [f"{po}#保存文件", f"{po}#保存文件。"])]


def test_off_by_select_and_by_ignore(tmp_path: Path) -> None:
    xlf = tmp_path / "app.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    assert "inconsistent" not in tqa("check", xlf, "--ignore", "inconsistent-target,inconsistent-source").stdout
    assert "inconsistent" not in tqa("check", xlf, "--select", "untranslated-segment").stdout


def test_resume_remembers_the_segments_it_skips(tmp_path: Path) -> None:
    xlf = tmp_path / "app.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", xlf, "--out", out, "--no-retranslate", "-j", "1").exit_code in (0, 1)
    first = (out / "findings.jsonl").read_text(encoding="utf-8")
    # only the last unit changes: the earlier ones come from the manifest, and must still be named
    xlf.write_text(XLIFF.replace("Report of the year", "Report for the year"), encoding="utf-8")
    result = tqa("run", xlf, "--out", out, "--no-retranslate", "-j", "1", "--resume")
    assert "(4 unchanged since the last run)" in result.output, result.output
    rows = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    third = [r for r in rows if r["record"] == "third" and r["check"] == "inconsistent-target"]
    assert len(third) == 1 and "#title" in third[0]["message"] and "#footer" in third[0]["message"]
    assert (out / "findings.jsonl").read_text(encoding="utf-8").count("inconsistent") == first.count("inconsistent")


def test_the_index_keeps_digests_and_names_in_input_order() -> None:
    check = InconsistentTarget()
    index = ConsistencyIndex(check)
    assert index.add("a", check.measure("Save", "保存")) is None
    assert index.add("b", check.measure("save.", "保存")) is None  # the same rendering
    assert index.add("c", check.measure("Store", "保存")) == (["a", "b"], 2, 2)
    assert index.add("d", check.measure("Keep", "保存")) == (["a", "b", "c"], 3, 3)
    assert index.add("e", None) is None
    assert index.names() == ["a", "b", "c", "d"]  # names, never texts


def test_an_xliff_resource_name_is_a_key_not_a_context(tmp_path: Path) -> None:
    units = (
        '<trans-unit id="a" resname="menu.file"><source>文件</source><target>File</target></trans-unit>'
        '<trans-unit id="b" resname="dialog.attachment"><source>文件</source><target>Attachment</target></trans-unit>'
        '<trans-unit id="c" resname="menu.file"><source>文件</source><target>Document</target></trans-unit>'
    )
    xlf = tmp_path / "ui.xlf"
    xlf.write_text(XLIFF.split("<trans-unit", 1)[0] + units + "</body></file></xliff>\n", encoding="utf-8")
    result = tqa("check", xlf, "--select", "inconsistent-target", "-f", "json")
    # a resource name is the string's key: 文件 rendered three ways under any keys is the disagreement
    assert _found(result.stdout) == {
        "b": [("inconsistent-target", [f"{xlf}#a"])],
        "c": [("inconsistent-target", [f"{xlf}#a", f"{xlf}#b"])],
    }, result.output
    v2 = tmp_path / "ui2.xlf"
    v2.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en"><file id="f">'
        + "".join(
            f'<unit id="{i}" name="{name}"><segment><source>文件</source><target>{en}</target></segment></unit>'
            for i, name, en in (("a", "menu.file", "File"), ("b", "attach", "Attachment"), ("c", "menu.file", "Doc"))
        )
        + "</file></xliff>\n",
        encoding="utf-8",
    )
    result = tqa("check", v2, "--select", "inconsistent-target", "-f", "json")
    assert set(_found(result.stdout)) == {"b", "c"}, result.output
