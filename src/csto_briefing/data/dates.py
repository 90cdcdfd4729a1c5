"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD): parsing and the periods they stand for. No heavy imports."""

from __future__ import annotations

import calendar
import re
from datetime import date

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' if it is a real calendar date, else None."""
    match = DATE_RE.match(value)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def date_precision_of(value: str) -> str | None:
    parsed = parse_partial_date(value)
    if parsed is None:
        return None
    return "day" if parsed[2] else "month" if parsed[1] else "year"


def period_end(value: str) -> date:
    """The last day a partial date can mean: '2022' -> 2022-12-31, '2022-01' -> 2022-01-31."""
    parsed = parse_partial_date(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = parsed
    if day:
        return date(year, month or 1, day)
    if month:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 12, 31)


def period_start(value: str) -> date:
    """The first day a partial date can mean: '2022-01' -> 2022-01-01."""
    parsed = parse_partial_date(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = parsed
    return date(year, month or 1, day or 1)
