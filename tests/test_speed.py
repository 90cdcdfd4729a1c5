"""Incremental work beyond the report: a second `make editions` with nothing changed does no work, and one change
rebuilds them."""

from __future__ import annotations

from pathlib import Path

import nbformat

from csto_briefing import paths


def test_a_second_editions_run_with_nothing_changed_does_no_work(tmp_path: Path):
    from csto_briefing.pipeline.editions import build_editions

    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    nbformat.write(nbformat.read(paths.NOTEBOOKS_DIR / "01_front.ipynb", as_version=4), notebooks / "01_front.ipynb")
    listing = tmp_path / "editions.yaml"
    listing.write_text("editions:\n  - {as_of: 2022-01-07}\n  - {as_of: 2022-01-20, since: 2022-01-07}\n", encoding="utf-8")
    lines: list[str] = []

    def run() -> list[Path]:
        lines.clear()
        return build_editions(listing, report_dir=tmp_path / "editions", build_dir=tmp_path / "build", notebooks_dir=notebooks,
                              pdf=False, log=lines.append)

    first = run()
    assert first and any(line.startswith("[2/2] ") for line in lines)
    index = (tmp_path / "editions" / "index.html").stat().st_mtime_ns
    assert run() == [] and lines == [f"{tmp_path / 'editions'} is up to date ({lines[0].rsplit('(', 1)[1]}"]
    assert not any(line.startswith("[") for line in lines)
    assert (tmp_path / "editions" / "index.html").stat().st_mtime_ns == index
    listing.write_text(listing.read_text(encoding="utf-8") + "  - {as_of: 2022-01-12}\n", encoding="utf-8")  # an input changed
    assert run() and any(line.startswith("[3/3] ") for line in lines)
