"""Layout lint (tests/layout_lint.py): each rule shown to fail on a small PDF made for it, then run on the
briefing as built with the default parameters and on every edition of editions/editions.yaml."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pypdf
import pytest

from csto_briefing import paths

from . import layout_lint as lint

CSS = (paths.TEMPLATES_DIR / "briefing" / "briefing.css").read_text(encoding="utf-8")
BLOCK = lint.TextBlock.from_css(CSS)

PAGE = """
@page { size: A4; margin: 20mm 24mm 20mm 24mm;
  @top-left { content: "Short title"; font-size: 8pt; vertical-align: bottom; padding-bottom: 4mm; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt; vertical-align: top; padding-top: 4mm; } }
body { font-family: "Briefing Sans"; font-size: 10.5pt; margin: 0; }
"""
TEST_BLOCK = lint.TextBlock.from_margins_mm(20, 24, 20, 24)
PARAGRAPH = "<p>" + "The Collective Security Council decided to send peacekeepers within hours of the appeal. " * 4 + "</p>"


def make_pdf(tmp_path: Path, body: str, css: str = PAGE, name: str = "t.pdf") -> Path:
    """A tagged PDF from hand-written HTML, with the briefing's embedded font."""
    from weasyprint import CSS as WCSS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from csto_briefing.pipeline.pdf import font_css

    fonts = FontConfiguration()
    target = tmp_path / name
    HTML(string=f'<!DOCTYPE html><html lang="en"><head><style>{css}</style></head><body>{body}</body></html>').write_pdf(
        target, stylesheets=[WCSS(string=font_css(), font_config=fonts)], font_config=fonts, pdf_tags=True)
    return target


def svg(texts: list[tuple[float, float, str]], width: float = 400, height: float = 200, size: float = 11,
        anchor: str = "start", display: str = "100%") -> str:
    """An <img> of an SVG chart: a frame and texts at (x, y)."""
    body = "".join(f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" font-family="DejaVu Sans">{t}</text>'
                   for x, y, t in texts)
    doc = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" viewBox="0 0 {width} {height}">'
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>'
           f'<line x1="40" y1="10" x2="40" y2="{height - 20}" stroke="black"/>{body}</svg>')
    data = base64.b64encode(doc.encode()).decode()
    return f'<figure><img style="width: {display}" alt="a chart" src="data:image/svg+xml;base64,{data}"><figcaption>Figure 1. A chart.</figcaption></figure>'


def rules_hit(problems: list[lint.Problem]) -> set[str]:
    return {p.rule for p in problems}


# ---------- each rule on a page made for it ----------

def test_text_block_is_read_from_the_stylesheet():
    assert lint.TextBlock.from_css("@page { size: A4; margin: 20mm 24mm; }") == lint.TextBlock.from_margins_mm(20, 24, 20, 24)
    assert abs(BLOCK.width - (210 - 2 * 24) * lint.MM) < 40  # the briefing's block: 162 mm or near it


def test_a_clean_page_passes(tmp_path: Path):
    chart = svg([(30, 20 + 30 * i, f"{t}") for i, t in enumerate(["3000", "2000", "1000", "0"])], anchor="end")
    pdf = make_pdf(tmp_path, "<h2>Timeline</h2>" + PARAGRAPH * 8 + chart + "<h2>Positions</h2>" + PARAGRAPH * 6)
    assert lint.lint(pdf, TEST_BLOCK, header="Short title") == []


def test_text_past_the_right_margin_is_named(tmp_path: Path):
    pdf = make_pdf(tmp_path, '<table style="width: 125%"><tr><td>first column</td><td style="text-align: right">Government of Armenia</td></tr></table>')
    problems = lint.lint(pdf, TEST_BLOCK, rules=("outside_text_block",))
    assert problems and problems[0].page == 1 and "Government" in problems[0].text and "right edge" in problems[0].detail


