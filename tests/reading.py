"""The text a reader gets from the built HTML and PDF, for tests that look for sentences in it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _ReaderText(HTMLParser):
    """The text nodes a reader sees: none inside the elements skipped (style sheet and script by default); attributes,
    link targets and embedded images are not text."""

    def __init__(self, skipped: tuple[str, ...]) -> None:
        super().__init__()
        self.skipped = skipped
        self.parts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.skipped:
            self._depth += 1

    def handle_endtag(self, tag):
        if tag in self.skipped and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if not self._depth:
            self.parts.append(data)


def text_nodes(html: str, skipped: tuple[str, ...] = ("style", "script")) -> list[str]:
    """The reader's text of `html`, node by node, in document order."""
    parser = _ReaderText(skipped)
    parser.feed(html)
    return parser.parts


def pdf_body_text(path: Path, pages: int | None = None, block=None) -> str:
    """The reader's text of the PDF (its first `pages` pages, or all): each page's text block, between the margins of the
    stylesheet's @page, read top to bottom. The running head and footer in the margins are left out, and a chart's
    labels stand where the chart stands, not after the page's last line (the content stream's order, which pypdf
    follows), so a sentence that runs on from one page to the next reads on. `block`: a layout_lint.TextBlock, for a PDF
    made with margins of its own."""
    import pdfplumber

    from csto_briefing import paths

    from .layout_lint import TextBlock

    block = block or TextBlock.from_css((paths.TEMPLATES_DIR / "briefing" / "briefing.css").read_text(encoding="utf-8"))
    with pdfplumber.open(path) as pdf:
        chosen = pdf.pages if pages is None else pdf.pages[:pages]
        return "\n".join(page.crop((0, block.top, page.width, block.bottom)).extract_text() for page in chosen)
