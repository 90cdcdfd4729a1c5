"""Validation of data/ against the codebook, with pandera doing the checking.

This module builds one pandera schema per table from data/codebook.yaml (types, vocabularies,
required values, unique keys, references between tables, cross-column rules), runs it lazily so
that every failure is collected, and turns pandera's failure cases into one line per problem:

    data/events.csv:14: date: '2022-13-05' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd
import pandera.pandas as pa

from .. import paths
from ..errors import Problem
from .codebook import Codebook, Column, Rule
from .dates import date_precision_of, parse_partial_date, period_end
from .read import split_ids

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _is_tz(value: str) -> bool:
    if value not in _zones():
        return False
    ZoneInfo(value)
    return True


def _is_number(value: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)?", value) is not None


# type -> (test for a non-empty value, what would be valid)
TYPE_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "id": (lambda v: bool(ID_RE.match(v)), "is not an id (letters, digits, hyphens and underscores, e.g. k-appeal)"),
    "text": (lambda v: "\n" not in v and "\r" not in v, "spans several lines (keep text on one line)"),
    "date": (lambda v: parse_partial_date(v) is not None, "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    "day": (lambda v: parse_partial_date(v) is not None and len(v) == 10, "is not a date (YYYY-MM-DD)"),
    "time": (lambda v: bool(TIME_RE.match(v)), "is not a time (HH:MM, from 00:00 to 23:59)"),
    "tz": (_is_tz, "is not an IANA time zone (e.g. Asia/Almaty, Asia/Yerevan, Europe/Moscow)"),
    "url": (lambda v: re.match(r"^https?://[^\s/$.?#][^\s]*$", v) is not None, "is not a web address (http:// or https://...)"),
    "integer": (lambda v: v.isdigit(), "is not a whole number (0 or more, no separators)"),
    "number": (_is_number, "is not a number (0 or more, e.g. 2030 or 3.5, no separators)"),
    "lang": (lambda v: re.fullmatch(r"[a-z]{2}", v) is not None, "is not a language code (two lower-case letters, e.g. en, ru, hy)"),
    "iso3": (lambda v: re.fullmatch(r"[A-Z]{3}", v) is not None, "is not an ISO 3166-1 alpha-3 code (three capitals, e.g. ARM)"),
}


class _Registry:
    """Maps the token given to each pandera Check to the column it concerns and a message builder."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, Callable[[str, pd.Series], str]]] = {}

    def add(self, column: str, message: Callable[[str, pd.Series], str]) -> str:
        token = f"csto-check-{len(self.entries)}"
        self.entries[token] = (column, message)
        return token


def _element_check(registry: _Registry, column: str, test: Callable[[str], bool], message: Callable[[str, pd.Series], str]) -> pa.Check:
    token = registry.add(column, message)
    return pa.Check(lambda v: v == "" or bool(test(v)), element_wise=True, error=token, name=token)


def _fixed(text: str) -> Callable[[str, pd.Series], str]:
    return lambda value, row: f"{value!r} {text}"


