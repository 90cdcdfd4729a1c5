"""The briefing as known on a date: what had happened and what had been reported by `as_of`."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .dates import period_end, period_start


def known_by(frame: pd.DataFrame, column: str, as_of: date) -> pd.DataFrame:
    """Rows whose date in `column` lies wholly on or before as_of (a month counts from its last day)."""
    if frame.empty:
        return frame
    mask = [period_end(v) <= as_of for v in frame[column]]
    return frame[mask]


def latest_figures(figures: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """For each measure, the figures of the latest report on or before as_of (all of them if several).

    A figure counts as known from the last day its date can mean (a month from its end), but ranks by the
    first (a figure dated only 'January 2022' is not taken as newer than one of 10 January 2022), after any
    figure the data marks as superseded (one dated only '2022' that replaced the March figures still wins).
    Disputed figures are kept in the tables but never chosen as the figure the briefing uses."""
    known = known_by(figures, "reported_on", as_of)
    known = known[known["status"] != "disputed"].copy()
    if known.empty:
        return known
    known["_rank"] = [(status != "superseded", period_start(v)) for status, v in zip(known["status"], known["reported_on"])]
    best = known.groupby("measure")["_rank"].transform("max")
    return known[known["_rank"] == best].drop(columns="_rank")


def positions_on(positions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """For each case and state, the row in force on as_of (the latest as_of not after it)."""
    known = known_by(positions, "as_of", as_of)
    if known.empty:
        return known
    return known.sort_values("as_of").groupby(["case_id", "state_iso3"], as_index=False).tail(1)


def data_date_range(frames: dict[str, pd.DataFrame]) -> tuple[date, date]:
    """Earliest and latest date in the events, figures and sources' issue dates: the range an as_of date may take."""
    values = list(frames["events"]["date"]) + list(frames["figures"]["reported_on"]) + [v for v in frames["sources"]["issued"] if v]
    return min(period_start(v) for v in values), max(period_end(v) for v in values)


def cases_on(cases: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Appeals made by as_of; a response decided after as_of is blanked (not yet known)."""
    known = known_by(cases, "appeal_date", as_of).copy()
    pending = [bool(v) and period_end(v) > as_of for v in known["response_date"]]
    for column in ("response", "response_date", "response_time_local", "response_tz", "response_time_note"):
        known.loc[pending, column] = ""
    known.loc[pending, "troops_deployed"] = pd.NA
    return known