def test_text_in_the_bottom_margin_that_is_not_the_footer(tmp_path: Path):
    pdf = make_pdf(tmp_path, PARAGRAPH + '<div style="position: absolute; top: 262mm; left: 0">a stray note</div>')
    problems = lint.lint(pdf, TEST_BLOCK, rules=("outside_text_block",))
    assert [p.text for p in problems] == ["a stray note"]


def test_a_date_running_into_the_next_column(tmp_path: Path):
    table = ('<table style="table-layout: fixed; width: 100%; border-collapse: collapse"><colgroup><col style="width: 12%">'
             '<col></colgroup><tr><td style="white-space: nowrap">13 September 2022</td><td>Government of Armenia</td></tr></table>')
    problems = lint.lint(make_pdf(tmp_path, table), TEST_BLOCK, rules=("overlapping_text",))
    assert problems and problems[0].page == 1
    assert any("Government" in p.text + p.detail for p in problems), lint.report(problems)


def test_two_words_drawn_over_each_other(tmp_path: Path):
    body = '<p style="position: relative">Kazakhstan<span style="position: absolute; left: 1em; top: 0.1em">Armenia</span></p>'
    problems = lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("overlapping_text",))
    assert problems and {"Kazakhstan", "Armenia"} == {problems[0].text, problems[0].detail.split("'")[1]}


def test_a_heading_at_the_foot_of_a_page(tmp_path: Path):
    body = ('<div style="height: 244mm"></div><h2 style="break-after: auto; margin: 0">Commentary</h2>'
            '<div style="break-inside: avoid">' + PARAGRAPH * 3 + "</div>")
    problems = lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("stranded_heading",))
    assert [(p.page, p.text) for p in problems] == [(1, "Commentary")]


def test_a_table_caption_at_the_foot_of_a_page(tmp_path: Path):
    body = ('<div style="height: 243mm"></div><table style="width: 100%"><caption style="break-after: auto">Table 5. Every reported value'
            '</caption><tbody><tr style="height: 40mm; break-inside: avoid"><td>value</td></tr></tbody></table>')
    problems = lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("stranded_heading",))
    assert [(p.page, p.text) for p in problems] == [(1, "Table 5. Every reported value")]


def test_a_figure_caption_under_its_chart_at_the_foot_of_a_page_is_fine(tmp_path: Path):
    body = '<div style="height: 150mm"></div>' + svg([(50, 100, "Kazakhstan")]) + PARAGRAPH * 3
    assert lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("stranded_heading",)) == []


def test_pages_without_running_header_and_footer(tmp_path: Path):
    css = PAGE.replace("@top-left", "@top-center").replace('content: "Short title"', "content: none").replace("@bottom-right", "@bottom-center")
    css = re.sub(r"@bottom-center \{[^}]*\}", "", css)
    pdf = make_pdf(tmp_path, PARAGRAPH * 14, css=css)
    problems = lint.lint(pdf, TEST_BLOCK, rules=("running_header_footer",))
    assert {(p.page, p.detail.split(" ")[0]) for p in problems} == {(2, "running"), (2, "footer")}


def test_a_narrow_chart_and_small_chart_text(tmp_path: Path):
    narrow = svg([(50, 100, "Kazakhstan")], display="30%")
    small = svg([(50, 100, "tiny label")], size=5)  # 5 units in a 400-unit viewBox shown 459 pt wide: 5.7 pt
    problems = lint.lint(make_pdf(tmp_path, narrow + small), TEST_BLOCK, rules=("chart_size",))
    details = [p.detail for p in problems]
    assert any("under half the text block" in d for d in details) and any("under 7 pt" in d for d in details)
    assert any(p.text == "tiny label" for p in problems)


def test_an_empty_panel_and_repeated_ticks(tmp_path: Path):
    empty = svg([(35, 180 - 30 * i, f"{v:.1f}") for i, v in enumerate([0, 0.2, 0.4, 0.6, 0.8, 1.0])], anchor="end")
    repeated = svg([(60 + 60 * i, 190, t) for i, t in enumerate(["05 Jan", "05 Jan", "06 Jan", "06 Jan", "07 Jan"])])
    problems = lint.lint(make_pdf(tmp_path, empty + repeated), TEST_BLOCK, rules=("chart_axes",))
    details = " | ".join(p.detail for p in problems)
    assert "empty panel" in details and "'05 Jan' repeated" in details


