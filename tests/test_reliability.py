"""Reliability: a failure at any stage keeps the last good report; data text is only ever shown as text;
the build needs no network and writes only under its build folder, its report folder and its temporary folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pypdf
import pytest

from csto_briefing import paths
from csto_briefing.errors import BuildError
from csto_briefing.pipeline.build import build
from csto_briefing.pipeline.config import BuildConfig
from csto_briefing.present.formatting import safe_link

from .conftest import edit_cell

# make test runs two pytest-xdist workers (--dist loadgroup): the tests that change or compare files of the project
# itself run on one worker, one after the other (this module compares every file of the project before and after a build).
pytestmark = pytest.mark.xdist_group("project-files")

CLI = [sys.executable, "-m", "csto_briefing.cli"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def last_good_report(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "briefing.pdf").write_bytes(b"%PDF last good")
    (folder / "briefing.html").write_text("<p>last good</p>", encoding="utf-8")
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "figure1_timeline.svg").write_text("<svg/>", encoding="utf-8")
    return folder


def tiny_notebooks(folder: Path, extra: str = "") -> Path:
    """One notebook that renders the title block (and runs `extra`): a fast stand-in for notebooks/."""
    folder.mkdir(parents=True, exist_ok=True)
    params = nbformat.v4.new_code_cell('as_of = "2025-12-31"\ndata_dir = ""\nfigures_dir = ""')
    params.metadata["tags"] = ["parameters"]
    cells = [params, nbformat.v4.new_code_cell(
        "from csto_briefing.present.output import html\nfrom csto_briefing.briefing import Briefing\n"
        "from csto_briefing.present.formatting import fmt_date\n"
        "b = Briefing.load(as_of, data_dir or None, figures_dir or None)\n"
        "html(b, f'<h1>{b.title}</h1><p>Information as of {fmt_date(b.as_of)}</p>')")]
    if extra:
        cells.append(nbformat.v4.new_code_cell(extra))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_title.ipynb")
    return folder


def test_pdf_engine_failure_keeps_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import weasyprint

    report = last_good_report(tmp_path / "report")
    before = snapshot(report)

    def broken(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    config = BuildConfig(notebooks_dir=tiny_notebooks(tmp_path / "nb"), report_dir=report, build_dir=tmp_path / "build",
                         log=lambda line: None)
    with pytest.raises(BuildError, match=r"^the PDF engine \(WeasyPrint\) failed: OSError: cannot load library 'libpango-1.0-0'$"):
        build(config)
    assert snapshot(report) == before
    assert not list(report.glob(".staging-*"))


def test_a_successful_build_replaces_the_report(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    config = BuildConfig(notebooks_dir=tiny_notebooks(tmp_path / "nb"), report_dir=report, build_dir=tmp_path / "build",
                         log=lambda line: None)
    build(config)
    assert (report / "briefing.pdf").read_bytes().startswith(b"%PDF-")
    assert not (report / "figures" / "figure1_timeline.svg").exists()  # the figures folder is replaced whole
    assert not list(report.glob(".staging-*"))


def test_ctrl_c_during_the_notebooks_keeps_the_report(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    notebooks = tiny_notebooks(tmp_path / "nb", extra="import time\ntime.sleep(60)")
    proc = subprocess.Popen([*CLI, "build", "--notebooks", str(notebooks), "--out", str(report),
                             "--build-dir", str(tmp_path / "build")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / "build" / "01_title.ipynb").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; the report was not changed" in stderr
    assert snapshot(report) == before
    assert not list(report.glob(".staging-*"))


def test_only_web_addresses_become_links():
    assert str(safe_link("https://example.org/a?b=1&c=2")) == '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>'
    assert str(safe_link("javascript:alert(1)")) == "javascript:alert(1)"
    assert str(safe_link("ftp://example.org/<b>")) == "ftp://example.org/&lt;b&gt;"


def test_a_non_web_source_address_is_refused_by_validation(data_copy: Path):
    from csto_briefing.data.dataset import check_data as validate

    line = edit_cell(data_copy / "sources.csv", "tass-2022-01-06", "url", "javascript:alert(1)")
    assert f"{data_copy / 'sources.csv'}:{line}: url: 'javascript:alert(1)' is not a web address (http:// or https://...)" in \
        [str(p) for p in validate(data_copy)]


PAYLOADS = {
    "q-marukyan": "<script>alert('x')</script> and <img src=x onerror=alert(1)>",
    "q-ghevondyan": "[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">link</a>",
    "q-pashinyan-speed": "*bold* _em_ | a | b | `code` # not a heading",
    "q-zas-2500": "costs $5 and $10 $x^2$ \\(y\\) \\textbf{bold} \\input{/etc/passwd}",
    "q-mirzoyan": "{{ 7*7 }} {% if true %}yes{% endif %} {# comment #}",
    "q-peskov": "\u202eright-to-left\u202c \u200fmark\u200f zero\u200bwidth\u200d joiner",
    "q-pankin": "Հայաստան Армения — mixed scripts",
    "q-timakova": " ".join(["longline"] * 560) + " " + "x" * 300,
}


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    def handle_data(self, data):
        self.text.append(data)


def _visible(text: str) -> str:
    """Text as a reader sees it: no white space, no invisible format characters."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """The full briefing built from data holding hostile text and one changed number, offline, with HOME and
    TMPDIR of its own."""
    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    shutil.copytree(paths.DATA_DIR, data)
    for quote_id, payload in PAYLOADS.items():
        edit_cell(data / "commentary.csv", quote_id, "quote", payload)
    path = data / "positions.csv"  # and one number changed: the text must follow the data
    path.write_text(path.read_text(encoding="utf-8").replace("KAZ-2022-01,TJK,contributor,200,", "KAZ-2022-01,TJK,contributor,230,"),
                    encoding="utf-8")
    home, tmpdir = tmp / "home", tmp / "tmp"
    home.mkdir()
    tmpdir.mkdir()
    project_before = _project_files()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmpdir),
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": ""}
    command = [*CLI, "build", "--data", str(data), "--out", str(tmp / "report"), "--build-dir", str(tmp / "build")]
    offline = [sys.executable, str(Path(__file__).with_name("offline.py"))]
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", *offline, "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-rn", *offline, *command]  # a network namespace with nothing but loopback
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    (tmp / "stderr.txt").write_text(result.stderr, encoding="utf-8")
    assert list(home.iterdir()) == [], "the build wrote into HOME"
    return tmp / "report", tmp, project_before


def _project_files() -> dict[str, bytes]:
    """Every file of the project, the project's own build/ and report/ included (a build told to write elsewhere
    must not touch them)."""
    skip = {".venv", ".venv-bench", ".git", ".pytest_cache"}
    files = {}
    for path in sorted(paths.ROOT.rglob("*")):
        parts = path.relative_to(paths.ROOT).parts
        if path.is_file() and parts[0] not in skip and "__pycache__" not in parts and not parts[0].endswith(".egg-info"):
            files[path.relative_to(paths.ROOT).as_posix()] = path.read_bytes()
    return files


def test_hostile_text_is_shown_literally_in_the_html(hostile_build):
    report, _, _ = hostile_build
    parser = _Markup()
    parser.feed((report / "briefing.html").read_text(encoding="utf-8"))
    text = straight("".join(parser.text))
    for payload in PAYLOADS.values():
        assert payload in text
    assert "script" not in parser.tags
    figures = len(list((report / "figures").glob("figure*.svg")))
    assert figures and parser.tags.count("img") == figures  # the charts, nothing from the data
    assert all(v.startswith("data:image/svg+xml;base64,") for tag, name, v in parser.attrs if tag == "img" and name == "src")
    assert not [a for a in parser.attrs if a[1].startswith("on")]
    assert not [a for a in parser.attrs if "javascript:" in a[2].lower()]
    assert "49" not in text.split("{{ 7*7 }}")[0][-5:]


def straight(text: str) -> str:
    """Quotes straight: the built text sets typographic apostrophes and quotes (’ ‘ “ ”) in what the data says."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def _body_text(pdf: pypdf.PdfReader) -> str:
    """The pages' text without the running header and footer, so that text running across pages reads on; apostrophes
    straight."""
    from csto_briefing.parameters import DEFAULTS
    from csto_briefing.pipeline.export import running_title

    title = DEFAULTS["title"]
    short = running_title(title)  # the running header: the whole title without its full stop (export.py)
    running = re.compile(rf"^(page \d+ of \d+|Information as of .*|{re.escape(title)}|{re.escape(short)}( · .*)?)$")
    lines = [straight(line) for page in pdf.pages for line in page.extract_text().splitlines()]
    return "\n".join(line for line in lines if not running.match(line.strip()))


