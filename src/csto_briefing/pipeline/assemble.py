"""Assembling the executed notebooks into one: the report's output cells, in reading order."""

from __future__ import annotations

from pathlib import Path

from ..parameters import SUBTITLE, build_date

SKIP_TAGS = {"parameters", "injected-parameters", "explore"}  # cells whose outputs stay out of the report


def combine(executed: list[Path], checked: dict[str, str]):
    """One notebook with the output cells of every section, in reading order."""
    import nbformat

    from ..present.formatting import fmt_date

    combined = nbformat.v4.new_notebook()
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        if not combined.metadata:
            combined.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type == "code" and cell.outputs and not set(tags) & SKIP_TAGS:
                cell.metadata = {"section": path.stem}
                cell.execution_count = None
                for output in cell.outputs:
                    if "execution_count" in output:
                        output["execution_count"] = None
                combined.cells.append(cell)
    for index, cell in enumerate(combined.cells):
        cell["id"] = f"cell-{index}"  # stable ids, not random ones
    p = checked
    combined.metadata["briefing"] = {
        "title": p["title"], "subject": SUBTITLE, "author": p["author"], "as_of": p["as_of"],
        "as_of_text": fmt_date(p["as_of"]), "created": build_date().isoformat(),
        "published": p.get("published") or p["as_of"],
        "keywords": "CSTO, Collective Security Treaty Organization, Kazakhstan, Armenia, Article 4, peacekeeping",
        "parameters": {k: v for k, v in checked.items() if k not in ("data_dir", "figures_dir")}}
    return combined