def _table(rows: int, cols: str = '<col class="date"><col class="wide">', caption: str = "Table 1. Events of the day.") -> str:
    body = "".join(f"<tr><td>{i} January 2022</td><td>" + "An event of the day, described at some length. " * 6 + "</td></tr>"
                   for i in range(1, rows + 1))
    return (f'<table class="data"><caption>{caption}</caption><colgroup>{cols}</colgroup><thead><tr><th>Date</th>'
            f"<th>Event</th></tr></thead><tbody>{body}</tbody></table>")


@pytest.mark.parametrize("space, where", [(112, "carried over"), (220, "the rest of its table")])
def test_a_lone_table_row_on_a_page(tmp_path: Path, space: int, where: str):
    pdf = make_pdf(tmp_path, f'<div style="height: {space}mm"></div>' + _table(8))
    problems = lint.lint(pdf, TEST_BLOCK, rules=("lone_table_row",))
    assert len(problems) == 1 and where in problems[0].detail and "An event of the day" in problems[0].text, lint.report(problems)


def _grouped_table(label_every_row: bool) -> str:
    """Table 5's shape: rows in groups named in the first column, a group long enough to run on to a second page."""
    rows = []
    for group, n in (("Size of the force", 3), ("Death toll", 14)):
        for i in range(n):
            label = group if label_every_row or i == 0 else ""
            rows.append(f"<tr><td>{label}</td><td class=\"num\">{100 + i} people</td><td>"
                        + "A value reported by one source and revised by the next. " * 4 + "</td></tr>")
    return ('<table class="data"><caption>Table 5. Every reported value.</caption><colgroup><col class="state"><col class="num">'
            '<col class="wide"></colgroup><thead><tr><th>What is counted</th><th class="num">Value</th><th>Notes</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def test_a_group_continued_on_a_new_page_without_its_label(tmp_path: Path):
    """Editor's review A8: Table 5 printed "What is counted" on a group's first row only, so the rows carried to the
    next page read as nobody's. Named on the page the table continues on; labels on every row pass."""
    bare = lint.lint(briefing_pdf(tmp_path, _grouped_table(False)), BLOCK, rules=("unlabelled_continuation",))
    assert [p.page for p in bare] == [2] and bare[0].text.startswith("1"), lint.report(bare)
    labelled = lint.lint(briefing_pdf(tmp_path, _grouped_table(True), name="labelled.pdf"), BLOCK, rules=("unlabelled_continuation",))
    assert labelled == [], lint.report(labelled)


def test_a_group_column_prints_its_label_on_every_row_muted_where_it_repeats():
    """output.table with Column(group=True): every row carries the label (a continued group on a new page, a row on a
    phone), the repeats inside a span the stylesheet mutes; other columns are left as they are."""
    from types import SimpleNamespace

    from csto_briefing.present import output

    shown = []
    b = SimpleNamespace(data=SimpleNamespace(tables=SimpleNamespace(reads=[])))
    rows = [("Death toll", "164"), ("Death toll", "225"), ("Detentions", "5,135"), ("Death toll", "238")]
    original = output._display
    output._display = lambda b, data, extra=None: shown.append(data["text/html"])
    try:
        output.table(b, "t", rows, [output.Column("What", lambda r: r[0], "state", group=True),
                                    output.Column("Value", lambda r: "164", "num")], caption="Values.")
    finally:
        output._display = original
    cells = re.findall(r'<td class="state"[^>]*>(.*?)</td>', shown[0])
    assert cells == ["Death toll", '<span class="repeat">Death toll</span>', "Detentions", "Death toll"], cells
    assert shown[0].count('class="repeat"') == 1  # a column that is not a group's is never marked, even where it repeats
    assert "table.data .repeat" in CSS


def test_value_labels_set_so_close_that_they_read_as_one(tmp_path: Path):
    close = svg([(100, 100, "164"), (123, 100, "230"), (200, 100, "~2,500"), (260, 100, "238 (2022)")], size=10)
    apart = svg([(100, 100, "164"), (135, 100, "230"), (200, 60, "6 Jan"), (245, 60, "12 Jan")], size=10)
    problems = lint.lint(make_pdf(tmp_path, close + apart), TEST_BLOCK, rules=("labels_run_together",))
    assert [p.text for p in problems] == ["164 230"], lint.report(problems)


NARROW_CELLS = ("consultations", "parliament's approval", "peacekeeping forces", "forces deployed")


def _narrow_table(cell_css: str = "") -> str:
    cells = "".join(f'<tr><td style="{cell_css}">{text}</td><td>Armenia asked, and the Council met.</td></tr>' for text in NARROW_CELLS)
    return ('<table style="table-layout: fixed; width: 100%; border-collapse: collapse"><colgroup><col style="width: 16mm">'
            f"<col></colgroup><tbody>{cells}</tbody></table>")


@pytest.mark.parametrize("vocabulary", ["html", "pdf"])
def test_a_word_broken_without_a_hyphen_in_a_narrow_cell(tmp_path: Path, vocabulary: str):
    """overflow-wrap: anywhere breaks ordinary words mid-word ("consultation / s"): named, page and pieces, whether
    the words are checked against the HTML or against the words the PDF sets inside its lines."""
    body = _narrow_table("overflow-wrap: anywhere; hyphens: manual") + PARAGRAPH.replace("peacekeepers", "consultations parliament's peacekeeping")
    html = f"<html><body>{body}</body></html>" if vocabulary == "html" else None
    problems = lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("word_split",), html=html)
    assert problems and all(p.page == 1 for p in problems), lint.report(problems)
    broken = {p.detail.split("'")[1] if '"' not in p.detail else p.detail.split('"')[1] for p in problems}
    assert {"consultations", "peacekeeping"} <= broken, lint.report(problems)
    assert not any("forces" in p.text for p in problems), lint.report(problems)  # a wrap between two words is fine


