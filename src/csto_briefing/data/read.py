"""Reading one table of data/ as strings: tolerant of what spreadsheets write, strict about what they mean.

A byte-order mark, Windows line endings, spaces around values and blank lines are read correctly.
A file that is not UTF-8, a missing or unknown column, or a row with the wrong number of fields is
refused with a `Problem` naming the file and line. Types are checked by `validate`; `dataset.load_dataset`
returns typed pandas frames only once every table has passed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .. import paths
from .codebook import Table
from ..errors import Problem

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


def split_ids(cell: str) -> list[str]:
    """The ids of a ';'-separated cell."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]
