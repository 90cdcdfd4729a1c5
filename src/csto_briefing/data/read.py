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
from ..errors import Problem
from .codebook import Table

LINE = "_line"  # index name: the line of the row as a spreadsheet numbers it (header = 1)


def not_a_plain_file(path: Path, shown: str, table: Table | None) -> Problem | None:
    """A problem when path is not a regular file inside its own folder (a symlink elsewhere, a device, a folder).
    The target of a link is never named or read: it may be anything on the machine."""
    if path.is_symlink():
        try:
            inside = path.resolve(strict=True).is_relative_to(path.parent.resolve())
        except (OSError, RuntimeError):
            return Problem(shown, 0, "", "is a symbolic link to nothing readable; put the table itself in the folder")
        if not inside:
            return Problem(shown, 0, "", f"is a symbolic link to a file outside {paths.display_path(path.parent)}/; "
                                         "copy the table into the folder instead")
    if not path.exists():
        return Problem(shown, 0, "", f"file is missing (the codebook lists table '{table.name if table else path.stem}')")
    if not path.is_file():
        return Problem(shown, 0, "", "is not a regular file (a folder, device or pipe); put the table there as a CSV file")
    return None


def _semicolon_separated(header: list[str], table: Table) -> bool:
    """A header of one field that holds the expected column names separated by ';' (a spreadsheet's 'CSV' in many
    European locales)."""
    if len(header) != 1 or ";" not in header[0]:
        return False
    names = [part.strip().strip('"') for part in header[0].split(";")]
    return sum(name in table.columns for name in names) >= 2


def read_raw(path: Path, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one table as strings, indexed by line number. Returns the frame (None when the file
    cannot be read at all) and the problems found. The CSV module's own field-size limit never applies: the
    codebook declares the longest field allowed (plausible.max_length), which the validator checks."""
    shown = paths.display_path(path)
    problems: list[Problem] = []
    empty = None
    refused = not_a_plain_file(path, shown, table)
    if refused is not None:
        return empty, [refused]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return empty, [Problem(shown, 0, "", f"cannot be read ({exc.strerror or type(exc).__name__})")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return empty, [Problem(shown, line, "", f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as 'CSV UTF-8'")]
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # our own limit, declared in the codebook, is checked later
    try:
        return _parse(text, shown, table, problems)
    finally:
        csv.field_size_limit(limit)


def _parse(text: str, shown: str, table: Table, problems: list[Problem]) -> tuple[pd.DataFrame | None, list[Problem]]:
    empty = None
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
                if _semicolon_separated(header, table):
                    return empty, [Problem(shown, start, "", "is separated by semicolons (';'), as a spreadsheet saves "
                                                              "'CSV' in some locales; save it as 'CSV UTF-8 (comma-delimited)'")]
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