def test_a_line_broken_before_it_had_to_be(tmp_path: Path):
    """A word left alone on a line whose next word would have fitted after it is named with both words; lines that
    end where the next word could not fit are not."""
    body = PARAGRAPH + "<p>The Council decided within hours: the<br>first aircraft landed the same day in Almaty.</p>"
    problems = lint.lint(make_pdf(tmp_path, body), TEST_BLOCK, rules=("early_break",))
    assert [p.text.split(" / ")[-1] for p in problems] == ["first"], lint.report(problems)
    assert lint.lint(make_pdf(tmp_path, PARAGRAPH * 3, name="clean.pdf"), TEST_BLOCK, rules=("early_break",)) == []


# the paragraph and the bibliography entry in which WeasyPrint broke lines too early (editor's review of session 17,
# page 7 and entry 56): a space between a text run and the link after it
EARLY_BREAKS = (
    '<p><span class="judgement"><strong class="confidence">Likely:</strong> Belarus’s ties with Azerbaijan weighed '
    "against any CSTO action for Armenia.</span> Politico reported in June 2024, as relayed by European Pravda, that "
    "Belarus had supplied arms to Azerbaijan from 2018 to 2022, and recalled that Aliyev had said in 2022 that "
    'Azerbaijan had more friends in the CSTO than Armenia <a class="cite" href="#ref-84">[84]</a>. Against it, Belarus '
    'gave another reason, that Armenia should settle with Aliyev <a class="cite" href="#ref-16">[16-18]</a>, and one '
    "member’s ties cannot explain the Council’s answer as a whole.</p>")


