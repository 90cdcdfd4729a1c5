"""The briefing as known on a date: what had happened and what had been reported by `as_of`."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .dates import period_end, period_start


class NotYetKnown(LookupError):
    """A row the data holds, but dated after as_of: a section built on it says it is not yet known (str(exc) says so
    in a sentence a reader can be shown) instead of leaving it out without a word."""

    def __init__(self, what: str, when: str, as_of: date):
        self.what, self.when, self.as_of = what, when, as_of
        super().__init__(f"{what} is not yet known as of {as_of.isoformat()} (the data dates it {when})")


def event_on(events: pd.DataFrame, event_id: str, as_of: date) -> pd.Series:
    """The event `event_id` as known on as_of. Raises NotYetKnown when the data dates it after as_of, and KeyError
    (naming data/events.csv) when the data has no such event: never an empty result to be skipped silently."""
    rows = events[events["event_id"] == event_id]
    if rows.empty:
        raise KeyError(f"event {event_id!r} is not in data/events.csv")
    row = rows.iloc[0]
    if period_end(row["date"]) > as_of:
        raise NotYetKnown(f"event {event_id!r}", row["date"], as_of)
    return row


def known_by(frame: pd.DataFrame, column: str, as_of: date) -> pd.DataFrame:
    """Rows whose date in `column` lies wholly on or before as_of (a month counts from its last day)."""
    if frame.empty:
        return frame
    mask = [period_end(v) <= as_of for v in frame[column]]
    return frame[mask]


def _replaced(figures: pd.DataFrame) -> list[bool]:
    """For each row of `figures` (the rows known on one date): whether it is a value the data marks superseded and
    its replacement is among these rows. A replacement is another value of the same measure, neither planned nor
    disputed (a plan or a disputed value replaces no report), reported later, or in the same period and not itself
    superseded."""
    reports = figures[~figures["status"].isin(["planned", "disputed"])]
    by_measure: dict[str, list[tuple[str, date, str]]] = {}
    for fid, measure, when, status in zip(reports["figure_id"], reports["measure"], reports["reported_on"], reports["status"]):
        by_measure.setdefault(measure, []).append((fid, period_end(when), status))
    flags = []
    for fid, measure, when, status in zip(figures["figure_id"], figures["measure"], figures["reported_on"], figures["status"]):
        end = period_end(when)
        flags.append(status == "superseded" and any(
            other != fid and (other_end > end or (other_end == end and other_status != "superseded"))
            for other, other_end, other_status in by_measure.get(measure, [])))
    return flags


def figures_on(figures: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The figures reported by as_of, each with its status as known on as_of: a value the data marks superseded
    whose replacement came after as_of was then the latest report, and its status is blank (the data does not say
    what it was called before it was replaced), as a response decided after as_of is blanked in `cases_on`."""
    known = known_by(figures, "reported_on", as_of)
    if known.empty:
        return known
    known = known.copy()
    pending = [status == "superseded" and not replaced for status, replaced in zip(known["status"], _replaced(known))]
    known.loc[pending, "status"] = ""
    return known


def latest_figures(figures: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """For each measure, the figures of the latest report on or before as_of (all of them if several), with their
    status as known on as_of (`figures_on`).

    A report ranks above a plan whatever their dates (a plan announced before the event replaces no report of it),
    and a value whose replacement is known on as_of ranks below both. Within a rank, a figure counts as known from
    the last day its date can mean (a month from its end), but ranks by the first (a figure dated only 'January
    2022' is not taken as newer than one of 10 January 2022). Disputed figures are kept in the tables but never
    chosen as the figure the briefing uses."""
    known = figures_on(figures, as_of)
    if known.empty:
        return known
    known = known[known["status"] != "disputed"].copy()
    if known.empty:
        return known
    tier = {"superseded": 0, "planned": 1}
    known["_rank"] = [(tier.get(status, 2), period_start(v)) for status, v in zip(known["status"], known["reported_on"])]
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


def first_event_dates(frames: dict[str, pd.DataFrame]) -> dict[str, date]:
    """For each case with events, the first day on which one of its events is known (a month counts from its end):
    the earliest as_of at which the briefing has something to say about that case."""
    firsts: dict[str, date] = {}
    for case, value in zip(frames["events"]["case_id"], frames["events"]["date"]):
        if case:
            day = period_end(value)
            firsts[case] = min(firsts.get(case, day), day)
    return firsts


def cases_on(cases: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Appeals made by as_of; a response decided after as_of is blanked (not yet known)."""
    known = known_by(cases, "appeal_date", as_of).copy()
    pending = [bool(v) and period_end(v) > as_of for v in known["response_date"]]
    for column in ("response", "response_date", "response_time_local", "response_tz", "response_time_note"):
        known.loc[pending, column] = ""
    known.loc[pending, "troops_deployed"] = pd.NA
    return known
