"""Chart primitives in the house style. Each function returns a matplotlib Figure.

General machinery only: what a chart shows (which events, which window, which labels) is chosen in the notebook
and passed in as arguments."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..data import asof
from . import style
from .rendered import cached_chart

STYLE = style.MPLSTYLE
# the palette's colours by name, for notebooks that choose a colour per kind (present/style.py holds them)
BLUE, VERMILION, GREEN, ORANGE, SKY, PURPLE, BLACK = (style.PALETTE[name] for name in
                                                     ("blue", "vermilion", "green", "orange", "sky", "purple", "black"))
GREY = style.GREY


def _style() -> None:
    plt.style.use(str(STYLE))
    plt.rcParams.update({"font.family": style.FONT})  # the one typeface, whatever the file says


@dataclass(frozen=True)
class Lane:
    """One panel of a timeline: `events` has a column `when` (datetime), `label` (text; '' for none) and `kind`
    (a key of the chart's `kinds`); the panel shows [start, end]. Rows are drawn in the order given: the caller
    sorts them (e.g. by date and order within the day) and puts the events whose labels matter first. `spans` are
    periods drawn as a shaded band across the panel, each (start, end, legend text, colour): a state that lasted,
    not a moment."""

    title: str
    events: pd.DataFrame
    start: datetime
    end: datetime
    spans: tuple = ()


def _unit(start: datetime, end: datetime) -> tuple[str, float]:
    """The time unit for ticks and counting ('hour', 'day', 'month', 'year') and the span in that unit."""
    hours = (end - start).total_seconds() / 3600
    if hours <= 72:
        return "hour", hours
    if hours <= 24 * 120:
        return "day", hours / 24
    if hours <= 24 * 365 * 6:
        return "month", hours / (24 * 30.44)
    return "year", hours / (24 * 365.25)


def _time_axis(ax, start: datetime, end: datetime, max_ticks: int = 8) -> str:
    """Ticks at whole hours, days, months or years, at most max_ticks, each label different from its neighbours."""
    unit, span = _unit(start, end)
    step = max(1, math.ceil(span / max_ticks))
    if unit == "hour":
        step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 48) if s >= step)
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, min(step, 24))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M\n%-d %b"))
    elif unit == "day":
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b" if start.year == end.year else "%-d %b\n%Y"))
    elif unit == "month":
        step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 36) if s >= step)
        months = range(1, 13, step) if step <= 12 else [1]
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=months) if step <= 12 else mdates.YearLocator(step // 12))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y" if step < 12 else "%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlim(start, end)
    return unit


def _bin_start(when: datetime, unit: str) -> datetime:
    if unit == "hour":
        return when.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return when.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return when.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _bin_width(start: datetime, unit: str) -> timedelta:
    return {"hour": timedelta(hours=1), "day": timedelta(days=1), "month": timedelta(days=28),
            "year": timedelta(days=330)}[unit]


LEVELS = (1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 4.0, -4.0, 5.0, -5.0)
LABEL_SIZE = 7.5
MARKER_IN = 0.1  # a marker's width in inches
STACK_STEP = 0.55  # markers at one moment are this far apart (label levels are 1 apart): clear of each other at print size


def _leader_hits(x0: float, cx: float, level: float, at: float, a: float, z: float, pad: float = 0.05) -> bool:
    """Whether the leader from a marker at x0 (on the axis) to a label centred at cx on `level` passes through the
    box [a, z] of a label on level `at` (same side, nearer the axis); a label is about 0.4 level units tall."""
    reach = abs(level) * 0.78
    f0, f1 = max(0.0, (abs(at) - 0.2) / reach), min(1.0, (abs(at) + 0.2) / reach)
    if f0 >= 1.0:
        return False
    xs = (x0 + (cx - x0) * f0, x0 + (cx - x0) * f1)
    return not (max(xs) < a - pad or min(xs) > z + pad)


def _cross(p1: tuple, p2: tuple, q1: tuple, q2: tuple) -> bool:
    """Whether segments p1-p2 and q1-q2 cross at a point inside both (touching at an end does not count)."""
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2, d3, d4 = side(q1, q2, p1), side(q1, q2, p2), side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _place(x: float, half: float, width_in: float, taken: dict, leaders: list) -> tuple[float, float, float] | None:
    """Where a label of half-width `half` for a marker at x goes: (level, left, right), or None. Candidates nearest
    the axis and nearest the marker first; a candidate is taken when its box overlaps no label of its level, its
    leader line crosses no label nearer the axis, and no earlier leader line runs through its box."""
    pad = 0.05
    candidates = sorted(((abs(lvl) + 2 * abs(k), i, lvl, k) for i, lvl in enumerate(LEVELS) for k in (0, 0.5, -0.5, 1, -1)),
                        key=lambda c: (c[0], c[1]))  # a straight leader two levels out before a slanted one
    for _, _, level, k in candidates:
        left = x - half + k * (2 * half + 0.1)
        left = min(max(left, 0.0), width_in - 2 * half)  # keep the label inside the panel
        right, cx = left + 2 * half, left + half
        if k and not (left - pad <= x <= right + pad) and abs(cx - x) > 3 * half:
            continue
        if not all(right + pad < a or left - pad > z for a, z in taken[level]):
            continue
        if any(_leader_hits(x, cx, level, lvl, a, z) for lvl in taken if lvl * level > 0 and abs(lvl) < abs(level)
               for a, z in taken[lvl]):
            continue
        if any(_leader_hits(x0, c0, lvl, level, left, right) for x0, c0, lvl in leaders if lvl * level > 0 and abs(lvl) > abs(level)):
            continue
        if any(lvl * level > 0 and _cross((x, 0.0), (cx, 0.78 * level), (x0, 0.0), (c0, 0.78 * lvl)) for x0, c0, lvl in leaders):
            continue
        return level, left, right
    return None


def _lane(ax, lane: Lane, kinds: dict[str, tuple[str, str, str]], width_in: float) -> tuple[set[str], int]:
    """Draw one lane; return the kinds drawn with a marker and the number of events shown as counts only."""
    ax.set_title(lane.title)
    ax.axhline(0, color="#bbbbbb", linewidth=1, zorder=0)
    unit = _time_axis(ax, lane.start, lane.end)
    span = (lane.end - lane.start).total_seconds()
    inches_per_second = width_in / span
    shown = lane.events[[lane.start <= w <= lane.end for w in lane.events["when"]]]
    taken: dict[float, list[tuple[float, float]]] = {lvl: [] for lvl in LEVELS}
    leaders: list[tuple[float, float, float]] = []  # (x from, x to, level): the leader lines drawn so far
    marked: set[str] = set()
    markers: list[tuple[float, float]] = []
    placed_labels: set[str] = set()
    counted: dict[datetime, int] = {}
    for _, row in shown.iterrows():
        when = row["when"]
        label = str(row["label"] or "")
        x = (when - lane.start).total_seconds() * inches_per_second
        level = None
        if label:
            half = (len(label) * 0.55 * LABEL_SIZE / 72 + 0.12) / 2
            place = _place(x, half, width_in, taken, leaders)
            if place is not None:
                level, left, right = place
        y = None
        if level is not None and label not in placed_labels:
            # markers at the same moment are stacked on the side of their label (two at most), never drawn over
            # each other; an event that finds no room is counted instead
            side = 1 if level > 0 else -1
            y = next((side * STACK_STEP * k for k in range(4)
                      if not any(abs(x - mx) < MARKER_IN and abs(side * STACK_STEP * k - my) < 0.8 * STACK_STEP
                                 for mx, my in markers)), None)
        if y is None:
            start = _bin_start(when, unit)
            counted[start] = counted.get(start, 0) + 1
            continue
        taken[level].append((left, right))
        leaders.append((x, (left + right) / 2, level))
        placed_labels.add(label)
        markers.append((x, y))
        marker, colour, _ = kinds.get(row["kind"], ("o", GREY, row["kind"]))
        marked.add(row["kind"] if row["kind"] in kinds else "")
        centre = lane.start + timedelta(seconds=((left + right) / 2) / inches_per_second)
        ax.plot([when, centre], [y, level * 0.78], color="#999999", linewidth=0.6, zorder=1)
        ax.plot(when, y, marker=marker, color=colour, markersize=7, zorder=3, markeredgecolor="white",
                markeredgewidth=0.6, linestyle="none")
        ax.annotate(label, (centre, level), ha="center", va="center", fontsize=LABEL_SIZE, parse_math=False,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="#cccccc", linewidth=0.5))
    for start, end, _, colour in lane.spans:
        ax.axvspan(max(start, lane.start), min(end, lane.end), color=colour, alpha=0.08, linewidth=0, zorder=0)
    if counted:
        top = max(counted.values())
        for start, n in counted.items():
            # events without a label: a bar per time unit under the axis, its depth the number of events
            ax.bar(start, -0.5 * n / top, width=_bin_width(start, unit), bottom=-0.12, align="edge",
                   color=GREY, alpha=0.45, linewidth=0, zorder=2)
    used = [lvl for lvl in LEVELS if taken[lvl]]
    ax.set_ylim(min(used + [-1.0]) - 0.6, max(used + [1.0]) + 0.6)  # as tall as the labels placed need
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    return marked, sum(counted.values())


@cached_chart
def timeline_chart(lanes: list[Lane], kinds: dict[str, tuple[str, str, str]], width: float = 7.2,
                   lane_height: float = 2.5, count_label: str = "other events (the taller the bar, the more events)") -> Figure:
    """A timeline in one or more lanes, each with its own time scale (hours, days, months or years, chosen from
    its span). Events with a label are drawn as a marker of their kind with the label placed where it overlaps
    no other; events without a label, or whose label finds no room, are counted per time unit and drawn as grey
    bars on the axis, so that ten or a hundred times the events still read (their number is the figure's
    `counted_events`). No leader line crosses a label or another leader line. `kinds` maps an event kind to
    (marker, colour, legend text); the legend lists every kind drawn and the grey bars. Lanes with no event in
    their window are left out: a chart never shows an empty panel."""
    _style()
    lanes = [lane for lane in lanes if any(lane.start <= w <= lane.end for w in lane.events["when"])]
    if not lanes:
        raise ValueError("timeline_chart: no lane has an event in its window")
    fig, axes = plt.subplots(len(lanes), 1, figsize=(width, lane_height * len(lanes) + 0.5), squeeze=False,
                             gridspec_kw={"hspace": 0.55})
    axes_width = width * (fig.subplotpars.right - fig.subplotpars.left)
    marked: set[str] = set()
    counted = 0
    for ax, lane in zip(axes[:, 0], lanes):
        kinds_drawn, n = _lane(ax, lane, kinds, axes_width)
        marked |= kinds_drawn
        counted += n
    handles = [Line2D([], [], marker=kinds[k][0], color=kinds[k][1], linestyle="none", markersize=7,
                      markeredgecolor="white", label=kinds[k][2]) for k in kinds if k in marked]
    if "" in marked:
        handles.append(Line2D([], [], marker="o", color=GREY, linestyle="none", markersize=7, label="other kind"))
    spans = {(text, colour) for lane in lanes for _, _, text, colour in lane.spans}
    handles += [Patch(facecolor=colour, alpha=0.08, label=text) for text, colour in sorted(spans)]
    if counted:
        handles.append(Patch(facecolor=GREY, alpha=0.45, label=count_label))
    fig.subplots_adjust(bottom=0.1)
    _legend_below(fig, handles, ncol=min(4, len(handles)), fontsize=7.5, handletextpad=0.3, columnspacing=1.0)
    fig.counted_events = counted  # how many events are shown only in the grey bars, for the caption to say so
    return fig


def _legend_below(fig: Figure, handles: list, gap_pt: float = 6, **kw) -> None:
    """The figure's legend under everything drawn below the axes (tick labels of one or two lines, axis labels):
    placed from their measured extent, never over them (savefig's tight box takes it in)."""
    renderer = fig.canvas.get_renderer()
    lowest = min([ax.get_tightbbox(renderer).y0 for ax in fig.axes] + [fig.bbox.height])
    y = (lowest - gap_pt * fig.dpi / 72) / fig.bbox.height
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, y), **kw)