# What a reader sees where it differs from the stored characters: a right-to-left override shows its text reversed.
SEEN_IN_PDF = {"q-peskov": "tfel-ot-thgir mark zero width joiner"}


def test_hostile_text_is_shown_literally_in_the_pdf(hostile_build):
    report, _, _ = hostile_build
    text = _visible(_body_text(pypdf.PdfReader(report / "briefing.pdf")))
    for quote_id, payload in PAYLOADS.items():
        assert _visible(SEEN_IN_PDF.get(quote_id, payload)) in text, quote_id


def test_a_clean_build_prints_no_warning_a_user_cannot_act_on(hostile_build):
    _, tmp, _ = hostile_build
    stderr = (tmp / "stderr.txt").read_text(encoding="utf-8")
    assert "Warning" not in stderr and "Traceback" not in stderr and "is not a writable location" not in stderr, stderr


def test_the_build_writes_only_where_it_is_told(hostile_build):
    _, _, before = hostile_build
    assert _project_files() == before


def test_a_changed_number_in_the_data_reaches_the_text(hostile_build):
    report, _, _ = hostile_build
    parser = _Markup()
    parser.feed((report / "briefing.html").read_text(encoding="utf-8"))
    html = re.sub(r"\s+", " ", "".join(parser.text))
    pdf = re.sub(r"\s+", " ", _body_text(pypdf.PdfReader(report / "briefing.pdf")))
    for text in (html, pdf):
        assert "Tajikistan 230" in text and "Tajikistan 200" not in text
