"""Dates, times, numbers and citations as the briefing prints them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..data.dates import parse_partial_date
from ..data.read import split_ids

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
class _Cities(dict):
    """City names by IANA zone. A zone not listed (any zone the validator accepts) is named after its last part:
    'Asia/Tbilisi' -> 'Tbilisi', 'America/Argentina/Buenos_Aires' -> 'Buenos Aires'; never a KeyError."""

    def __missing__(self, zone: str) -> str:
        return str(zone).rsplit("/", 1)[-1].replace("_", " ")

    def get(self, zone, default=None):  # type: ignore[override]
        return self[zone]


CITY = _Cities({"Asia/Almaty": "Almaty", "Asia/Yerevan": "Yerevan", "Europe/Moscow": "Moscow", "Asia/Bishkek": "Bishkek",
                "Asia/Dushanbe": "Dushanbe", "Europe/Minsk": "Minsk", "Asia/Baku": "Baku", "Asia/Tashkent": "Tashkent"})


def fmt_date(value: str | date) -> str:
    """'2022-01-05' -> '5 January 2022'; '2022-01' -> 'January 2022'; '2022' -> '2022'."""
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    parsed = parse_partial_date(str(value))
    if parsed is None:
        return str(value)
    year, month, day = parsed
    if day:
        return f"{day} {MONTHS[(month or 1) - 1]} {year}"
    if month:
        return f"{MONTHS[month - 1]} {year}"
    return str(year)


def utc_offset(day: str, time: str, tz: str) -> str:
    """'UTC+6' for that local date and time in that zone."""
    local = datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZoneInfo(tz))
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    return f"UTC{hours:+d}"


def fmt_time(day: str, time: str, tz: str, approximate: bool = False) -> str:
    """'01:30 Almaty time (UTC+6)'; 'about 02:00 Yerevan time (UTC+4)'."""
    if not time:
        return ""
    city = CITY.get(tz, tz)
    return f"{'about ' if approximate else ''}{time} {city} time ({utc_offset(day, time, tz)})"


WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def words(value: int) -> str:
    """House style: whole numbers one to nine in words, larger ones in figures ('five', '12', '2,030')."""
    return WORDS[int(value)] if float(value).is_integer() and 0 <= int(value) <= 9 else fmt_number(value)


def fmt_number(value: float | int) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


QUALIFIER_WORDS = {"exact": "", "about": "about ", "over": "over ", "at_least": "at least ", "at_most": "at most ",
                   "almost": "almost "}


def fmt_figure(value: float, qualifier: str, unit: str = "") -> str:
    text = f"{QUALIFIER_WORDS.get(qualifier, '')}{fmt_number(value)}"
    return f"{text} {unit}".strip() if unit else text


def cite(source_numbers: dict[str, int], ids: str | list[str]) -> Markup:
    """Numbered links to the bibliography: [3][12]."""
    ids = split_ids(ids) if isinstance(ids, str) else ids
    parts = [Markup('<a class="cite" href="#src-{0}">[{1}]</a>').format(i, source_numbers[i]) for i in ids if i in source_numbers]
    return Markup("").join(parts)


def safe_link(url: str, text: str | None = None) -> Markup:
    """A clickable link for http(s) addresses only; anything else is shown as plain text."""
    label = text if text is not None else url
    if url.lower().startswith(("http://", "https://")):
        return Markup('<a href="{0}">{1}</a>').format(url, label)
    return escape(label)
