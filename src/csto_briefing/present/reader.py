"""Text from the data as a reader sees it: no file names or ids, sources as citations, titles that are titles.

Notes in the tables sometimes name a source by its id ("(opil-csto)") or a table by its file name; the reader gets
a numbered citation instead, or nothing where the source was issued after the edition's as-of date."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd
from markupsafe import Markup, escape

from ..data.dates import period_end, period_start
from .formatting import MONTHS, fmt_date, fmt_time, safe_link
from .output import cite

if TYPE_CHECKING:
    from ..briefing import Briefing

_FILE = re.compile(r"\s*\((?:see )?[a-z_]+\.csv\)|\s+in [a-z_]+\.csv\b|\s*[a-z_]+\.csv\b")


def cap(text: str) -> str:
    """The first letter in upper case ('sent; number not published' -> 'Sent; number not published')."""
    return text[:1].upper() + text[1:] if text else text


def known_by(b: "Briefing", value: str) -> bool:
    """Whether a date of the data lies wholly on or before as_of (a month counts from its last day); an empty
    date counts as known."""
    return not value or period_end(value) <= b.as_of


def issued_by(b: "Briefing", source_id: str) -> bool:
    """Whether a source may be cited on as_of (as output.cite decides: issued no later than as_of)."""
    issued = b.source_issued.get(source_id)
    if issued is None:
        return False
    return not issued or period_start(issued) <= b.as_of


def cite_known(b: "Briefing", ids) -> Markup:
    """A citation of those of the sources that were issued by as_of (the others are left out)."""
    from ..data.read import split_ids

    wanted = split_ids(ids) if isinstance(ids, str) else [i for s in ids for i in split_ids(s)]
    return cite(b, [i for i in wanted if issued_by(b, i)])


def linked(b: "Briefing", text: str, names: bool = False) -> Markup:
    """A note from the data with every source id it names made a citation (or left out, if issued after as_of),
    or with names=True the source's outlet in words (for the bibliography, which cites nothing itself);
    table file names removed. Returns escaped Markup."""
    if not text:
        return Markup("")
    text = _FILE.sub("", text)
    ids = set(b.data.tables["sources"]["source_id"])
    out: list[Markup] = []
    pos = 0
    # "(id)" or "(id; id)" or "(via id)" or a bare id
    pattern = re.compile(r"\s*\((?:via |see )?([A-Za-z0-9][A-Za-z0-9;, -]*)\)|\b([a-z0-9][a-z0-9]*(?:-[a-z0-9]+)+)\b")
    for match in pattern.finditer(text):
        inner = match.group(1) or match.group(2)
        parts = [p.strip() for p in re.split(r"[;,]", inner)]
        if not all(p in ids for p in parts):
            continue
        out.append(escape(text[pos:match.start()]))
        known = [p for p in parts if issued_by(b, p)]
        if names and known:
            publishers = b.data.tables["sources"].set_index("source_id")["publisher"]
            out.append(escape(" (" + "; ".join(dict.fromkeys(publishers[p] for p in known)) + ")"))
        elif known:
            out.append(Markup(" ") + cite(b, known))
        pos = match.end()
    out.append(escape(text[pos:]))
    result = Markup("").join(out)
    return Markup(re.sub(r"\s+([.,;:])", r"\1", str(result)).strip())


_MONTHS = "|".join(MONTHS)
_DATED = re.compile(rf"\b(?:(\d{{1,2}}) )?({_MONTHS}) (\d{{4}})\b|\b((?:19|20)\d{{2}})\b")
_CLAUSE = re.compile(r"(?<=[.;])\s+")


def _later_date(b: "Briefing", text: str) -> bool:

    for day, month, year, bare in _DATED.findall(text):
        if bare:
            if int(bare) > b.as_of.year:
                return True
            continue
        start = period_start(f"{year}-{MONTHS.index(month) + 1:02d}" + (f"-{int(day):02d}" if day else ""))
        if start > b.as_of:
            return True
    return False


def as_known(b: "Briefing", text: str, source_ids: str | list[str] = (), names: bool = False) -> Markup:
    """A note as known on as_of: each clause (sentence, or part after a semicolon) that names a date after as_of,
    or a source of the row (by id or by outlet) issued after as_of, is left out; the rest as linked()."""
    from ..data.read import split_ids

    if not text:
        return Markup("")
    sources = b.data.tables["sources"]
    publisher = dict(zip(sources["source_id"], sources["publisher"]))
    row_ids = split_ids(source_ids) if isinstance(source_ids, str) else list(source_ids)
    all_later = {i for i in publisher if not issued_by(b, i)}
    row_outlets = {publisher[i] for i in row_ids if i in publisher and issued_by(b, i)}
    known_outlets = {publisher[i] for i in publisher if i not in all_later}
    # outlets that had published nothing the data cites by as_of (and are not a source of this row)
    later_names = {publisher[i] for i in all_later} - known_outlets - row_outlets
    kept = []
    for clause in _CLAUSE.split(text):
        words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", clause))
        if _later_date(b, clause) or words & all_later or any(name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", clause) for name in later_names):
            continue
        kept.append(clause)
    joined = " ".join(kept).strip()
    if joined.endswith(";"):
        joined = joined[:-1] + "."
    return linked(b, joined, names=names)


def has_title(row: pd.Series) -> bool:
    """A real title, not a description in square brackets."""
    return bool(row["title"]) and not row["title"].startswith("[")


def describe_source(b: "Briefing", row: pd.Series) -> Markup:
    """One bibliography entry: outlet, title (if it has one), date, link, and what the page is if it is a mirror.
    A page without a title is named by its outlet and date (sources.display_title where the table has it)."""
    label = b.data.codebook.label
    if has_title(row) or not row.get("display_title"):
        parts = [escape(row["publisher"])]
        if has_title(row):
            parts.append(Markup("“{0}”").format(row["title"]))
        parts.append(escape(fmt_date(row["issued"]) if row["issued"] else "date not known"))
        text = Markup(", ").join(parts)
    else:
        text = escape(row["display_title"])
        if not row["issued"]:
            text += Markup(", date not known")
    text += Markup(". ") + safe_link(row["url"])
    if row["reliability"] == "mirror":
        text += Markup(' <span class="tag">{0}</span>').format(cap(label("reliability", "mirror")))
    if row["note"]:
        text += Markup(' <span class="note">{0}</span>').format(linked(b, row["note"], names=True))
    return text


_INTERNAL = re.compile(r"[a-z]+_[a-z_]+|\b[a-z]+\.[a-z_]+\b|\.csv\b|\bvalidator\b")


def for_readers(text: str) -> str:
    """A codebook definition as a reader sees it: parentheses and sentences that speak of columns, files or the
    validator (the codebook also documents the data for its editors) are left out."""
    text = re.sub(r"\s*\(([^()]*)\)", lambda m: "" if _INTERNAL.search(m.group(1)) else m.group(0), text)
    kept = [s for s in re.split(r"(?<=\.)\s+", text) if not _INTERNAL.search(s)]
    return " ".join(kept).strip()


# -- rows of the data as a section tells them -------------------------------------------------------------------------

def quoted(q: pd.Series) -> str:
    """The words of a quotation in English as the source gives them (its translation where it has one), without the
    closing full stop."""
    return str(q["translation_en"] or q["quote"]).rstrip(" .")


def moment(row: pd.Series | dict | None) -> datetime | None:
    """The local date and time of a row with a clock time (columns date, time_local, tz) as an aware datetime;
    None without one."""
    if row is None or not row["time_local"] or not row["tz"]:
        return None
    return datetime.fromisoformat(f"{row['date']}T{row['time_local']}").replace(tzinfo=ZoneInfo(row["tz"]))


def month_of(row: pd.Series | dict) -> str:
    """The month of a dated row as printed ('May 2021')."""
    return fmt_date(str(row["date"])[:7])


def day_of(row: pd.Series | dict, year: bool = True) -> str:
    """The date of a row as printed ('5 January 2022'; '5 January' with year=False, for a date known to the day)."""
    text = fmt_date(str(row["date"]))
    precise = row.get("date_precision", "day") == "day" if hasattr(row, "get") else True
    return text.rsplit(" ", 1)[0] if not year and precise and len(str(row["date"])) == 10 else text


def listing(items: Sequence[str], last: str = "and") -> str:
    """Items joined as in prose: 'a', 'a and b', 'a, b and c' ('' for none)."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def excerpt(text: str, start: str, end: str) -> str | None:
    """The words of `text` from `start` up to and including `end`, verbatim; None when either is not found."""
    i = text.find(start)
    j = text.find(end, i) if i >= 0 else -1
    return text[i:j + len(end)] if i >= 0 and j >= 0 else None


