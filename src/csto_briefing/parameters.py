"""The build's parameters, declared once: names, types, defaults, allowed values and what each means.

The notebooks' `parameters` cells hold the same names and defaults (a test checks it); the build checks
every value here before any kernel starts, and each notebook checks them again when it loads the data,
so that `papermill notebooks/02_timeline.ipynb out.ipynb -p as_of 2022-01-07` is checked too.
A value is data, never code: it reaches a notebook as a literal and is used only as the type it must be."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

TITLE = "The CSTO answered Kazakhstan within hours. Armenia's appeals brought no troops."
SUBTITLE = "The Collective Security Treaty Organization and the appeals for help of its members, 2010-2025"


def build_date() -> date:
    """The date of this build: from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch and epoch.isascii() and epoch.isdigit() else datetime.now(UTC)
    return moment.date()


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # date | optional_date | case | cases | text | path
    default: str
    help: str


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("as_of", "date", "2025-12-31", "the date the briefing is as of (YYYY-MM-DD)"),
    Parameter("since", "optional_date", "", "an earlier date (YYYY-MM-DD): adds 'What changed since'; empty: no such section"),
    Parameter("focus", "case", "KAZ-2022-01", "the case the briefing is about (a case_id of data/cases.csv)"),
    Parameter("compare", "cases", "", "the cases set beside it, ';'-separated case_ids; empty: all the others"),
    Parameter("title", "text", TITLE, "the edition's title"),
    Parameter("edition", "text", "", "the edition's name, printed in the title block; empty: none"),
    Parameter("author", "text", "csto-briefing research desk", "the publishing desk, printed and set as the PDF's author"),
    Parameter("data_dir", "path", "", "data folder; empty: the project's data/"),
    Parameter("figures_dir", "path", "", "where charts are also saved as SVG and PNG; empty: not saved"),
)
BY_NAME = {p.name: p for p in PARAMETERS}
DEFAULTS = {p.name: p.default for p in PARAMETERS}
KINDS = {"date": "a date (YYYY-MM-DD)", "optional_date": "a date (YYYY-MM-DD) or empty", "case": "a case_id",
         "cases": "case_ids separated by ';'", "text": "text", "path": "a folder path"}


# Cases every edition draws whatever its focus: today's timeline chart always has a lane for the default focus case,
# and cannot draw it before that case's first event. as_of is refused before the first event of these cases too.
ALWAYS_SHOWN: tuple[str, ...] = (DEFAULTS["focus"],)


class ParameterError(ValueError):
    """One or more parameters are invalid; each line names the parameter, the value and what would be valid."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


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


def split_cases(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def check(values: dict[str, Any], case_ids: list[str] | None = None,
          date_range: tuple[date, date] | None = None, first_dates: dict[str, date] | None = None) -> dict[str, str]:
    """Every parameter, with defaults filled in and values as strings; raises ParameterError listing every problem.

    With case_ids and date_range (from the data) the values are also checked against the data. With first_dates
    (each case's first known event, from the data), as_of must also be on or after the focus case's first event:
    the range of dates that builds an edition about that case, which the message gives."""
    problems: list[str] = []
    out = dict(DEFAULTS)
    for name, value in values.items():
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(f"parameter {name!r}: unknown ({hint}valid: {', '.join(BY_NAME)})")
            continue
        kind = BY_NAME[name].kind
        if kind == "cases" and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = ";".join(value)
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
            elif name == "as_of" and date_range and first_dates and out["focus"] in first_dates:
                start, case = max((first_dates[c], c) for c in {out["focus"], *ALWAYS_SHOWN} if c in first_dates)
                start = max(start, date_range[0])
                why = "the focus case" if case == out["focus"] else "a case every edition's timeline draws"
                if not start <= day <= date_range[1]:
                    problems.append(f"parameter as_of: {value!r} is outside the range that builds: {start.isoformat()} "
                                    f"(the first event of {why}, {case}) to {date_range[1].isoformat()} (the data's last date)")
            elif date_range and not date_range[0] <= day <= date_range[1]:
                problems.append(f"parameter {name}: {value!r} is outside the data's range "
                                f"({date_range[0].isoformat()} to {date_range[1].isoformat()})")
        elif kind in ("case", "cases") and case_ids is not None:
            for case in ([value] if kind == "case" else split_cases(value)):
                if case not in case_ids:
                    problems.append(f"parameter {name}: {case!r} is not a case_id (one of: {', '.join(case_ids)})")
        elif kind == "text" and ("\n" in value or "\r" in value):
            problems.append(f"parameter {name}: {value!r} spans several lines (give one line of text)")
        elif kind == "text" and (bad := _CONTROL.search(value)):
            problems.append(f"parameter {name}: {value!r} contains the control character U+{ord(bad.group()):04X} "
                            f"(give plain text: no control characters other than tab)")
    as_of, since = _as_date(out["as_of"]), _as_date(out["since"]) if out["since"] else None
    if as_of and since and since >= as_of:
        problems.append(f"parameter since: {out['since']!r} is not before as_of {out['as_of']!r} (since must be earlier)")
    if problems:
        raise ParameterError(problems)
    return out
