"""The built briefing, read back as a reader's tools would: the PDF with pypdf, the HTML as markup."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from csto_briefing import paths
from csto_briefing.data.dataset import load_dataset

A4 = (595.3, 841.9)
# The annexes, in reading order (the core's sections are checked by their own tests).
SECTION_TITLES = ["Annex A. Chronology", "Annex B. Member-state contributions", "Annex C. Statements",
                  "Annex D. Checking the source article", "Annex E. Figures that changed",
                  "Annex F. Method, data and sources"]


@pytest.fixture(scope="module")
def pdf(built: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(built / "briefing.pdf")


@pytest.fixture(scope="module")
def pdf_text(built_page_texts: list[str]) -> str:
    return "\n".join(built_page_texts).replace("\u2019", "'").replace("\u2018", "'")  # apostrophes straight


def test_outputs_are_written(built: Path):
    """The report files, and each figure the briefing links as SVG and PNG, named after its number there."""
    names = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert {"briefing.html", "briefing.pdf", "briefing.ipynb"} <= set(names)
    html = (built / "briefing.html").read_text(encoding="utf-8")
    stems = re.findall(r'href="figures/(figure\d+_[a-z0-9_-]+)\.svg"', html)
    assert stems
    for stem in stems:
        assert f"figures/{stem}.svg" in names and f"figures/{stem}.png" in names


def test_pdf_pages_are_a4(pdf: pypdf.PdfReader):
    assert len(pdf.pages) > 5
    for page in pdf.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == A4


def test_pdf_holds_every_section_title_in_order_and_the_as_of_date(pdf_text: str):
    flat = re.sub(r"\s+", " ", pdf_text)
    body = flat[flat.rfind(SECTION_TITLES[0]):]  # after the contents list
    assert [body.find(t) for t in SECTION_TITLES] == sorted(body.find(t) for t in SECTION_TITLES)
    assert all(t in body for t in SECTION_TITLES)
    assert "Information as of 31 December 2025" in flat


def test_pdf_prints_armenian_and_russian_text_as_in_the_data(pdf_text: str):
    """Text the data holds in Armenian or Russian (source titles, original wording) is printed in its own script; the
    tables name states in English only."""
    data = load_dataset()
    flat = re.sub(r"\s+", " ", pdf_text)
    for script in (r"[\u0530-\u058F]{3,}", r"[\u0400-\u04FF]{3,}"):
        words = {w for table in data.tables.values() for column in table.columns
                 for value in table[column] for w in re.findall(script, str(value))}
        printed = set(re.findall(script, flat))
        assert words and len(printed & words) >= 3, (script, sorted(printed)[:10])


def _embedded_fonts(pdf: pypdf.PdfReader) -> dict[str, bytes]:
    """Embedded fonts by name (subset tag removed), with their ToUnicode maps."""
    fonts: dict[str, bytes] = {}
    for page in pdf.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                to_unicode = font.get("/ToUnicode")
                fonts[str(font["/BaseFont"]).split("+")[-1]] = to_unicode.get_object().get_data() if to_unicode else b""
    return fonts


def test_pdf_embeds_a_font_with_armenian_glyphs(pdf: pypdf.PdfReader):
    """Every font in the PDF is the one the build embeds (DejaVu Sans from matplotlib, under a family name of
    our own so that no installed font can stand in for it), and the Armenian text is drawn with it."""
    from csto_briefing.pipeline.pdf import EMBEDDED_FAMILY

    embedded = _embedded_fonts(pdf)
    family = EMBEDDED_FAMILY.replace(" ", "-")
    assert embedded and all(name.startswith(family) for name in embedded), embedded
    assert re.search(rb"<05[3-8][0-9A-Fa-f]>", embedded[family])  # Armenian code points mapped in that font
    from matplotlib import get_data_path

    cmap = TTFont(Path(get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf").getBestCmap()
    armenian = "".join(load_dataset().states["name_hy"])
    assert all(ord(ch) in cmap for ch in armenian if not ch.isspace())


def _drawing_operators(page: pypdf.PageObject) -> int:
    content = page.get_contents()
    return len(re.findall(rb"\s(?:l|c|re)\s", content.get_data() if content is not None else b""))


# Words drawn inside a chart (charts keep their text as text): found on the caption's page only if the
# SVG chart was rendered there. Keyed by the figure's key (its files: figureN_key.svg).
CHART_TEXT = {"timeline": "Kazakhstan, January 2022 (by day)", "appeals": "troops sent",
              "contributions": "sent; number not published", "series": "Detentions"}


def test_pdf_draws_each_chart_on_the_page_of_its_caption(built: Path, pdf: pypdf.PdfReader, built_page_texts: list[str]):
    html = (built / "briefing.html").read_text(encoding="utf-8")
    linked = re.findall(r'href="figures/figure(\d+)_([a-z0-9_-]+)\.svg"', html)
    assert "series" in {key for _, key in linked}
    for number, key in linked:
        pages = [p for p, text in zip(pdf.pages, built_page_texts) if f"Figure {number}." in text
                 and CHART_TEXT.get(key, "") in text]
        assert pages, f"Figure {number} ({key}): no caption, or the chart is not drawn on its page"
        assert _drawing_operators(pages[0]) > 30, f"Figure {number}: no vector lines drawn"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []  # resources the browser fetches on opening the page
        self.links: list[str] = []  # links the reader clicks
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name == "href" and tag == "a":
                self.links.append(value or "")
            elif name in ("src", "href", "srcset", "poster", "data"):
                self.loads.append(value or "")


def test_html_loads_nothing_remote(built: Path):
    html = (built / "briefing.html").read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(html)
    assert parser.loads and all(v.startswith("data:") for v in parser.loads), [v for v in parser.loads if not v.startswith("data:")]
    assert "script" not in parser.tags
    without_links = re.sub(r'<a [^>]*href="[^"]*"', "<a", html)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.sub(r"data:[^\"')]+", "", without_links.split("<main>", 1)[0]))
    assert not re.search(r"url\((?!data:)", html) and "@import" not in html
    assert any(link.startswith("https://") for link in parser.links)  # the sources are clickable


def test_every_notebook_is_stored_without_outputs():
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def test_every_notebook_has_one_parameters_cell_with_as_of():
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1 and "as_of = " in "".join(tagged[0]["source"]), path.name


@pytest.mark.parametrize("notebook", sorted(p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")))
def test_each_notebook_reflects_a_non_default_as_of(notebook: str, build_of):
    def shown(project) -> str:
        nb = json.loads((project.root / "build" / notebook).read_text(encoding="utf-8"))
        return "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))

    html = shown(build_of(as_of="2022-01-07", since="2022-01-06", pdf=False))  # executed by papermill, one build shared
    assert "31 December 2025" not in html
    assert html != shown(build_of())  # what the section shows depends on as_of (the default edition's differs)


def test_a_failing_cell_stops_the_build_with_notebook_cell_and_error(tmp_path: Path):
    import subprocess
    import sys

    import nbformat

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    params = nbformat.v4.new_code_cell('as_of = "2025-12-31"\ndata_dir = ""\nfigures_dir = ""')
    params.metadata["tags"] = ["parameters"]
    good = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell("x = 1")])
    bad = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell("x = 1"),
                                          nbformat.v4.new_code_cell("raise ValueError('broken on purpose')")])
    for nb in (good, bad):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(good, notebooks / "01_good.ipynb")
    nbformat.write(bad, notebooks / "02_bad.ipynb")
    report = tmp_path / "report"
    report.mkdir()
    (report / "briefing.pdf").write_bytes(b"last good report")
    result = subprocess.run([sys.executable, "-m", "csto_briefing.cli", "build", "--notebooks", str(notebooks),
                             "--out", str(report), "--build-dir", str(tmp_path / "build")], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"error: {notebooks / '02_bad.ipynb'}: cell 3: ValueError: broken on purpose" in result.stderr
    assert f"kept at {tmp_path / 'build' / '02_bad.ipynb'}" in result.stderr
    assert "Traceback" not in result.stderr
    kept = json.loads((tmp_path / "build" / "02_bad.ipynb").read_text())  # written once, when the run ended: whole
    code = [c for c in kept["cells"] if c["cell_type"] == "code" and "injected-parameters" not in c["metadata"].get("tags", [])]
    assert [c["metadata"]["papermill"]["status"] for c in code] == ["completed", "completed", "failed"]
    assert code[2]["outputs"][0]["evalue"] == "broken on purpose"
    assert sorted(p.name for p in report.iterdir()) == ["briefing.pdf"]
    assert (report / "briefing.pdf").read_bytes() == b"last good report"


def test_jupyter_nbconvert_reaches_the_briefing_exporter(built: Path, tmp_path: Path):
    import subprocess
    import sys

    jupyter = Path(sys.executable).with_name("jupyter")
    result = subprocess.run([str(jupyter), "nbconvert", "--to", "briefing", str(built / "briefing.ipynb"),
                             "--output-dir", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "briefing.html").read_text(encoding="utf-8")
    assert "Information as of 31 December 2025" in html
    assert "<script" not in html and 'class="jp-InputArea' not in html


def test_the_published_notebook_runs_all_in_jupyterlab(built: Path):
    """report/briefing.ipynb, opened in JupyterLab and run with "Run All" in the project's kernel, runs without error
    and shows the charts again: each section brings its parameters and load cells."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(built / "briefing.ipynb", as_version=4)
    shown = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/svg+xml" in o.get("data", {}))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(nb, timeout=300, kernel_name=nb.metadata.kernelspec.name,
                   resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    again = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/svg+xml" in o.get("data", {}))
    assert shown > 0 and again == shown


def test_the_pdf_is_dated_as_published_not_as_built(pdf: pypdf.PdfReader):
    """The default edition is published on the day it is as of (31 December 2025): the PDF's creation date says so; the
    build date goes into its modification date."""
    from csto_briefing.parameters import build_date

    assert pdf.metadata.creation_date.date().isoformat() == "2025-12-31"
    assert pdf.metadata.modification_date.date() == build_date()
