"""The briefing's context: the validated data, the parameters, and the numbering of sources."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import asof
from .load import Dataset, load_dataset, split_ids
from .parameters import DEFAULTS, TITLE, check, split_cases

DEFAULT_AS_OF = DEFAULTS["as_of"]
SUBTITLE = "The Collective Security Treaty Organization and the appeals for help of its members, 2010-2025"


def parse_as_of(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"as_of: {value!r} is not a date (YYYY-MM-DD)") from None


def build_date() -> date:
    """The date of this build: from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return moment.date()


def check_against_data(values: dict, data: Dataset) -> dict[str, str]:
    """The parameters checked as declared and against the data (case ids, date range)."""
    return check(values, case_ids=list(data.cases["case_id"]), date_range=asof.data_date_range(data.tables))


@dataclass
class Briefing:
    """Everything a section needs: data as known on `as_of`, the edition's details, and where to write figures."""

    data: Dataset
    as_of: date
    figures_dir: Path | None = None
    edition: str = ""
    author: str = DEFAULTS["author"]
    since: date | None = None
    focus: str = DEFAULTS["focus"]
    compare: tuple[str, ...] = ()
    title: str = TITLE

    @classmethod
    def load(cls, as_of: str | date = DEFAULT_AS_OF, data_dir: str | Path | None = None,
             figures_dir: str | Path | None = None, **values: str) -> "Briefing":
        """The briefing for these parameters (see csto_briefing.parameters); raises ParameterError for bad values."""
        data = load_dataset(Path(data_dir) if data_dir else None)
        given = {"as_of": as_of, **values}
        p = check_against_data({k: v for k, v in given.items() if v is not None}, data)
        compare = tuple(split_cases(p["compare"])) or tuple(c for c in data.cases["case_id"] if c != p["focus"])
        return cls(data, date.fromisoformat(p["as_of"]), Path(figures_dir) if figures_dir else None, p["edition"],
                   p["author"], date.fromisoformat(p["since"]) if p["since"] else None, p["focus"], compare, p["title"])

    @property
    def parameters(self) -> dict[str, str]:
        return {"as_of": self.as_of.isoformat(), "since": self.since.isoformat() if self.since else "",
                "focus": self.focus, "compare": ";".join(self.compare), "title": self.title, "edition": self.edition,
                "author": self.author}

    # -- the data as known on as_of -------------------------------------------------------------
    @cached_property
    def events(self) -> pd.DataFrame:
        events = asof.known_by(self.data.events, "date", self.as_of).copy()
        events["_start"] = [asof.period_start(v) for v in events["date"]]
        return events.sort_values(["_start", "time_local"], kind="stable").drop(columns="_start")

    @cached_property
    def figures(self) -> pd.DataFrame:
        return asof.known_by(self.data.figures, "reported_on", self.as_of)

    @cached_property
    def latest_figures(self) -> pd.DataFrame:
        return asof.latest_figures(self.data.figures, self.as_of)

    @cached_property
    def positions(self) -> pd.DataFrame:
        return asof.positions_on(self.data.positions, self.as_of)

    @cached_property
    def cases(self) -> pd.DataFrame:
        """The focus case and the cases compared with it, as known on as_of."""
        cases = asof.cases_on(self.data.cases, self.as_of)
        return cases[cases["case_id"].isin((self.focus, *self.compare))]

    @cached_property
    def commentary(self) -> pd.DataFrame:
        return asof.known_by(self.data.commentary, "date", self.as_of)

    @cached_property
    def claims(self) -> pd.DataFrame:
        return self.data.claims

    # -- sources ------------------------------------------------------------------------------------
    @cached_property
    def source_numbers(self) -> dict[str, int]:
        """Numbers for the bibliography: every source the data cites, in the order of sources.csv."""
        cited: set[str] = set()
        for name, table in self.data.codebook.tables.items():
            for column in table.columns.values():
                if column.ref == "sources.source_id":
                    for cell in self.data.tables[name][column.name]:
                        cited.update(split_ids(cell))
        order = [s for s in self.data.sources["source_id"] if s in cited]
        return {source_id: i for i, source_id in enumerate(order, start=1)}
