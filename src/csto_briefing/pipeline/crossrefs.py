"""The briefing's cross-references, resolved over the whole document: an nbconvert preprocessor.

The notebooks write placeholders (see present/output.py); this preprocessor, run by the `briefing`
exporter on one executed notebook or on the combined briefing alike, turns them into what a reader sees:

- cells tagged `shown-from:YYYY-MM-DD` are removed from editions as of an earlier date, cells tagged
  `shown-before:YYYY-MM-DD` from editions as of that date or later;
- `[@id; @other]` in Markdown and `<a class="cite" data-sources="id other">` in outputs: numbered in order of
  first citation, each citation's numbers sorted and runs compressed ("[2, 10-15]");
- the bibliography (`<ol class="bibliography">` of `<li data-source="id">`): only the cited sources, in that
  order; a citation of a source the edition's bibliography leaves out (issued after as_of) fails the export;
- `Figure.` / `Table.` caption labels: numbered in reading order; `@fig:key` / `@tbl:key` become links
  "Figure N" / "Table N";
- chapters (second-level headings that do not label themselves "Annex A. ...") numbered in reading order, in the
  heading as in the contents; `@sec:key` (key: the heading's id, its text in lower case with hyphens) becomes a link
  "section N", so that a reference follows the numbering of each edition;
- `<nav class="toc" data-toc></nav>`: filled with the second-level headings of the Markdown cells (the exporter's
  `heading_ids` filter gives each heading the same id).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from nbconvert.preprocessors import Preprocessor

from ..errors import BuildError

CITE_MD = re.compile(r"\[((?:\s*@[A-Za-z0-9][A-Za-z0-9_.:-]*\s*;?)+)\]")
CITE_HTML = re.compile(r'<a class="cite" data-sources="([^"]*)" href="[^"]*">\[[^\]]*\]</a>')
LABEL = re.compile(r'<span class="label" data-exhibit="(figure|table)" data-key="([^"]*)">(?:Figure|Table)\.</span>')
XREF = re.compile(r"@(fig|tbl|sec):([A-Za-z0-9_-]+)")
HEADING_NUMBER = re.compile(r'<span class="heading-number">[^<]*</span>\s*')
BIB = re.compile(r'<ol class="bibliography" id="bibliography">(.*?)</ol>', re.S)
BIB_ITEM = re.compile(r'<li data-source="([^"]*)">(.*?)</li>', re.S)
TOC = '<nav class="toc" data-toc></nav>'
LABELLED_HEADING = re.compile(r"^(Annex|Appendix) [A-Z]\b")  # a heading that numbers itself
MD_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$", re.M)
HEADING_HTML = re.compile(r'<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link" href="[^"]*">&#182;</a></h\1>', re.S)
DATE_TAG = re.compile(r"^shown-(from|before):(\d{4}-\d{2}-\d{2})$")


def compress(numbers: list[int]) -> str:
    """'2, 10-15' for [2, 10, 11, 12, 13, 14, 15]."""
    out: list[str] = []
    values = sorted(set(numbers))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(str(values[i]) if j == i else f"{values[i]}, {values[j]}" if j == i + 1 else f"{values[i]}-{values[j]}")
        i = j + 1
    return ", ".join(out)


def heading_ids(html: str) -> str:
    """Rendered Markdown headings with the ids the contents links to, and without nbconvert's pilcrow links."""
    def one(match: re.Match) -> str:
        level, inner = match.group(1), match.group(2)
        return f'<h{level} id="{slug(HEADING_NUMBER.sub("", inner))}">{inner}</h{level}>'

    return HEADING_HTML.sub(one, html)


def figure_file(number: int, key: str) -> str:
    """The published name of a figure's files (without the extension): figure1_timeline."""
    return f"figure{number}_{key}"


