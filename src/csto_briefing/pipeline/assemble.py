"""Assembling the executed notebooks into one: the report's output cells, in reading order."""

from __future__ import annotations

from pathlib import Path

from ..parameters import build_date, front_matter


def merged_cells(executed, source) -> list:
    """The cells of one section: the source notebook's cells (so that a Markdown edit needs no re-execution) with
    the outputs of the executed notebook's code cells of the same id, and papermill's injected parameters."""
    if source is None:
        return list(executed.cells)
    ran = {cell.get("id"): cell for cell in executed.cells if cell.cell_type == "code"}
    injected = [cell for cell in executed.cells if "injected-parameters" in cell.get("metadata", {}).get("tags", [])]
    cells = []
    for cell in source.cells:
        if cell.cell_type == "code" and cell.get("id") in ran:
            cell = ran[cell.get("id")]
        cells.append(cell)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cells.extend(injected)
    return cells


def combine(executed: list[Path], checked: dict[str, str], sources_dir: Path | None = None):
    """One notebook with every section's cells, in reading order: Markdown prose, code with its outputs.
    It runs top to bottom in JupyterLab ("Run All"): each section's parameters and load cells come with it."""
    import nbformat

    from ..present.formatting import fmt_date

    combined = nbformat.v4.new_notebook()
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        source_path = sources_dir / path.name if sources_dir is not None else None
        source = nbformat.read(source_path, as_version=4) if source_path is not None and source_path.is_file() else None
        if not combined.metadata:
            combined.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
        for cell in merged_cells(nb, source):
            cell = nbformat.from_dict(dict(cell))
            cell.metadata = {"section": path.stem, **({"tags": cell.metadata["tags"]} if cell.metadata.get("tags") else {})}
            if cell.cell_type == "code":
                cell.execution_count = None
                for output in cell.get("outputs", []):
                    if "execution_count" in output:
                        output["execution_count"] = None
            combined.cells.append(cell)
    for index, cell in enumerate(combined.cells):
        cell["id"] = f"cell-{index}"  # stable ids, not random ones
    p = checked
    words = front_matter()
    combined.metadata["briefing"] = {
        "title": p["title"], "subject": words["subtitle"], "author": p["author"], "as_of": p["as_of"],
        "as_of_text": fmt_date(p["as_of"]),
        # the PDF's creation date is the edition's publication date (what the cover prints); modified: when it was built
        "created": p.get("published") or p["as_of"], "modified": build_date().isoformat(),
        "published": p.get("published") or p["as_of"],
        "keywords": words["keywords"],
        "parameters": {k: v for k, v in checked.items() if k not in ("data_dir", "figures_dir")}}
    return combined
