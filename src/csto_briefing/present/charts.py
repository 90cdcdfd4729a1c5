"""Charts of the briefing, in one house style. Each function returns a matplotlib Figure."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ..data import asof
from ..paths import STYLES_DIR

STYLE = STYLES_DIR / "briefing.mplstyle"
BLUE, VERMILION, GREEN, ORANGE, SKY, PURPLE, BLACK = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#000000"
GREY = "#777777"
EVENT_MARKERS = {  # event type -> (marker, colour); shapes differ so that greyscale print still reads
    "appeal": ("v", VERMILION), "decision": ("D", BLUE), "deployment": ("^", GREEN), "withdrawal": ("s", ORANGE),
    "parliament": ("P", PURPLE), "response": ("X", BLACK), "mission": ("^", SKY), "membership": ("o", GREY),
}


def _style() -> None:
    plt.style.use(str(STYLE))


def _event_time(row: pd.Series) -> datetime:
    day = asof.period_start(row["date"])
    if row["time_local"]:
        hours, minutes = (int(x) for x in row["time_local"].split(":"))
        return datetime(day.year, day.month, day.day, hours, minutes)
    return datetime(day.year, day.month, day.day, 12, 0)


def _lane(ax, events: pd.DataFrame, start: datetime, end: datetime, title: str, fmt: str, locator) -> None:
    ax.set_title(title)
    ax.axhline(0, color="#bbbbbb", linewidth=1, zorder=0)
    shown = events[[start <= _event_time(r) <= end for _, r in events.iterrows()]]
    levels = [0.8, -0.8, 1.6, -1.6, 2.4, -2.4]
    span = (end - start).total_seconds()
    placed: list[tuple[datetime, float]] = []
    for _, row in shown[shown["headline"] != ""].iterrows():
        when = _event_time(row)
        marker, colour = EVENT_MARKERS.get(row["event_type"], ("o", GREY))
        # the first level whose labels nearby leave room for this one (labels are about 16% of the width)
        near = {lvl for t, lvl in placed if abs((when - t).total_seconds()) < 0.2 * span}
        level = next((lvl for lvl in levels if lvl not in near), levels[len(placed) % len(levels)])
        placed.append((when, level))
        ax.plot([when, when], [0, level * 0.85], color="#999999", linewidth=0.6, zorder=1)
        ax.plot(when, 0, marker=marker, color=colour, markersize=7, zorder=3, markeredgecolor="white", markeredgewidth=0.6)
        ax.annotate(row["headline"], (when, level), ha="center", va="center", fontsize=7.5, parse_math=False,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="#cccccc", linewidth=0.5))
    for _, row in shown[shown["headline"] == ""].iterrows():
        ax.plot(_event_time(row), 0, marker="|", color=GREY, markersize=6, zorder=2)
    ax.set_ylim(-2.9, 2.9)
    ax.set_xlim(start, end)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))


def timeline_chart(events: pd.DataFrame, as_of: date) -> Figure:
    """Two lanes: Kazakhstan, January 2022, by day; Armenia's appeals 2021-2025, by month."""
    _style()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.2, 6.2), gridspec_kw={"hspace": 0.45})
    kaz = events[events["case_id"] == "KAZ-2022-01"]
    _lane(top, kaz, datetime(2022, 1, 1), datetime(2022, 1, 21), "Kazakhstan, January 2022 (by day)", "%d %b",
          mdates.DayLocator(interval=2))
    arm = events[events["case_id"].isin(["ARM-2021-05", "ARM-2021-11", "ARM-2022-09"])]
    end = min(datetime(as_of.year, as_of.month, as_of.day), datetime(2025, 12, 31))
    _lane(bottom, arm, datetime(2021, 4, 1), max(end, datetime(2021, 7, 1)), "Armenia and the CSTO, 2021 onwards (by month)", "%b\n%Y",
          mdates.MonthLocator(bymonth=(1, 7)))
    return fig


