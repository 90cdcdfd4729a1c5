"""Building the briefing: validate the data, execute the notebooks with papermill, combine them,
export HTML with the briefing exporter and the PDF with WeasyPrint from the same HTML.

Outputs are written into a staging folder and moved into the report folder only when every step
has succeeded, so a failed build leaves the last good report as it was."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from . import paths
from .context import SUBTITLE, build_date, check_against_data
from .formatting import fmt_date
from .load import VALIDATED_ENV, codebook_path, fingerprint, load_dataset

KERNEL = "python3"
SKIP_TAGS = {"parameters", "injected-parameters", "explore"}  # cells whose outputs stay out of the report


class BuildError(Exception):
    """A build step failed; the message says which and where, in one line (plus where to look)."""


@dataclass
class BuildConfig:
    params: dict[str, Any] = field(default_factory=dict)  # the user's values; checked and completed by build()
    notebooks_dir: Path = paths.NOTEBOOKS_DIR
    data_dir: Path = paths.DATA_DIR
    build_dir: Path = paths.BUILD_DIR
    report_dir: Path = paths.REPORT_DIR
    pdf: bool = True
    workers: int = 0  # notebooks executed at once; 0: one per core
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr, flush=True))

    checked: dict[str, str] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, str]:
        """Every parameter each notebook receives (figures_dir is added per build)."""
        if not self.checked:
            raise RuntimeError("parameters not checked yet: call check_parameters first")
        return {**{k: v for k, v in self.checked.items() if k not in ("data_dir", "figures_dir")},
                "data_dir": str(self.data_dir)}

    def check_parameters(self, data) -> dict[str, str]:
        self.checked = check_against_data(self.params, data)
        return self.checked


def notebooks(folder: Path) -> list[Path]:
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("_"))
    if not found:
        raise BuildError(f"{paths.display_path(folder)}: no notebooks (*.ipynb) to build")
    return found


def _run_notebook(source: Path, target: Path, parameters: dict[str, str], cwd: Path) -> float:
    """Execute one notebook (in a worker process); a failing cell becomes a one-line BuildError."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=parameters, kernel_name=KERNEL, progress_bar=False, log_output=False,
            cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel start-up chatter in the log
    except PapermillExecutionError as exc:
        cell = _failed_cell_number(target, exc.cell_index)
        raise BuildError(
            f"{paths.display_path(source)}: cell {cell}: {exc.ename}: {exc.evalue}\n"
            f"  the executed notebook, with the error, is kept at {paths.display_path(target)}") from None
    return time.perf_counter() - started


@dataclass(frozen=True)
class NotebookTask:
    label: str  # how the progress line names it
    source: Path
    target: Path
    parameters: dict[str, str]
    cwd: Path


def run_notebooks(tasks: list[NotebookTask], workers: int, log: Callable[[str], None]) -> None:
    """Execute the notebooks in parallel (spawned worker processes), one progress line each as it finishes.

    The first failing notebook stops the run: notebooks not yet started are cancelled."""
    done = 0
    with ProcessPoolExecutor(max_workers=max(1, min(len(tasks), workers)), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_run_notebook, t.source, t.target, t.parameters, t.cwd): t for t in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    seconds = future.result()
                except BuildError:
                    raise
                except Exception as exc:  # the kernel did not start, died, timed out ...
                    raise BuildError(f"{paths.display_path(task.source)}: {type(exc).__name__}: {exc}") from None
                done += 1
                log(f"[{done}/{len(tasks)}] {task.label} ({seconds:.1f} s)")
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def execute(config: BuildConfig, figures_dir: Path) -> list[Path]:
    """Run every notebook through papermill into build_dir, in parallel on the machine's cores."""
    sources = notebooks(config.notebooks_dir)
    config.build_dir.mkdir(parents=True, exist_ok=True)
    parameters = {**config.parameters, "figures_dir": str(figures_dir)}
    tasks = [NotebookTask(paths.display_path(s), s, config.build_dir / s.name, parameters, config.notebooks_dir) for s in sources]
    workers = config.workers or os.cpu_count() or 1
    config.log(f"executing {len(tasks)} notebooks from {paths.display_path(config.notebooks_dir)} ({min(workers, len(tasks))} at a time)")
    run_notebooks(tasks, workers, config.log)
    return [t.target for t in tasks]


def _failed_cell_number(executed: Path, papermill_index: int) -> int:
    """The number of the failed cell as the user sees it in notebooks/ (1-based, without the injected cell)."""
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return papermill_index + 1
    number = 0
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        number += 1
        if index == papermill_index:
            return number
    return papermill_index + 1


