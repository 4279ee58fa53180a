"""``tqa review OUT``: the review pages of a run, served on this machine, every decision saved as it is made.

Starlette (an ASGI toolkit) and uvicorn (its server) are small, well kept and permissively
licensed (BSD, BSD); they are imported only here, when the command runs.

What keeps the pages private: the server binds 127.0.0.1 only; every URL starts with a
random token printed at start (``/TOKEN/index.html``), so another local user or a web page
cannot guess it; a request naming another host (DNS rebinding) or coming from another
origin is refused. The files served are the run's own, under OUT.

Decisions are kept per finding: the page posts the items it changed, and the server merges
them into ``<stem>.decisions.json`` under a lock (the last write wins per finding, never
per file), so two tabs on one article lose nothing. The file is a ``tqa-decisions/2`` file
as the page would save it; the text is written by ``apply.apply_review``, the code
``tqa apply`` runs, so both write the same bytes.

The batch export (``findings.jsonl``/``.csv``) follows the decisions files but is not
rewritten per decision: its rewrite costs time in proportion to the whole run, so a decision
marks its article and ``refresh.ExportRefresher`` rewrites the export once for every marked
article, a second after the last decision, before a final text is written, and when the
server stops (the lifespan's shutdown, which uvicorn runs on Ctrl+C and SIGTERM). A server
killed outright leaves the export behind its decisions; the next one starts by catching up.
"""

from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path
from typing import Any

from pipeline.review.apply import apply_review
from pipeline.review.decisions import DECISIONS_SCHEMA, FINDING, STATES, ReviewError, decisions_from_report
from pipeline.review.refresh import ExportRefresher, refresh_export, stale_stems
from pipeline.util.atomic import write_atomic
from pipeline.util.reading import loads_json, read_text_limited

FINDINGS_SUFFIX = ".findings.json"
DECISIONS_SUFFIX = ".decisions.json"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".jsonl": "application/json",
    ".diff": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".tmx": "application/xml",
    ".md": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
_MAX_TEXT = 100_000  # a reviewer's text or comment, in characters


