"""The exporter's cross-references: citations numbered in order of first citation, exhibits numbered in reading
order, the bibliography cut to what is cited, date-tagged prose, contents; on notebooks made here (no kernel)."""

from __future__ import annotations

import nbformat
import pytest

from csto_briefing.errors import BuildError
from csto_briefing.pipeline.crossrefs import compress
from csto_briefing.pipeline.export import BriefingHTMLExporter


def cite(*ids: str) -> str:
    return f'<a class="cite" data-sources="{" ".join(ids)}" href="#bibliography">[?]</a>'


def html_cell(html: str, **meta):
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html}, metadata=meta)]
    return cell


def bibliography(*ids: str):
    items = "".join(f'<li data-source="{i}">Outlet {i}</li>' for i in ids)
    return html_cell(f'<ol class="bibliography" id="bibliography">{items}</ol>')


def export(cells, as_of: str | None = "2022-01-20") -> str:
    nb = nbformat.v4.new_notebook(cells=cells)
    if as_of:
        nb.metadata["briefing"] = {"as_of": as_of}
    body, _ = BriefingHTMLExporter().from_notebook_node(nb)
    return body


def test_runs_are_compressed():
    assert compress([15, 2, 10, 11, 12, 13, 14]) == "2, 10-15"
    assert compress([3, 4]) == "3, 4"
    assert compress([7]) == "7"


def test_sources_are_numbered_in_order_of_first_citation_and_the_bibliography_follows():
    body = export([
        nbformat.v4.new_markdown_cell("## One\n\nFirst [@zeta; @alpha]."),
        html_cell(f"<p>Then {cite('alpha', 'mid')} and {cite('zeta')}.</p>"),
        bibliography("alpha", "mid", "unused", "zeta"),
    ])
    assert 'First <a class="cite" href="#ref-1">[1, 2]</a>' in body
    assert '<a class="cite" href="#ref-2">[2, 3]</a>' in body and '<a class="cite" href="#ref-1">[1]</a>' in body
    entries = body[body.index('id="bibliography"'):]
    assert entries.index("Outlet zeta") < entries.index("Outlet alpha") < entries.index("Outlet mid")
    assert "Outlet unused" not in body
    assert "data-sources" not in body and "zeta]" not in body


def test_a_citation_missing_from_the_editions_bibliography_fails_the_export():
    with pytest.raises(BuildError, match="not in this edition.s bibliography"):
        export([nbformat.v4.new_markdown_cell("Claim [@later]."), bibliography("alpha")])


def test_exhibits_are_numbered_in_reading_order_and_cross_references_resolve():
    label = '<span class="label" data-exhibit="table" data-key="{}">Table.</span>'
    body = export([
        nbformat.v4.new_markdown_cell("As @tbl:second shows, and @tbl:first."),
        html_cell(f"<table><caption>{label.format('first')} A.</caption></table>"),
        html_cell(f"<table><caption>{label.format('second')} B.</caption></table>"),
    ])
    assert '<a class="xref" href="#tbl-second">Table 2</a>' in body and "Table 1</a>" in body
    assert body.index("Table 1.") < body.index("Table 2.")


def test_an_unknown_cross_reference_fails_with_the_keys_that_exist():
    with pytest.raises(BuildError, match="@fig:nope"):
        export([nbformat.v4.new_markdown_cell("See @fig:nope.")])


@pytest.mark.parametrize(("as_of", "shown"), [("2022-09-12", False), ("2022-09-13", True), ("2025-12-31", True)])
def test_prose_tagged_shown_from_a_date_appears_only_in_editions_as_of_that_date_or_later(as_of: str, shown: bool):
    later = nbformat.v4.new_markdown_cell("Armenia appealed again.")
    later.metadata["tags"] = ["shown-from:2022-09-13"]
    earlier = nbformat.v4.new_markdown_cell("No second appeal yet.")
    earlier.metadata["tags"] = ["shown-before:2022-09-13"]
    body = export([later, earlier], as_of)
    assert ("Armenia appealed again." in body) is shown
    assert ("No second appeal yet." in body) is not shown


def test_notes_explore_and_parameters_cells_stay_out_and_the_contents_list_links_every_section():
    note = nbformat.v4.new_markdown_cell("Analyst note: check this.")
    note.metadata["tags"] = ["note"]
    explore = html_cell("<p>raw rows</p>")
    explore.metadata["tags"] = ["explore"]
    params = nbformat.v4.new_code_cell("as_of = '2022-01-20'")
    params.metadata["tags"] = ["parameters"]
    body = export([note, params, html_cell('<nav class="toc" data-toc></nav>'), explore,
                   nbformat.v4.new_markdown_cell("## Kazakhstan, January 2022\n\nText."),
                   nbformat.v4.new_markdown_cell("## Annex A. Chronology")])
    assert "Analyst note" not in body and "raw rows" not in body and "as_of = " not in body
    toc = body[body.index('class="toc"'):body.index("</nav>")]
    # chapters numbered, annexes by their own letter (not "2. Annex A.")
    assert '<a href="#kazakhstan-january-2022"><span class="toc-number">1.</span> Kazakhstan, January 2022</a>' in toc
    assert '<li class="toc-annex"><a href="#annex-a-chronology">Annex A. Chronology</a></li>' in toc
    assert "<ol" not in toc
    assert '<h2 id="kazakhstan-january-2022">' in body and '<h2 id="annex-a-chronology">' in body
    assert "&#182;" not in body and "¶" not in body


def test_chapters_are_numbered_in_the_text_as_in_the_contents_and_section_references_follow_each_edition():
    """The editor and the fact-checker found "section 3" pointing at the contents' section 2: references are now
    resolved from the headings of the edition, and the headings carry the contents' numbers."""
    armenia = nbformat.v4.new_markdown_cell("## Armenia's appeals\n\nText.")
    armenia.metadata["tags"] = ["shown-from:2022-09-13"]
    cells = [html_cell('<nav class="toc" data-toc></nav>'), nbformat.v4.new_markdown_cell("## Kazakhstan, January 2022"),
             armenia, nbformat.v4.new_markdown_cell("## Why the answers differed\n\nSee @sec:kazakhstan-january-2022."),
             nbformat.v4.new_markdown_cell("## Annex A. Chronology\n\nThe reasons are weighed in @sec:why-the-answers-differed.")]
    late, early = export(cells, "2025-12-31"), export(cells, "2022-01-20")
    assert '<h2 id="why-the-answers-differed"><span class="heading-number">3.</span> Why the answers differed</h2>' in late
    assert '<span class="toc-number">3.</span> Why the answers differed' in late
    assert 'in <a class="xref" href="#why-the-answers-differed">section 3</a>.' in late
    assert 'See <a class="xref" href="#kazakhstan-january-2022">section 1</a>.' in late
    # without Armenia's section the same reference says 2, and the annex keeps its letter, unnumbered
    assert 'in <a class="xref" href="#why-the-answers-differed">section 2</a>.' in early
    assert '<h2 id="annex-a-chronology">Annex A. Chronology</h2>' in early
    with pytest.raises(BuildError, match="@sec:armenia-s-appeals: no numbered section with that id in this edition"):
        export([nbformat.v4.new_markdown_cell("## Kazakhstan\n\nSee @sec:armenia-s-appeals.")])
