"""The briefing's nbconvert exporter: `jupyter nbconvert --to briefing notebook.ipynb`.

Outputs only (no code, no prompts), our own template and stylesheet, nothing loaded from the network:
the HTML opens offline as one file, with its charts embedded."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from traitlets import default

from ..paths import TEMPLATES_DIR
from .crossrefs import heading_ids


def _b64encode(value: str) -> str:
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def _screen_markup(value: str) -> str:
    from .markup import screen_markup

    return screen_markup(value)


RUNNING_TITLE_CHARS = 90  # what the running header's line holds at 8 pt beside an edition's name


def running_title(title: str, limit: int = RUNNING_TITLE_CHARS) -> str:
    """The running header's title: the whole title without its closing full stop; a title too long for the header's
    line is cut after its last whole sentence that fits (again without the full stop), or at its last whole word with
    an ellipsis. The words come from the parameters, never from here."""
    text = " ".join(title.split())
    whole = text[:-1] if text.endswith(".") and not text.endswith("...") else text
    if len(whole) <= limit:
        return whole
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if len(candidate.rstrip(".")) > limit:
            break
        kept = candidate
    if kept:
        return kept.rstrip(".")
    return whole[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def _typographic_svg(value: str) -> str:
    from .markup import typographic_svg

    return typographic_svg(str(value))


def _format_day(value: str) -> str:
    from ..present.formatting import fmt_date

    return fmt_date(value)


class BriefingHTMLExporter(HTMLExporter):
    """HTML exporter with the briefing template."""

    export_from_notebook = "Briefing (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "briefing"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [str(TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def default_filters(self) -> Any:
        yield from super().default_filters()
        yield ("b64encode", _b64encode)
        yield ("format_day", _format_day)
        yield ("screen_markup", _screen_markup)
        yield ("typographic_svg", _typographic_svg)
        yield ("heading_ids", heading_ids)

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        resources = dict(resources or {})
        meta = nb.metadata.get("briefing", {})
        resources.setdefault("briefing_title", meta.get("title", "Briefing"))
        resources.setdefault("briefing_as_of", meta.get("as_of_text", ""))
        resources.setdefault("briefing_meta", {k: str(meta.get(k, "")) for k in ("author", "subject", "keywords", "created", "modified")})
        resources["briefing_meta"].setdefault("edition", str(meta.get("parameters", {}).get("edition") or ""))
        resources["briefing_meta"].setdefault("short_title", str(meta.get("short_title") or running_title(resources["briefing_title"])))
        body, resources = super().from_notebook_node(nb, resources, **kw)
        from .markup import typographic

        return typographic(body), resources


def export_html(nb, pdf: bool = False) -> tuple[str, dict]:
    """The briefing's HTML, and the exporter's resources (with the numbers given to figures and tables);
    with pdf, the HTML links to the PDF published beside it (briefing.pdf)."""
    body, resources = BriefingHTMLExporter().from_notebook_node(nb, resources={"briefing_pdf": pdf})
    return body, resources


def name_figures(folder: Path, numbers: dict[str, int]) -> None:
    """Rename each chart's files from its key (timeline.svg) to its number in this edition (figure1_timeline.svg);
    drop the files of charts this edition does not show."""
    from .crossrefs import figure_file

    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        key = path.stem
        if key in numbers:
            path.rename(path.with_name(figure_file(numbers[key], key) + path.suffix))
        elif not path.stem.startswith("figure"):
            path.unlink()


def export(executed: list[Path], checked: dict[str, str], staging: Path, pdf: bool = True,
           sources_dir: Path | None = None) -> None:
    """The combined notebook, the HTML and (if pdf) the PDF, written into staging. The PDF starts as soon as the HTML
    exists and is written beside the rest (background.py)."""
    import nbformat

    from .assemble import combine

    combined = combine(executed, checked, sources_dir)
    html, resources = export_html(combined, pdf=pdf)
    (staging / "briefing.html").write_text(html, encoding="utf-8")
    pending = None
    if pdf:
        from .background import write_pdf_beside

        pending = write_pdf_beside(html, staging / "briefing.pdf")
    try:
        nbformat.write(combined, staging / "briefing.ipynb")
        name_figures(staging / "figures", resources.get("exhibits", {}).get("figure", {}))
    finally:
        if pending is not None:
            pending.result()
