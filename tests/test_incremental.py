"""Incremental and reproducible builds: nothing changed, nothing runs; one table changed, only the notebooks
that read it run; the template changed, only the export runs; a clean rebuild gives the same bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from csto_briefing import hashing, paths
from csto_briefing.pipeline.build import build
from csto_briefing.pipeline.config import BuildConfig
from csto_briefing.pipeline.state import read_state

# make test runs two pytest-xdist workers (--dist loadgroup): the tests that change or compare files of the project
# itself run on one worker, one after the other (this module edits the export stylesheet in the package).
pytestmark = pytest.mark.xdist_group("project-files")

# A briefing of four notebooks: two that read data/commentary.csv (02 also shows a chart, 08 the quote edited
# below), two that do not (01 the front page, 11 the bibliography every citation needs).
NOTEBOOKS = ["01_front.ipynb", "02_kazakhstan.ipynb", "08_annex_c_statements.ipynb", "11_annex_f_method.ipynb"]


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.notebooks = root / "notebooks"
        self.lines: list[str] = []

    def config(self) -> BuildConfig:
        return BuildConfig(data_dir=self.data, notebooks_dir=self.notebooks, build_dir=self.root / "build",
                           report_dir=self.root / "report", log=self.lines.append)

    def build(self) -> list[Path]:
        self.lines.clear()
        return build(self.config())

    def executed(self) -> set[str]:
        return {line.split("] ", 1)[1].split(" (")[0].rsplit("/", 1)[-1] for line in self.lines if line.startswith("[")}

    def snapshot(self) -> dict[str, bytes]:
        files = {f"report/{p.relative_to(self.root / 'report').as_posix()}": p.read_bytes()
                 for p in (self.root / "report").rglob("*") if p.is_file()}
        files.update({f"build/{p.name}": p.read_bytes() for p in (self.root / "build").glob("*.ipynb")})
        files.update({f"build/figures/{p.name}": p.read_bytes() for p in (self.root / "build" / "figures").glob("*")})
        return files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, bytes]]:
    """A project of its own (a copy of data/ and of four notebooks), built once with the PDF: each test here changes
    an input and puts it back as it was; the session's shared builds are never changed."""
    project = Project(tmp_path_factory.mktemp("incremental"))
    shutil.copytree(paths.DATA_DIR, project.data)
    project.notebooks.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(paths.NOTEBOOKS_DIR / name, project.notebooks / name)
    project.build()
    assert len(project.executed()) == len(NOTEBOOKS)
    return project, project.snapshot()


def test_nothing_changed_nothing_runs(project):
    p, first = project
    assert p.build() == []
    assert p.executed() == set() and p.lines[-1].startswith(f"{p.root / 'report'} is up to date")
    assert p.snapshot() == first


def test_one_table_changed_reruns_only_the_notebooks_that_read_it(project):
    p, _ = project
    reads = {name: entry["reads"] for name, entry in read_state(p.root / "build")["notebooks"].items()}
    readers = {name for name, tables in reads.items() if "commentary" in tables}
    assert readers and readers != set(reads)  # some notebooks read it, some do not
    table = p.data / "commentary.csv"
    original = table.read_bytes()
    table.write_bytes(original.replace(b"Interview with France 24.", b"Interview with France 24 (television)."))
    try:
        p.build()
        assert p.executed() == readers
        assert "Interview with France 24 (television)." in (p.root / "report" / "briefing.html").read_text(encoding="utf-8")
    finally:
        table.write_bytes(original)
    p.build()
    assert p.executed() == readers


def test_a_template_change_reexports_without_executing(project):
    """Edit the export stylesheet itself (restored afterwards): the report is exported again, no notebook runs,
    and the edit reaches the HTML."""
    p, _ = project
    stylesheet = paths.TEMPLATES_DIR / "briefing" / "briefing.css"
    original = stylesheet.read_bytes()
    stylesheet.write_bytes(original + b"\n/* edited by test_a_template_change_reexports_without_executing */\n")
    try:
        written = p.build()
        assert p.executed() == set()
        assert p.root / "report" / "briefing.pdf" in written
        assert "edited by test_a_template_change" in (p.root / "report" / "briefing.html").read_text(encoding="utf-8")
    finally:
        stylesheet.write_bytes(original)
    p.build()  # and back: the report follows the restored stylesheet
    assert p.executed() == set()
    assert "edited by test_a_template_change" not in (p.root / "report" / "briefing.html").read_text(encoding="utf-8")