def contributions_chart(positions: pd.DataFrame, state_names: dict[str, str]) -> Figure:
    """Troops by member state; an unpublished number is drawn as unknown, never as zero."""
    _style()
    rows = positions.sort_values("state_iso3")
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    known_max = max([int(t) for t in rows["troops"].dropna()] or [100])
    for i, (_, row) in enumerate(rows.iterrows()):
        name = state_names.get(row["state_iso3"], row["state_iso3"])
        if pd.notna(row["troops"]):
            ax.barh(i, int(row["troops"]), color=BLUE, height=0.6)
            ax.text(int(row["troops"]) + known_max * 0.02, i, f"{int(row['troops']):,}", va="center", fontsize=8)
        elif row["troops_status"] == "not_published":
            ax.barh(i, known_max, color="white", edgecolor=GREY, hatch="///", height=0.6, linewidth=0.6)
            ax.text(known_max * 1.02, i, "sent; number not published", va="center", fontsize=8, color="#333333")
        else:
            label = {"not_applicable": "host state: no troops to the force",
                     "pending_approval": "awaiting parliament's approval"}.get(row["troops_status"], row["troops_status"])
            ax.text(known_max * 0.02, i, label, va="center", fontsize=8, color="#333333", style="italic", parse_math=False)
        ax.text(-known_max * 0.02, i, name, va="center", ha="right", fontsize=8.5, parse_math=False)
    _bars_axes(ax, xmax=known_max * 1.6, rows=len(rows), top=-0.5, xlabel="troops")
    return fig


SERIES_STYLE = {  # figure status -> (colour, marker, legend text); shapes differ so that greyscale print still reads
    "official": (BLUE, "o", "official"), "preliminary": (SKY, "s", "preliminary"), "superseded": (GREY, "o", "superseded"),
    "planned": (ORANGE, "D", "planned"), "disputed": (VERMILION, "X", "disputed"),
}
QUALIFIER_SIGNS = {"about": "~", "over": ">", "at_least": "≥", "at_most": "≤", "almost": "<"}


def _day_precision(value: str) -> bool:
    return len(value) == 10


