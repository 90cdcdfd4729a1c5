"""The briefing's context: the validated data, the parameters, and the numbering of sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .data import asof
from .data.asof import NotYetKnown  # noqa: F401 - re-exported: `from csto_briefing.briefing import NotYetKnown`
from .data.dataset import Dataset, load_dataset
from .parameters import DEFAULTS, check

if TYPE_CHECKING:
    from markupsafe import Markup

DEFAULT_AS_OF = DEFAULTS["as_of"]


def check_against_data(values: dict, data: Dataset) -> dict[str, str]:
    """The parameters checked as declared and against the data (date range, first event of an appeal)."""
    return check(values, date_range=asof.data_date_range(data.tables), first_dates=asof.first_event_dates(data.tables))


@dataclass
class Briefing:
    """Everything a section needs: data as known on `as_of`, the edition's details, and where to write figures."""

    data: Dataset
    as_of: date
    figures_dir: Path | None = None
    edition: str = ""
    author: str = DEFAULTS["author"]
    since: date | None = None
    title: str = DEFAULTS["title"]
    published: date | None = None  # the publication date; None: the as_of date
    citations: dict[str, int] = field(default_factory=dict)  # source id -> number, in order of first citation here

    @classmethod
    def from_parameters(cls, namespace: dict) -> "Briefing":
        """The briefing for the parameters defined in a notebook's namespace: `b = Briefing.from_parameters(globals())`."""
        from .parameters import BY_NAME

        values = {name: namespace[name] for name in BY_NAME if name in namespace}
        return cls.load(**values)

    @classmethod
    def load(cls, as_of: str | date = DEFAULT_AS_OF, data_dir: str | Path | None = None,
             figures_dir: str | Path | None = None, **values: str) -> "Briefing":
        """The briefing for these parameters (see csto_briefing.parameters); raises ParameterError for bad values."""
        data = load_dataset(Path(data_dir) if data_dir else None)
        given = {"as_of": as_of, **values}
        p = check_against_data({k: v for k, v in given.items() if v is not None}, data)
        data.tables.reads.clear()  # from here on, record the tables the sections read
        return cls(data, date.fromisoformat(p["as_of"]), Path(figures_dir) if figures_dir else None, p["edition"],
                   p["author"], date.fromisoformat(p["since"]) if p["since"] else None, p["title"],
                   date.fromisoformat(p["published"]) if p["published"] else None)

    @property
    def parameters(self) -> dict[str, str]:
        return {"as_of": self.as_of.isoformat(), "since": self.since.isoformat() if self.since else "",
                "published": self.published.isoformat() if self.published else "", "title": self.title,
                "edition": self.edition, "author": self.author}

    @property
    def publication_date(self) -> date:
        """The date printed as the edition's publication date: the `published` parameter, else as_of."""
        return self.published or self.as_of

    # -- the data as known on as_of -------------------------------------------------------------
    @cached_property
    def events(self) -> pd.DataFrame:
        events = asof.known_by(self.data.events, "date", self.as_of).copy()
        events["_start"] = [asof.period_start(v) for v in events["date"]]
        order = ["_start", "seq"] if "seq" in events.columns else ["_start", "time_local"]
        return events.sort_values(order, kind="stable").drop(columns="_start")

    def event(self, event_id: str) -> pd.Series:
        """One event a section is built on, as known on as_of. Raises asof.NotYetKnown when it happened after as_of
        (the section then says so, e.g. `except NotYetKnown as exc: note = str(exc)`), KeyError when the data has no
        such event. Use it instead of filtering `events` and skipping an empty result."""
        return asof.event_on(self.data.events, event_id, self.as_of)

    @cached_property
    def figures(self) -> pd.DataFrame:
        """The figures reported by as_of, each with its status as known then (asof.figures_on)."""
        return asof.figures_on(self.data.figures, self.as_of)

    @cached_property
    def latest_figures(self) -> pd.DataFrame:
        return asof.latest_figures(self.data.figures, self.as_of)

    @cached_property
    def positions(self) -> pd.DataFrame:
        return asof.positions_on(self.data.positions, self.as_of)

    @cached_property
    def cases(self) -> pd.DataFrame:
        """Every appeal made by as_of, with the responses known on that date."""
        return asof.cases_on(self.data.cases, self.as_of)

    @cached_property
    def commentary(self) -> pd.DataFrame:
        return asof.known_by(self.data.commentary, "date", self.as_of)

    @cached_property
    def claims(self) -> pd.DataFrame:
        return self.data.claims

    @cached_property
    def source_issued(self) -> dict[str, str]:
        """Each source's `issued` date as data/sources.csv gives it ('' when not known), by source id: read once, looked
        up by every citation (present/output.py, present/reader.py)."""
        sources = self.data.sources
        return dict(zip(sources["source_id"], sources["issued"]))

    # -- sources ------------------------------------------------------------------------------------
    @cached_property
    def source_numbers(self) -> dict[str, int]:
        """Numbers for the bibliography: every source in data/sources.csv, in its order (so that a section's
        citations depend on that table only, not on what the other tables cite)."""
        return {source_id: i for i, source_id in enumerate(self.data.sources["source_id"], start=1)}

    # -- what a section may state on as_of --------------------------------------------------------------------
    # An event, quotation or figure counts as known when it had happened by as_of and one of its sources was out by
    # then; citations name only the sources out by then.

    def known_rows(self, frame: pd.DataFrame, column: str = "source_ids") -> pd.DataFrame:
        """The rows of `frame` of which at least one source (in `column`) was out on as_of."""
        from .present.output import known_sources

        return frame.loc[[bool(known_sources(self, s)) for s in frame[column]]] if len(frame) else frame

    def known_event(self, event_id: str) -> pd.Series | None:
        """An event as known on as_of (it had happened and one of its sources was out), or None."""
        from .present.output import known_sources

        rows = self.events[self.events["event_id"] == event_id]
        if rows.empty or not known_sources(self, rows.iloc[0]["source_ids"]):
            return None
        return rows.iloc[0]

    def find_event(self, *words: str, case: str | None = None) -> pd.Series | None:
        """The first event known on as_of whose actor and summary contain all these words (any case), for events a
        section names by what they say; with `case`, only that case's events."""
        from .present.output import known_sources

        for _, row in self.events.iterrows():
            text = f"{row['actor']} {row['summary']}".lower()
            if (case is None or row["case_id"] == case) and all(w.lower() in text for w in words):
                if known_sources(self, row["source_ids"]):
                    return row
        return None

    def known_quote(self, quote_id: str) -> pd.Series | None:
        """A quotation known on as_of (said by then, its source out by then), or None."""
        from .present.output import known_sources

        rows = self.commentary[self.commentary["quote_id"] == quote_id]
        if rows.empty or not known_sources(self, rows.iloc[0]["source_id"]):
            return None
        return rows.iloc[0]

    @staticmethod
    def translation_mark(q: pd.Series | None) -> str:
        """'†' after a quotation shown in English that was not spoken in English (a translation as published, or the
        English given for words in another language); '' for words spoken in English. The core explains the mark once."""
        if q is None:
            return ""
        return "†" if q.get("text_is", "original") != "original" or q.get("translation_en", "") else ""

    def latest(self, measure: str) -> pd.Series | None:
        """The figure used for a measure on as_of (the latest reported, not disputed), or None."""
        rows = self.latest_figures[self.latest_figures["measure"] == measure]
        return rows.iloc[0] if len(rows) else None

    def article_in_force(self, article: int, on: date | str) -> pd.Series | None:
        """The row of the treaty table with an article's wording in force on a date, or None."""
        day = on.isoformat() if isinstance(on, date) else on
        treaty = self.data.tables["treaty"]
        rows = treaty[(treaty["article"] == article) & (treaty["in_force_from"] <= day)
                      & ((treaty["in_force_to"] == "") | (treaty["in_force_to"] >= day))]
        return rows.iloc[0] if len(rows) else None

    def cite(self, *items: object) -> "Markup":
        """A citation of rows (their source_ids or source_id), events (by id: their sources) and sources (by id),
        naming only the sources out on as_of; None items are skipped."""
        from .data.read import split_ids
        from .present.output import cite_known

        event_ids = set(self.data.tables["events"]["event_id"])
        ids: list[str] = []
        for item in items:
            if item is None:
                continue
            if not isinstance(item, str):  # a row: its sources
                ids += split_ids(str(item.get("source_ids", item.get("source_id", ""))))
            elif item in event_ids:
                row = self.known_event(item)
                ids += split_ids(row["source_ids"]) if row is not None else []
            else:
                ids.append(item)
        return cite_known(self, [i for i in ids if i])

    def _outlet(self, source_id: str) -> tuple[str, str]:
        """(publisher, origin) of a source: the outlet that published the page and the one it reports from."""
        source = self.data.source(source_id)
        publisher = source["publisher"].split(" (")[0]
        origin = source["origin"] if source["origin"] not in ("", "unknown") else publisher
        return publisher, origin

    def according_to(self, row: pd.Series | None) -> str:
        """', according to <outlet>' for an event that rests on one report (certainty 'reported'); '' otherwise. When
        the page cited is a mirror, the outlet is named with the site that re-posted it (', according to Panorama.am,
        as re-posted by Hyetert'), since the citation points to the re-post, not to the outlet's own page."""
        from .present.output import known_sources

        if row is None or row["certainty"] != "reported":
            return ""
        known = known_sources(self, row["source_ids"])
        if not known:
            return ""
        publisher, origin = self._outlet(known[0])
        if self.data.source(known[0])["reliability"] == "mirror" and origin != publisher:
            return f", according to {origin}, as re-posted by {publisher}"
        return ", according to " + origin

    def as_reported(self, q: pd.Series | None) -> str:
        """' (reported by <outlet>)' for a quotation found in one source only, naming also the outlet it cites when
        that is another; '' when corroborated."""
        if q is None or q["verification"] != "single_source":
            return ""
        publisher, origin = self._outlet(q["source_id"])
        service = self.data.source(q["source_id"])["publisher"][len(publisher):].strip(" ()")
        if origin != publisher and service.startswith(origin + " "):  # the origin's own service, e.g. Azatutyun (RFE/RL Armenian Service)
            return f" (reported by {publisher}, {origin}'s {service[len(origin) + 1:].replace('Service', 'service')})"
        return f" (reported by {publisher}" + (f", citing {origin})" if origin != publisher else ")")
