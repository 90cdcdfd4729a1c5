"""The codebook: tables, columns and controlled vocabularies of data/, read from data/codebook.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .. import paths

COLUMN_TYPES = {
    "id", "text", "date", "day", "time", "tz", "url", "integer", "number", "lang", "iso3", "vocab", "ref", "refs",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    vocab: str | None = None
    ref: str | None = None  # "table.column"


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: dict[str, Column]


@dataclass(frozen=True)
class Rule:
    table: str
    if_: dict[str, Any]
    then: dict[str, Any]
    message: str


@dataclass(frozen=True)
class Plausible:
    """What the data must look like to be believed, beyond its types (the codebook's `plausible:` block).

    `earliest`: no date in any table lies wholly before it; no date lies wholly after the build date.
    `max_length`: no field is longer (characters). `clock_times`: a clock time needs its date known to the day.
    `not_before`: cross-row order, e.g. a case's response not before its appeal, a decision not before the
    consultations that led to it."""

    earliest: str = date.min.isoformat()  # no bound unless the codebook sets one
    earliest_why: str = ""
    max_length: int = 10000
    clock_times: tuple[dict[str, str], ...] = ()
    not_before: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Codebook:
    vocabularies: dict[str, dict[str, str]]
    tables: dict[str, Table]
    rules: list[Rule] = field(default_factory=list)
    plausible: Plausible = field(default_factory=Plausible)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # vocabulary (or "measure") -> value -> label

    def label(self, vocab: str, value: str) -> str:
        """The human label of a value, as codebook.yaml's `labels:` gives it (lower case, for use mid-sentence);
        a value without one prints with its underscores as spaces. Values outside the vocabulary are returned as given."""
        given = self.labels.get(vocab, {})
        if value in given:
            return given[value]
        if value not in self.vocabularies.get(vocab, {}) and vocab in self.vocabularies:
            return value
        return value.replace("_", " ")


class CodebookError(ValueError):
    """The codebook itself is malformed."""


def _yaml_error(where: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    place = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark is not None else where
    return f"{place}: cannot be read as YAML: {what}"


def _safe_load(text: str):
    """yaml.safe_load, with libyaml's parser when PyYAML has it (ten times faster: every kernel reads the codebook);
    a document it refuses is read again by the pure-Python parser, whose error message the user is shown."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def load_codebook(path: Path | None = None) -> Codebook:
    """The codebook; CodebookError (one line naming the file, the place and what would be valid) when it is
    missing, not YAML, or malformed."""
    path = Path(path or paths.CODEBOOK)
    where = paths.display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"{where}: file is missing (the codebook defines every table of data/)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{where}: cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        raw = _safe_load(text)
    except yaml.YAMLError as exc:
        raise CodebookError(_yaml_error(where, exc)) from None
    try:
        return _parse(raw, where)
    except CodebookError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise CodebookError(f"{where}: malformed ({type(exc).__name__}: {exc}); see the comments at the top of the file") from None


def _mapping(value: Any, where: str, what: str) -> dict:
    if not isinstance(value, dict):
        raise CodebookError(f"{where}: {what}: expected a mapping (name: ...), got {type(value).__name__}")
    return value


def _parse(raw: Any, where: str) -> Codebook:
    raw = _mapping(raw, where, "the file")
    vocabularies = {name: {str(k): str(v) for k, v in _mapping(values, where, f"vocabularies.{name}").items()}
                    for name, values in _mapping(raw.get("vocabularies"), where, "vocabularies").items()}
    tables: dict[str, Table] = {}
    for tname, t in _mapping(raw.get("tables"), where, "tables").items():
        t = _mapping(t, where, f"tables.{tname}")
        for needed in ("file", "key", "columns"):
            if needed not in t:
                raise CodebookError(f"{where}: tables.{tname}: has no {needed}")
        columns: dict[str, Column] = {}
        for cname, c in _mapping(t["columns"], where, f"tables.{tname}.columns").items():
            c = _mapping(c, where, f"tables.{tname}.columns.{cname}")
            ctype = c.get("type")
            if ctype is None:
                raise CodebookError(f"{where}: {tname}.{cname}: column has no type (one of {', '.join(sorted(COLUMN_TYPES))})")
            if ctype not in COLUMN_TYPES:
                raise CodebookError(f"{where}: {tname}.{cname}: unknown type {ctype!r} (one of {', '.join(sorted(COLUMN_TYPES))})")
            if ctype == "vocab" and c.get("vocab") not in vocabularies:
                raise CodebookError(f"{where}: {tname}.{cname}: unknown vocabulary {c.get('vocab')!r}")
            if ctype in ("ref", "refs") and "." not in str(c.get("ref", "")):
                raise CodebookError(f"{where}: {tname}.{cname}: a {ctype} column needs ref: table.column")
            columns[cname] = Column(cname, ctype, c.get("description", ""), bool(c.get("required", False)),
                                    c.get("vocab"), c.get("ref"))
        key = tuple(t["key"]) if isinstance(t["key"], list) else (t["key"],)
        for k in key:
            if k not in columns:
                raise CodebookError(f"{where}: tables.{tname}.key: {k!r} is not one of its columns")
        tables[tname] = Table(tname, t["file"], t.get("title", tname), t.get("description", ""), key, columns)
    for ref in {c.ref for t in tables.values() for c in t.columns.values() if c.ref}:
        target_table, target_column = str(ref).split(".", 1)
        if target_table not in tables or target_column not in tables[target_table].columns:
            raise CodebookError(f"{where}: ref {ref!r} names an unknown table.column")
    rules = [Rule(r["table"], r["if"], r["then"], r["message"]) for r in raw.get("rules", []) or []]
    for rule in rules:
        for cond in (rule.if_, rule.then):
            if rule.table not in tables or cond["column"] not in tables[rule.table].columns:
                raise CodebookError(f"{where}: rule {rule.message!r} names an unknown column {rule.table}.{cond['column']}")
    labels = {name: {str(k): str(v) for k, v in (values or {}).items()} for name, values in (raw.get("labels") or {}).items()}
    for name, values in labels.items():
        if name == "measure":
            continue
        if name not in vocabularies:
            raise CodebookError(f"{where}: labels: {name!r} is not a vocabulary")
        for value in values:
            if value not in vocabularies[name]:
                raise CodebookError(f"{where}: labels: {name}: {value!r} is not a value of that vocabulary")
    return Codebook(vocabularies, tables, rules, _plausible(raw.get("plausible"), tables, where), labels)


def _plausible(raw: Any, tables: dict[str, Table], where: str) -> Plausible:
    if raw is None:
        return Plausible()
    raw = _mapping(raw, where, "plausible")
    dates = _mapping(raw.get("dates", {}), where, "plausible.dates")
    earliest = str(dates.get("earliest", Plausible.earliest))
    from .dates import parse_partial_date

    if parse_partial_date(earliest) is None or len(earliest) != 10:
        raise CodebookError(f"{where}: plausible.dates.earliest: {earliest!r} is not a date (YYYY-MM-DD)")
    max_length = raw.get("max_length", Plausible.max_length)
    if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
        raise CodebookError(f"{where}: plausible.max_length: {max_length!r} is not a whole number of characters (e.g. 10000)")

    def column(table: str, name: str, item: str) -> None:
        if table not in tables or name not in tables[table].columns:
            raise CodebookError(f"{where}: plausible.{item}: unknown column {table}.{name}")

    clock = tuple(_mapping(c, where, "plausible.clock_times") for c in raw.get("clock_times", []) or [])
    for c in clock:
        column(c["table"], c["time"], "clock_times")
        column(c["table"], c["date"], "clock_times")
    order = tuple(_mapping(c, where, "plausible.not_before") for c in raw.get("not_before", []) or [])
    for c in order:
        for side in ("row", "earlier"):
            spec = _mapping(c.get(side), where, f"plausible.not_before.{side}")
            column(spec["table"], spec["date"], "not_before")
            for name in ("time", "tz", "group", "type_column"):
                if spec.get(name):
                    column(spec["table"], spec[name], "not_before")
        if "message" not in c:
            raise CodebookError(f"{where}: plausible.not_before: each rule needs a message")
    return Plausible(earliest, str(dates.get("earliest_why", "")), max_length, clock, order)


def data_dictionary_markdown(codebook: Codebook) -> str:
    """The README's data dictionary, generated from the codebook (so the two never drift apart)."""
    out: list[str] = []
    for table in codebook.tables.values():
        out.append(f"### `data/{table.file}`: {table.title}\n")
        out.append(f"{table.description} Key: {', '.join(f'`{k}`' for k in table.key)}.\n")
        out.append("| column | type | required | meaning |")
        out.append("|---|---|---|---|")
        for column in table.columns.values():
            kind = column.type
            if column.vocab:
                kind = f"one of {', '.join(f'`{v}`' for v in codebook.vocabularies[column.vocab])}"
            elif column.ref:
                kind = f"{'ids' if column.type == 'refs' else 'id'} from `{column.ref}`" + (" (`;`-separated)" if column.type == "refs" else "")
            out.append(f"| `{column.name}` | {kind} | {'yes' if column.required else ''} | {column.description} |")
        out.append("")
    out.append("### Vocabularies\n")
    for name, values in codebook.vocabularies.items():
        out.append(f"- **{name}**: " + "; ".join(f"`{v}`: {m}" for v, m in values.items()))
    out.append("\n### Rules across columns\n")
    for rule in codebook.rules:
        out.append(f"- `{rule.table}`: {rule.message}.")
    p = codebook.plausible
    out.append("\n### Plausibility\n")
    why = f" ({p.earliest_why})" if p.earliest_why else ""
    out.append(f"- every date: not before {p.earliest}{why}, and not after the build date.")
    out.append(f"- every field: at most {p.max_length:,} characters; no control characters other than tab in text; "
               "dates, times and numbers in ASCII digits.")
    for c in p.clock_times:
        out.append(f"- `{c['table']}`: {c['time']} only with {c['date']} to the day.")
    for c in p.not_before:
        out.append(f"- `{c['row']['table']}`: {c['message']}.")
    return "\n".join(out) + "\n"
