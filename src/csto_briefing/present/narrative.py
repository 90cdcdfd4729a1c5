"""Narrative sentences computed from the data: every number in them comes from a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from ..data import asof
from ..briefing import Briefing
from .formatting import CITY, fmt_date, fmt_figure, fmt_number



@dataclass(frozen=True)
class Point:
    """One key point: its text, the sources behind it, and whether it is a judgement rather than a fact."""

    text: str
    source_ids: tuple[str, ...] = ()
    judgement: str | None = None  # a value of the codebook's confidence scale
    judgement_text: str = ""


def plural(n: int, word: str) -> str:
    return f"{fmt_number(n)} {word}{'' if n == 1 else 's'}"


def event_datetime(row: pd.Series) -> datetime | None:
    if not row["time_local"] or not row["tz"]:
        return None
    return datetime.fromisoformat(f"{row['date']}T{row['time_local']}").replace(tzinfo=ZoneInfo(row["tz"]))


def _event(b: Briefing, event_id: str) -> pd.Series | None:
    rows = b.events[b.events["event_id"] == event_id]
    return rows.iloc[0] if len(rows) else None


def hours_between(start: pd.Series, end: pd.Series) -> float | None:
    a, z = event_datetime(start), event_datetime(end)
    if a is None or z is None:
        return None
    return (z - a).total_seconds() / 3600


def decision_speed(b: Briefing) -> Point | None:
    appeal, consult, decision = _event(b, "k-appeal"), _event(b, "k-consultations"), _event(b, "k-decision")
    if appeal is None or decision is None:
        return None
    decided = event_datetime(decision)
    text = f"President Tokayev appealed to the CSTO on {fmt_date(appeal['date'])}"
    case = b.data.cases.set_index("case_id").loc["KAZ-2022-01"]
    if case["appeal_time_note"]:
        text += f" ({case['appeal_time_note']})"
    if decided is not None:
        almaty = decided.astimezone(ZoneInfo("Asia/Almaty"))
        days = (decided.date() - asof.period_start(appeal["date"])).days
        when = "the next day" if days == 1 else f"{days} days later" if days > 1 else "the same day"
        text += (f"; the Collective Security Council decided to deploy {when}, at about {decided:%H:%M} "
                 f"{CITY[decision['tz']]} time ({almaty:%H:%M} in Almaty)")
        if consult is not None and (hours := hours_between(consult, decision)) is not None:
            text += f", about {fmt_number(hours)} hours after its chairman opened consultations"
    arrival = _event(b, "k-arrival")
    if arrival is not None:
        text += f". The first troops landed in Almaty on {fmt_date(arrival['date'])}"
    ids = [i for e in (appeal, consult, decision, arrival) if e is not None for i in e["source_ids"].split(";")]
    return Point(text + ".", tuple(dict.fromkeys(ids)))


def request_unmet(case: pd.Series) -> bool:
    """A request for troops that brought none."""
    return case["request"] == "troops" and case["response"] != "deployment"


BASIS = {"cst-art2": "under Article 2 of the Collective Security Treaty", "cst-art4": "under Article 4 of the Collective Security Treaty",
         "ru-arm-1997": "under the 1997 bilateral treaty", "none": "with no treaty article"}
ADDRESSEE = {"CSTO": "the CSTO", "RUS": "Russia"}
GOT = {"declined": "a refusal", "consultations": "consultations", "ceasefire": "a ceasefire", "deployment": "a deployment",
       "assessment_mission": "an assessment mission", "": "no decision yet"}
ASKED = {"troops": "help including military help", "consultations": "consultations", "defence": "protection of its territory"}


def armenian_appeals(b: Briefing) -> Point | None:
    cases = b.cases[b.cases["requesting_state"] == "ARM"]
    if cases.empty:
        return None
    parts = []
    for _, case in cases.iterrows():
        text = (f"on {fmt_date(case['appeal_date'])} it asked {ADDRESSEE.get(case['addressed_to'], case['addressed_to'])} "
                f"{BASIS.get(case['treaty_basis'], case['treaty_basis'])} "
                f"for {ASKED.get(case['request'], case['request'])} and got {GOT.get(case['response'], case['response'])}")
        if request_unmet(case):
            days = (b.as_of - asof.period_start(case["appeal_date"])).days
            text += f": {fmt_number(days)} days without the help it asked for"
        parts.append(text)
    troops = sum(int(c) for c in cases["troops_deployed"] if pd.notna(c))
    text = (f"Armenia's {plural(len(cases), 'appeal')} brought {fmt_number(troops)} troops as of {fmt_date(b.as_of)}: "
            + "; ".join(parts) + ".")
    ids = [i for s in cases["source_ids"] for i in s.split(";")]
    return Point(text, tuple(dict.fromkeys(ids)))


def contributions(b: Briefing) -> Point | None:
    pos = b.positions[b.positions["case_id"] == b.focus]
    contributors = pos[(pos["role"] == "contributor") & (pos["troops_status"] != "pending_approval")]
    pending = pos[pos["troops_status"] == "pending_approval"]
    if contributors.empty:
        return None
    members = b.data.states[b.data.states["csto_member"] == "yes"]
    parts = []
    for _, row in contributors.sort_values("state_iso3").iterrows():
        name = b.data.state_name(row["state_iso3"])
        if pd.notna(row["troops"]):
            extra = f" and {row['equipment']}" if row["equipment"] else ""
            parts.append(f"{name} {fmt_number(int(row['troops']))}{extra}")
        else:
            parts.append(f"{name} an unpublished number")
    text = (f"{len(contributors)} of the {len(members)} members contributed troops: " + ", ".join(parts) + ".")
    for _, row in pending.iterrows():
        text += f" {b.data.state_name(row['state_iso3'])}'s contingent awaited parliament's approval."
    ids = [i for s in contributors["source_ids"] for i in s.split(";")]
    total = b.latest_figures[b.latest_figures["measure"] == "force_size"]
    if len(total) == 1:
        row = total.iloc[0]
        text += (f" The force numbered {fmt_figure(row['value'], row['qualifier'])} in all "
                 f"({b.data.codebook.label('figure_status', row['status'])} figure reported on {fmt_date(row['reported_on'])}).")
        ids.append(row["source_id"])
    return Point(text, tuple(dict.fromkeys(ids)))


def only_deployment(b: Briefing) -> Point | None:
    cases = b.cases
    if cases.empty:
        return None
    deployed = cases[cases["response"] == "deployment"]
    names = ", ".join(f"{b.data.state_name(c['requesting_state'])} ({fmt_date(c['appeal_date'])})" for _, c in deployed.iterrows())
    text = (f"Of the {plural(len(cases), 'appeal')} for help in this briefing, {len(deployed)} brought a deployment"
            + (f": {names}" if len(deployed) else ""))
    ids = [i for s in deployed["source_ids"] for i in s.split(";")]
    first = _event(b, "k-first")
    if first is not None and len(deployed):
        text += ", the first time the CSTO agreed to deploy forces to support an ally, as Asia-Plus reported"
        ids += first["source_ids"].split(";")
    return Point(text + ".", tuple(dict.fromkeys(ids)))


def treaty_basis(b: Briefing) -> Point | None:
    """How many Article 4 appeals brought troops; and our judgement of what that says."""
    art4 = b.cases[(b.cases["treaty_basis"] == "cst-art4") & (b.cases["response"] != "")]
    if len(art4) < 2:
        return None
    deployed = art4[art4["response"] == "deployment"]
    names = ", ".join(f"{b.data.state_name(c['requesting_state'])} ({fmt_date(c['appeal_date'])})" for _, c in art4.iterrows())
    text = (f"{plural(len(art4), 'appeal')} invoked Article 4 of the Collective Security Treaty, {names}; "
            f"{len(deployed)} of them brought troops.")
    judgement = "likely" if 0 < len(deployed) < len(art4) else None
    return Point(text, tuple(dict.fromkeys(i for s in art4["source_ids"] for i in s.split(";"))), judgement,
                 "the same article drew different answers, so the Treaty's text alone does not explain them." if judgement else "")


def key_points(b: Briefing) -> list[Point]:
    points = [decision_speed(b), contributions(b), armenian_appeals(b), only_deployment(b), treaty_basis(b)]
    return [p for p in points if p is not None]
