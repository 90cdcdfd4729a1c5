"""The briefing's sections as HTML fragments, rendered by autoescaping Jinja templates.

Data text is always escaped: a quote holding markup, Markdown or `$...$` shows as that text.
Each public function takes a Briefing and returns markupsafe.Markup; `show` displays it in a notebook.
"""

from __future__ import annotations

import base64
from collections import OrderedDict

import matplotlib.pyplot as plt
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..data import asof
from . import charts, narrative
from ..briefing import Briefing
from ..parameters import SUBTITLE
from .formatting import cite, fmt_date, fmt_figure, fmt_number, fmt_time, safe_link
from ..data.read import split_ids
from ..paths import TEMPLATES_DIR


# Sections in reading order: (anchor, title). Templates and the table of contents read the titles here.
SECTIONS = OrderedDict([
    ("key-points", "Key points"), ("timeline", "Timeline"), ("appeals", "Appeals and responses"),
    ("positions", "Member-state positions"), ("commentary", "Commentary"),
    ("fact-check", "Checking the source article"), ("figures", "Figures that changed"),
    ("next", "What happened next"), ("methodology", "Methodology, data and sources"),
])

# Exhibits in reading order: their numbers are fixed here so that every notebook numbers alike.
FIGURES = ["timeline", "appeals", "contributions", "series"]
TABLES = ["events", "cases", "positions", "claims", "figures", "next"]

BASIS_LABELS = {"cst-art2": "Treaty, Art. 2", "cst-art4": "Treaty, Art. 4", "ru-arm-1997": "1997 Armenia-Russia treaty",
                "none": "none invoked"}


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "sections")), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(date=fmt_date, number=fmt_number, link=safe_link)
    env.tests["known"] = lambda value: value is not None and not pd.isna(value)
    return env


ENV = _env()


def _render(name: str, b: Briefing, **context) -> Markup:
    template = ENV.get_template(f"{name}.html.j2")
    label = b.data.codebook.label
    return Markup(template.render(b=b, cite=lambda ids: cite(b.source_numbers, ids), label=label, titles=SECTIONS,
                                  fmt_time=fmt_time, fmt_figure=fmt_figure, **context))


def _figure(b: Briefing, key: str, fig, caption: str, alt: str, source_ids: list[str]) -> Markup:
    """A numbered figure: the chart as embedded SVG, its caption and source line; also saved to figures_dir."""
    number = FIGURES.index(key) + 1
    svg = charts.svg_bytes(fig)
    if b.figures_dir is not None:
        charts.save(fig, b.figures_dir, f"figure{number}_{key}")
    plt.close(fig)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return _render("_figure", b, number=number, uri=uri, caption=caption, alt=alt,
                   sources=list(dict.fromkeys(source_ids)))


def _table_number(key: str) -> int:
    return TABLES.index(key) + 1


def show(b: Briefing, html: Markup) -> None:
    """Display a section in the notebook (and so in the report) as HTML, noting the tables read so far:
    the build re-executes the notebook only when one of them changes."""
    from IPython.display import HTML, display

    display(HTML(str(html)), metadata={"csto_briefing": {"reads": sorted(b.data.tables.reads)}})


# -- sections ------------------------------------------------------------------------------------

def table_of_contents(b: Briefing) -> OrderedDict:
    toc = OrderedDict(SECTIONS)
    if b.since is not None:
        items = list(toc.items())
        items.insert(1, ("changes", changes_title(b)))
        toc = OrderedDict(items)
    return toc


def changes_title(b: Briefing) -> str:
    return f"What changed since {fmt_date(b.since)}" if b.since else ""


def title_block(b: Briefing) -> Markup:
    return _render("title", b, title=b.title, subtitle=SUBTITLE, toc=table_of_contents(b))


def key_points(b: Briefing) -> Markup:
    return _render("key_points", b, points=narrative.key_points(b), confidence=b.data.codebook.vocabularies["confidence"])


def timeline(b: Briefing) -> Markup:
    events = b.events
    chart_events = events[events["case_id"] != ""]
    fig = _figure(b, "timeline", charts.timeline_chart(chart_events, b.as_of),
                  caption=f"Key events as known on {fmt_date(b.as_of)}: Kazakhstan by day, Armenia by month.",
                  alt="Two timelines. Top: Kazakhstan, 1 to 21 January 2022, from the protests and Tokayev's appeal to the "
                      "last troops leaving. Bottom: Armenia's requests of 2021 and 2022 and its later steps away from the CSTO.",
                  source_ids=[i for s in chart_events[chart_events["headline"] != ""]["source_ids"] for i in split_ids(s)])
    return _render("timeline", b, figure=fig, events=events, table=_table_number("events"))


