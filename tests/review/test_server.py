"""`tqa review OUT`: the review server, spoken to over HTTP (the browser side is in test_browser.py).

The server runs as the user runs it, a `tqa review` process; it is killed and started
again to see that decisions live on disk, not in the process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import REPO_ROOT, tqa

REPO = REPO_ROOT
runner = CliRunner()


class Server:
    """A running `tqa review` process and its address."""

    def __init__(self, out: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "review", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("tqa: reviewing "), line + self.process.stderr.read()  # type: ignore[union-attr]
        self.url = line.rsplit(" ", 1)[1].strip()
        self.base = self.url.rsplit("/", 1)[0]  # http://127.0.0.1:PORT/TOKEN
        self.root = self.base.rsplit("/", 1)[0]
        for _ in range(100):  # the socket is bound before the address is printed; wait for the app
            try:
                urllib.request.urlopen(self.url, timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)

    def request(
        self, path: str, body: object = None, headers: dict[str, str] | None = None, base: str | None = None
    ) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            (base or self.base) + path,
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as err:
            raw, status = err.read(), err.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGKILL)  # killed, not shut down: nothing is saved on the way out
        self.process.wait(timeout=10)
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.stderr.close()  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    root = tmp_path_factory.mktemp("served")
    os.environ["TQA_MODELS_DIR"] = str(root / "no-models")
    try:
        result = tqa("run", sample_path, "--out", root / "out", "-j", "1")
    finally:
        del os.environ["TQA_MODELS_DIR"]
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == f"tqa: review: tqa review {root / 'out'}"  # how to start reviewing
    return root / "out"


@pytest.fixture()
def server(run: Path) -> Iterator[Server]:
    s = Server(run)
    yield s
    if s.process.poll() is None:
        s.stop()


def test_the_token_the_host_and_the_origin_are_checked(server: Server, sample_path: Path) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.request("/index.html")[0] == 200
    assert server.request("/index.html", base=server.root)[0] == 403  # no token
    assert server.request("/index.html", base=server.root + "/not-the-token")[0] == 403
    assert server.request("/index.html", headers={"Origin": "http://evil.example"})[0] == 403
    assert server.request("/index.html", headers={"Host": "evil.example"})[0] == 403  # DNS rebinding
    stem = sample_path.stem
    status, _ = server.request(f"/api/decisions/{stem}", {"items": []}, headers={"Origin": "http://evil.example"})
    assert status == 403
    assert server.request("/../../etc/passwd")[0] in (403, 404)
    assert server.request("/%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_a_decision_outlives_the_server_and_two_writers_keep_both(server: Server, run: Path, sample_path: Path) -> None:
    stem = sample_path.stem
    status, data = server.request(f"/api/decisions/{stem}")
    assert status == 200 and data["schema"] == "tqa-decisions/2"
    assert {i["state"] for i in data["items"]} == {"pending"}
    first, second = [i for i in data["items"] if i["kind"] == "finding"][:2]
    # two tabs, each posting only the finding it decided
    assert (
        server.request(
            f"/api/decisions/{stem}",
            {"items": [{"id": first["id"], "state": "dismissed", "fix": None, "comment": "fine"}]},
        )[0]
        == 200
    )
    assert (
        server.request(
            f"/api/decisions/{stem}", {"items": [{"id": second["id"], "state": "fixed", "fix": "X", "comment": ""}]}
        )[0]
        == 200
    )
    server.stop()
    again = Server(run)
    try:
        saved = {i["id"]: i for i in again.request(f"/api/decisions/{stem}")[1]["items"]}
        assert (saved[first["id"]]["state"], saved[first["id"]]["comment"]) == ("dismissed", "fine")
        assert (saved[second["id"]]["state"], saved[second["id"]]["fix"]) == ("fixed", "X")
        rows = [json.loads(line) for line in (run / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
        assert {r["id"]: r["state"] for r in rows}[first["id"]] == "dismissed"  # the export says the same state
        assert [r["comment"] for r in rows if r["id"] == first["id"]] == ["fine"]
        # the text written on request is what `tqa apply` writes from the same decisions
        status, done = again.request(f"/api/apply/{stem}", {})
        assert status == 200, done
        written = Path(done["output"]).read_bytes()
        assert tqa("apply", run / f"{stem}.decisions.json", "-o", run / "by-apply.txt").exit_code == 0
        assert written == (run / "by-apply.txt").read_bytes() and b"X" in written
        status, body = again.request("/api/apply", {})
        assert status == 200 and [w["stem"] for w in body["written"]] == [stem]
    finally:
        again.stop()


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_the_export_follows_before_the_server_stops(run: Path, sample_path: Path, tmp_path: Path, how: int) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(run, out)
    server = Server(out)
    stem = sample_path.stem
    finding = next(i for i in server.request(f"/api/decisions/{stem}")[1]["items"] if i["kind"] == "finding")

    def row() -> dict:
        rows = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
        return next(r for r in rows if r["id"] == finding["id"])

    before = row()
    decided = {"id": finding["id"], "state": "fixed", "fix": "Stopped.", "comment": "on the way out"}
    assert server.request(f"/api/decisions/{stem}", {"items": [decided]})[0] == 200
    assert row() == before  # the decisions file is written at once, the export a moment later
    server.process.send_signal(how)  # Ctrl+C, or a service manager stopping it
    server.process.wait(timeout=30)
    server.process.stdout.close()  # type: ignore[union-attr]
    assert "not brought up to date" not in server.process.stderr.read()  # type: ignore[union-attr]
    server.process.stderr.close()  # type: ignore[union-attr]
    assert (row()["state"], row()["fix"], row()["comment"]) == ("fixed", "Stopped.", "on the way out")
    assert ",fixed,Stopped.,on the way out" in (out / "findings.csv").read_text(encoding="utf-8")


def test_bad_decisions_are_refused(server: Server, sample_path: Path) -> None:
    stem = sample_path.stem
    assert (
        server.request(f"/api/decisions/{stem}", {"items": [{"id": "x", "state": "maybe"}]})[0] == 200
    )  # unknown id: passed over
    item = server.request(f"/api/decisions/{stem}")[1]["items"][0]
    assert server.request(f"/api/decisions/{stem}", {"items": [{"id": item["id"], "state": "maybe"}]})[0] == 400
    assert server.request(f"/api/decisions/{stem}", {"nope": 1})[0] == 400
    assert server.request("/api/decisions/no-such-article", {"items": []})[0] == 404


def test_review_needs_a_run_folder(tmp_path: Path) -> None:
    result = tqa("review", tmp_path / "missing")
    assert result.exit_code == 2 and "not a folder" in result.stderr
    result = tqa("review", tmp_path)
    assert result.exit_code == 2 and "no findings JSON" in result.stderr


# --- in the browser -------------------------------------------------------------------


def _page(context: object) -> tuple[object, list[str]]:
    page = context.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def _decided(page: object, dom: str, state: str) -> None:
    """Wait until the page has the decision and the server has acknowledged it."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "([dom, state]) => document.getElementById(dom).classList.contains('is-' + state)"
        " && Number(document.getElementById('toolbar').getAttribute('data-saved') || 0) > 0",
        arg=[dom, state],
    )


