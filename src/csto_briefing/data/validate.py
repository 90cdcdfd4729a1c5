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
from .codebook import Codebook, Column, Rule
from .dates import date_precision_of, parse_partial_date
from ..errors import Problem
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
    return problems