@cached_chart
def part_to_whole_bar(parts: list[tuple[str, float]], total: float, remainder_label: str, unit: str = "",
                      width: float = 7.2) -> Figure:
    """One bar of length `total` split into the parts the sources give (each labelled with its name and value)
    and, hatched, the remainder that no source breaks down (labelled `remainder_label` and its size).
    Nothing is drawn for a part whose value is unknown: its share lies inside the remainder."""
    _style()
    known = sum(value for _, value in parts)
    if known > total:
        raise ValueError(f"part_to_whole_bar: the parts ({known:,.0f}) exceed the total ({total:,.0f})")
    fig, ax = plt.subplots(figsize=(width, 1.7))
    per_inch = total / (width * (fig.subplotpars.right - fig.subplotpars.left))  # data units per inch
    left, right_edge = 0.0, -math.inf
    colours = [BLUE, SKY, GREEN, ORANGE, PURPLE]
    for i, (name, value) in enumerate(parts):
        ax.barh(0, value, left=left, height=0.5, color=colours[i % len(colours)], edgecolor="white", linewidth=0.8)
        label = f"{name}: {value:,.0f}"
        half = (len(label) * 0.55 * 8 / 72 + 0.1) / 2 * per_inch
        centre = max(left + value / 2, right_edge + half, half)  # labels above the bar, left to right, never overlapping
        right_edge = centre + half
        ax.annotate(label, (left + value / 2, 0.25), xytext=(centre, 0.55), ha="center", va="bottom", fontsize=8,
                    parse_math=False, arrowprops=dict(arrowstyle="-", color="#999999", linewidth=0.6))
        left += value
    rest = total - known
    if rest > 0:
        ax.barh(0, rest, left=left, height=0.5, color="white", edgecolor=GREY, hatch="///", linewidth=0.6)
        ax.text(left + rest / 2, 0, f"{remainder_label}: {rest:,.0f}", ha="center", va="center", fontsize=8,
                parse_math=False, bbox=dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="none"))
    ax.set_xlim(0, total)
    ax.set_ylim(-0.5, 1.0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    nice = [t for t in MaxNLocator(nbins=5, steps=[1, 2, 5, 10]).tick_values(0, total) if 0 <= t <= total * 0.92]
    ticks = [*nice, total]
    ax.set_xticks(ticks, [f"{t:,.0f}" for t in ticks])
    if unit:
        ax.set_xlabel(unit)
    return fig


SERIES_STYLE = {  # figure status -> (colour, marker, legend text); shapes differ so that greyscale print still reads
    "official": (BLUE, "o", "official"), "preliminary": (SKY, "s", "preliminary"), "reported": (SKY, "v", "media figure"),
    "superseded": (GREY, "o", "superseded"),
    "planned": (ORANGE, "D", "planned"), "disputed": (VERMILION, "X", "disputed"),
}
QUALIFIER_SIGNS = {"about": "~", "over": ">", "at_least": "≥", "at_most": "≤", "almost": "<"}


def _day_precision(value: str) -> bool:
    return len(value) == 10


@cached_chart
def series_chart(figures: pd.DataFrame, measures: dict[str, str], used: set[str] | frozenset[str] = frozenset(),
                 status_labels: dict[str, str] | None = None,
                 references: dict[str, list[tuple[float, str]]] | None = None) -> Figure | None:
    """Small multiples: each measure's reported values over time, every value at the date it was reported, none
    averaged. Only measures with at least one value get a panel; None when no measure has any (say so instead).
    A value reported with only a month or year is drawn as a bar across that whole period, not at a day the data
    does not give. Every mark is explained: its status by its shape and colour (legend), the figures the briefing
    uses (`used`: figure ids) by a black ring and a bold label, a period by its bar (legend), drawn beneath the points it
    spans. Each value label sits beside its own point, clear of other labels, markers, bars and the frame; one that must
    stand further off is tied to its point by a thin leader. The y axis names the series' unit (the figures' `unit`).
    references: {measure: [(value, label)]}, a level that is not a report of the series (a nominal size beside the
    force sent): a dashed line across the panel, labelled, never a point of the series."""
    _style()
    present = [(m, t) for m, t in measures.items() if (figures["measure"] == m).any()]
    if not present:
        return None
    labels = {**{k: v[2] for k, v in SERIES_STYLE.items()}, **(status_labels or {})}
    fig, axes = plt.subplots(1, len(present), figsize=(7.2, 2.9), squeeze=False, gridspec_kw={"wspace": 0.35})
    seen: set[str] = set()
    any_used = any_period = False
    placed: list[tuple] = []
    for ax, (measure, title) in zip(axes[0], present):
        series = figures[figures["measure"] == measure].copy()
        series["_start"] = [datetime.combine(asof.period_start(v), datetime.min.time()) for v in series["reported_on"]]
        series["_end"] = [datetime.combine(asof.period_end(v), datetime.min.time()) for v in series["reported_on"]]
        series = series.sort_values(["_start", "_end"])
        ax.set_title(title, fontsize=9, pad=17)  # the unit's line between the title and the axis
        texts, points, segments, fixed = [], [], [], []
        for _, row in series.iterrows():
            is_used = row["figure_id"] in used
            colour, marker, _ = SERIES_STYLE.get(row["status"], (GREY, "o", row["status"]))
            seen.add(row["status"] if row["status"] in SERIES_STYLE else "")
            any_used |= is_used
            text = f"{QUALIFIER_SIGNS.get(row['qualifier'], '')}{row['value']:,.0f}"
            ring = [patheffects.withStroke(linewidth=5.5, foreground="black")] if is_used else None
            if _day_precision(row["reported_on"]):
                x = row["_start"]
                ax.plot(x, row["value"], marker=marker, color=colour, linestyle="none", zorder=4 if is_used else 3,
                        markersize=8 if is_used else 6, markeredgecolor="black" if is_used else "white",
                        markeredgewidth=1.4 if is_used else 0.5)
                points.append((x, row["value"]))
            else:  # known only to the month or year: a bar across the period, labelled with it
                any_period = True
                x = row["_start"] + (row["_end"] - row["_start"]) / 2
                ring = [patheffects.withStroke(linewidth=4, foreground="black")] if is_used else None
                # beneath the day-dated points it spans (zorder 2 < 3), thin enough that they stay visible on it
                ax.plot([row["_start"], row["_end"]], [row["value"]] * 2, color=colour, linewidth=2.2,
                        solid_capstyle="butt", zorder=2, path_effects=ring)
                ax.plot([row["_start"], row["_end"]], [row["value"]] * 2, marker="|", color=colour, linestyle="none",
                        markersize=8, zorder=2)
                points += [(row["_start"], row["value"]), (row["_end"], row["value"])]
                segments.append((row["_start"], row["_end"], row["value"]))
                text += f" ({row['reported_on'][:4]})" if len(row["reported_on"]) == 4 else f" ({row['_start']:%b %Y})"
            texts.append(ax.annotate(text, (x, row["value"]), textcoords="offset points", xytext=(0, 7), ha="center",
                                     va="bottom", fontsize=7.5, parse_math=False, color="black",
                                     fontweight="bold" if is_used else "normal"))
        line = series[(series["status"] != "disputed") & series["reported_on"].map(_day_precision)]
        if len(line) > 1:
            ax.plot(line["_start"], line["value"], color="#cccccc", linewidth=0.8, zorder=1)
        first, last = series["_start"].min(), series["_end"].max()
        span = max((last - first).days, 1)
        pad = timedelta(days=max(1.0, span * 0.12))
        ax.set_xlim(first - pad, last + pad)
        if span <= 60:  # days: at most four ticks, whole days only (never an hour tick printed as a repeated day)
            shown = (last + pad) - (first - pad)
            ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-shown.days // 3))))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b\n%Y"))
        else:
            locator = mdates.AutoDateLocator(minticks=2, maxticks=4)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False,
                                                                     formats=["%Y", "%b\n%Y", "%-d %b\n%Y", "%H:%M", "%H:%M", "%S"]))
        levels = list((references or {}).get(measure, []))
        for value_, text_ in levels:
            ax.axhline(value_, color=GREY, linewidth=0.9, linestyle=(0, (4, 2)), zorder=1)
            fixed.append(ax.annotate(text_, (1, value_), xycoords=("axes fraction", "data"), xytext=(-2, -2),
                                     textcoords="offset points", ha="right", va="top", fontsize=7, color=style.CHART_INK,
                                     parse_math=False, annotation_clip=False))
        high = max([series["value"].max()] + [v for v, _ in levels])
        ax.set_ylim(0, high * 1.45 if high else 1)
        units = series["unit"].dropna().astype(str) if "unit" in series else pd.Series(dtype=str)
        if not units.empty:  # the unit, read level above the axis's top (rotated text reads badly at this size)
            ax.annotate(units.mode().iloc[0], (0, 1), xycoords="axes fraction", xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7.5, color=style.CHART_INK, parse_math=False,
                        annotation_clip=False, gid="unit")
        ax.yaxis.set_major_locator(plt.MaxNLocator(4, integer=True))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        placed.append((ax, texts, points, segments, fixed))
    fig.subplots_adjust(bottom=0.2, top=0.86)
    for ax, texts, points, segments, fixed in placed:  # after the layout is final: label boxes measured where they print
        _spread_labels(fig, ax, texts, points, segments, fixed)
    handles = [plt.Line2D([], [], marker=SERIES_STYLE[s][1], color=SERIES_STYLE[s][0], markeredgecolor="white",
                          markeredgewidth=0.5, linestyle="none", markersize=6, label=labels.get(s, s))
               for s in SERIES_STYLE if s in seen]
    if "" in seen:
        handles.append(plt.Line2D([], [], marker="o", color=GREY, linestyle="none", markersize=6, label="no status given"))
    if any_period:
        handles.append(plt.Line2D([0, 1], [0, 0], color=GREY, linewidth=2.2, marker="|", markersize=8,
                                  label="bar: dated only by its month or year"))
    if any_used:
        handles.insert(0, plt.Line2D([], [], marker="o", color="white", markeredgecolor="black", markeredgewidth=1.4,
                                     linestyle="none", markersize=8, label="ringed: figure used in the text"))
    _legend_below(fig, handles, ncol=min(len(handles), 4), fontsize=7.5, handletextpad=0.6, columnspacing=1.2)
    return fig