def test_the_browser_resumes_after_a_restart_and_two_tabs_keep_both(
    browser: object, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    out = tmp_path / "out"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    stem = sample_path.stem
    server = Server(out)
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page, errors = _page(context)
        page.goto(server.url)
        page.click(f'a[href="{stem}.html"]')
        page.wait_for_selector("#toolbar[data-ready]")
        assert page.locator("#write").is_visible()  # served: the text can be written from the page
        data = page.evaluate("JSON.parse(document.getElementById('tqa-review').textContent)")
        findings = [i for i in data["items"] if i["kind"] == "finding"]
        change = next(i for i in data["items"] if i["kind"] == "suggestion")
        page.locator(f"#{findings[0]['dom']}").focus()
        page.keyboard.press("d")
        _decided(page, findings[0]["dom"], "dismissed")

        other, other_errors = _page(context)  # a second tab on the same article, opened before the first decides more
        other.goto(page.url)
        other.wait_for_selector("#toolbar[data-ready]")
        page.locator(f"#{change['dom']}").focus()
        page.keyboard.press("a")
        _decided(page, change["dom"], "fixed")
        other.locator(f"#{findings[1]['dom']}").focus()  # the second tab knows nothing of that one
        other.keyboard.press("e")
        other.locator("#entry-text").fill("typed in the second tab")
        other.keyboard.press("Enter")
        _decided(other, findings[1]["dom"], "fixed")
        assert not errors and not other_errors
        page.close()
        other.close()

        server.stop()  # the browser is closed and the server killed
        server = Server(out)
        page, errors = _page(context)
        page.goto(f"{server.base}/{stem}.html")
        page.wait_for_selector("#toolbar[data-ready]")
        assert "Resumed 3 decision(s)" in page.locator("#current").inner_text()
        for dom, state in ((findings[0]["dom"], "dismissed"), (change["dom"], "fixed"), (findings[1]["dom"], "fixed")):
            assert f"is-{state}" in page.locator(f"#{dom}").get_attribute("class")
        assert "typed in the second tab" in page.locator(".own-fix").first.inner_text()

        page.keyboard.press("w")  # write the cleaned text: what `tqa apply` writes from the same decisions
        page.wait_for_function("document.getElementById('current').textContent.startsWith('Wrote ')")
        written = (out / f"{stem}.final.txt").read_bytes()
        assert tqa("apply", out / f"{stem}.decisions.json", "-o", tmp_path / "by-apply.txt").exit_code == 0
        assert written == (tmp_path / "by-apply.txt").read_bytes() and b"typed in the second tab" in written
        monkeypatch.chdir(tmp_path)
        accepted = tqa("accept", out / f"{stem}.decisions.json")
        assert "1 finding(s) added" in accepted.stdout  # only the dismissed one
        assert not errors

        refused = context.new_page()  # type: ignore[attr-defined]
        response = refused.goto(f"{server.root}/{stem}.html")  # no token
        assert response.status == 403 and "token" in refused.content()
    finally:
        context.close()
        server.stop()


def test_the_translation_memory_takes_the_reviewers_translation(run: Path, sample_path: Path, tmp_path: Path) -> None:
    import shutil

    from pipeline.review.server import Store

    out = tmp_path / "out"
    shutil.copytree(run, out)
    store = Store(out)
    stem = sample_path.stem
    untranslated = next(i for i in store.load(stem)["items"] if i["check"] == "untranslated")
    store.merge(stem, [{"id": untranslated["id"], "state": "fixed", "fix": "Our own translation.", "comment": ""}])
    store.apply(stem)
    tmx = (out / "retranslations.tmx").read_text(encoding="utf-8")
    assert "Our own translation." in tmx and '<prop type="x-tqa-origin">reviewer</prop>' in tmx
    csv = (out / "findings.csv").read_text(encoding="utf-8")
    assert "Our own translation." in csv and ",fixed," in csv  # the export carries it too


def test_pages_link_to_the_index_and_the_next_and_previous_article(browser: object, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"Article {name}: the good -neighborly policy.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert tqa("run", folder, "--out", out, "-j", "1").exit_code == 0
    server = Server(out)
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page, errors = _page(context)
        page.goto(f"{server.base}/b.html")
        page.wait_for_selector("#next-article")
        assert page.locator("#prev-article").inner_text().endswith(": a")
        page.click("#next-article")
        page.wait_for_load_state()
        assert page.url.endswith("/c.html") and page.locator("#next-article").count() == 0
        page.click("#to-index")
        page.wait_for_load_state()
        assert page.url.endswith("/index.html")
        page.wait_for_selector("#served:not([hidden])")
        assert "0 of 3 article(s) reviewed" in page.locator("#served-status").inner_text()
        assert server.request("/api/decisions/a", {"items": []})[0] == 200  # a reviewed article
        page.click("#write-all")
        page.wait_for_function("document.getElementById('served-status').textContent.startsWith('Wrote')")
        assert (
            "Wrote 1 final text(s)" in page.locator("#served-status").inner_text() and (out / "a.final.txt").is_file()
        )
        assert not errors
    finally:
        context.close()
        server.stop()
