"""Small bilingual files with inconsistent segments, for the consistency tests (tests/stages) and
the Ray engine's (tests/engines); and ``run_beside_jsonl``, the per-segment retranslation test of
each bilingual format (tests/io)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import tqa

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "保存文件"
msgstr "Save the file"

msgid "打开文件"
msgstr "Open the file"

msgid "保存文件。"
msgstr "Store the file."

msgid "另存为"
msgstr "save the file"

msgctxt "menu"
msgid "打开文件"
msgstr "open the FILE"

msgctxt "toolbar"
msgid "保存文件"
msgstr "Keep the file"

msgid "%d"
msgstr "%d"

msgid "Annuler le téléchargement"
msgstr "Annuler le téléchargement"
"""

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="app.txt" source-language="zh-CN" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="title"><source>年度报告</source><target>Annual report</target></trans-unit>
      <trans-unit id="intro"><source>欢迎</source><target>Welcome</target></trans-unit>
      <trans-unit id="footer"><source>年度报告</source><target>Yearly report</target></trans-unit>
      <trans-unit id="again"><source>年度总结</source><target>Annual Report</target></trans-unit>
      <trans-unit id="third"><source>年度报告</source><target>Report of the year</target></trans-unit>
    </body>
  </file>
</xliff>
"""


def run_beside_jsonl(tmp_path: Path, path: Path, model_dir: str) -> list[dict[str, object]]:
    """Run the bilingual file ``path``, and its segments as JSONL with ``--source-field``, through
    the tiny model: each segment must come out cleaned alike and with the same summary row. The
    rows are returned (without the input's and file's names)."""
    from pipeline.io import Fields, Record, format_of, module

    read = module(format_of(path)).read

    def segments(file: Path) -> list[Record]:
        return [r for r in read(file, Fields()) if isinstance(r, Record)]

    jsonl = path.with_suffix(".jsonl")
    lines = [json.dumps({"id": r.id, "zh": r.source, "text": r.text}) + "\n" for r in segments(path)]
    jsonl.write_text("".join(lines), encoding="utf-8")
    args = ("-j", "1", "--model", model_dir, "--max-length", "48", "--no-guard", "--no-cache")
    one = tqa("run", path, "--out", tmp_path / "bilingual", *args)
    two = tqa("run", jsonl, "--out", tmp_path / "jsonl", "--source-field", "zh", *args)
    assert one.exit_code == two.exit_code, one.output + two.output
    cleaned = {json.loads(line)["id"]: json.loads(line)["text"] for line in (tmp_path / "jsonl" / jsonl.name).open()}
    assert {r.id: r.text for r in segments(tmp_path / "bilingual" / path.name)} == cleaned

    def rows(out: Path) -> list[dict[str, object]]:  # each segment's summary: findings, retranslations, scores
        lines = (out / "summary.jsonl").read_text(encoding="utf-8").splitlines()
        return [{k: v for k, v in json.loads(line).items() if k not in ("input", "file")} for line in lines]

    assert rows(tmp_path / "bilingual") == rows(tmp_path / "jsonl")
    return rows(tmp_path / "bilingual")