def test_the_pdf_writer_keeps_weasyprint_from_breaking_lines_before_links_too_early(tmp_path: Path):
    """Laid out as written, the paragraph leaves 'Aliyev' alone on a line (the rule finds it); the PDF writer moves
    each space before a link into the link, and the same paragraph fills its lines."""
    from csto_briefing.pipeline.pdf import write_pdf

    html = f'<!DOCTYPE html><html lang="en"><head><style>{CSS}</style></head><body><main>{EARLY_BREAKS}</main></body></html>'
    raw = make_pdf(tmp_path, f"<main>{EARLY_BREAKS}</main>", css=CSS, name="raw.pdf")
    assert [p.text.split(" / ")[0] for p in lint.lint(raw, BLOCK, rules=("early_break",))] == ["Aliyev"]
    written = tmp_path / "written.pdf"
    write_pdf(html, written)
    assert lint.lint(written, BLOCK, rules=("early_break",)) == []


def test_the_reader_text_reads_a_sentence_on_across_a_page_break_past_a_chart(tmp_path: Path):
    """The core tests look for sentences in the printed text (tests/reading.py). Read in the content stream's order, a
    page with a chart gave the chart's labels after its last line, then the running head and footer, so a sentence the
    page break split ('arrived on 15 September, [labels, head, footer] according to Asbarez') was reported missing
    though the page printed it whole. Read top to bottom inside the text block, it reads on."""
    from .reading import pdf_body_text

    words = " ".join(f"w{n}" for n in range(1, 700))
    pdf = make_pdf(tmp_path, svg([(60, 40, "Label on the chart"), (200, 120, "Another label")]) + f"<p>{words}.</p>")
    assert len(pypdf.PdfReader(pdf).pages) == 2  # the paragraph runs on to the second page, the chart is on the first
    flat = lambda text: re.sub(r"\s+", " ", text)  # noqa: E731
    assert words not in flat(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))  # the old reading
    text = flat(pdf_body_text(pdf, block=TEST_BLOCK))
    assert words in text and "Short title" not in text and "page 1 of 2" not in text and "Label on the chart" in text


def test_the_stylesheet_hyphenates_words_in_narrow_cells(tmp_path: Path):
    """The briefing's cells break words at hyphenation points (hyphens: auto, lang en), never mid-word without a
    hyphen; a date in a col.date column keeps its day and month on one line."""
    cells = "".join(f"<tr><td>13 September 2022</td><td>{text}</td><td>x</td></tr>" for text in NARROW_CELLS)
    table = ('<table class="data"><colgroup><col class="date"><col style="width: 5.2em"><col></colgroup>'
             f"<thead><tr><th>Date</th><th>Asked for</th><th>Notes</th></tr></thead><tbody>{cells}</tbody></table>")
    pdf = briefing_pdf(tmp_path, table)
    problems = lint.lint(pdf, BLOCK, rules=("word_split", "outside_text_block", "overlapping_text"),
                         html=f"<p>{' '.join(NARROW_CELLS)}</p>")
    assert not problems, lint.report(problems)
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "sulta\u2010" in text and "peace\u2010" in text, text  # hyphenated at the dictionary's points
    assert "13 September" in text, text  # never "13 / September / 2022" on three lines


# ---------- the briefing's stylesheet on pages made for it ----------

def briefing_pdf(tmp_path: Path, body: str, name: str = "b.pdf") -> Path:
    return make_pdf(tmp_path, f"<main>{body}</main>", css=CSS, name=name)


LONG = {  # the widest things the data can put in a cell
    "date": "13&nbsp;September&nbsp;2022", "time": "01:30 Almaty time (UTC+6)", "num": '<span class="unit">12,000&nbsp;people</span>',
    "state": "Kyrgyzstan Киргизия Ղրղզստան", "status": "Unverified", "src": "[12, 13, 45-47, 50, 51, 54]",
    "narrow": "Nominal size of the CSTO peacekeeping forces", "appeal": "Armenia, 13 September 2022",
    "wide": "https://www.example.org/news/2022/01/07/a-very-long-address-with-no-space-to-break-at-all-0123456789 "
            + "Ղրղզստանիխաղաղապահուժերիհրամանատարություն " * 2}
COLUMN_SETS = [("date", "time", "wide", "status", "src"), ("narrow", "num", "date", "narrow", "wide", "src"),
               ("state", "num", "narrow", "status", "status", "wide", "src"), ("appeal", "state", "narrow", "narrow", "wide", "num", "src"),
               ("narrow", "status", "wide", "src"), ("wide", "wide")]


