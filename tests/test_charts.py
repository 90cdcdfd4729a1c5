"""Chart primitives (present/charts.py): every mark explained, no label over another, no hidden marker, no empty
panel, distinct tick labels, and readable with ten and a hundred times the events (issues 12 and 13)."""

from __future__ import annotations

from datetime import datetime, timedelta

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from csto_briefing.present import charts

KINDS = {"appeal": ("v", charts.VERMILION, "appeal"), "decision": ("D", charts.BLUE, "decision"),
         "withdrawal": ("s", charts.ORANGE, "withdrawal")}


def events(times: int = 1, start: datetime = datetime(2022, 1, 1), days: int = 20) -> pd.DataFrame:
    base = [(start + timedelta(days=d, hours=h), label, kind) for d, h, label, kind in [
        (4, 20, "Appeal", "appeal"), (5, 2, "Decision", "decision"), (5, 2, "", "appeal"), (5, 3, "Same moment", "decision"),
        (12, 12, "Withdrawal begins", "withdrawal"), (18, 12, "Last troops leave", "withdrawal"), (9, 0, "", "decision")]]
    rows = [(w + timedelta(minutes=i), label, kind) for i in range(times) for w, label, kind in base]
    frame = pd.DataFrame(rows, columns=["when", "label", "kind"])
    return frame.sort_values("label", key=lambda s: s == "", kind="stable")


def _draw(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


@pytest.mark.parametrize("times", [1, 10, 100])
def test_labels_never_overlap_and_each_appears_once(times: int):
    lane = charts.Lane("", events(times), datetime(2022, 1, 1), datetime(2022, 1, 21))
    fig = charts.timeline_chart([lane], KINDS)
    renderer = _draw(fig)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two labels overlap"
    texts = [t.get_text() for t in labels]
    assert len(texts) == len(set(texts))  # a repeated event is counted, not labelled again
    assert len(texts) <= 12


def test_every_mark_has_a_legend_entry_and_markers_are_not_hidden():
    lane = charts.Lane("", events(1), datetime(2022, 1, 1), datetime(2022, 1, 21))
    fig = charts.timeline_chart([lane], KINDS)
    _draw(fig)
    ax = fig.axes[0]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    markers = [(line.get_xdata()[0], line.get_ydata()[0], line.get_marker()) for line in ax.lines
               if line.get_marker() not in ("None", "", None) and len(line.get_xdata()) == 1]
    assert {KINDS[k][2] for k in ("appeal", "decision", "withdrawal")} <= set(legend)
    assert any("other events" in t for t in legend)  # the grey count bars are explained too
    assert len({(x, y) for x, y, _ in markers}) == len(markers)  # two events at one moment: stacked, both visible
    assert any(isinstance(p, Rectangle) and p.get_height() != 0 for p in ax.patches)  # unlabelled events counted


@pytest.mark.parametrize("start, end", [(datetime(2022, 1, 1), datetime(2022, 1, 2)), (datetime(2022, 1, 1), datetime(2022, 1, 6)),
                                        (datetime(2022, 1, 1), datetime(2022, 1, 21)), (datetime(2021, 5, 1), datetime(2021, 6, 1)),
                                        (datetime(2021, 5, 1), datetime(2025, 12, 31)), (datetime(1992, 1, 1), datetime(2025, 12, 31))])
def test_tick_labels_are_distinct_and_the_axis_is_labelled(start: datetime, end: datetime):
    frame = pd.DataFrame([(start + (end - start) / 2, "Middle", "appeal")], columns=["when", "label", "kind"])
    fig = charts.timeline_chart([charts.Lane("", frame, start, end)], KINDS)
    _draw(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert len(ticks) >= 2 and len(ticks) == len(set(ticks)), ticks


def test_no_empty_panel():
    full = charts.Lane("Known", events(1), datetime(2022, 1, 1), datetime(2022, 1, 21))
    empty = charts.Lane("Not yet", events(1), datetime(2023, 1, 1), datetime(2023, 2, 1))
    fig = charts.timeline_chart([full, empty], KINDS)
    assert len(fig.axes) == 1
    with pytest.raises(ValueError):
        charts.timeline_chart([empty], KINDS)


def test_part_to_whole_draws_only_the_lengths_the_data_give():
    fig = charts.part_to_whole_bar([("A", 200), ("B", 150), ("C", 100)], 2030, "D and E together")
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    assert sorted(widths) == [100, 150, 200, 1580]  # three published parts and the remainder: nothing for D or E alone
    assert any("D and E together: 1,580" == t.get_text() for t in ax.texts)
    with pytest.raises(ValueError):
        charts.part_to_whole_bar([("A", 3000)], 2030, "rest")


def _leaders_and_boxes(fig):
    """The leader lines (two-point grey lines) and the label boxes of a timeline's first panel, in display units."""
    renderer = _draw(fig)
    ax = fig.axes[0]
    leaders = [ax.transData.transform(list(zip(charts.mdates.date2num(line.get_xdata()), line.get_ydata())))
               for line in ax.lines if len(line.get_xdata()) == 2 and line.get_color() == "#999999"]
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if t.get_text()]
    return leaders, boxes


def _segment_hits_box(p, q, box) -> bool:
    return any(box.contains(*(p + (q - p) * f)) for f in [i / 200 for i in range(1, 200)])


def test_no_leader_line_crosses_a_label_or_another_leader():
    dense = pd.DataFrame([(datetime(2022, 1, 5, h), f"Event {h}", "decision") for h in (6, 12, 18, 22)]
                         + [(datetime(2022, 1, 6, h), f"Next {h}", "appeal") for h in (2, 9, 15)],
                         columns=["when", "label", "kind"])
    fig = charts.timeline_chart([charts.Lane("", dense, datetime(2022, 1, 1), datetime(2022, 1, 21))], KINDS)
    leaders, boxes = _leaders_and_boxes(fig)
    assert len(leaders) == len(boxes) >= 4 and len(boxes) + fig.counted_events == len(dense)
    for i, (p, q) in enumerate(leaders):
        own = min(boxes, key=lambda b: min(abs(b.x0 - q[0]) + abs(b.y0 - q[1]), abs(b.x1 - q[0]) + abs(b.y1 - q[1]),
                                           abs((b.x0 + b.x1) / 2 - q[0]) + abs((b.y0 + b.y1) / 2 - q[1])))
        for box in boxes:
            if box is not own:
                assert not _segment_hits_box(p, q, box), f"leader {i} crosses a label"
        for p2, q2 in leaders[i + 1:]:
            if (p2 != p).any():
                assert not charts._cross(tuple(p), tuple(q), tuple(p2), tuple(q2)), "two leaders cross"


def test_a_span_is_shaded_and_explained():
    start, end = datetime(2022, 1, 5, 1, 30), datetime(2022, 1, 19)
    lane = charts.Lane("", events(1), datetime(2022, 1, 1), datetime(2022, 1, 21), spans=((start, end, "state of emergency", charts.BLACK),))
    fig = charts.timeline_chart([lane], KINDS)
    _draw(fig)
    assert "state of emergency" in [t.get_text() for t in fig.legends[0].get_texts()]
    shaded = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_width() > 10]
    assert shaded, "the span is drawn"
    assert fig.counted_events >= 1  # the unlabelled events of events() are counted, and the caption can say so