def appeals(b: Briefing) -> Markup:
    cases = b.cases.sort_values("appeal_date")
    labels = [f"{b.data.state_name(c['requesting_state'])}, {fmt_date(c['appeal_date'])}\n"
              f"{BASIS_LABELS.get(c['treaty_basis'], c['treaty_basis'])}: asked for {b.data.codebook.label('request', c['request'])}"
              for _, c in cases.iterrows()]
    fig = _figure(b, "appeals", charts.appeals_chart(cases, labels, b.data.codebook.label),
                  caption=f"Troops sent in response to each appeal made by {fmt_date(b.as_of)}, with what came instead.",
                  alt="Bars of troops sent per appeal: only Kazakhstan's appeal of January 2022 brought troops; "
                      "the others brought consultations, a ceasefire, a refusal or an assessment mission.",
                  source_ids=[i for s in cases["source_ids"] for i in split_ids(s)])
    by_basis = OrderedDict((basis, [f"{b.data.state_name(c['requesting_state'])} ({fmt_date(c['appeal_date'])})"
                                    for _, c in cases[cases["treaty_basis"] == basis].iterrows()])
                           for basis in ("cst-art2", "cst-art4"))
    return _render("appeals", b, figure=fig, cases=cases, table=_table_number("cases"), by_basis=by_basis,
                   vocab=b.data.codebook.vocabularies, basis_labels=BASIS_LABELS)


def positions(b: Briefing) -> Markup:
    pos = b.positions[b.positions["case_id"] == b.focus].sort_values("state_iso3")
    names = dict(zip(b.data.states["iso3"], b.data.states["name_en"]))
    states = b.data.states.set_index("iso3")
    focus = b.data.cases.set_index("case_id").loc[b.focus]
    case_name = f"{b.data.state_name(focus['requesting_state'])}, {fmt_date(focus['appeal_date'])}"
    fig = _figure(b, "contributions", charts.contributions_chart(pos, names),
                  caption=f"Troops sent by member state on the appeal of {case_name}, as known on {fmt_date(b.as_of)}. "
                          "Hatched: troops were sent but no number was published.",
                  alt="Horizontal bars of troops by member state; Belarus and Russia are drawn hatched because their "
                      "numbers were never published; Kazakhstan, the host, sent none to the force.",
                  source_ids=[i for s in pos["source_ids"] for i in split_ids(s)])
    known = asof.known_by(b.data.positions, "as_of", b.as_of)
    votes = known[known["parliament"].isin(["approved", "failed", "no_quorum"])].sort_values("parliament_date")
    history = {state: list(zip(rows["parliament"], rows["parliament_date"])) for state, rows in votes.groupby("state_iso3")}
    return _render("positions", b, figure=fig, positions=pos, states=states, history=history, case_name=case_name,
                   table=_table_number("positions"))


def next_steps(b: Briefing, after: str = "2022-01-31") -> Markup:
    events = b.events[(b.events["date"] > after) & (b.events["case_id"] != "KAZ-2022-01")]
    return _render("next", b, events=events, after=after, table=_table_number("next"))


def changes(b: Briefing) -> Markup:
    """'What changed since <since>': new events, revised figures (old and new), changed positions. Empty without since."""
    if b.since is None:
        return Markup("")
    after = b.since
    events = b.events[[asof.period_start(d) > after for d in b.events["date"]]]
    revised = []
    for measure, rows in b.figures.groupby("measure"):
        old = asof.latest_figures(rows, after)
        new = b.latest_figures[b.latest_figures["measure"] == measure]
        values = lambda f: set(zip(f["value"], f["qualifier"]))  # noqa: E731 - the figure as printed
        if not old.empty and not new.empty and values(old) != values(new):
            revised.append((measure, old, new))
    positions_then = asof.positions_on(b.data.positions, after)
    moved = []
    for _, now in b.positions.iterrows():
        then = positions_then[(positions_then["case_id"] == now["case_id"]) & (positions_then["state_iso3"] == now["state_iso3"])]
        if then.empty or then.iloc[0]["as_of"] != now["as_of"]:
            moved.append((None if then.empty else then.iloc[0], now))
    return _render("changes", b, title=changes_title(b), events=events, revised=revised, moved=moved)
