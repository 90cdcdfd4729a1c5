"""The figures annex's chart at print size in every edition: a panel only for a measure with values, no repeated
date ticks, no value label running into another or out of its panel, and nothing drawn when nothing was reported."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from csto_briefing.briefing import Briefing
from csto_briefing.present.charts import series_chart

MEASURES = ["force_size", "death_toll", "detentions"]


def chart(as_of: str):
    b = Briefing.load(as_of)
    titles = {m: b.data.codebook.label("measure", m) for m in MEASURES}
    return b, series_chart(b.figures, titles, set(b.latest_figures["figure_id"]))


@pytest.mark.parametrize("as_of", ["2022-01-06", "2022-01-07", "2022-01-12", "2022-01-20", "2022-09-30", "2025-12-31"])
def test_series_chart_is_honest_and_legible(as_of: str):
    b, fig = chart(as_of)
    with_values = [m for m in MEASURES if (b.figures["measure"] == m).any()]
    axes = fig.axes
    assert [ax.get_title(loc="left") for ax in axes] == [b.data.codebook.label("measure", m) for m in with_values]
    renderer = fig.canvas.get_renderer()
    for ax in axes:
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert len(ticks) == len(set(ticks)), f"{as_of}: repeated date ticks {ticks}"
        lo, hi = ax.get_ylim()
        assert hi > 1, f"{as_of}: an empty 0-1 panel"
        frame = ax.get_window_extent(renderer).expanded(1.02, 1.15)
        boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() != "unit"]  # the unit sits above the frame
        for unit in [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "unit"]:
            assert not unit.overlaps(ax.title.get_window_extent(renderer)), f"{as_of}: the unit runs into the title"
            assert not any(unit.overlaps(box) for box in boxes), f"{as_of}: the unit runs into a value label"
        assert boxes, "no value labels"
        for i, box in enumerate(boxes):
            assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), f"{as_of}: a label leaves its panel"
            for other in boxes[i + 1:]:
                assert not box.overlaps(other), f"{as_of}: two value labels overlap in {ax.get_title(loc='left')}"


def test_no_chart_when_nothing_was_reported():
    _, fig = chart("2022-01-01")  # the earliest edition that builds: none of the three measures reported yet
    assert fig is None


def test_every_measure_and_every_vocabulary_value_printed_has_a_human_label():
    """Reader text shows labels, never keys: each measure of figures.csv has one in codebook.yaml's labels."""
    from csto_briefing.data.dataset import load_dataset

    data = load_dataset()
    labels = data.codebook.labels
    missing = sorted(set(data.figures["measure"]) - set(labels.get("measure", {})))
    assert missing == [], f"add labels: measure: for {missing} in data/codebook.yaml"
    for vocab in ("certainty", "verdict", "figure_status", "troops_status", "parliament", "stance", "reliability",
                  "verification", "text_is", "quote_kind", "qualifier"):
        assert set(data.codebook.vocabularies[vocab]) <= set(labels.get(vocab, {})), vocab


def _value_labels(ax):
    return [t for t in ax.texts if getattr(t, "xy", None) is not None and t.xycoords == "data"]


@pytest.mark.parametrize("as_of", ["2022-01-12", "2025-12-31"])
def test_each_value_label_sits_by_its_own_point(as_of: str):
    """Editor's review 13: "164" by the 225 point, "230" below right of its own: a label is nearer its own point than
    any other point of the panel, or a leader line ties it to its point."""
    import matplotlib.dates as mdates
    import numpy as np

    _, fig = chart(as_of)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = _value_labels(ax)
        anchors = [ax.transData.transform((mdates.date2num(t.xy[0]) if not isinstance(t.xy[0], float) else t.xy[0], t.xy[1]))
                   for t in labels]
        for label, own in zip(labels, anchors):
            if label.arrow_patch is not None:
                continue  # tied to its point by a leader
            box = label.get_window_extent(renderer)
            centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])

            def distance(p, box=box):
                dx = max(box.x0 - p[0], 0, p[0] - box.x1)
                dy = max(box.y0 - p[1], 0, p[1] - box.y1)
                return float(np.hypot(dx, dy))

            others = [a for a in anchors if not np.allclose(a, own)]
            assert all(distance(own) < distance(o) for o in others), \
                f"{as_of}: {label.get_text()!r} at {centre} is nearer another point than its own"


def test_period_bar_lies_beneath_the_points_and_axes_name_their_unit():
    """The 238 bar (a year) is drawn under the 225 and 230 points; every panel's y axis names its unit; the legend
    speaks to a reader."""
    b, fig = chart("2025-12-31")
    toll = next(ax for ax in fig.axes if ax.get_title(loc="left") == b.data.codebook.label("measure", "death_toll"))
    bars = [line for line in toll.lines if len(line.get_xdata()) == 2 and line.get_linestyle() == "-" and line.get_linewidth() > 2]
    points = [line for line in toll.lines if line.get_linestyle() == "None" and line.get_marker() not in ("|", None, "None")]
    assert bars and points
    assert max(bar.get_zorder() for bar in bars) < min(point.get_zorder() for point in points)
    units = {m: set(b.figures[b.figures["measure"] == m]["unit"]) for m in MEASURES}
    for ax, m in zip(fig.axes, MEASURES):
        named = [t.get_text() for t in ax.texts if t.get_gid() == "unit"]
        assert len(named) == 1 and named[0] in units[m], (named, units[m])
    legend = " | ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "ringed: figure used in the text" in legend and "the briefing uses" not in legend
    assert "bar: dated only by its month or year" in legend


def test_a_reference_level_is_a_labelled_line_not_a_point_of_the_series():
    """references: a nominal size beside the force sent is a dashed line with its label, not a point in the series."""
    b = Briefing.load("2025-12-31")
    titles = {m: m for m in MEASURES}
    plain = series_chart(b.figures, titles, set(b.latest_figures["figure_id"]))
    fig = series_chart(b.figures, titles, set(b.latest_figures["figure_id"]),
                       references={"force_size": [(3600, "nominal strength ~3,600")]})
    force, before = fig.axes[0], plain.axes[0]
    dashed = [line for line in force.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and set(dashed[0].get_ydata()) == {3600}
    assert "nominal strength ~3,600" in [t.get_text() for t in force.texts]
    assert len(_value_labels(force)) == len(_value_labels(before))  # no point added to the series
    renderer = fig.canvas.get_renderer()
    reference = next(t for t in force.texts if t.get_text() == "nominal strength ~3,600").get_window_extent(renderer)
    assert not any(reference.overlaps(t.get_window_extent(renderer)) for t in _value_labels(force))
