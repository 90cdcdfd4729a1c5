"""The key facts the briefing rests on, pinned against the data (values from the research notes)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from csto_briefing.data.dataset import load_dataset
from csto_briefing.data.read import split_ids


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def case(data, case_id: str) -> pd.Series:
    return data.cases.set_index("case_id").loc[case_id]


def test_kazakhstan_appeal_and_decision(data):
    kaz = case(data, "KAZ-2022-01")
    assert (kaz["appeal_date"], kaz["response_date"], kaz["treaty_basis"], kaz["response"]) == \
        ("2022-01-05", "2022-01-06", "cst-art4", "deployment")
    events = data.events.set_index("event_id")
    assert events.loc["k-appeal", "date"] == "2022-01-05"
    assert events.loc["k-appeal", "time_local"] == ""  # the exact clock time is not established
    assert (events.loc["k-decision", "date"], events.loc["k-decision", "tz"]) == ("2022-01-06", "Asia/Yerevan")


@pytest.mark.parametrize("case_id, basis, response", [
    ("ARM-2021-05", "cst-art2", "consultations"),
    ("ARM-2021-11", "ru-arm-1997", "ceasefire"),
    ("ARM-2022-09", "cst-art4", "assessment_mission"),
    ("KGZ-2010-06", "none", "declined"),
])
def test_treaty_basis_of_each_appeal(data, case_id, basis, response):
    row = case(data, case_id)
    assert (row["treaty_basis"], row["response"]) == (basis, response)


def test_contingents(data):
    pos = data.positions
    latest = pos.sort_values("as_of").groupby("state_iso3").tail(1).set_index("state_iso3")
    assert latest.loc["ARM", "troops"] == 100
    assert latest.loc["TJK", "troops"] == 200
    assert latest.loc["KGZ", "troops"] == 150 and latest.loc["KGZ", "equipment"] == "19 vehicles"
    for state in ("BLR", "RUS"):  # never published: empty, never 0, never a guess
        assert pd.isna(latest.loc[state, "troops"]) and latest.loc[state, "troops_status"] == "not_published"


def test_kyrgyz_vote(data):
    kgz = data.positions[data.positions["state_iso3"] == "KGZ"].sort_values("as_of")
    assert list(zip(kgz["parliament"], kgz["parliament_date"])) == [("no_quorum", "2022-01-06"), ("approved", "2022-01-07")]
    thresholds = data.figures[data.figures["measure"] == "kyrgyz_vote_threshold"]
    assert sorted(thresholds["value"]) == [60, 61] and set(thresholds["status"]) == {"disputed"}


def test_withdrawal_from_13_to_19_january(data):
    events = data.events.set_index("event_id")
    assert events.loc["k-withdrawal-start", "date"] == "2022-01-13"
    assert events.loc["k-withdrawal-end", "date"] == "2022-01-19"


def test_the_armenian_contingent_figures_are_kept_side_by_side(data):
    arm = data.figures[data.figures["measure"] == "armenian_contingent"]
    assert set(zip(arm["value"], arm["status"])) == {(70, "superseded"), (100, "official")}


def test_every_row_cites_a_source_and_every_source_has_a_url(data):
    for name, table in data.codebook.tables.items():
        refs = [c.name for c in table.columns.values() if c.ref == "sources.source_id" and c.required]
        for ref in refs:
            assert all(split_ids(cell) for cell in data.tables[name][ref]), f"{name}.{ref} has a row without a source"
    assert all(url.startswith(("http://", "https://")) for url in data.sources["url"])


def test_every_source_maps_to_the_research_facts(data):
    assert all(re.fullmatch(r"[A-F]\d\d[a-z]?(;[A-F]\d\d[a-z]?)*", refs) for refs in data.sources["fact_refs"])


def _numbers_in(text: str) -> set[float]:
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    found = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    found |= {float(n) * 1000 for n in re.findall(r"(\d+) thousand", text)}
    return found


def test_every_figure_is_in_its_source_words(data):
    """No figure that the quoted words of its source do not give."""
    for _, row in data.figures.iterrows():
        assert float(row["value"]) in _numbers_in(row["evidence"]), row["figure_id"]
