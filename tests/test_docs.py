"""The README's data dictionary is the codebook's, word for word."""

import pytest

from csto_briefing import paths
from csto_briefing.data.codebook import data_dictionary_markdown, load_codebook

# make test runs two pytest-xdist workers (--dist loadgroup): the tests that change or compare files of the project
# itself run on one worker, one after the other (this module reads README.md, which test_robust_build edits for a moment).
pytestmark = pytest.mark.xdist_group("project-files")


def test_readme_data_dictionary_matches_the_codebook():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- data-dictionary:start -->\n", "<!-- data-dictionary:end -->"
    section = readme[readme.index(start) + len(start): readme.index(end)]
    assert section == data_dictionary_markdown(load_codebook()), "run: .venv/bin/csto-briefing dictionary, and paste it into README.md"


def _layout_entries(readme: str) -> list[str]:
    """The paths the README's layout block names: an entry indented under a folder lies in that folder."""
    block = readme.split("## Layout\n", 1)[1].split("```\n", 2)[1]
    entries, parents = [], []  # parents: (indent, folder path)
    for line in block.splitlines():
        name = line.split()[0] if line.strip() else ""
        if not name or not ("/" in name or "." in name) or "…" in line.split("  ")[0]:
            continue
        indent = len(line) - len(line.lstrip())
        parents = [(i, p) for i, p in parents if i < indent]
        path = (parents[-1][1] if parents else "") + name
        entries.append(path)
        if name.endswith("/"):
            parents.append((indent, path))
    return entries


def test_readme_layout_matches_the_tree():
    """Every path in the README's layout exists, and every module of the package is in the layout."""
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    entries = _layout_entries(readme)
    assert "src/csto_briefing/pipeline/build.py" in entries  # the parser reads nesting
    assert [e for e in entries if not (paths.ROOT / e).exists()] == []
    modules = sorted(p.relative_to(paths.ROOT).as_posix() for p in (paths.ROOT / "src" / "csto_briefing").rglob("*.py")
                     if p.name != "__init__.py")
    assert [m for m in modules if m not in entries] == []


def test_every_command_in_the_readme_names_a_real_target_or_program():
    """`make X` is a Makefile target; `.venv/bin/X` is a program `make env` installs (as written, from the project root)."""
    import re
    import sys
    from pathlib import Path

    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    used = set(re.findall(r"`?make ([a-z][a-z-]*)", readme))
    assert used and used - targets == set()
    programs = set(re.findall(r"\.venv/bin/([A-Za-z0-9_-]+)", readme))
    assert {"csto-briefing", "papermill", "jupyter"} <= programs
    venv_bin = Path(sys.executable).parent
    assert [p for p in programs if not (venv_bin / p).exists()] == []
