"""`make preview`: build once, serve report/briefing.html on http://127.0.0.1:<port>, rebuild on every save.

    make preview [PORT=8000]
    .venv/bin/python -m csto_briefing.pipeline.preview [--port 8000] [--data DIR] [--notebooks DIR] [--out DIR]

- The page is served with a small live-reload script and an error line added (only as served: the published
  report/briefing.html never has them). It reloads when a rebuild finishes.
- data/, notebooks/, the package, its templates and styles are watched (watchfiles); a save rebuilds only what it
  affects, as `make report` does, with the kernels' warm parent kept between rebuilds.
- Bad data or a failing cell: the one-line error shows on the page, over the last good briefing; the next good save
  clears it.
- The PDF is written in the background after the HTML, into report/ when it is complete; the page says whether the
  PDF is current.
- A change to the package's Python code restarts the preview (same port), since the modules it has loaded are stale.
- Ctrl-C (or SIGTERM) stops it: kernels and workers stopped, nothing half-written left in report/."""

from __future__ import annotations

import argparse
import html
import json
import os
import queue
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .. import paths

LIVE = """
<div id="csto-preview-error" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:9999;margin:0;padding:.6em 1em;
background:#b00020;color:#fff;font:14px/1.4 sans-serif;white-space:pre-wrap;{error_display}">{error}</div>
<div id="csto-preview-pdf" style="position:fixed;bottom:.5em;right:.5em;z-index:9999;padding:.2em .6em;background:#333;
color:#fff;font:12px sans-serif;border-radius:3px;opacity:.85">{pdf}</div>
<script>
(function () {{
  var shown = {generation};
  function show(s) {{
    var e = document.getElementById("csto-preview-error");
    e.textContent = s.error || ""; e.style.display = s.error ? "block" : "none";
    document.getElementById("csto-preview-pdf").textContent = s.pdf_text;
    if (s.generation !== shown) {{ location.reload(); }}
  }}
  var events = new EventSource("/events");
  events.onmessage = function (m) {{ show(JSON.parse(m.data)); }};
}})();
</script>
"""
PDF_TEXT = {"current": "PDF current", "writing": "PDF being written…", "stale": "PDF out of date", "failed": "PDF failed",
            "none": "no PDF yet"}


class Preview:
    """The state the server shows: the generation of the page, the error line, the PDF's state."""

    def __init__(self, report_dir: Path):
        self.report_dir = report_dir
        self.generation = 0
        self.error = ""
        self.pdf = "none"
        self.changed = threading.Condition()

    def status(self) -> dict:
        return {"generation": self.generation, "error": self.error, "pdf": self.pdf, "pdf_text": PDF_TEXT[self.pdf]}

    def update(self, **values: object) -> None:
        with self.changed:
            for name, value in values.items():
                setattr(self, name, value)
            self.changed.notify_all()

    def page(self) -> bytes | None:
        try:
            text = (self.report_dir / "briefing.html").read_text(encoding="utf-8")
        except OSError:
            return None
        status = self.status()
        live = LIVE.format(error=html.escape(status["error"]), error_display="" if status["error"] else "display:none",
                           pdf=html.escape(status["pdf_text"]), generation=status["generation"])
        at = text.rfind("</body>")
        text = text[:at] + live + text[at:] if at >= 0 else text + live
        return text.encode("utf-8")


