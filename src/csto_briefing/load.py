"""Reading data/*.csv: tolerant of what spreadsheets write, strict about what they mean.

A byte-order mark, Windows line endings, spaces around values and blank lines are read correctly.
A file that is not UTF-8, a missing or unknown column, or a row with the wrong number of fields is
refused with a `Problem` naming the file and line. Types are checked by `validate`; `load_dataset`
returns typed pandas frames only once every table has passed.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .codebook import Codebook, Table, load_codebook
from .errors import DataError, Problem  # noqa: F401 - re-exported
from .hashing import VALIDATED_ENV, codebook_path, fingerprint  # noqa: F401 - re-exported

LINE = "_line"  # index name: the line of the row as a spreadsheet numbers it (header = 1)


def read_raw(path: Path, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one table as strings, indexed by line number. Returns the frame (None when the file
    cannot be read at all) and the problems found."""
    shown = paths.display_path(path)
    problems: list[Problem] = []
    empty = None
    if not path.is_file():
        return empty, [Problem(shown, 0, "", f"file is missing (the codebook lists table '{table.name}')")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return empty, [Problem(shown, line, "", f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as 'CSV UTF-8'")]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    last_line = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank line
            cells = [cell.strip() for cell in record]
            if header is None:
                header = cells
                header_line = start
                continue
            if len(cells) != len(header):
                problems.append(Problem(shown, start, "", f"has {len(cells)} fields, the header has {len(header)} (check for a stray or missing comma or quote)"))
                continue
            rows.append(cells)
            lines.append(start)
    except csv.Error as exc:
        return empty, [Problem(shown, reader.line_num, "", f"cannot be read as CSV ({exc})")]
    if header is None:
        return empty, [Problem(shown, 1, "", f"is empty; expected a header row: {','.join(table.columns)}")]
    expected = list(table.columns)
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in table.columns]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    for c in missing:
        problems.append(Problem(shown, header_line, c, f"column is missing (expected columns: {','.join(expected)})"))
    for c in unknown:
        problems.append(Problem(shown, header_line, c, "column is not in the codebook (add it to data/codebook.yaml or remove it)"))
    for c in duplicated:
        problems.append(Problem(shown, header_line, c, "column appears twice"))
    if missing or unknown or duplicated:
        return empty, problems
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name=LINE), dtype=str)
    return frame[expected], problems


READS: set[str] = set()  # the tables read since the last reset: what a notebook's outputs depend on


class TrackedTables(dict):
    """The tables by name, recording each one read into READS (the build re-runs a notebook when a table it read changes)."""

    def __getitem__(self, name: str) -> pd.DataFrame:
        READS.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default=None):  # type: ignore[override]
        READS.add(name)
        return super().get(name, default)


def reset_reads() -> None:
    READS.clear()


@dataclass
class Dataset:
    """The validated tables, typed: integers as Int64, numbers as float, everything else as str ('' = empty)."""

    codebook: Codebook
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    data_dir: Path = paths.DATA_DIR

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]  # recorded in READS
        raise AttributeError(name)

    def source(self, source_id: str) -> pd.Series:
        return self.tables["sources"].set_index("source_id").loc[source_id]

    def state_name(self, iso3: str) -> str:
        states = self.tables["states"].set_index("iso3")
        return str(states.loc[iso3, "name_en"]) if iso3 in states.index else iso3


def split_ids(cell: str) -> list[str]:
    """The ids of a ';'-separated cell."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def _typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = frame.copy()
    for name, column in table.columns.items():
        if column.type == "integer":
            out[name] = pd.array([int(v) if v != "" else None for v in out[name]], dtype="Int64")
        elif column.type == "number":
            out[name] = pd.array([float(v) if v != "" else None for v in out[name]], dtype="Float64")
    return out.reset_index()


def load_dataset(data_dir: Path | None = None, codebook: Codebook | None = None) -> Dataset:
    """Read and validate every table; raise DataError listing every problem, or return typed tables.

    When the build has validated these exact files already (same fingerprint in the environment),
    the pandera checks are not run again in each notebook's kernel."""
    from .validate import validate_frames  # local import: validate imports this module

    data_dir = Path(data_dir or paths.DATA_DIR)
    codebook = codebook or load_codebook(codebook_path(data_dir))
    raw: dict[str, pd.DataFrame | None] = {}
    problems: list[Problem] = []
    for name, table in codebook.tables.items():
        frame, found = read_raw(data_dir / table.file, table)
        raw[name] = frame
        problems.extend(found)
    if os.environ.get(VALIDATED_ENV) != fingerprint(data_dir, codebook_path(data_dir)):
        problems.extend(validate_frames(raw, codebook, data_dir))
    if problems:
        raise DataError(problems)
    return Dataset(codebook, TrackedTables({name: _typed(raw[name], codebook.tables[name]) for name in raw}), data_dir)
