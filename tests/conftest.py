"""Shared fixtures: the project's paths, a scratch copy of data/, and one build of the briefing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csto_briefing import paths
from csto_briefing.pipeline.build import build
from csto_briefing.pipeline.config import BuildConfig

ROOT = paths.ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to break."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The briefing built once from the real data, with the default parameters, into a temporary folder."""
    out = tmp_path_factory.mktemp("built")
    config = BuildConfig(report_dir=out / "report", build_dir=out / "build", log=lambda line: None)
    build(config)
    return out / "report"


def edit_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of a CSV (row found by its first column); return the row's line number."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == row_id:
            row[header.index(column)] = value
            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            return number
    raise KeyError(row_id)