def slug(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def edition_date(nb) -> date | None:
    """The as_of of the combined briefing, or of one notebook executed by papermill; None when unknown."""
    value = nb.metadata.get("briefing", {}).get("as_of") or nb.metadata.get("papermill", {}).get("parameters", {}).get("as_of")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def shown(cell, as_of: date | None) -> bool:
    if as_of is None:
        return True
    for tag in cell.get("metadata", {}).get("tags", []):
        match = DATE_TAG.match(tag)
        if match:
            when = date.fromisoformat(match.group(2))
            if (match.group(1) == "from" and as_of < when) or (match.group(1) == "before" and as_of >= when):
                return False
    return True


def _texts(nb):
    """Every piece of reader text, in reading order, as (getter, setter) pairs: Markdown sources, HTML outputs and
    figure captions."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield (lambda c=cell: c.source), (lambda v, c=cell: c.__setitem__("source", v))
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/html" in data:
                    yield (lambda d=data: d["text/html"] if isinstance(d["text/html"], str) else "".join(d["text/html"])), \
                          (lambda v, d=data: d.__setitem__("text/html", v))
                figure = output.get("metadata", {}).get("csto_briefing", {}).get("figure")
                if figure:
                    yield (lambda f=figure: f["caption"]), (lambda v, f=figure: f.__setitem__("caption", v))


class BriefingPreprocessor(Preprocessor):
    """Resolves citations, exhibit numbers, cross-references, the bibliography, the contents and date-tagged cells."""

    def preprocess(self, nb, resources: dict[str, Any]):
        as_of = edition_date(nb)
        nb.cells = [cell for cell in nb.cells if shown(cell, as_of)]
        texts = list(_texts(nb))

        # 1. number the citations in order of first citation
        order: dict[str, int] = {}

        def ids_of_md(group: str) -> list[str]:
            return [part.strip().lstrip("@") for part in group.split(";") if part.strip()]

        for get, _ in texts:
            text = get()
            for match in re.finditer(f"{CITE_MD.pattern}|{CITE_HTML.pattern}", text):
                ids = ids_of_md(match.group(1)) if match.group(1) is not None else match.group(2).split()
                for source_id in ids:
                    order.setdefault(source_id, len(order) + 1)

        def cite_html(ids: list[str]) -> str:
            numbers = [order[i] for i in ids]
            return f'<a class="cite" href="#ref-{min(numbers)}">[{compress(numbers)}]</a>'

        # 2. exhibits in reading order
        exhibits: dict[str, dict[str, int]] = {"figure": {}, "table": {}}
        for get, _ in texts:
            for kind, key in LABEL.findall(get()):
                exhibits[kind].setdefault(key, len(exhibits[kind]) + 1)

        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                figure = output.get("metadata", {}).get("csto_briefing", {}).get("figure")
                if figure and figure.get("key") in exhibits["figure"]:
                    figure["file"] = f"figures/{figure_file(exhibits['figure'][figure['key']], figure['key'])}.svg"

        def label_html(match: re.Match) -> str:
            kind, key = match.group(1), match.group(2)
            return f'<span class="label">{kind.capitalize()} {exhibits[kind][key]}.</span>'

        def xref_html(match: re.Match) -> str:
            key = match.group(2)
            if match.group(1) == "sec":
                if key not in chapters:
                    raise BuildError(f"cross-reference @sec:{key}: no numbered section with that id in this edition "
                                     f"(ids: {', '.join(chapters) or 'none'})")
                return f'<a class="xref" href="#{key}">section {chapters[key]}</a>'
            kind = "figure" if match.group(1) == "fig" else "table"
            if key not in exhibits[kind]:
                raise BuildError(f"cross-reference @{match.group(1)}:{key}: no {kind} with that key in this edition "
                                 f"(keys: {', '.join(exhibits[kind]) or 'none'})")
            return f'<a class="xref" href="#{match.group(1)}-{key}">{kind.capitalize()} {exhibits[kind][key]}</a>'

        # 3. headings for the contents
        headings: list[tuple[str, str]] = []

        for cell in nb.cells:
            if cell.cell_type == "markdown":
                headings += [(slug(text), re.sub(r"[*_`]", "", text))
                             for hashes, text in ((h, HEADING_NUMBER.sub("", t)) for h, t in MD_HEADING.findall(cell.source))
                             if len(hashes) == 2]

        chapters = self._number_chapters(nb)

        for get, set_ in texts:
            text = get()
            text = CITE_MD.sub(lambda m: cite_html(ids_of_md(m.group(1))), text)
            text = CITE_HTML.sub(lambda m: cite_html(m.group(1).split()), text)
            text = LABEL.sub(label_html, text)
            text = XREF.sub(xref_html, text)
            match = BIB.search(text)
            if match:
                text = text[:match.start()] + self._bibliography(match.group(1), order) + text[match.end():]
            set_(text)
        for get, set_ in texts:
            if TOC in get():
                set_(get().replace(TOC, f'<nav class="toc" aria-label="Contents"><h2 class="toc-title">Contents</h2>'
                                        f"<ul>{self._toc_items(headings)}</ul></nav>"))
        resources["exhibits"] = exhibits
        resources["citations"] = order
        return nb, resources

    @staticmethod
    def _number_chapters(nb) -> dict[str, int]:
        """Number the chapters' headings in the Markdown ("## 1. Kazakhstan, ..."), as the contents does; return
        heading id -> number."""
        chapters: dict[str, int] = {}

        def number(match: re.Match) -> str:
            hashes, text = match.group(1), HEADING_NUMBER.sub("", match.group(2))  # numbered again if exported twice
            if len(hashes) != 2 or LABELLED_HEADING.match(text):
                return match.group(0)
            chapters[slug(text)] = len(chapters) + 1
            return f'{hashes} <span class="heading-number">{len(chapters)}.</span> {text}'

        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = MD_HEADING.sub(number, cell.source)
        return chapters

    @staticmethod
    def _toc_items(headings: list[tuple[str, str]]) -> str:
        """Chapters numbered 1, 2, ...; headings that carry their own label ("Annex A. ...") keep it, unnumbered."""
        items, number = [], 0
        for anchor, text in headings:
            if LABELLED_HEADING.match(text):
                items.append(f'<li class="toc-annex"><a href="#{anchor}">{text}</a></li>')
            else:
                number += 1
                items.append(f'<li><a href="#{anchor}"><span class="toc-number">{number}.</span> {text}</a></li>')
        return "".join(items)

    @staticmethod
    def _bibliography(items_html: str, order: dict[str, int]) -> str:
        items = dict(BIB_ITEM.findall(items_html))
        missing = [i for i in order if i not in items]
        if missing:
            raise BuildError(f"cited source(s) {', '.join(missing)} not in this edition's bibliography: unknown, or issued "
                             "after the edition's as_of date (an edition shows only what was known on its date)")
        cited = sorted(order, key=order.get)
        lis = "".join(f'<li id="ref-{order[i]}" value="{order[i]}">{items[i]}</li>' for i in cited)
        return f'<ol class="bibliography" id="bibliography">{lis}</ol>'