@pytest.mark.parametrize("columns", COLUMN_SETS, ids="-".join)
def test_tables_fit_the_text_block_whatever_the_cells_hold(tmp_path: Path, columns: tuple[str, ...]):
    """Fixed layout from the <col> classes, border-box cells, long words broken: a table ends inside the text block,
    and no cell runs into the next, with the widest content the data can give in every column (issue 12)."""
    cols = "".join(f'<col class="{c}">' for c in columns)
    head = "".join(f'<th class="{c}">{c.title()}</th>' for c in columns)
    row = "".join(f'<td class="{c}">{LONG[c]}</td>' for c in columns)
    table = f'<table class="data"><caption>Table 1. Wide.</caption><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{row * 3}</tbody></table>'
    problems = lint.lint(briefing_pdf(tmp_path, table), BLOCK, rules=("outside_text_block", "overlapping_text"))
    assert not problems, lint.report(problems)


@pytest.mark.parametrize("space", [190, 205, 215, 222, 230])
def test_the_stylesheet_keeps_headings_captions_and_rows_with_what_follows(tmp_path: Path, space: int):
    """An annex heading, a table's caption and its first or last row near a page foot: the stylesheet moves them on."""
    body = (f'<div style="height: {space}mm"></div><h2>Annex E. Figures that changed</h2><p>Where a number was reported.</p>'
            + _table(6).replace('class="data"', 'class="data" style="margin-top: 0"'))
    problems = lint.lint(briefing_pdf(tmp_path, body), BLOCK, rules=("stranded_heading", "lone_table_row"))
    assert not problems, lint.report(problems)


# ---------- the briefing ----------

SHORT_HEADER = r"\S"  # the running header: any text in the top margin (its wording is the template's)


def lint_failures(pdf: Path) -> str:
    return lint.report(lint.lint(pdf, BLOCK, header=SHORT_HEADER))


def test_briefing_layout(built: Path):
    problems = lint_failures(built / "briefing.pdf")
    assert not problems, "\n" + problems


@pytest.fixture(scope="module")
def editions(layout_editions: dict[str, Path]) -> dict[str, Path]:
    return layout_editions  # built once per session (tests/layout_builds.py)


@pytest.mark.kernel  # builds every edition (layout_editions)
def test_every_edition_layout(editions: dict[str, Path]):
    """No exception, no allowlist: every rule on every edition of editions/editions.yaml (issue 12)."""
    found = {name: lint.lint(folder / "briefing.pdf", BLOCK, header=SHORT_HEADER) for name, folder in editions.items()}
    found = {name: problems for name, problems in found.items() if problems}
    assert not found, "\n" + "\n".join(f"edition {name}:\n{lint.report(problems)}" for name, problems in found.items())


# ---------- the PDF as a file ----------

def test_pdf_is_tagged_and_opens_with_its_title_and_outline(built: Path):
    pdf = pypdf.PdfReader(built / "briefing.pdf")
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"
    assert root["/PageMode"] == "/UseOutlines" and pdf.outline
    assert root.get("/Lang") == "en"
    xmp = pdf.xmp_metadata
    assert xmp is not None and xmp.dc_title and "CSTO" in xmp.dc_title["x-default"]
    assert pdf.metadata.title and "CSTO" in pdf.metadata.title
    assert (built / "briefing.pdf").stat().st_size < 1_000_000


def test_the_html_links_to_the_pdf_and_the_printed_page_links_to_no_file(built: Path):
    """The screen edition links to the print edition beside it. The print edition carries no "Screen edition (HTML)"
    link: on paper a relative link to a file is no address at all (the think-tank editor's review, item 7)."""
    pdf = pypdf.PdfReader(built / "briefing.pdf")
    uris = [annot.get_object()["/A"]["/URI"] for annot in pdf.pages[0].get("/Annots", [])
            if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]]
    assert not [u for u in uris if not u.startswith(("http://", "https://", "#"))], uris
    html = (built / "briefing.html").read_text(encoding="utf-8")
    assert 'href="briefing.pdf"' in html
    # the link reads as words, not a file name (editor's review 8)
    first = pdf.pages[0].extract_text()
    assert "Screen edition" not in first and "briefing.html" not in first and "Print edition" not in first
    assert '<a href="briefing.pdf">Print edition (PDF)</a>' in html and ">briefing.html<" not in html and "Screen edition" not in html


