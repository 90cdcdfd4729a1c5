"""The section helpers moved out of the notebooks: row formatters in present/reader.py and the as-of questions on the
Briefing object, on small frames made here (no story facts) and on a copy of the data with one row edited."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from markupsafe import Markup

from csto_briefing.briefing import Briefing
from csto_briefing.present.reader import day_of, excerpt, listing, moment, month_of, quoted, timeline_rows


def test_listing_joins_as_in_prose():
    assert listing([]) == "" and listing(["a"]) == "a"
    assert listing(["a", "b"]) == "a and b" and listing(["a", "b", "c"], last="or") == "a, b or c"


def test_excerpt_is_verbatim_or_none():
    assert excerpt("one two three four", "two", "three") == "two three"
    assert excerpt("one two", "five", "two") is None and excerpt("one two", "one", "nine") is None


def test_quoted_prefers_the_translation_and_drops_the_full_stop():
    assert quoted(pd.Series({"quote": "Слова.", "translation_en": "Words."})) == "Words"
    assert quoted(pd.Series({"quote": "As said. ", "translation_en": ""})) == "As said"


def test_moment_day_and_month():
    row = pd.Series({"date": "2000-03-04", "time_local": "01:30", "tz": "Asia/Tokyo", "date_precision": "day"})
    assert moment(row).utcoffset().total_seconds() == 9 * 3600
    assert moment(pd.Series({"date": "2000-03-04", "time_local": "", "tz": ""})) is None
    assert day_of(row) == "4 March 2000" and day_of(row, year=False) == "4 March" and month_of(row) == "March 2000"
    assert day_of(pd.Series({"date": "2000-03", "date_precision": "month"}), year=False) == "March 2000"


def test_timeline_rows_keep_only_labelled_events_in_time_order():
    events = pd.DataFrame([
        {"date": "2000-01-02", "time_local": "", "tz": "", "headline": "B", "event_type": "x"},
        {"date": "2000-01-01", "time_local": "06:00", "tz": "UTC", "headline": "A", "event_type": "y"},
        {"date": "2000-01", "time_local": "", "tz": "", "headline": "", "event_type": "z"},
    ])
    rows = timeline_rows(events)
    assert list(rows["label"]) == ["A", "B"] and list(rows["kind"]) == ["y", "x"]
    assert rows.iloc[0]["when"].hour == 6 and rows.iloc[1]["when"].hour == 12  # a date without a time: its middle
    assert len(timeline_rows(events, labelled_only=False)) == 3


@pytest.fixture(scope="module")
def early() -> Briefing:
    """The briefing as of the first date the data accepts: most events are not known yet."""
    first = Briefing.load()
    start = min(first.data.tables["cases"]["appeal_date"])
    return Briefing.load(as_of=start)


def test_known_event_and_cite_leave_out_what_came_later(early: Briefing):
    later = early.data.tables["events"]
    later = later[later["date"].str[:10] > early.as_of.isoformat()]
    event_id = later.iloc[0]["event_id"]
    assert early.known_event(event_id) is None
    assert early.cite(event_id) == Markup("")  # its sources came out later: nothing to cite yet
    assert early.cite(None) == early.cite()
    assert early.latest("no_such_measure") is None and early.known_quote("no-such-quote") is None


def test_article_in_force_follows_the_dates(early: Briefing):
    treaty = early.data.tables["treaty"]
    for _, row in treaty.iterrows():
        got = early.article_in_force(row["article"], row["in_force_from"])
        assert got is not None and got["in_force_from"] <= row["in_force_from"]
    assert early.article_in_force(2, date(1900, 1, 1)) is None


def test_attribution_names_the_outlet_and_what_it_cites(early: Briefing):
    sources = early.data.tables["sources"]
    relayed = sources[(sources["origin"] != "") & (sources["origin"] != "unknown")
                      & (sources["origin"] != sources["publisher"])
                      & pd.Series([o not in p for o, p in zip(sources["origin"], sources["publisher"])], index=sources.index)].iloc[0]
    q = pd.Series({"verification": "single_source", "source_id": relayed["source_id"]})
    assert early.as_reported(q) == f" (reported by {relayed['publisher'].split(' (')[0]}, citing {relayed['origin']})"
    assert early.as_reported(pd.Series({"verification": "corroborated", "source_id": relayed["source_id"]})) == ""
    assert early.according_to(None) == ""
    # editor 17: Azatutyun is RFE/RL's Armenian service, not an outlet citing RFE/RL
    service = sources[[o != p.split(" (")[0] and o in p for o, p in zip(sources["origin"], sources["publisher"])]]
    if len(service):
        row = service.iloc[0]
        said = early.as_reported(pd.Series({"verification": "single_source", "source_id": row["source_id"]}))
        assert "citing" not in said and row["origin"] in said, said


def test_judgement_prints_the_codebooks_label(early: Briefing):
    from csto_briefing.present.output import judgement

    for term in early.data.codebook.vocabularies["confidence"]:
        label = early.data.codebook.label("confidence", term)
        assert f">{label[:1].upper() + label[1:]}:<" in str(judgement(early, term, "x."))
    with pytest.raises(ValueError):
        judgement(early, "certain", "x.")
