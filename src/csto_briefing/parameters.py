"""The build's parameters, declared once: names, types, defaults and what each means.

The notebooks' `parameters` cells hold the same names and defaults (a test checks it), and the build
passes every one of them to every notebook."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    name: str
    type: type
    default: str
    help: str


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("as_of", str, "2025-12-31", "the date the briefing is as of (YYYY-MM-DD)"),
    Parameter("edition", str, "", "the edition's name, printed in the title block; empty: none"),
    Parameter("author", str, "csto-briefing research desk", "the publishing desk, printed and set as the PDF's author"),
    Parameter("data_dir", str, "", "data folder; empty: the project's data/"),
    Parameter("figures_dir", str, "", "where charts are also saved as SVG and PNG; empty: not saved"),
)
DEFAULTS = {p.name: p.default for p in PARAMETERS}


def parameters_cell_source() -> str:
    """The source of a notebook's `parameters` cell, generated from the declaration."""
    width = max(len(f"{p.name} = {p.default!r}") for p in PARAMETERS)
    return "\n".join(f"{f'{p.name} = {p.default!r}':<{width}}  # {p.help}" for p in PARAMETERS)