def _handler(preview: Preview, stopping: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # no access log in the terminal
            pass

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            route = self.path.split("?", 1)[0]
            if route in ("/", "/briefing.html"):
                page = preview.page()
                if page is None:
                    self._send(f"<p>no briefing yet: {html.escape(preview.error)}</p>".encode(), "text/html; charset=utf-8")
                else:
                    self._send(page, "text/html; charset=utf-8")
            elif route == "/status":
                self._send(json.dumps(preview.status()).encode(), "application/json")
            elif route == "/briefing.pdf" and (preview.report_dir / "briefing.pdf").is_file():
                self._send((preview.report_dir / "briefing.pdf").read_bytes(), "application/pdf")
            elif route == "/events":
                self._events()
            else:
                self._send(b"not found", "text/plain", 404)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            last = None
            try:
                while not stopping.is_set():
                    with preview.changed:
                        status = preview.status()
                        if status == last:
                            preview.changed.wait(timeout=15)
                            status = preview.status()
                    if status != last:
                        self.wfile.write(f"data: {json.dumps(status)}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    last = status
            except OSError:
                pass

    return Handler


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_line(exc: BaseException) -> str:
    """What a failed rebuild says on the page: the first line of what `make report` would print."""
    from ..errors import BuildError, DataError
    from ..parameters import ParameterError

    if isinstance(exc, DataError):
        more = len(exc.problems) - 1
        return str(exc.problems[0]) + (f" (and {more} more)" if more > 0 else "")
    if isinstance(exc, ParameterError):
        return exc.lines[0]
    if isinstance(exc, BuildError):
        return str(exc).splitlines()[0]
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


class Session:
    """One preview: the build config, the kept runner, the background PDF, the watcher."""

    def __init__(self, args: argparse.Namespace):
        from .config import BuildConfig

        self.config = BuildConfig(pdf=False, log=self._log)
        if args.data:
            self.config.data_dir = Path(args.data).resolve()
        if args.notebooks:
            self.config.notebooks_dir = Path(args.notebooks).resolve()
        if args.out:
            self.config.report_dir = Path(args.out).resolve()
        if args.build_dir:
            self.config.build_dir = Path(args.build_dir).resolve()
        self.preview = Preview(self.config.report_dir)
        self.quiet = args.quiet
        self.pdf_job = None
        self.pdf_tmp: Path | None = None

    def _log(self, line: str) -> None:
        if not self.quiet:
            print(line, file=sys.stderr, flush=True)

    def watched(self) -> list[Path]:
        return [p for p in (self.config.data_dir, self.config.notebooks_dir, paths.PACKAGE_DIR) if p.exists()]

    def rebuild(self) -> bool:
        """Build the HTML; on success show it and start the PDF. Returns True when a new page was published."""
        from .build import build

        started = time.perf_counter()
        try:
            written = build(self.config)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            line = one_line(exc)
            self.preview.update(error=line)
            print(f"error: {line} (the last good page stays)", file=sys.stderr, flush=True)
            return False
        new_page = any(p.name == "briefing.html" for p in written)
        values: dict = {"error": ""}
        if new_page:
            values["generation"] = self.preview.generation + 1
            values["pdf"] = "stale"
        self.preview.update(**values)
        print(f"{'rebuilt' if new_page else 'up to date'} in {time.perf_counter() - started:.2f} s", file=sys.stderr, flush=True)
        if new_page or not (self.config.report_dir / "briefing.pdf").is_file():
            self.start_pdf()
        elif self.preview.pdf == "none":
            self.preview.update(pdf="current")
        return new_page

    def start_pdf(self) -> None:
        """The PDF of the page now published, in the background: written aside, then moved into report/ whole."""
        from .background import PdfProcess

        self.cancel_pdf()
        if not hasattr(self, "pdf_worker"):
            self.pdf_worker = PdfProcess()
        html_copy = self.config.build_dir / ".preview" / "briefing.html"
        html_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.config.report_dir / "briefing.html", html_copy)
        fd, tmp = tempfile.mkstemp(prefix="briefing-", suffix=".pdf", dir=html_copy.parent)
        os.close(fd)
        self.pdf_tmp = Path(tmp)
        generation = self.preview.generation
        self.preview.update(pdf="writing")
        job = self.pdf_worker.submit(html_copy, self.pdf_tmp)
        self.pdf_job = job

        def finished(future) -> None:
            if future.cancelled() or self.pdf_job is not future or generation != self.preview.generation:
                return
            if future.exception() is not None:
                self.preview.update(pdf="failed")
                print(f"PDF: {one_line(future.exception())}", file=sys.stderr, flush=True)
                return
            target = self.config.report_dir / "briefing.pdf"
            staged = self.config.report_dir / f".staging-preview-{os.getpid()}.pdf"
            shutil.copyfile(self.pdf_tmp, staged)
            os.replace(staged, target)
            self.pdf_tmp.unlink(missing_ok=True)
            self.preview.update(pdf="current")

        job.add_done_callback(finished)

    def cancel_pdf(self) -> None:
        job, self.pdf_job = self.pdf_job, None
        if job is not None and not job.done() and hasattr(self, "pdf_worker"):
            self.pdf_worker.cancel()
        if self.pdf_tmp is not None:
            self.pdf_tmp.unlink(missing_ok=True)

    def close(self) -> None:
        self.cancel_pdf()
        if hasattr(self, "pdf_worker"):
            self.pdf_worker.close()
        for leftover in self.config.report_dir.glob(f".staging-preview-{os.getpid()}.pdf"):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(self.config.build_dir / ".preview", ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make preview", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--data", help="data folder (default: data/)")
    parser.add_argument("--notebooks", help="notebooks folder (default: notebooks/)")
    parser.add_argument("--out", help="report folder (default: report/)")
    parser.add_argument("--build-dir", help="build folder (default: build/)")
    parser.add_argument("--quiet", action="store_true", help="no build progress lines")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background with SIGINT ignored

    from .config import contain
    from .execute import Runner, keep_runner

    session = Session(args)
    for name, value in contain(session.config.build_dir).items():  # before matplotlib is imported here or in kernels
        os.environ.setdefault(name, value)
    runner = Runner(log_dir=session.config.build_dir / ".cache")
    keep_runner(runner)
    stopping = threading.Event()
    server = None
    changes: queue.Queue = queue.Queue()
    restart = False
    try:
        port = args.port or free_port()
        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(session.preview, stopping))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()

        def watch() -> None:
            from watchfiles import watch as watch_files

            polling = None  # the system's file events (inotify); polling when they are not available
            while not stopping.is_set():
                try:
                    for found in watch_files(*session.watched(), stop_event=stopping, step=30, debounce=400,
                                             raise_interrupt=False, force_polling=polling, poll_delay_ms=100):
                        changes.put(found)
                    return
                except Exception as exc:  # e.g. no inotify instance left on a busy machine
                    if polling:
                        changes.put(exc)
                        return
                    print(f"watching by polling ({type(exc).__name__}: {exc})", file=sys.stderr, flush=True)
                    polling = True

        # watching starts before the first build, so that a save made as soon as the page is served is never missed
        # (the watcher's set-up raced the first edit on a busy machine); changes seen during the build queue up
        threading.Thread(target=watch, name="preview-watch", daemon=True).start()
        session.rebuild()
        print(f"serving http://127.0.0.1:{port}/ (report/briefing.html, reloads on save; Ctrl-C stops)", flush=True)
        while True:
            found = changes.get()
            if isinstance(found, Exception):
                raise found
            time.sleep(0.02)
            while not changes.empty():
                more = changes.get_nowait()
                if isinstance(more, Exception):
                    raise more
                found |= more
            files = {Path(p) for _, p in found}
            if any(f.suffix == ".py" and paths.PACKAGE_DIR in f.parents for f in files):
                print("the package's code changed: restarting the preview", file=sys.stderr, flush=True)
                restart = True
                break
            if all(_ignorable(f, session) for f in files):
                continue
            session.rebuild()
    except KeyboardInterrupt:
        print("preview stopped", file=sys.stderr, flush=True)
    finally:
        stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        session.close()
        runner.close()
        keep_runner(None)
    if restart:
        again = ["--port", str(port)]
        for name in ("data", "notebooks", "out", "build_dir"):
            if getattr(args, name):
                again += [f"--{name.replace('_', '-')}", getattr(args, name)]
        os.execv(sys.executable, [sys.executable, "-m", "csto_briefing.pipeline.preview", *again, *(["--quiet"] if args.quiet else [])])
    return 0


def _ignorable(path: Path, session: Session) -> bool:
    """Files a rebuild does not depend on: editors' backups, the build's own outputs."""
    return path.name.startswith(".") or path.suffix in (".tmp", ".swp") or session.config.build_dir in path.parents \
        or session.config.report_dir in path.parents


if __name__ == "__main__":
    sys.exit(main())
