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
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
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
