"""The PDF beside the rest. WeasyPrint is imported, and a sample line laid out with the briefing's fonts, while the
notebooks run (`warm()`, called by execute when notebooks are about to run); the PDF starts as soon as the HTML exists
(`write_pdf_beside()`, a future) while the caller goes on: writing the combined notebook in a build, serving the page
in `make preview`.

A build writes it in a thread of its own process (WeasyPrint's work is Python; the main thread is only waiting by
then). `make preview` writes it in a worker process (`PdfProcess`), which a newer save can stop halfway and which does
not slow down the next rebuild."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

_lock = threading.Lock()
_warmed: threading.Thread | None = None
_pool: ThreadPoolExecutor | None = None


def _warm_up() -> None:
    """Import WeasyPrint and lay out a line in each embedded face (fonts found, Pango and fontconfig ready)."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        from . import export  # noqa: F401  nbconvert, for the HTML export that comes first
        from .pdf import font_css

        fonts = FontConfiguration()
        HTML(string="<p>Aa Бб Աա <b>Aa</b> <i>Aa</i></p>").render(stylesheets=[CSS(string=font_css(), font_config=fonts)],
                                                                   font_config=fonts)
    except Exception:  # a missing Pango and the like are reported, in one line, when the PDF is written
        pass


def warm() -> None:
    """Start importing WeasyPrint in the background (once per process); returns at once."""
    global _warmed
    with _lock:
        if _warmed is None:
            _warmed = threading.Thread(target=_warm_up, name="pdf-warm-up", daemon=True)
            _warmed.start()


def write_pdf_beside(html: str, target: Path) -> Future:
    """The PDF of `html` written into target in a background thread; returns at once. result() raises write_pdf's
    BuildError when WeasyPrint fails."""
    global _pool
    from .pdf import write_pdf

    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        return _pool.submit(write_pdf, html, target)


# -- make preview: the PDF in a process of its own -------------------------------------------------------------

def _write_file(html_path: str, target: str) -> None:
    from .pdf import write_pdf

    write_pdf(Path(html_path).read_text(encoding="utf-8"), Path(target))


def _ignore_interrupts() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the preview, which stops this worker itself


class PdfProcess:
    """One worker process that writes PDFs; warm from its start, stopped (even halfway) by cancel()."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_ignore_interrupts)
            self._pool.submit(_warm_up)
        return self._pool

    def warm(self) -> None:
        self._ensure()

    def submit(self, html_path: Path, target: Path) -> Future:
        return self._ensure().submit(_write_file, str(html_path), str(target))

    def cancel(self) -> None:
        """Stop the worker now, whatever it is doing (a newer page supersedes the PDF it was writing)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
            pool.shutdown(wait=True, cancel_futures=True)

    close = cancel
