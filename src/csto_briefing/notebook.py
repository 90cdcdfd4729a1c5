"""Everything a section notebook uses, in one import: `from csto_briefing.notebook import *` then
`b = Briefing.from_parameters(globals())`. The briefing object answers what was known on as_of (b.known_event,
b.find_event, b.known_quote, b.latest, b.known_rows, b.cite, b.according_to, b.as_reported); the functions here
format rows and write escaped prose, tables and figures."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .briefing import Briefing, NotYetKnown
from .present import charts
from .present.formatting import fmt_date, fmt_figure, fmt_number, fmt_time, words
from .present.output import (
    Column,
    cite,
    cite_known,
    figure,
    html,
    judgement,
    known_sources,
    points,
    render,
    say,
    table,
    translation_note,
)
from .present.reader import cap, day_of, excerpt, listing, moment, month_of, quoted, timeline_rows

__all__ = ["date", "datetime", "timedelta", "ZoneInfo", "Briefing", "NotYetKnown", "charts", "fmt_date", "fmt_figure", "fmt_number", "fmt_time", "words", "Column",
           "cite", "cite_known", "figure", "html", "judgement", "known_sources", "points", "render", "say", "table", "translation_note", "cap",
           "day_of", "excerpt", "listing", "moment", "month_of", "quoted", "timeline_rows"]