def _column_checks(registry: _Registry, column: Column, codebook: Codebook, ids: dict[str, set[str]]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    name = column.name
    if column.required:
        token = registry.add(name, lambda value, row: "is empty (a value is required)")
        checks.append(pa.Check(lambda v: v != "", element_wise=True, error=token, name=token))
    if column.type in TYPE_CHECKS:
        test, text = TYPE_CHECKS[column.type]
        checks.append(_element_check(registry, name, test, _fixed(text)))
    elif column.type == "vocab":
        allowed = codebook.vocabularies[column.vocab or ""]
        listing = ", ".join(allowed)
        checks.append(_element_check(registry, name, lambda v, a=allowed: v in a, _fixed(f"is not one of: {listing} (vocabulary '{column.vocab}')")))
    elif column.type in ("ref", "refs"):
        target_table, target_column = (column.ref or "").split(".")
        if f"{target_table}.{target_column}" not in ids:
            return checks  # the target table could not be read: its problem is reported, not every reference to it
        known = ids[f"{target_table}.{target_column}"]
        target_file = f"data/{codebook.tables[target_table].file}"
        if column.type == "ref":
            checks.append(_element_check(registry, name, lambda v, k=known: v in k,
                                         _fixed(f"is not a known {target_column} (an id from {target_file})")))
        else:
            def unknown(value: str, k: set[str] = known) -> list[str]:
                return [part for part in split_ids(value) if part not in k]

            def message(value: str, row: pd.Series, k: set[str] = known) -> str:
                bad = unknown(value, k)
                if not split_ids(value):
                    return f"{value!r} lists no id (ids from {target_file}, separated by ';')"
                return f"{', '.join(repr(b) for b in bad)} is not a known {target_column} (ids from {target_file}, separated by ';')"

            checks.append(_element_check(registry, name, lambda v, k=known: bool(split_ids(v)) and not unknown(v, k), message))
    return checks


def _condition(frame: pd.DataFrame, cond: dict) -> pd.Series:
    values = frame[cond["column"]]
    if "filled" in cond:
        return (values != "") if cond["filled"] else (values == "")
    if "in" in cond:
        return values.isin([str(v) for v in cond["in"]])
    if "not_in" in cond:
        return ~values.isin([str(v) for v in cond["not_in"]])
    if "matches_precision" in cond:
        other = frame[cond["matches_precision"]]
        return pd.Series([v == "" or date_precision_of(o) in (None, v) for v, o in zip(values, other)], index=frame.index)
    raise ValueError(f"unknown rule condition {cond}")


def _rule_check(registry: _Registry, rule: Rule) -> pa.Check:
    column = rule.then["column"]
    trigger = rule.if_["column"]

    def message(value: str, row: pd.Series) -> str:
        return f"{value!r} does not fit {trigger} {row[trigger]!r}: {rule.message}"

    token = registry.add(column, message)
    return pa.Check(lambda df: ~_condition(df, rule.if_) | _condition(df, rule.then), error=token, name=token)


def _unique_check(registry: _Registry, key: tuple[str, ...]) -> pa.Check:
    def first_seen(df: pd.DataFrame) -> pd.Series:
        return df.duplicated(subset=list(key), keep="first")

    def message(value: str, row: pd.Series) -> str:
        shown = ", ".join(f"{k} {row[k]!r}" for k in key)
        return f"{shown} is a duplicate (each row needs its own {' + '.join(key)})"

    token = registry.add(key[0], message)
    return pa.Check(lambda df: ~first_seen(df), error=token, name=token)


def build_schema(table_name: str, codebook: Codebook, ids: dict[str, set[str]], registry: _Registry) -> pa.DataFrameSchema:
    table = codebook.tables[table_name]
    columns = {
        name: pa.Column(str, checks=_column_checks(registry, column, codebook, ids), nullable=False, coerce=False)
        for name, column in table.columns.items()
    }
    wide = [_unique_check(registry, table.key)]
    wide += [_rule_check(registry, rule) for rule in codebook.rules if rule.table == table_name]
    return pa.DataFrameSchema(columns, checks=wide, strict=False, ordered=False)


def _known_ids(frames: dict[str, pd.DataFrame], codebook: Codebook) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for table in codebook.tables.values():
        for column in table.columns.values():
            if column.ref:
                target_table, target_column = column.ref.split(".")
                frame = frames.get(target_table)
                if frame is not None:
                    ids[column.ref] = set(frame[target_column])
    return ids


def validate_frames(frames: dict[str, pd.DataFrame | None], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """Every problem in the raw (string) frames, one Problem each; None stands for a table that could not be read."""
    ids = _known_ids(frames, codebook)
    problems: list[Problem] = []
    for name, frame in frames.items():
        if frame is None or frame.empty:
            continue
        registry = _Registry()
        schema = build_schema(name, codebook, ids, registry)
        shown = paths.display_path(data_dir / codebook.tables[name].file)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            seen: set[tuple[str, int]] = set()
            for check, line in zip(cases["check"], cases["index"]):
                if check not in registry.entries or line is None or (check, line) in seen:
                    if check not in registry.entries:
                        problems.append(Problem(shown, 0, "", f"unexpected validation failure: {check}"))
                    continue
                seen.add((check, line))
                column, message = registry.entries[check]
                row = frame.loc[int(line)]
                problems.append(Problem(shown, int(line), column, message(str(row[column]), row)))
    problems.extend(rows_and_sources_problems(frames, codebook, data_dir))
    return problems


# -- Rules across rows and tables: order within a day, certainty and verification from the sources, -----------
# -- and the sources of claims and positions issued by their as_of. Each rule is its own function; one Problem per bad row. ----

UNKNOWN_ORIGIN = "unknown"


def _shown(codebook: Codebook, data_dir: Path, table: str) -> str:
    return paths.display_path(data_dir / codebook.tables[table].file)


def _usable(frames: dict[str, pd.DataFrame | None], *names: str) -> bool:
    return all(frames.get(n) is not None and not frames[n].empty for n in names)


def order_within_day_problems(events: pd.DataFrame, shown: str) -> list[Problem]:
    """events.seq: unique within a date; on one date, events with clock times in the same zone are in time order."""
    problems: list[Problem] = []
    rows = [(int(line), r) for line, r in events.iterrows() if r["seq"].isdigit() and parse_partial_date(r["date"])]
    by_date: dict[str, list[tuple[int, pd.Series]]] = {}
    for line, r in rows:
        by_date.setdefault(r["date"], []).append((line, r))
    for day, group in by_date.items():
        first_line: dict[int, tuple[int, str]] = {}
        for line, r in group:
            seq = int(r["seq"])
            if seq in first_line:
                other_line, other_id = first_line[seq]
                problems.append(Problem(shown, line, "seq", f"{r['seq']!r} is also the seq of {other_id} (line {other_line}) on {day}: "
                                                        "each event of a date needs its own seq"))
            else:
                first_line[seq] = (line, r["event_id"])
        timed = [(line, r) for line, r in group if TIME_RE.match(r["time_local"]) and r["tz"]]
        for line, r in timed:
            for other_line, o in timed:
                if o["tz"] == r["tz"] and int(r["seq"]) < int(o["seq"]) and r["time_local"] > o["time_local"]:
                    problems.append(Problem(shown, line, "seq", f"{r['seq']!r} puts {r['event_id']} ({r['time_local']}) before "
                                                            f"{o['event_id']} (line {other_line}, seq {o['seq']}, {o['time_local']}) "
                                                            f"on {day}, {r['tz']}: seq must follow the clock times"))
    return problems


def _origins(ids: list[str], sources: pd.DataFrame) -> tuple[bool, dict[str, list[str]]]:
    """Whether a cited source is primary, and the known origins of the cited sources (origin -> source ids)."""
    primary = False
    origins: dict[str, list[str]] = {}
    for source_id in ids:
        if source_id not in sources.index:
            continue  # an unknown id is reported by the reference check
        primary |= sources.loc[source_id, "reliability"] == "primary"
        origin = sources.loc[source_id, "origin"]
        if origin and origin != UNKNOWN_ORIGIN:
            origins.setdefault(origin, []).append(source_id)
    return primary, origins


def _reports_text(origins: dict[str, list[str]]) -> str:
    if not origins:
        return "no report of known origin"
    reports = "; ".join(f"{origin}: {', '.join(ids)}" for origin, ids in origins.items())
    return f"{'one report' if len(origins) == 1 else f'{len(origins)} reports'} ({reports})"


# (table, certainty column, sources column): every column with the certainty vocabulary and the sources it rests on
CERTAINTY_COLUMNS = [("events", "certainty", "source_ids"), ("positions", "units_certainty", "units_source_ids")]


def certainty_problems(frames: dict[str, pd.DataFrame | None], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """certainty 'confirmed' = a primary source or reports of two or more origins (sources.reliability, sources.origin);
    'reported' = one report: a row citing more is 'confirmed' unless its note says why the reports do not confirm it."""
    problems: list[Problem] = []
    sources = frames["sources"].set_index("source_id")  # type: ignore[union-attr]
    for table, column, refs in CERTAINTY_COLUMNS:
        frame = frames.get(table)
        if frame is None or frame.empty or column not in frame or refs not in frame:
            continue
        for line, r in frame.iterrows():
            if r[column] == "reported" and not r.get("note", ""):
                primary, origins = _origins(split_ids(r[refs]), sources)
                if primary or len(origins) >= 2:
                    problems.append(Problem(_shown(codebook, data_dir, table), int(line), column,
                                            f"'reported' is for one report; {refs} give "
                                            f"{'a primary source' if primary else _reports_text(origins)}: use 'confirmed', "
                                            "or say in note why they do not confirm the same thing"))
                continue
            if r[column] != "confirmed":
                continue
            primary, origins = _origins(split_ids(r[refs]), sources)
            if not primary and len(origins) < 2:
                problems.append(Problem(_shown(codebook, data_dir, table), int(line), column,
                                        f"'confirmed' needs a primary source or two or more independent reports; {refs} give "
                                        f"{_reports_text(origins)} (a mirror or relay has the origin of what it re-posts; else use 'reported')"))
    return problems


def verification_problems(commentary: pd.DataFrame, sources: pd.DataFrame, shown: str) -> list[Problem]:
    """commentary: 'corroborated' needs, in corroborated_by, a source of known origin other than source_id's."""
    problems: list[Problem] = []
    sources = sources.set_index("source_id")
    for line, r in commentary.iterrows():
        if r["verification"] != "corroborated" or not r["corroborated_by"] or r["source_id"] not in sources.index:
            continue  # an empty corroborated_by is reported by the codebook's rule
        own = sources.loc[r["source_id"], "origin"]
        _, origins = _origins(split_ids(r["corroborated_by"]), sources)
        others = {o: ids for o, ids in origins.items() if o != own}
        if not others:
            problems.append(Problem(shown, int(line), "verification",
                                    f"'corroborated' needs a source independent of {r['source_id']} (origin {own!r}) in corroborated_by; "
                                    f"it gives {_reports_text(origins)} (else use 'single_source')"))
    return problems


# (table, as_of column, sources column, what a row is): a row dated as_of rests only on sources issued by then
AS_OF_SOURCES = [("claims", "as_of", "evidence_source_ids", "a verdict"), ("positions", "as_of", "source_ids", "a position"),
                 ("positions", "as_of", "units_source_ids", "a position")]


def sources_by_as_of_problems(frames: dict[str, pd.DataFrame | None], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """claims and positions: every source a row cites was issued by the row's as_of (a month or year counts from its last day)."""
    problems: list[Problem] = []
    sources = frames["sources"]
    issued = dict(zip(sources["source_id"], sources["issued"]))  # type: ignore[index]
    for table, date_column, refs, what in AS_OF_SOURCES:
        frame = frames.get(table)
        if frame is None or frame.empty or date_column not in frame or refs not in frame:
            continue
        shown = _shown(codebook, data_dir, table)
        for line, r in frame.iterrows():
            if parse_partial_date(r[date_column]) is None or len(r[date_column]) != 10:
                continue
            as_of = period_end(r[date_column])
            for source_id in split_ids(r[refs]):
                if source_id not in issued:
                    continue
                when = issued[source_id]
                if not when or parse_partial_date(when) is None:
                    problems.append(Problem(shown, int(line), refs, f"{source_id} has no issue date: {what} dated by as_of "
                                            "must rest on dated sources (fill sources.issued or cite another source)"))
                elif period_end(when) > as_of:
                    problems.append(Problem(shown, int(line), date_column, f"{r[date_column]!r} is before {source_id} was issued ({when}): "
                                            f"{what} may rest only on sources issued by its as_of (a month or year counts from its last day)"))
    return problems


def rows_and_sources_problems(frames: dict[str, pd.DataFrame | None], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """The rules across rows and tables; tables that could not be read, or lack a column, are skipped."""
    problems: list[Problem] = []
    events, sources = frames.get("events"), frames.get("sources")
    if _usable(frames, "events") and "seq" in events:  # type: ignore[operator]
        problems += order_within_day_problems(events, _shown(codebook, data_dir, "events"))  # type: ignore[arg-type]
    if not _usable(frames, "sources") or "origin" not in sources:  # type: ignore[operator]
        return problems
    problems += certainty_problems(frames, codebook, data_dir)
    if _usable(frames, "commentary") and "corroborated_by" in frames["commentary"]:  # type: ignore[index]
        problems += verification_problems(frames["commentary"], sources, _shown(codebook, data_dir, "commentary"))  # type: ignore[arg-type]
    problems += sources_by_as_of_problems(frames, codebook, data_dir)
    return problems


# -- plausibility: what the types allow but no reader would believe (the codebook's `plausible:` block) ------------
# Kept apart from the pandera schema above: each rule is a function of the raw (string) frames returning Problems,
# and each skips values that fail their type check (that problem is reported once, by the schema).

ASCII_TYPES = {"date": "a date is written with digits 0-9 and '-'", "day": "a date is written with digits 0-9 and '-'",
               "time": "a time is written with digits 0-9 and ':'", "integer": "a whole number is written with digits 0-9",
               "number": "a number is written with digits 0-9 and '.'"}
# Characters refused in free text: C0 controls except tab (newlines are refused as 'spans several lines'),
# DEL, C1 controls, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _character_problems(frame: pd.DataFrame, table, shown: str) -> list[Problem]:
    problems = []
    for name, column in table.columns.items():
        for line, value in frame[name].items():
            if not value:
                continue
            if column.type in ("text", "url"):
                bad = _CONTROL.search(value)
                if bad:
                    problems.append(Problem(shown, int(line), name,
                                            f"contains the control character {_codepoint(bad.group())} at character {bad.start() + 1} "
                                            f"(remove it: text may hold no control characters other than tab)"))
            elif column.type in ASCII_TYPES and not value.isascii():
                odd = next(ch for ch in value if not ch.isascii())
                problems.append(Problem(shown, int(line), name,
                                        f"{value!r} has the character {odd!r} ({_codepoint(odd)}): {ASCII_TYPES[column.type]} only"))
    return problems


def _length_problems(frame: pd.DataFrame, limit: int, shown: str) -> list[Problem]:
    return [Problem(shown, int(line), name, f"is {len(value):,} characters long; the limit is {limit:,} "
                                             f"(data/codebook.yaml: plausible.max_length)")
            for name in frame.columns for line, value in frame[name].items() if len(value) > limit]


def _date_range_problems(frame: pd.DataFrame, table, plausible, shown: str) -> list[Problem]:
    from datetime import date as _date

    from ..parameters import build_date
    from .dates import period_end, period_start

    earliest, today = _date.fromisoformat(plausible.earliest), build_date()
    why = f", {plausible.earliest_why}" if plausible.earliest_why else ""
    problems = []
    for name, column in table.columns.items():
        if column.type not in ("date", "day"):
            continue
        for line, value in frame[name].items():
            if not value or not value.isascii() or parse_partial_date(value) is None:
                continue
            if period_start(value) > today:
                problems.append(Problem(shown, int(line), name, f"{value!r} is after the build date ({today.isoformat()}): "
                                                                 f"nothing can be reported later than today (a typo in the year?)"))
            elif period_end(value) < earliest:
                problems.append(Problem(shown, int(line), name, f"{value!r} is before {earliest.isoformat()}, the earliest date "
                                                                 f"the briefing covers{why} (data/codebook.yaml: plausible.dates.earliest)"))
    return problems


def _is_day(value: str) -> bool:
    return value.isascii() and parse_partial_date(value) is not None and len(value) == 10


def _clock_time_problems(frames: dict[str, pd.DataFrame], codebook: Codebook, data_dir: Path) -> list[Problem]:
    problems = []
    for rule in codebook.plausible.clock_times:
        frame = frames.get(rule["table"])
        if frame is None:
            continue
        shown = paths.display_path(data_dir / codebook.tables[rule["table"]].file)
        for line, row in frame.iterrows():
            day = row[rule["date"]]
            if row[rule["time"]] and day and day.isascii() and parse_partial_date(day) is not None and len(day) != 10:
                problems.append(Problem(shown, int(line), rule["time"],
                                        f"{row[rule['time']]!r} is a clock time on {rule['date']} {day!r}, which is not a day: "
                                        f"a clock time needs the date to the day (YYYY-MM-DD), or leave {rule['time']} empty"))
    return problems


def _moment(row: pd.Series, spec: dict) -> tuple | None:
    """(first day, last day, instant or None) of a row's date in `spec`; None when it has no usable date."""
    from datetime import datetime

    from .dates import period_end, period_start

    value = row[spec["date"]]
    if not value or not value.isascii() or parse_partial_date(value) is None:
        return None
    instant = None
    time, tz = (row[spec["time"]] if spec.get("time") else ""), (row[spec["tz"]] if spec.get("tz") else "")
    if len(value) == 10 and time and tz and TIME_RE.match(time) and time.isascii() and tz in _zones():
        instant = datetime.fromisoformat(f"{value}T{time}").replace(tzinfo=ZoneInfo(tz))
    return period_start(value), period_end(value), instant


def _before(later: tuple, earlier: tuple) -> bool:
    """True when `later` is certainly before `earlier` (a partial date counts as any day it can mean)."""
    if later[1] < earlier[0]:
        return True
    if later[2] is not None and earlier[2] is not None:
        return later[2] < earlier[2]
    return False


def _describe(row: pd.Series, spec: dict) -> str:
    text = repr(row[spec["date"]])
    time, tz = (row[spec["time"]] if spec.get("time") else ""), (row[spec["tz"]] if spec.get("tz") else "")
    return f"{text} {time} {tz}".rstrip() if time else text


def _selected(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    if spec.get("types"):
        frame = frame[frame[spec["type_column"]].isin([str(t) for t in spec["types"]])]
    return frame


def _order_problems(frames: dict[str, pd.DataFrame], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """`not_before`: each selected row is not before the earliest of the rows it answers to (same group)."""
    problems = []
    for rule in codebook.plausible.not_before:
        mine, theirs = rule["row"], rule["earlier"]
        frame, other = frames.get(mine["table"]), frames.get(theirs["table"])
        if frame is None or other is None:
            continue
        shown = paths.display_path(data_dir / codebook.tables[mine["table"]].file)
        other_key = codebook.tables[theirs["table"]].key[0]
        candidates = _selected(other, theirs)
        for line, row in _selected(frame, mine).iterrows():
            here = _moment(row, mine)
            if here is None:
                continue
            if theirs["table"] == mine["table"] and not mine.get("group"):
                earlier_rows = [row]  # the same row: one column not before another
            else:
                group = row[mine["group"]] if mine.get("group") else None
                if not group:
                    continue
                column = theirs.get("group") or theirs.get("key") or other_key
                earlier_rows = [r for _, r in candidates[candidates[column] == group].iterrows()]
            moments = [(r, m) for r in earlier_rows if (m := _moment(r, theirs)) is not None]
            if moments and all(_before(here, m) for _, m in moments):
                first_row, _ = min(moments, key=lambda rm: (rm[1][0], rm[1][2] is None, rm[1][2] or 0))
                ident = first_row[codebook.tables[theirs["table"]].key[0]]
                where = (f"{theirs['date']} {_describe(first_row, theirs)}" if first_row is row
                         else f"{theirs['table']} {ident!r} on {_describe(first_row, theirs)}")
                problems.append(Problem(shown, int(line), mine["date"],
                                        f"{_describe(row, mine)} is before {where}: {rule['message']}"))
    return problems


def plausibility_problems(frames: dict[str, pd.DataFrame | None], codebook: Codebook, data_dir: Path) -> list[Problem]:
    """Every value that has its type but cannot be right: dates outside the covered period or after the build date,
    control characters, non-ASCII digits, over-long fields, clock times on a month, answers before the question."""
    problems: list[Problem] = []
    readable = {name: frame for name, frame in frames.items() if frame is not None and not frame.empty}
    for name, frame in readable.items():
        table = codebook.tables[name]
        shown = paths.display_path(data_dir / table.file)
        problems += _character_problems(frame, table, shown)
        problems += _length_problems(frame, codebook.plausible.max_length, shown)
        problems += _date_range_problems(frame, table, codebook.plausible, shown)
    problems += _clock_time_problems(readable, codebook, data_dir)
    problems += _order_problems(readable, codebook, data_dir)
    return problems