def test_running_header_is_the_whole_title_without_a_full_stop(built: Path):
    """Editor's review 17: not a fragment of the title ending in a full stop."""
    from csto_briefing.parameters import DEFAULTS
    from csto_briefing.pipeline.export import running_title

    page = lint.load(built / "briefing.pdf")[1]
    header = lint.text_of([c for c in page.chars if lint.in_header(page, c, BLOCK)], 500).replace("\u2019", "'")
    assert header == running_title(DEFAULTS["title"]) and not header.endswith("."), header


def test_one_typeface_embedded_in_every_weight(built: Path):
    pdf = pypdf.PdfReader(built / "briefing.pdf")
    fonts = set()
    for page in pdf.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    names = {re.sub(r"^/?[A-Z]{6}\+", "", f) for f in fonts}
    # matplotlib's DejaVu Sans under our family name (pdf.EMBEDDED_FAMILY), or DejaVu Sans itself in the charts
    assert all(n.startswith(("Briefing-Sans", "DejaVuSans")) for n in names), names
    assert {"Briefing-Sans", "Briefing-Sans-Bold", "Briefing-Sans-Italic"} <= names, names


# ---------- the exporter's screen markup ----------

def test_cells_are_labelled_by_their_header_and_charts_open_full_size():
    from csto_briefing.pipeline.markup import screen_markup

    html = screen_markup(
        '<table class="data"><thead><tr><th>Date</th><th>Event</th></tr></thead><tbody>'
        '<tr><td>5 January 2022</td><td data-label="What">Appeal &lt;b&gt;</td></tr>'
        '<tr><td colspan="2">a note</td></tr></tbody></table>'
        '<figure class="chart" id="figure-1"><img src="data:image/svg+xml;base64,AA==" alt="a chart"></figure>'
        '<h1>The CSTO answered within hours</h1>')
    assert '<td data-label="Date">5 January 2022</td>' in html
    assert '<td data-label="What">Appeal &lt;b&gt;</td>' in html and '<td colspan="2">a note</td>' in html
    assert '<a class="chart-open" href="#figure-1-full" id="figure-1-full"><img' in html
    assert "within\u00a0hours</h1>" in html
    linked = '<figure class="chart"><a class="chart-full" href="figures/f.svg"><img src="x" alt="a"></a></figure>'
    assert screen_markup(linked) == linked  # a chart already in a link is left alone


# ---------- typographic apostrophes and quotes (issue 12) ----------

def test_straight_quotes_become_typographic_in_text_only():
    from csto_briefing.pipeline.markup import typographic

    html = ("<html><head><title>Armenia's appeals</title><style>a[href^=\"http\"]::after { content: 'x'; }</style></head>"
            "<body><p title=\"it's\">The members' part in Armenia's appeals, 'outside interference' and \"effectively "
            "declined\"; <code>it's</code> <a href=\"https://example.org/it's\">https://example.org/it's</a> "
            "&#39;Shortly after midnight&#39; &quot;<em>no</em>&quot; in '22.</p><pre>don't</pre></body></html>")
    out = typographic(html)
    assert "<title>Armenia’s appeals</title>" in out
    assert "content: 'x'" in out and 'a[href^="http"]' in out  # the stylesheet is not text
    assert 'title="it\'s"' in out and 'href="https://example.org/it\'s"' in out  # nor are attributes
    assert "<code>it's</code>" in out and "<pre>don't</pre>" in out  # nor code
    assert ">https://example.org/it's</a>" in out  # nor an address shown as text
    assert "The members’ part in Armenia’s appeals, ‘outside interference’ and “effectively declined”;" in out
    assert "‘Shortly after midnight’ “<em>no</em>” in ’22." in out
    plain = "<p>No quote at all.</p>"
    assert typographic(plain) is plain


