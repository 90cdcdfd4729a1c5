"""The dataset a briefing is built from: every table read, validated and typed, recording which tables are read."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import DataError, Problem
from ..hashing import VALIDATED_ENV, codebook_path, fingerprint
from .codebook import Codebook, CodebookError, Table, load_codebook
from .read import not_a_plain_file, read_raw
from .validate import plausibility_problems, validate_frames


class TrackedTables(dict):
    """The tables by name, recording in `reads` each one read (the build re-runs a notebook when a table it read changes)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reads: set[str] = set()

    def __getitem__(self, name: str) -> pd.DataFrame:
        self.reads.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default=None):  # type: ignore[override]
        self.reads.add(name)
        return super().get(name, default)


@dataclass
class Dataset:
    """The validated tables, typed: integers as Int64, numbers as float, everything else as str ('' = empty)."""

    codebook: Codebook
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    data_dir: Path = paths.DATA_DIR

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]  # recorded in tables.reads
        raise AttributeError(name)

    def source(self, source_id: str) -> pd.Series:
        return self.tables["sources"].set_index("source_id").loc[source_id]

    def state_name(self, iso3: str) -> str:
        states = self.tables["states"].set_index("iso3")
        return str(states.loc[iso3, "name_en"]) if iso3 in states.index else iso3




def _typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = frame.copy()
    for name, column in table.columns.items():
        if column.type == "integer":
            out[name] = pd.array([int(v) if v != "" else None for v in out[name]], dtype="Int64")
        elif column.type == "number":
            out[name] = pd.array([float(v) if v != "" else None for v in out[name]], dtype="Float64")
    return out.reset_index()


# The tables of the data the build validated, read once in the kernels' warm parent (pipeline/kernels.py) before it
# forks them: {(data folder, fingerprint): (codebook, typed tables)}, one entry at most. Each kernel gets copies.
_validated: dict[tuple[str, str], tuple[Codebook, dict[str, pd.DataFrame]]] = {}


def load_dataset(data_dir: Path | None = None, codebook: Codebook | None = None) -> Dataset:
    """Read and validate every table; raise DataError listing every problem, or return typed tables.

    When the build has validated these exact files already (same fingerprint in the environment),
    the pandera checks are not run again in each notebook's kernel, and the tables the warm parent read
    (`keep_validated`) are copied instead of read again."""
    data_dir = Path(data_dir or paths.DATA_DIR)
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "folder is missing"
        raise DataError([Problem(paths.display_path(data_dir), 0, "", f"{what} (the tables and codebook.yaml live there)")])
    validated = os.environ.get(VALIDATED_ENV)
    if validated and codebook is None and _validated:
        kept = _validated.get((str(data_dir.resolve()), validated))
        if kept is not None and fingerprint(data_dir, codebook_path(data_dir)) == validated:
            return Dataset(copy.deepcopy(kept[0]), TrackedTables({name: frame.copy() for name, frame in kept[1].items()}), data_dir)
    try:
        codebook = codebook or load_codebook(codebook_path(data_dir))
    except CodebookError as exc:
        where, _, message = str(exc).partition(": ")
        raise DataError([Problem(where, 0, "", message)]) from None
    raw: dict[str, pd.DataFrame | None] = {}
    problems: list[Problem] = []
    for name, table in codebook.tables.items():
        frame, found = read_raw(data_dir / table.file, table)
        raw[name] = frame
        problems.extend(found)
    listed = {table.file for table in codebook.tables.values()}
    for path in sorted(data_dir.glob("*.csv")):  # a file the codebook does not list is ignored, but never read if odd
        if path.name not in listed and (odd := not_a_plain_file(path, paths.display_path(path), None)) is not None:
            problems.append(odd)
    if problems or not validated or validated != fingerprint(data_dir, codebook_path(data_dir)):
        problems.extend(validate_frames(raw, codebook, data_dir))
        problems.extend(plausibility_problems(raw, codebook, data_dir))
    if problems:
        raise DataError(problems)
    return Dataset(codebook, TrackedTables({name: _typed(raw[name], codebook.tables[name]) for name in raw}), data_dir)


def keep_validated(data_dir: Path) -> None:
    """Read the tables the build validated (the fingerprint in the environment) and keep them for load_dataset: done
    once by the kernels' warm parent, so that each kernel forked from it copies them instead of reading them again.
    Nothing is kept when the data is not the validated data."""
    validated = os.environ.get(VALIDATED_ENV)
    data_dir = Path(data_dir)
    if not validated or not data_dir.is_dir() or fingerprint(data_dir, codebook_path(data_dir)) != validated:
        return
    data = load_dataset(data_dir)
    _validated.clear()
    _validated[(str(data_dir.resolve()), validated)] = (data.codebook, dict(data.tables))


def check_data(data_dir: Path | None = None) -> list[Problem]:
    """Validate data_dir (default data/): the list of problems, empty when all is well."""
    try:
        load_dataset(data_dir)
    except DataError as exc:
        return exc.problems
    return []