def series_chart(figures: pd.DataFrame, measures: dict[str, str], used: set[str] | frozenset[str] = frozenset(),
                 status_labels: dict[str, str] | None = None) -> Figure | None:
    """Small multiples: each measure's reported values over time, every value at the date it was reported, none
    averaged. Only measures with at least one value get a panel; None when no measure has any (say so instead).
    A value reported with only a month or year is drawn as a bar across that whole period, not at a day the data
    does not give. `used`: figure ids the briefing uses (drawn larger, ringed in black)."""
    _style()
    present = [(m, t) for m, t in measures.items() if (figures["measure"] == m).any()]
    if not present:
        return None
    labels = {**{k: v[2] for k, v in SERIES_STYLE.items()}, **(status_labels or {})}
    fig, axes = plt.subplots(1, len(present), figsize=(7.2, 2.9), squeeze=False, gridspec_kw={"wspace": 0.35})
    seen: dict[str, bool] = {}
    for ax, (measure, title) in zip(axes[0], present):
        series = figures[figures["measure"] == measure].copy()
        series["_start"] = [datetime.combine(asof.period_start(v), datetime.min.time()) for v in series["reported_on"]]
        series["_end"] = [datetime.combine(asof.period_end(v), datetime.min.time()) for v in series["reported_on"]]
        series = series.sort_values(["_start", "_end"])
        ax.set_title(title, fontsize=9, pad=10)
        texts = []
        for _, row in series.iterrows():
            is_used = row["figure_id"] in used
            colour, marker, _ = SERIES_STYLE.get(row["status"], (GREY, "o", row["status"]))
            if is_used:  # the figure in use on as_of, whatever later reports made of it
                colour = BLUE
            else:
                seen[row["status"]] = True
            text = f"{QUALIFIER_SIGNS.get(row['qualifier'], '')}{row['value']:,.0f}"
            if _day_precision(row["reported_on"]):
                x = row["_start"]
                ax.plot(x, row["value"], marker=marker, color=colour, linestyle="none", zorder=3,
                        markersize=7.5 if is_used else 6, markeredgecolor="black" if is_used else colour,
                        markeredgewidth=1.2 if is_used else 0.5)
            else:  # known only to the month or year: a bar across the period, labelled with it
                x = row["_start"] + (row["_end"] - row["_start"]) / 2
                ax.plot([row["_start"], row["_end"]], [row["value"]] * 2, color=colour, linewidth=3 if is_used else 2,
                        solid_capstyle="butt", zorder=3)
                ax.plot([row["_start"], row["_end"]], [row["value"]] * 2, marker="|", color=colour, linestyle="none",
                        markersize=8, zorder=3)
                text += f" ({row['reported_on'][:4]})" if len(row["reported_on"]) == 4 else f" ({row['_start']:%b %Y})"
            texts.append(ax.annotate(text, (x, row["value"]), textcoords="offset points", xytext=(0, 7), ha="center",
                                     va="bottom", fontsize=7, parse_math=False,
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
        high = series["value"].max()
        ax.set_ylim(0, high * 1.45 if high else 1)
        ax.yaxis.set_major_locator(plt.MaxNLocator(4, integer=True))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        _spread_labels(fig, ax, texts)
    handles = [plt.Line2D([], [], marker=SERIES_STYLE[s][1], color=SERIES_STYLE[s][0], linestyle="none", markersize=6,
                          label=labels.get(s, s)) for s in SERIES_STYLE if s in seen]
    if used:
        handles.insert(0, plt.Line2D([], [], marker="o", color=BLUE, markeredgecolor="black", markeredgewidth=1.2,
                                     linestyle="none", markersize=7.5, label="the figure the briefing uses"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), fontsize=7.5, bbox_to_anchor=(0.5, -0.06),
               handletextpad=0.3, columnspacing=1.2)
    fig.subplots_adjust(bottom=0.28, top=0.86)
    return fig


def _spread_labels(fig: Figure, ax, texts: list) -> None:
    """Move value labels that would overlap another label, a marker's label or the axes' frame: each tries
    positions above, below, right and left of its point until it is clear."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list = []
    offsets = [(0, 7, "center", "bottom"), (0, -9, "center", "top"), (7, 0, "left", "center"), (-7, 0, "right", "center"),
               (0, 17, "center", "bottom"), (0, -19, "center", "top"), (12, 10, "left", "bottom"), (-12, 10, "right", "bottom"),
               (12, -10, "left", "top"), (-12, -10, "right", "top")]
    def cost(box) -> float:
        outside = max(0, frame.x0 + 2 - box.x0) + max(0, box.x1 - frame.x1 - 4) + max(0, box.y1 - frame.y1 - 8) \
            + max(0, frame.y0 + 2 - box.y0)
        overlap = sum(max(0, min(box.x1, o.x1) - max(box.x0, o.x0)) * max(0, min(box.y1, o.y1) - max(box.y0, o.y0))
                      for o in placed)
        return overlap + 50 * outside

    for text in texts:
        best = None
        for dx, dy, ha, va in offsets:
            text.set_position((dx, dy))
            text.set_ha(ha)
            text.set_va(va)
            score = cost(text.get_window_extent(renderer).expanded(1.15, 1.15))
            if best is None or score < best[0]:
                best = (score, dx, dy, ha, va)
            if score == 0:
                break
        _, dx, dy, ha, va = best
        text.set_position((dx, dy))
        text.set_ha(ha)
        text.set_va(va)
        placed.append(text.get_window_extent(renderer).expanded(1.15, 1.15))


def svg_bytes(fig: Figure) -> bytes:
    """The chart as SVG with its text as text, naming first the font the PDF embeds (build.EMBEDDED_FAMILY)
    and then DejaVu Sans, which browsers find on the system."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue().replace(b"font-family: 'DejaVu Sans'", b"font-family: 'Briefing Sans', 'DejaVu Sans'")


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write the chart as SVG and PNG (for slides) under folder; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    svg, png = folder / f"{name}.svg", folder / f"{name}.png"
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", metadata={"Software": None})
    return [svg, png]


def appeals_chart(cases: pd.DataFrame, labels: list[str], label: Callable[[str, str], str]) -> Figure:
    """Troops sent per appeal, each appeal labelled above its bar; an appeal that brought none shows what came instead."""
    _style()
    fig, ax = plt.subplots(figsize=(7.2, 0.75 * len(cases) + 0.6))
    top = max([int(t) for t in cases["troops_deployed"].dropna()] + [1])
    for i, (_, case) in enumerate(cases.iterrows()):
        troops = case["troops_deployed"]
        got = label("response", case["response"]) if case["response"] else "no decision yet"
        ax.text(0, i - 0.32, labels[i].replace("\n", " · "), va="center", ha="left", fontsize=8, fontweight="bold",
                parse_math=False)
        if pd.notna(troops) and int(troops) > 0:
            ax.barh(i + 0.1, int(troops), color=BLUE, height=0.32)
            ax.text(int(troops) + top * 0.01, i + 0.1, f"{int(troops):,} troops: {got}", va="center", fontsize=8, parse_math=False)
        else:
            count = "no troops" if pd.notna(troops) else "troops not reported"
            ax.plot(0, i + 0.1, marker="o", color=VERMILION, markersize=6, clip_on=False)
            ax.text(top * 0.015, i + 0.1, f"{count}: {got}", va="center", fontsize=8, color="#333333", parse_math=False)
    _bars_axes(ax, xmax=top * 1.3, rows=len(cases), top=-0.75, xlabel="troops sent")
    return fig


def _bars_axes(ax, xmax: float, rows: int, top: float, xlabel: str) -> None:
    """Horizontal bars labelled directly: no y axis, first row at the top."""
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, xmax)
    ax.set_ylim(rows - 0.5, top)
    ax.set_xlabel(xlabel)