def timeline_rows(events: pd.DataFrame, labelled_only: bool = True) -> pd.DataFrame:
    """Events (columns date, time_local, tz, headline, event_type) as a timeline lane wants them: `when` (the clock
    time if given, else the middle of the day, month or year the date names), `label` (the headline) and `kind`;
    with labelled_only, only the events that have a headline, so that every mark drawn carries its label."""
    out = events[events["headline"] != ""].copy() if labelled_only else events.copy()
    whens = []
    for _, row in out.iterrows():
        at = moment(row)
        if at is not None:
            whens.append(at.replace(tzinfo=None))
            continue
        first = datetime.combine(period_start(row["date"]), datetime.min.time())
        whens.append(first + (datetime.combine(period_end(row["date"]), datetime.max.time()) - first) / 2)
    out["when"] = whens
    out["label"], out["kind"] = out["headline"], out["event_type"]
    return out.sort_values("when", kind="stable")


# -- machinery the annexes share (added for the annex notebooks; the core's helpers above are unchanged) ---------------

def and_list(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [str(i) for i in items]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def in_time_order(frame: pd.DataFrame, date_column: str, order_column: str | None = None) -> pd.DataFrame:
    """The rows by the last day their date can mean (a date known only to the month or year after the days within
    it), then by order_column within a date; stable, so rows that tie keep their table order."""
    if frame.empty:
        return frame
    keyed = frame.assign(_end=[period_end(d) for d in frame[date_column]])
    by = ["_end"] + ([order_column] if order_column and order_column in frame.columns else [])
    return keyed.sort_values(by, kind="stable").drop(columns="_end")


def known_events(b: "Briefing") -> pd.DataFrame:
    """The events dated on or before as_of of which at least one source was out by then, in time order (seq within
    a day)."""
    from ..data.read import split_ids

    events = b.events
    events = events.loc[[any(issued_by(b, i) for i in split_ids(ids)) for ids in events["source_ids"]]]
    return in_time_order(events, "date", "seq")


def event_time(e: pd.Series) -> str:
    """The local clock time of an event as the chronology prints it: '01:30 Almaty time (UTC+6)', 'about 00:00 Yerevan
    time (UTC+4)', or '01:30 local time' where the time held in each region's own zone; empty for no time or a date
    not known to the day."""
    time, precision = e.get("time_local", ""), e.get("time_precision", "")
    if not time or e.get("date_precision", "day") != "day":
        return ""
    if precision == "local":
        return f"{time} local time"
    return fmt_time(e["date"], time, e["tz"], precision == "approximate")


def changes(history: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The rows of a history (oldest first) at which any of columns differs from the row before: the first row,
    then each change. Empty cells compare equal to each other."""
    if history.empty:
        return history
    values = history[list(columns)].astype("string").fillna("")
    changed = (values != values.shift(1)).any(axis=1)
    changed.iloc[0] = True
    return history[changed.to_numpy()]


def steps(parts: Sequence[str | Markup]) -> Markup:
    """A cell holding a position that changed: one line per step, each before the last closed by a semicolon and each
    after the first marked 'then', so that two steps cannot read as one, even where the line breaks are lost (the
    editor read 'approval then 7 January')."""
    out = [escape(p) for p in parts if p]
    if len(out) <= 1:
        return Markup("").join(out)
    marked = [out[0]] + [Markup("then {0}").format(p) for p in out[1:]]
    return Markup(";<br>").join(marked)


_PROCESS = re.compile(r"\bstored\b|\bresearch (?:file|notes?)\b|\bmust not\b", re.I)


def reader_note(text: str) -> str:
    """A note as a reader gets it: the sentences, or the clauses after a semicolon, that speak of how the data were
    compiled ('no original was stored', 'the research notes date ...') are left out."""
    if not text:
        return ""
    kept = []
    for sentence in re.split(r"(?<=\.)\s+", text):
        clauses = [c for c in re.split(r";\s+", sentence) if not _PROCESS.search(c)]
        if clauses:
            joined = cap("; ".join(clauses).strip())
            kept.append(joined if joined.endswith((".", "!", "?")) else joined + ".")
    return " ".join(kept)


def source_entry(b: "Briefing", row: pd.Series) -> Markup:
    """One bibliography entry: outlet, title as the reader sees it (display_title: no all-capitals, no outlet twice),
    date, link, the kind of source (every entry, on the scale Annex F prints: 'Mirror' for a re-post), and the note
    without words about how the data were compiled. A page without a title is named by its outlet and date (its
    display_title)."""
    label = b.data.codebook.label
    shown = row.get("display_title") or row["title"]
    if has_title(row):
        parts = [escape(row["publisher"]), Markup("“{0}”").format(shown),
                 escape(fmt_date(row["issued"]) if row["issued"] else "date not known")]
        text = Markup(", ").join(parts)
    else:
        text = escape(shown or row["publisher"])
        if not row["issued"]:
            text += Markup(", date not known")
    text += Markup(". ") + safe_link(row["url"])
    text += Markup(' <span class="tag">{0}</span>').format(cap(label("reliability", row["reliability"])))
    note = reader_note(row["note"])
    if note:
        text += Markup(' <span class="note">{0}</span>').format(linked(b, note, names=True))
    return text


def scale_items(b: "Briefing", vocab: str) -> Markup:
    """The values of a codebook scale as list items, 'Label: meaning', each term printed once (a meaning that starts
    with its own label does not repeat it)."""
    codebook = b.data.codebook
    items = []
    for value, meaning in codebook.vocabularies[vocab].items():
        term = cap(codebook.label(vocab, value))
        meaning = for_readers(meaning)
        if meaning.lower().startswith(term.lower() + ":"):
            meaning = cap(meaning[len(term) + 1:].strip())
        items.append(Markup("<li><strong>{0}</strong>: {1}</li>").format(term, meaning))
    return Markup("").join(items)