def combine(executed: list[Path], checked: dict[str, str]) -> nbformat.NotebookNode:
    """One notebook with the output cells of every section, in reading order."""
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
    p = checked
    combined.metadata["briefing"] = {
        "title": p["title"], "subject": SUBTITLE, "author": p["author"], "as_of": p["as_of"],
        "as_of_text": fmt_date(p["as_of"]), "created": build_date().isoformat(),
        "keywords": "CSTO, Collective Security Treaty Organization, Kazakhstan, Armenia, Article 4, peacekeeping",
        "parameters": {k: v for k, v in checked.items() if k not in ("data_dir", "figures_dir")}}
    return combined


def export_html(nb: nbformat.NotebookNode, font_css: str = "") -> str:
    from .exporter import BriefingHTMLExporter

    body, _ = BriefingHTMLExporter().from_notebook_node(nb, resources={"font_css": font_css})
    return body


def font_css() -> str:
    """@font-face rules for the PDF: DejaVu Sans from matplotlib (Latin, Cyrillic, Armenian), no system font needed."""
    from matplotlib import get_data_path

    ttf = Path(get_data_path()) / "fonts" / "ttf"
    faces = [("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"), ("DejaVuSans-BoldOblique.ttf", "bold", "italic")]
    return "\n".join(
        f'@font-face {{ font-family: "DejaVu Sans"; src: url("{(ttf / name).as_uri()}"); font-weight: {weight}; font-style: {style}; }}'
        for name, weight, style in faces if (ttf / name).is_file())


def write_pdf(html: str, target: Path) -> None:
    try:
        from weasyprint import HTML

        HTML(string=html, base_url=str(paths.ROOT)).write_pdf(target)
    except Exception as exc:  # the engine's own errors vary (OSError for a missing Pango, ValueError, ...)
        raise BuildError(f"the PDF engine (WeasyPrint) failed: {type(exc).__name__}: {exc}") from None


def contain(build_dir: Path) -> dict[str, str]:
    """Point every cache and runtime folder of the tools at build_dir/.cache, so that a build writes only under
    build/, report/ and the temporary folder; returns what was set (kernels inherit it)."""
    cache = build_dir / ".cache"
    wanted = {"MPLCONFIGDIR": cache / "matplotlib", "XDG_CACHE_HOME": cache, "JUPYTER_RUNTIME_DIR": cache / "jupyter-runtime",
              "IPYTHONDIR": cache / "ipython"}
    values = {name: str(folder) for name, folder in wanted.items()}
    os.environ.update(values)
    return values


def build(config: BuildConfig) -> list[Path]:
    """The whole build. Returns the paths written into the report folder."""
    started = time.perf_counter()
    config.log(f"validating {paths.display_path(config.data_dir)}")
    data = load_dataset(config.data_dir)  # raises DataError before any kernel starts
    config.check_parameters(data)  # raises ParameterError before any kernel starts
    os.environ[VALIDATED_ENV] = fingerprint(config.data_dir, codebook_path(config.data_dir))  # kernels skip re-validating
    contain(config.build_dir)
    config.report_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=config.report_dir))
    try:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        executed = execute(config, figures_dir)
        config.log("combining, exporting HTML" + (" and writing the PDF" if config.pdf else ""))
        export(executed, config.checked, staging, config.pdf)
        written = _publish(staging, config.report_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    config.log(f"built in {time.perf_counter() - started:.1f} s:")
    for path in written:
        config.log(f"  {paths.display_path(path)}")
    return written


def export(executed: list[Path], checked: dict[str, str], staging: Path, pdf: bool = True) -> None:
    """The combined notebook, the HTML and (if pdf) the PDF, written into staging."""
    combined = combine(executed, checked)
    nbformat.write(combined, staging / "briefing.ipynb")
    (staging / "briefing.html").write_text(export_html(combined), encoding="utf-8")
    if pdf:
        write_pdf(export_html(combined, font_css()), staging / "briefing.pdf")


def _publish(staging: Path, report_dir: Path) -> list[Path]:
    """Move the finished outputs into report_dir: each file by an atomic rename, figures as one folder."""
    written = []
    figures = staging / "figures"
    if figures.is_dir():
        old = report_dir / "figures"
        if old.exists():
            trash = report_dir / f".old-figures-{os.getpid()}"
            os.replace(old, trash)
            os.replace(figures, old)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(figures, old)
        written.extend(sorted(old.iterdir()))
    for item in sorted(staging.iterdir()):
        if item.is_file():
            target = report_dir / item.name
            os.replace(item, target)
            written.append(target)
    return sorted(written)
