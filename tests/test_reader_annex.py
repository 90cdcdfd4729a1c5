"""The machinery the annex notebooks share (present/reader.py, end of the file), on small made-up rows."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from markupsafe import Markup

from csto_briefing.data.dataset import load_dataset
from csto_briefing.present.reader import (
    and_list,
    changes,
    event_time,
    in_time_order,
    reader_note,
    scale_items,
    source_entry,
    steps,
)


def test_and_list():
    assert [and_list([]), and_list(["A"]), and_list(["A", "B"]), and_list(["A", "B", "C"])] == ["", "A", "A and B", "A, B and C"]


def test_in_time_order_puts_a_month_after_its_days_and_keeps_ties_in_table_order():
    frame = pd.DataFrame({"date": ["2022-01", "2022-01-06", "2021", "2022-01-06"], "seq": [1, 2, 1, 1], "id": list("abcd")})
    assert list(in_time_order(frame, "date", "seq")["id"]) == ["c", "d", "b", "a"]
    assert list(in_time_order(frame, "date")["id"]) == ["c", "b", "d", "a"]


def test_event_time_prints_local_time_where_the_time_held_in_each_zone():
    base = {"date": "2022-01-05", "date_precision": "day", "time_local": "01:30", "tz": "Asia/Almaty"}
    assert event_time(pd.Series({**base, "time_precision": "local"})) == "01:30 local time"
    assert event_time(pd.Series({**base, "time_precision": "exact"})) == "01:30 Almaty time (UTC+6)"
    assert event_time(pd.Series({**base, "time_precision": "approximate"})).startswith("about 01:30")
    assert event_time(pd.Series({**base, "date": "2022-01", "date_precision": "month", "time_precision": "exact"})) == ""


def test_changes_keeps_the_first_row_and_each_change():
    history = pd.DataFrame({"troops": [None, 150, 150], "status": ["pending_approval", "official", "official"], "day": [6, 7, 8]})
    assert list(changes(history, ["troops", "status"])["day"]) == [6, 7]
    assert changes(history.iloc[:0], ["troops"]).empty


def test_steps_marks_each_later_step_so_two_steps_cannot_read_as_one():
    assert steps(["Awaiting approval, from 6 January", "150, from 7 January"]) == \
        Markup("Awaiting approval, from 6 January;<br>then 150, from 7 January")
    assert steps(["a", "b", "c"]) == Markup("a;<br>then b;<br>then c")
    assert steps(["one <b>"]) == Markup("one &lt;b&gt;")


def test_reader_note_drops_words_about_how_the_data_were_compiled():
    assert reader_note("Re-post of Asbarez; no original was stored.") == "Re-post of Asbarez."
    assert reader_note("Cites Sputnik. The day is not shown in the stored copy; the research notes date it 6 January.") == "Cites Sputnik."
    assert reader_note("Issue date not shown in the stored copy or the research notes.") == ""
    assert reader_note("Relays TASS.") == "Relays TASS."


def _briefing():
    data = load_dataset()
    sources = data.tables["sources"]
    return SimpleNamespace(data=data, as_of=pd.Timestamp("2025-12-31").date(), citations={},
                           source_issued=dict(zip(sources["source_id"], sources["issued"])))


def test_scale_items_print_each_term_once():
    b = _briefing()
    items = str(scale_items(b, "confidence"))
    assert items.count("Almost certainly") == 1 and "Roughly even chance" in items


def test_source_entry_uses_the_display_title_and_leaves_out_process_words():
    b = _briefing()
    sources = b.data.sources.set_index("source_id", drop=False)
    treaty = str(source_entry(b, sources.loc["treaty-1992-en"]))
    assert "“Treaty on Collective Security”" in treaty and "TREATY" not in treaty
    untitled = str(source_entry(b, sources.loc["azatutyun-2022-01-06"]))
    assert untitled.startswith("Azatutyun (RFE/RL Armenian Service), 6 January 2022. ")
    mirror = str(source_entry(b, sources.loc["hyetert-2022-09-15"]))
    assert "Mirror" in mirror and "stored" not in mirror