STRAIGHT_BETWEEN_LETTERS = re.compile(r"[^\W\d_]'[^\W\d_]")


def _reader_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "code", "pre", "head"]):
        tag.decompose()
    return re.sub(r"(?:https?://|www\.)\S+", " ", soup.body.get_text(" ") if soup.body else soup.get_text(" "))


def test_the_briefing_sets_typographic_apostrophes(built: Path, built_page_texts: list[str]):
    """No straight apostrophe between two letters in the reader text of the HTML ("Armenia's") or of the PDF."""
    html = (built / "briefing.html").read_text(encoding="utf-8")
    found = [m.group(0) for m in STRAIGHT_BETWEEN_LETTERS.finditer(_reader_text(html))]
    assert not found, f"straight apostrophes in the HTML text: {found[:10]}"
    assert "’" in _reader_text(html)
    text = re.sub(r"(?:https?://|www\.)\S+", " ", " ".join(built_page_texts))
    found = [text[max(0, m.start() - 20):m.end() + 20] for m in STRAIGHT_BETWEEN_LETTERS.finditer(text)]
    assert not found, f"straight apostrophes in the PDF text: {found[:10]}"


def test_running_title_is_the_whole_title_without_its_full_stop():
    from csto_briefing.pipeline.export import running_title

    assert running_title("The CSTO answered Kazakhstan within hours. Armenia's appeals brought no troops.") == \
        "The CSTO answered Kazakhstan within hours. Armenia's appeals brought no troops"
    long = "A first sentence about the alliance and its members, long enough to fill a line. " + "More words follow here. " * 4
    assert running_title(long) == "A first sentence about the alliance and its members, long enough to fill a line"
    assert running_title("word " * 40).endswith("\u2026") and len(running_title("word " * 40)) <= 91


def test_chart_text_gets_typographic_apostrophes_but_not_its_styles():
    from csto_briefing.pipeline.markup import typographic_svg

    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><style>text { font-family: \'DejaVu Sans\'; }</style>'
           '<text style="font-family: \'Briefing Sans\'">Tokayev\'s appeal</text><text>\'Border incident\'</text></svg>')
    out = typographic_svg(svg)
    assert "<text style=\"font-family: 'Briefing Sans'\">Tokayev’s appeal</text>" in out and ">‘Border incident’<" in out
    assert "font-family: 'DejaVu Sans';" in out


def test_a_long_contents_entry_keeps_its_leader_and_page_number_with_its_last_word(tmp_path: Path):
    """Editor's review 8: "2. Armenia's appeals and the CSTO's answers" filled its column and the dot leader with the
    page number wrapped onto a line of its own."""
    import pdfplumber

    entries = ["Kazakhstan, January 2022", "Armenia’s appeals and the CSTO’s answers", "Why the answers differed",
               "What it means and what to watch, and the indicators to follow in 2026"]
    items = "".join(f'<li><a href="#s{i}"><span class="toc-number">{i}.</span> {t}</a></li>' for i, t in enumerate(entries, 1))
    body = (f'<nav class="toc"><h2 class="toc-title">Contents</h2><ul>{items}</ul></nav>'
            + "".join(f'<h2 id="s{i}">{t}</h2>' for i, t in enumerate(entries, 1)))
    with pdfplumber.open(briefing_pdf(tmp_path, body)) as pdf:
        page = pdf.pages[0]
        lines = [line for half in (page.crop((0, 0, page.width / 2, page.height)), page.crop((page.width / 2, 0, page.width, page.height)))
                 for line in half.extract_text().splitlines()]  # the two columns, each on its own
    alone = [line for line in lines if re.fullmatch(r"[.\s]*\.{3,}[.\s]*\d+", line.strip())]
    assert not alone, lines
    assert any(re.search(r"answers\s*\.{3,}\s*1$", line) for line in lines), lines
