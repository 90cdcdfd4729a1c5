"""The build's parameters, declared once: names, types, defaults, allowed values and what each means.

The notebooks' `parameters` cells hold the same names and defaults (a test checks it); the build checks
every value here before any kernel starts, and each notebook checks them again when it loads the data,
so that `papermill notebooks/02_kazakhstan.ipynb out.ipynb -p as_of 2022-01-07` is checked too.
A value is data, never code: it reaches a notebook as a literal and is used only as the type it must be."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from . import paths


class ParameterError(ValueError):
    """One or more parameters are invalid; each line names the parameter, the value and what would be valid."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


FRONT_MATTER = ("title", "author", "subtitle", "keywords")


def front_matter(root: Path | None = None) -> dict[str, str]:
    """The briefing's title, desk, subtitle and keywords, from briefing.toml at the project root (the story's words
    stay out of the package). A missing file or key is an error naming the file and what it must hold."""
    path = (root or paths.ROOT) / "briefing.toml"
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError([f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); it holds "
                              f"{', '.join(FRONT_MATTER)} as TOML strings"]) from None
    missing = [k for k in FRONT_MATTER if not isinstance(values.get(k), str)]
    if missing:
        raise ParameterError([f"{path}: {', '.join(missing)}: missing or not a string (it holds {', '.join(FRONT_MATTER)})"])
    return {k: values[k] for k in FRONT_MATTER}


def build_date() -> date:
    """The date of this build: from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch and epoch.isascii() and epoch.isdigit() else datetime.now(UTC)
    return moment.date()


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # date | optional_date | text | path
    default: str
    help: str


_FRONT = front_matter()
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("as_of", "date", "2025-12-31", "the date the briefing is as of (YYYY-MM-DD)"),
    Parameter("since", "optional_date", "", "an earlier date (YYYY-MM-DD): adds 'What changed since'; empty: no such section"),
    Parameter("title", "text", _FRONT["title"], "the edition's title"),
    Parameter("edition", "text", "", "the edition's name, printed in the title block; empty: none"),
    Parameter("author", "text", _FRONT["author"], "the publishing desk, printed and set as the PDF's author"),
    Parameter("published", "optional_date", "", "the publication date (YYYY-MM-DD) on the front page; empty: the as_of date"),
    Parameter("data_dir", "path", "", "data folder; empty: the project's data/"),
    Parameter("figures_dir", "path", "", "where charts are also saved as SVG and PNG; empty: not saved"),
)
BY_NAME = {p.name: p for p in PARAMETERS}
DEFAULTS = {p.name: p.default for p in PARAMETERS}
KINDS = {"date": "a date (YYYY-MM-DD)", "optional_date": "a date (YYYY-MM-DD) or empty", "text": "text",
         "path": "a folder path"}
IN_DATA_RANGE = ("as_of", "since")  # dates that must fall within the data's range (published may be any later day)


def parameters_cell_source() -> str:
    """The source of a notebook's `parameters` cell, generated from the declaration."""
    width = max(len(f"{p.name} = {p.default!r}") for p in PARAMETERS)
    return "\n".join(f"{f'{p.name} = {p.default!r}':<{width}}  # {p.help}" for p in PARAMETERS)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # as data/validate.py refuses in text


def _as_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 and value.isascii() else None
    except ValueError:
        return None


def check(values: dict[str, Any], case_ids: list[str] | None = None,
          date_range: tuple[date, date] | None = None, first_dates: dict[str, date] | None = None) -> dict[str, str]:
    """Every parameter, with defaults filled in and values as strings; raises ParameterError listing every problem.

    With date_range (from the data) as_of and since are also checked against the data; case_ids is accepted
    from callers that pass it and no longer used (no parameter names a case). With first_dates (each case's first
    known event, from the data), as_of must also be on or after the first event of an appeal: the range of dates
    that builds an edition, which the message gives."""
    problems: list[str] = []
    out = dict(DEFAULTS)
    for name, value in values.items():
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(f"parameter {name!r}: unknown ({hint}valid: {', '.join(BY_NAME)})")
            continue
        kind = BY_NAME[name].kind
        if isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str):
            what = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping",
                    type(None): "empty (null)"}.get(type(value), type(value).__name__)
            problems.append(f"parameter {name}: {value!r} is {what}, not {KINDS[kind]}; "
                            f"give it as a string, e.g. {name}={BY_NAME[name].default or 'value'!r}")
            continue
        out[name] = value
    for name, value in out.items():
        kind = BY_NAME[name].kind
        if kind in ("date", "optional_date") and (value or kind == "date"):
            day = _as_date(value)
            if day is None:
                problems.append(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD)")
            elif name == "as_of" and date_range and first_dates:
                start = max(min(first_dates.values()), date_range[0])
                if not start <= day <= date_range[1]:
                    problems.append(f"parameter as_of: {value!r} is outside the range that builds: {start.isoformat()} "
                                    f"(the first event of an appeal in the data) to {date_range[1].isoformat()} "
                                    "(the data's last date)")
            elif date_range and name in IN_DATA_RANGE and not date_range[0] <= day <= date_range[1]:
                problems.append(f"parameter {name}: {value!r} is outside the data's range "
                                f"({date_range[0].isoformat()} to {date_range[1].isoformat()})")
        elif kind == "text" and ("\n" in value or "\r" in value):
            problems.append(f"parameter {name}: {value!r} spans several lines (give one line of text)")
        elif kind == "text" and (bad := _CONTROL.search(value)):
            problems.append(f"parameter {name}: {value!r} contains the control character U+{ord(bad.group()):04X} "
                            f"(give plain text: no control characters other than tab)")
    as_of, since = _as_date(out["as_of"]), _as_date(out["since"]) if out["since"] else None
    if as_of and since and since >= as_of:
        problems.append(f"parameter since: {out['since']!r} is not before as_of {out['as_of']!r} (since must be earlier)")
    published = _as_date(out["published"]) if out["published"] else None
    if as_of and published and published < as_of:
        problems.append(f"parameter published: {out['published']!r} is before as_of {out['as_of']!r} "
                        "(an edition is published on or after the date it is as of)")
    if problems:
        raise ParameterError(problems)
    return out
