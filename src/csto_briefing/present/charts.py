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


def series_chart(figures: pd.DataFrame, measures: dict[str, str]) -> Figure:
    """Small multiples: each measure's reported values over time, every value dated, none averaged."""
    _style()
    fig, axes = plt.subplots(1, len(measures), figsize=(7.2, 2.6), gridspec_kw={"wspace": 0.45})
    axes = [axes] if len(measures) == 1 else list(axes)
    for ax, (measure, title) in zip(axes, measures.items()):
        series = figures[figures["measure"] == measure].copy()
        series["_when"] = [asof.period_end(v) for v in series["reported_on"]]
        series = series.sort_values("_when")
        ax.set_title(title, fontsize=9)
        if series.empty:
            ax.text(0.5, 0.5, "none reported yet", transform=ax.transAxes, ha="center", fontsize=8)
            continue
        for _, row in series.iterrows():
            style = {"official": (BLUE, "o"), "superseded": (GREY, "o"), "preliminary": (SKY, "s"),
                     "planned": (ORANGE, "D"), "disputed": (VERMILION, "x")}[row["status"]]
            ax.plot(row["_when"], row["value"], marker=style[1], color=style[0], linestyle="none", markersize=6)
            prefix = {"about": "~", "over": ">", "at_least": "≥", "at_most": "≤", "almost": "<"}.get(row["qualifier"], "")
            ax.annotate(f"{prefix}{row['value']:,.0f}", (row["_when"], row["value"]), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=7)
        line = series[series["status"] != "disputed"]
        ax.plot(line["_when"], line["value"], color="#cccccc", linewidth=0.8, zorder=0)
        span = (series["_when"].max() - series["_when"].min()).days
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y" if span < 120 else "%b\n%Y"))
        low, high = series["value"].min(), series["value"].max()
        ax.set_ylim(0, high * 1.25 if high else 1)
        ax.set_xlim(series["_when"].min() - timedelta(days=max(1, span // 10)), series["_when"].max() + timedelta(days=max(1, span // 10)))
        _ = low
    return fig


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