LABEL_GAP_PT = 3.5  # clear space around a value label: two labels stay at least twice this apart, never read as one


def _spread_labels(fig: Figure, ax, texts: list, points: list[tuple] = (), segments: list[tuple] = (),
                   fixed: list = ()) -> None:
    """Place each value label beside its own point: it tries positions right beside the point (above, right, left,
    below, then the corners), then a step further off, until it is clear by LABEL_GAP_PT of every other label, every
    marker and bar of the panel, the fixed texts (a reference line's label) and the axes' frame. A label set further off than beside its point gets a thin leader
    line to it, so that it never reads as another point's."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    gap = LABEL_GAP_PT * fig.dpi / 72
    marker = 4.5 * fig.dpi / 72  # half a marker, ringed
    bar = 2.5 * fig.dpi / 72  # half a period bar, ringed
    obstacles = []
    for x, y in points:
        px, py = ax.transData.transform((mdates.date2num(x), y))
        obstacles.append(Bbox.from_extents(px - marker, py - marker, px + marker, py + marker))
    for x0, x1, y in segments:
        (ax0, ay), (ax1, _) = ax.transData.transform([(mdates.date2num(x0), y), (mdates.date2num(x1), y)])
        obstacles.append(Bbox.from_extents(ax0, ay - bar, ax1, ay + bar))
    placed: list = [t.get_window_extent(renderer) for t in fixed]
    near = [(0, 8, "center", "bottom"), (8, 0, "left", "center"), (-8, 0, "right", "center"), (0, -9, "center", "top"),
            (6, 6, "left", "bottom"), (-6, 6, "right", "bottom"), (6, -6, "left", "top"), (-6, -6, "right", "top")]
    far = [(0, 15, "center", "bottom"), (0, -16, "center", "top"), (14, 0, "left", "center"), (-14, 0, "right", "center"),
           (11, 11, "left", "bottom"), (-11, 11, "right", "bottom"), (11, -11, "left", "top"), (-11, -11, "right", "top"),
           (0, 25, "center", "bottom"), (0, -26, "center", "top")]

    def area(a, b) -> float:
        return max(0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0, min(a.y1, b.y1) - max(a.y0, b.y0))

    def cost(text) -> float:
        box = text.get_window_extent(renderer)
        clear = Bbox.from_extents(box.x0 - gap, box.y0 - gap / 2, box.x1 + gap, box.y1 + gap / 2)
        outside = max(0, frame.x0 + 2 - box.x0) + max(0, box.x1 - frame.x1 - 4) + max(0, box.y1 - frame.y1 - 8) \
            + max(0, frame.y0 + 2 - box.y0)
        return sum(area(clear, o) for o in placed) + sum(area(clear, o) for o in obstacles) + 50 * outside

    for text in texts:
        best = None
        for rank, (dx, dy, ha, va) in enumerate(near + far):
            text.set_position((dx, dy))
            text.set_ha(ha)
            text.set_va(va)
            score = cost(text)
            if best is None or score < best[0]:
                best = (score, rank, dx, dy, ha, va)
            if score == 0:
                break
        _, rank, dx, dy, ha, va = best
        text.set_position((dx, dy))
        text.set_ha(ha)
        text.set_va(va)
        if rank >= len(near):  # further off than beside its point: a leader ties it to the point
            relpos = ({"left": 0.0, "center": 0.5, "right": 1.0}[ha], {"bottom": 0.0, "center": 0.5, "top": 1.0}[va])
            leader = ax.annotate(text.get_text(), text.xy, textcoords="offset points", xytext=(dx, dy), ha=ha, va=va,
                                 fontsize=text.get_fontsize(), fontweight=text.get_fontweight(), color=text.get_color(),
                                 parse_math=False, arrowprops={"arrowstyle": "-", "color": "#888888", "linewidth": 0.6,
                                                               "shrinkA": 1, "shrinkB": 4, "relpos": relpos})
            text.remove()
            text = leader
        placed.append(text.get_window_extent(renderer))
