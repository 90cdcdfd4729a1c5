"""The text a reader gets from the built HTML, for tests that look for sentences in it."""

from __future__ import annotations

from html.parser import HTMLParser


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