class Store:
    """The decisions of a run's articles, on disk under OUT."""

    def __init__(self, out: str | Path, delay: float = 1.0, on_error: Any = None) -> None:
        self.out = Path(out).resolve()
        self.lock = threading.Lock()
        self.export = ExportRefresher(self.out, delay, on_error=on_error)

    def catch_up(self) -> None:
        """Bring the export in line with decisions saved after its last rewrite (a server killed
        before its refresh), before the first page is served."""
        stale = stale_stems(self.out)
        if stale:
            refresh_export(self.out, stale)

    def close(self) -> None:
        """The server stops: the export takes the decisions not yet in it."""
        self.export.close()

    def stems(self) -> list[str]:
        found = (
            p.relative_to(self.out).as_posix()[: -len(FINDINGS_SUFFIX)] for p in self.out.rglob(f"*{FINDINGS_SUFFIX}")
        )
        return sorted(found)

    def _findings(self, stem: str) -> dict[str, Any]:
        if stem not in set(self.stems()):
            raise KeyError(stem)
        return loads_json(read_text_limited(self.out / f"{stem}{FINDINGS_SUFFIX}"))

    def decisions_path(self, stem: str) -> Path:
        return self.out / f"{stem}{DECISIONS_SUFFIX}"

    def load(self, stem: str) -> dict[str, Any]:
        """The article's decisions: as saved, else every item pending."""
        path = self.decisions_path(stem)
        if path.is_file():
            data = loads_json(read_text_limited(path))
            if isinstance(data, dict) and data.get("schema") == DECISIONS_SCHEMA:
                return data
        return decisions_from_report(self._findings(stem))

    def merge(self, stem: str, records: list[Any]) -> int:
        """Take the posted items' decisions into the file; return how many were known."""
        with self.lock:
            data = self.load(stem)
            by_id = {item["id"]: item for item in data["items"]}
            taken = 0
            for r in records:
                item = by_id.get(r.get("id")) if isinstance(r, dict) else None
                if item is None:
                    continue
                state, fix, comment = r.get("state"), r.get("fix"), r.get("comment", "")
                if state not in STATES or not (fix is None or isinstance(fix, str)) or not isinstance(comment, str):
                    raise ValueError(f"item {item['id']}: bad decision")
                if len(fix or "") > _MAX_TEXT or len(comment) > _MAX_TEXT:
                    raise ValueError(f"item {item['id']}: text too long")
                item.update(state=state, fix=fix, comment=comment)
                if item["kind"] != FINDING and isinstance(r.get("applied"), bool):
                    item["applied"] = r["applied"]
                taken += 1
            write_atomic(self.decisions_path(stem), json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            self.export.mark(stem)  # the export follows in a batch: see the module's docstring
        return taken

    def apply(self, stem: str) -> dict[str, Any]:
        """Write ``<stem>.final.txt`` from the decisions, as ``tqa apply`` does."""
        self.export.try_flush()  # the export says what the text is written from (a no-op when nothing is marked)
        with self.lock:
            path = self.decisions_path(stem)
            if not path.is_file():
                write_atomic(path, json.dumps(self.load(stem), ensure_ascii=False, indent=1) + "\n")
            done = apply_review(path)
            self._memory()
        return {
            "stem": stem,
            "output": str(done.output),
            "pending": done.pending,
            "message": f"{done.accepted} change(s) applied, {done.rejected} not; {done.pending} finding(s) still pending",
        }

    def _memory(self) -> None:
        """The run's translation memory again, now with the reviewer's own translations."""
        from pipeline.report.tmx import TranslationMemory

        target = self.out / "retranslations.tmx"
        if target.is_file():
            TranslationMemory.from_reports(self.out, self.stems()).write(target)

    def reviewed(self) -> list[str]:
        return [s for s in self.stems() if self.decisions_path(s).is_file()]

    def file(self, relative: str) -> Path | None:
        """A file of the run, never one outside OUT (``..``, links out)."""
        path = (self.out / relative).resolve()
        if not path.is_relative_to(self.out) or not path.is_file():
            return None
        return path


def make_app(out: str | Path, token: str, port_of: Any, store: Store | None = None, warn: Any = None) -> Any:
    """The ASGI app. ``port_of()``: the port bound, for the Host and Origin checks; ``warn``
    is told, in a line, what went wrong with the export."""
    import contextlib

    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    store = store or Store(out, on_error=warn)

    async def export_step(step: Any) -> None:
        try:
            await run_in_threadpool(step)
        except Exception as err:  # the decisions are safe; serving them matters more than the export
            if warn is not None:
                warn(f"{store.out / 'findings.jsonl'} not brought up to date: {err}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        await export_step(store.catch_up)
        yield
        await export_step(store.close)

    def allowed() -> set[str]:
        port = port_of()
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    async def guard(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await router(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        hosts = allowed()
        origin = headers.get("origin")
        parts = scope["path"].split("/", 2)
        if headers.get("host") not in hosts:
            response: Response = PlainTextResponse("tqa review: wrong host\n", status_code=403)
        elif origin is not None and origin not in {f"http://{h}" for h in hosts}:
            response = PlainTextResponse("tqa review: requests from other origins are refused\n", status_code=403)
        elif headers.get("sec-fetch-site") == "cross-site":
            response = PlainTextResponse("tqa review: cross-site requests are refused\n", status_code=403)
        elif len(parts) < 2 or not secrets.compare_digest(parts[1].encode(), token.encode()):
            response = PlainTextResponse(
                "tqa review: this address needs the token printed by tqa review\n", status_code=403
            )
        else:
            scope = dict(scope, path="/" + (parts[2] if len(parts) > 2 else ""))
            return await router(scope, receive, secure(send))
        await response(scope, receive, secure(send))

    def secure(send: Any) -> Any:
        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (b"cache-control", b"no-store"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                ]
            await send(message)

        return wrapped

    async def home(request: Request) -> Response:
        return RedirectResponse(f"/{token}/index.html")

    async def articles(request: Request) -> Response:
        return JSONResponse({"articles": store.stems(), "reviewed": store.reviewed()})

    async def decisions(request: Request) -> Response:
        stem = request.path_params["stem"]
        try:
            if request.method == "POST":
                body = await request.json()
                records = body.get("items") if isinstance(body, dict) else None
                if not isinstance(records, list):
                    return JSONResponse({"error": 'expected {"items": [...]}'}, status_code=400)
                return JSONResponse({"saved": store.merge(stem, records)})
            return JSONResponse(store.load(stem))
        except KeyError:
            return JSONResponse({"error": f"no article {stem!r} in this run"}, status_code=404)
        except (ValueError, json.JSONDecodeError) as err:
            return JSONResponse({"error": str(err)}, status_code=400)

    async def apply_one(request: Request) -> Response:
        stem = request.path_params["stem"]
        try:
            return JSONResponse(store.apply(stem))
        except KeyError:
            return JSONResponse({"error": f"no article {stem!r} in this run"}, status_code=404)
        except ReviewError as err:
            return JSONResponse({"error": str(err)}, status_code=409)

    async def apply_all(request: Request) -> Response:
        done, errors = [], []
        for stem in store.reviewed():
            try:
                done.append(store.apply(stem))
            except ReviewError as err:
                errors.append({"stem": stem, "error": str(err)})
        return JSONResponse({"written": done, "errors": errors}, status_code=200 if not errors else 409)

    async def files(request: Request) -> Response:
        relative = request.path_params["path"] or "index.html"
        path = store.file(relative)
        if path is None:
            return PlainTextResponse("not found\n", status_code=404)
        return FileResponse(path, media_type=_TYPES.get(path.suffix.lower(), "application/octet-stream"))

    router = Starlette(
        routes=[
            Route("/", home),
            Route("/api/articles", articles),
            Route("/api/decisions/{stem:path}", decisions, methods=["GET", "POST"]),
            Route("/api/apply", apply_all, methods=["POST"]),
            Route("/api/apply/{stem:path}", apply_one, methods=["POST"]),
            Route("/{path:path}", files),
        ],
        lifespan=lifespan,
    )
    return guard


def serve(out: str | Path, port: int = 0, token: str | None = None, announce: Any = print, warn: Any = None) -> None:
    """Serve OUT on 127.0.0.1 until interrupted; ``announce`` is told the address, ``warn``
    what went wrong with the export (a line)."""
    import socket

    import uvicorn

    token = token or secrets.token_urlsafe(24)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)  # before the address is printed: an early request waits, it is not refused
    bound = sock.getsockname()[1]
    app = make_app(out, token, lambda: bound, warn=warn)
    announce(f"http://127.0.0.1:{bound}/{token}/index.html")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    server.run(sockets=[sock])
