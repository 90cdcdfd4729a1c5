"""What a notebook shows in the briefing: sentences, judgements, tables and figures as escaped HTML outputs.

Every function takes the notebook's Briefing `b` and displays one output. Values from the data are always
escaped (markupsafe): a quote holding markup, Markdown or `$...$` shows as that text. The sentence templates
are the analyst's own text and may hold simple HTML (`<em>`, `<strong>`).

Citations, exhibit numbers and cross-references are written as placeholders that the exporter fills in
for the whole briefing (pipeline/export.py, `BriefingPreprocessor`):

- `cite(b, ids)`: `<a class="cite" data-sources="id1 id2">[..]</a>`: numbered in order of first citation,
  runs compressed ("[2, 10-15]"), linked to the bibliography; the bibliography (`bibliography(b)`) keeps
  only the sources cited, in that order;
- `figure(...)`, `table(...)`: captions start with "Figure N." / "Table N.", numbered in reading order;
- `@fig:key` and `@tbl:key` in a sentence or a Markdown cell become "Figure N" / "Table N".

The same placeholders work in Markdown cells: `[@source-id; @other-id]` cites sources.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from markupsafe import Markup, escape

from ..data.dates import period_start
from ..data.read import split_ids
from .rendered import RenderedChart
from .rendered import render as render_chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..briefing import Briefing

META = "csto_briefing"  # key of the output metadata the build and the exporter read


class CitationError(ValueError):
    """A citation names a source that does not exist, or one published after the edition's as-of date."""