def _edit_first_cell(notebook: Path, cell_type: str, text: str) -> bytes:
    """Append a line to the notebook's first cell of this type; returns the original bytes for the caller to put back."""
    original = notebook.read_bytes()
    nb = json.loads(original)
    cell = next(c for c in nb["cells"] if c["cell_type"] == cell_type  # one that the default edition exports
                and not {"note", "explore", "parameters"} & set(c["metadata"].get("tags", [])))
    cell["source"] = "".join(cell["source"]) + text
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return original


def test_a_markdown_edit_reexports_without_executing_and_a_code_edit_runs_that_notebook(project):
    """Execution is keyed on code cells; the export on everything (the prose comes from the source notebook)."""
    p, _ = project
    notebook = p.notebooks / "02_kazakhstan.ipynb"
    original = _edit_first_cell(notebook, "markdown", "\n\nA sentence added by the Markdown-edit test.")
    try:
        written = p.build()
        assert p.executed() == set()
        assert p.root / "report" / "briefing.html" in written
        assert "A sentence added by the Markdown-edit test." in (p.root / "report" / "briefing.html").read_text(encoding="utf-8")
    finally:
        notebook.write_bytes(original)
    p.build()
    assert p.executed() == set()
    assert "Markdown-edit test" not in (p.root / "report" / "briefing.html").read_text(encoding="utf-8")
    original = _edit_first_cell(notebook, "code", "\n# a comment added by the code-edit test")
    try:
        p.build()
        assert p.executed() == {notebook.name}
    finally:
        notebook.write_bytes(original)
    p.build()
    assert p.executed() == {notebook.name}


def test_a_clean_rebuild_gives_the_same_bytes(project):
    """After every edit above was put back, a build from scratch gives the bytes of the module's first build."""
    p, first = project
    shutil.rmtree(p.root / "build")
    shutil.rmtree(p.root / "report")
    p.build()
    assert len(p.executed()) == len(NOTEBOOKS)
    second = p.snapshot()
    assert sorted(second) == sorted(first)
    changed = [name for name in first if first[name] != second[name]]
    assert changed == [], _first_difference(first[changed[0]], second[changed[0]]) if changed else ""


def _first_difference(before: bytes, after: bytes) -> str:
    """Where two versions of a file part (one flaky failure in a two-worker run showed only which files differed)."""
    at = next((i for i, (x, y) in enumerate(zip(before, after)) if x != y), min(len(before), len(after)))
    return f"first difference at byte {at}: {before[max(0, at - 300):at + 300]!r} != {after[max(0, at - 300):at + 300]!r}"


def test_the_manifest_lists_inputs_parameters_versions_and_outputs(project):
    p, _ = project
    manifest = json.loads((p.root / "report" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["as_of"] == "2025-12-31"
    assert manifest["inputs"]["data/events.csv"] == hashing.sha256_file(p.data / "events.csv")
    assert "notebooks/01_front.ipynb" in manifest["inputs"] and "package code (csto_briefing)" in manifest["inputs"]
    assert {"python", "pandas", "papermill", "nbconvert", "weasyprint"} <= set(manifest["packages"])
    for name, digest in manifest["outputs"].items():
        assert hashing.sha256_file(p.root / "report" / name) == digest
    assert {"briefing.html", "briefing.pdf", "briefing.ipynb"} <= set(manifest["outputs"])


def test_modules_the_kernels_never_import_are_outside_their_key():
    """A kernel imports what the notebooks import; build, cli, editions and exporter must not be among them."""
    import subprocess
    import sys

    code = ("import sys; from csto_briefing import briefing, provenance; from csto_briefing.present import charts, formatting, output; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('csto_briefing'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    for module in hashing.NOT_IN_KERNELS:
        name = "csto_briefing." + module.removesuffix(".py").removesuffix("/").replace("/", ".")
        if not module.startswith("templates/"):
            assert not any(m == name or m.startswith(name + ".") for m in loaded), (module, loaded)
