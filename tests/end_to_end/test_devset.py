"""The labelled development set (tests/data/devset) and bench/devset.py's figures:
every label is in its excerpt, and the surface checks raise recall without losing any."""

from __future__ import annotations

import importlib.util
import json

from tests.support import REPO_ROOT

spec = importlib.util.spec_from_file_location("devset_bench", REPO_ROOT / "bench" / "devset.py")
devset = importlib.util.module_from_spec(spec)
spec.loader.exec_module(devset)


def test_labels_are_in_their_excerpts_with_a_source():
    pages = json.loads((devset.DEVSET / "labels.json").read_text(encoding="utf-8"))["pages"]
    assert len(pages) >= 10
    for page in pages:
        assert page["url"].startswith("http")
        text = (devset.DEVSET / page["file"]).read_text(encoding="utf-8")
        for kind, start, _end in devset.labelled(page, text):
            assert kind in devset.KINDS and start >= 0


def test_recall_rises_and_no_kind_loses(capsys):
    devset.main.__globals__["sys"].argv = ["devset.py"]
    devset.main()
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if "/" in line and len(line.split()) == 3}
    for kind, (before, after) in rows.items():
        assert int(after.split("/")[0]) >= int(before.split("/")[0]), kind
    assert int(rows["all"][1].split("/")[0]) > int(rows["all"][0].split("/")[0])


def test_the_held_out_set_is_labelled_apart_from_the_devset_and_measured_with_set(capsys):
    held = json.loads((devset.DATA / "heldout" / "labels.json").read_text(encoding="utf-8"))["pages"]
    dev_urls = {p["url"] for p in json.loads((devset.DEVSET / "labels.json").read_text(encoding="utf-8"))["pages"]}
    assert len(held) >= 10 and not {p["url"] for p in held} & dev_urls  # other pages than the devset's
    for page in held:
        text = (devset.DATA / "heldout" / page["file"]).read_text(encoding="utf-8")
        assert page["url"].startswith("http") and all(start >= 0 for _, start, _ in devset.labelled(page, text))
    devset.main.__globals__["sys"].argv = ["devset.py", "--set", "heldout"]
    devset.main()
    out = capsys.readouterr().out
    assert out.startswith(f"held-out set: {len(held)} excerpts") and "precision per check" in out