def _display(b: "Briefing", data: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
    from IPython.display import display

    meta = {META: {"reads": sorted(b.data.tables.reads), **(extra or {})}}
    display(data, raw=True, metadata=meta)


def html(b: "Briefing", markup: str) -> None:
    """Show a piece of HTML that the notebook built itself (already escaped)."""
    _display(b, {"text/html": str(markup), "text/plain": _plain(str(markup))})


def _plain(markup: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", markup)


# -- citations -----------------------------------------------------------------------------------

def cite(b: "Briefing", ids: str | Iterable[str]) -> Markup:
    """A citation of one or more sources (ids, or a ';'-separated cell). Raises CitationError for an unknown
    source or one issued after as_of: an edition shows only what was known on its date."""
    wanted = split_ids(ids) if isinstance(ids, str) else [i for s in ids for i in split_ids(s)]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return Markup("")
    dates = b.source_issued
    for source_id in wanted:
        if source_id not in dates:
            raise CitationError(f"cited source {source_id!r} is not in data/sources.csv")
        issued = dates[source_id]
        if issued and period_start(issued) > b.as_of:
            raise CitationError(f"cited source {source_id!r} was issued {issued}, after as_of {b.as_of.isoformat()}: "
                                "an edition shows only what was known on its date")
    numbers = [b.citations.setdefault(i, len(b.citations) + 1) for i in wanted]
    label = ", ".join(str(n) for n in numbers)
    return Markup('<a class="cite" data-sources="{0}" href="#bibliography">[{1}]</a>').format(" ".join(wanted), label)


def known_sources(b: "Briefing", ids: str | Iterable[str]) -> list[str]:
    """The sources among ids that were out on as_of (issued on or before it, or undated), in the order given:
    a fact whose sources all came out later was not known on that date."""
    wanted = split_ids(ids) if isinstance(ids, str) else [i for s in ids for i in split_ids(s)]
    issued = b.source_issued
    return [i for i in dict.fromkeys(wanted) if i in issued and not (issued[i] and period_start(issued[i]) > b.as_of)]


def cite_known(b: "Briefing", ids: str | Iterable[str]) -> Markup:
    """cite() of the sources among ids that were out on as_of; empty when none was."""
    return cite(b, known_sources(b, ids))


def bibliography(b: "Briefing", describe: Callable[[pd.Series], Markup]) -> None:
    """Every source known on as_of, as list items the exporter keeps only if cited, in order of first citation.
    `describe(row)` gives the entry's text (outlet, title, date, link) as Markup."""
    sources = b.data.tables["sources"]
    items = []
    for _, row in sources.iterrows():
        if row["issued"] and period_start(row["issued"]) > b.as_of:
            continue
        items.append(Markup('<li data-source="{0}">{1}</li>').format(row["source_id"], describe(row)))
    html(b, Markup('<ol class="bibliography" id="bibliography">{0}</ol>').format(Markup("").join(items)))


# -- sentences -----------------------------------------------------------------------------------

def render(template: str, **values: Any) -> Markup:
    """The template (the analyst's text, trusted) with each {name} replaced by its value, escaped unless it is
    Markup already (citations, formatted dates)."""
    return Markup(template).format(**{k: v if isinstance(v, Markup) else escape(str(v)) for k, v in values.items()})


def say(b: "Briefing", template: str, **values: Any) -> None:
    """One paragraph of prose with computed values: say(b, "{n} members sent troops {c}.", n=..., c=cite(b, ids))."""
    html(b, Markup("<p>{0}</p>").format(render(template, **values)))


def points(b: "Briefing", items: Sequence[Markup | str], css: str = "") -> None:
    """A bulleted list of sentences (each rendered with render() or plain text, which is escaped)."""
    lis = Markup("").join(Markup("<li>{0}</li>").format(i) for i in items)
    html(b, Markup('<ul class="{0}">{1}</ul>').format(css, lis) if css else Markup("<ul>{0}</ul>").format(lis))


def translation_note(b: "Briefing") -> None:
    """The one note under a paragraph that explains the mark Briefing.translation_mark puts after a translated quote."""
    html(b, Markup('<p class="note">† {0}</p>').format("English translation as published by the outlet cited."))


def judgement(b: "Briefing", confidence: str, template: str, **values: Any) -> Markup:
    """A judgement: a sentence marked with a term of the codebook's confidence scale. Returns Markup, to be shown
    with say() / points(); raises ValueError for a term not on the scale."""
    scale = b.data.codebook.vocabularies["confidence"]
    if confidence not in scale:
        raise ValueError(f"judgement: {confidence!r} is not on the confidence scale ({', '.join(scale)})")
    term = b.data.codebook.label("confidence", confidence)  # the codebook's label: one term set everywhere
    return Markup('<span class="judgement" data-confidence="{0}"><strong class="confidence">{1}</strong> {2}</span>').format(
        confidence, term[:1].upper() + term[1:] + ":", render(template, **values))


# -- tables --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a table: its header, how a cell is made from a row, and its CSS class (col.date, col.num ...).
    group: the column names the group a row belongs to (the rows of a group follow each other). Its value is printed on
    every row, so that a group continued on a new page, or a row read alone on a phone, keeps its label; where it repeats
    the row above it is set muted (span.repeat)."""

    header: str
    cell: Callable[[Any], Any]
    css: str = ""
    group: bool = False


def table(b: "Briefing", key: str, rows: pd.DataFrame | Sequence[Any], columns: Sequence[Column], caption: str,
          sources: Markup | str = "", css: str = "") -> None:
    """A numbered table: caption "Table N. <caption> Sources: ...", header, one row per item. Cells are escaped
    unless Markup; each cell carries its header (data-label) for stacked rows on a phone."""
    items = [r for _, r in rows.iterrows()] if isinstance(rows, pd.DataFrame) else list(rows)
    cols = Markup("").join(Markup('<col class="{0}">').format(c.css) for c in columns)
    head = Markup("").join(Markup('<th scope="col" class="{0}">{1}</th>').format(c.css, c.header) for c in columns)
    body = []
    above: list[Markup | None] = [None] * len(columns)
    for item in items:
        values = [_cell(c.cell(item)) for c in columns]
        shown = [Markup('<span class="repeat">{0}</span>').format(v) if c.group and v and v == last else v
                 for c, v, last in zip(columns, values, above)]
        above = values
        cells = Markup("").join(Markup('<td class="{0}" data-label="{1}">{2}</td>').format(c.css, c.header, v)
                                for c, v in zip(columns, shown))
        body.append(Markup("<tr>{0}</tr>").format(cells))
    source_line = Markup(' <span class="source-line">Sources: {0}</span>').format(sources) if sources else Markup("")
    cap = Markup('<caption><span class="label" data-exhibit="table" data-key="{0}">Table.</span> {1}{2}</caption>').format(
        key, caption if isinstance(caption, Markup) else escape(caption), source_line)
    html(b, Markup('<table class="data {0}" id="tbl-{1}">{2}<colgroup>{3}</colgroup><thead><tr>{4}</tr></thead>'
                   '<tbody>{5}</tbody></table>').format(css, key, cap, cols, head, Markup("").join(body)))


def _cell(value: Any) -> Markup:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return Markup("")
    return value if isinstance(value, Markup) else escape(str(value))


# -- figures -------------------------------------------------------------------------------------

def figure(b: "Briefing", key: str, fig: "Figure | RenderedChart", caption: str | Markup, alt: str,
           sources: Markup | str = "") -> None:
    """A numbered figure: the chart shown inline (an SVG image output, as in JupyterLab), with its caption and
    source line in the output's metadata for the export. Also saved as SVG and PNG under figures_dir
    (the build renames the files after the figure's number). `fig`: a matplotlib Figure, or the chart a primitive
    read from the build's cache (present/rendered.py)."""
    chart = render_chart(fig)
    if b.figures_dir is not None:
        b.figures_dir.mkdir(parents=True, exist_ok=True)
        (b.figures_dir / f"{key}.svg").write_bytes(chart.svg)
        (b.figures_dir / f"{key}.png").write_bytes(chart.png)
    source_line = Markup(' <span class="source-line">Sources: {0}</span>').format(sources) if sources else Markup("")
    caption_html = Markup('<span class="label" data-exhibit="figure" data-key="{0}">Figure.</span> {1}{2}').format(
        key, caption if isinstance(caption, Markup) else escape(caption), source_line)
    _display(b, {"image/svg+xml": chart.svg.decode("utf-8"), "text/plain": f"Figure: {_plain(str(caption))}"},
             {"figure": {"key": key, "caption": str(caption_html), "alt": alt}})


def svg_data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
