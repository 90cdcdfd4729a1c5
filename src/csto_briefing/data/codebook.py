"""The codebook: tables, columns and controlled vocabularies of data/, read from data/codebook.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
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
class Codebook:
    vocabularies: dict[str, dict[str, str]]
    tables: dict[str, Table]
    rules: list[Rule] = field(default_factory=list)
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


def load_codebook(path: Path | None = None) -> Codebook:
    path = path or paths.CODEBOOK
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    where = paths.display_path(path)
    vocabularies = {name: {str(k): str(v) for k, v in values.items()} for name, values in raw["vocabularies"].items()}
    tables: dict[str, Table] = {}
    for tname, t in raw["tables"].items():
        columns: dict[str, Column] = {}
        for cname, c in t["columns"].items():
            ctype = c["type"]
            if ctype not in COLUMN_TYPES:
                raise CodebookError(f"{where}: {tname}.{cname}: unknown type {ctype!r} (one of {', '.join(sorted(COLUMN_TYPES))})")
            if ctype == "vocab" and c.get("vocab") not in vocabularies:
                raise CodebookError(f"{where}: {tname}.{cname}: unknown vocabulary {c.get('vocab')!r}")
            if ctype in ("ref", "refs") and "." not in str(c.get("ref", "")):
                raise CodebookError(f"{where}: {tname}.{cname}: a {ctype} column needs ref: table.column")
            columns[cname] = Column(cname, ctype, c.get("description", ""), bool(c.get("required", False)),
                                    c.get("vocab"), c.get("ref"))
        tables[tname] = Table(tname, t["file"], t.get("title", tname), t.get("description", ""), tuple(t["key"]), columns)
    rules = [Rule(r["table"], r["if"], r["then"], r["message"]) for r in raw.get("rules", [])]
    labels = {name: {str(k): str(v) for k, v in (values or {}).items()} for name, values in (raw.get("labels") or {}).items()}
    for name, values in labels.items():
        if name == "measure":
            continue
        if name not in vocabularies:
            raise CodebookError(f"{where}: labels: {name!r} is not a vocabulary")
        for value in values:
            if value not in vocabularies[name]:
                raise CodebookError(f"{where}: labels: {name}: {value!r} is not a value of that vocabulary")
    for rule in rules:
        for cond in (rule.if_, rule.then):
            if rule.table not in tables or cond["column"] not in tables[rule.table].columns:
                raise CodebookError(f"{where}: rule {rule.message!r} names an unknown column {rule.table}.{cond['column']}")
    return Codebook(vocabularies, tables, rules, labels)


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
    return "\n".join(out) + "\n"
