"""The build's chart cache (present/rendered.py, issue 14): a chart drawn before with the same arguments is read back
byte for byte instead of drawn again; any change of its inputs draws it again; without the build's cache folder (a
notebook in JupyterLab) every call draws and returns a matplotlib Figure."""

from __future__ import annotations

from datetime import datetime

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from csto_briefing.present import charts, rendered
from csto_briefing.present.rendered import CHART_CACHE_ENV, RenderedChart, cached_chart

from .test_charts import KINDS, events


@pytest.fixture
def counted_bar():
    """part_to_whole_bar's drawing, counting the times it really draws."""
    calls = []

    @cached_chart
    def bar(parts, total, label):
        calls.append(1)
        return charts.part_to_whole_bar.__wrapped__(parts, total, label)

    return bar, calls


def test_without_the_build_folder_every_call_draws_a_figure(monkeypatch, counted_bar):
    monkeypatch.delenv(CHART_CACHE_ENV, raising=False)
    bar, calls = counted_bar
    first, second = bar([("A", 200)], 2030, "rest"), bar([("A", 200)], 2030, "rest")
    assert isinstance(first, Figure) and isinstance(second, Figure)
    assert len(calls) == 2


def test_a_chart_drawn_before_is_read_back_byte_for_byte(monkeypatch, tmp_path, counted_bar):
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    bar, calls = counted_bar
    drawn = bar([("A", 200), ("B", 150)], 2030, "rest")
    again = bar([("A", 200), ("B", 150)], 2030, "rest")
    assert isinstance(drawn, RenderedChart) and isinstance(again, RenderedChart)
    assert len(calls) == 1, "the second call should have come from the cache"
    assert (again.svg, again.png) == (drawn.svg, drawn.png)
    monkeypatch.delenv(CHART_CACHE_ENV)
    fresh = rendered.render(charts.part_to_whole_bar([("A", 200), ("B", 150)], 2030, "rest"))
    assert (fresh.svg, fresh.png) == (again.svg, again.png), "a cached chart differs from the same chart drawn now"


@pytest.mark.parametrize("change", [
    lambda: ([("A", 201), ("B", 150)], 2030, "rest"),
    lambda: ([("A", 200), ("B", 150)], 2031, "rest"),
    lambda: ([("A", 200), ("B", 150)], 2030, "the rest"),
    lambda: ([("B", 150), ("A", 200)], 2030, "rest"),
])
def test_any_change_of_the_inputs_draws_the_chart_again(monkeypatch, tmp_path, counted_bar, change):
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    bar, calls = counted_bar
    before = bar([("A", 200), ("B", 150)], 2030, "rest")
    after = bar(*change())
    assert len(calls) == 2
    assert after.svg != before.svg


def test_a_changed_frame_draws_the_timeline_again_and_keeps_its_count(monkeypatch, tmp_path):
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    frame = events(1)
    lane = charts.Lane("", frame, datetime(2022, 1, 1), datetime(2022, 1, 21))
    first = charts.timeline_chart([lane], KINDS)
    edited = frame.copy()
    edited.loc[edited.index[0], "label"] = "Appeal, edited"
    second = charts.timeline_chart([charts.Lane("", edited, datetime(2022, 1, 1), datetime(2022, 1, 21))], KINDS)
    third = charts.timeline_chart([charts.Lane("", frame.copy(), datetime(2022, 1, 1), datetime(2022, 1, 21))], KINDS)
    assert b"Appeal, edited" in second.svg and b"Appeal, edited" not in first.svg
    assert third.svg == first.svg
    assert len(list(tmp_path.iterdir())) == 2, "the same frame again should have used the kept chart"
    monkeypatch.delenv(CHART_CACHE_ENV)
    drawn = charts.timeline_chart([lane], KINDS)
    assert third.counted_events == drawn.counted_events, "the caption's count of grey-bar events was lost in the cache"


def test_an_argument_the_key_cannot_describe_turns_the_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    calls = []

    @cached_chart
    def draw(thing):
        calls.append(1)
        return charts.part_to_whole_bar.__wrapped__([("A", 1)], 2, str(len(thing.values)))

    class Opaque:
        def __init__(self, values):
            self.values = values

    draw(Opaque([1])), draw(Opaque([1, 2]))
    assert len(calls) == 2
    assert not any(tmp_path.iterdir()), "an argument without an exact key was cached"


def test_a_damaged_entry_is_drawn_again(monkeypatch, tmp_path, counted_bar):
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    bar, calls = counted_bar
    first = bar([("A", 200)], 2030, "rest")
    (entry,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    (entry / "chart.png").unlink()
    again = bar([("A", 200)], 2030, "rest")
    assert len(calls) == 2 and again.png == first.png


def test_frames_equal_in_content_share_a_key_and_dtypes_count():
    a = pd.DataFrame({"x": [1, 2]})
    assert rendered._canonical(a) == rendered._canonical(a.copy())
    assert rendered._canonical(a) != rendered._canonical(a.astype(float))
    assert rendered._canonical({3, 1, 2}) == rendered._canonical({2, 3, 1})
