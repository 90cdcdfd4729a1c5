"""Building the briefing: validate the data, execute the notebooks with papermill, combine them,
export HTML with the briefing exporter and the PDF with WeasyPrint from the same HTML.

Incremental: build/state.json records what each step was built from (content hashes of the notebook,
the data tables it read, the package code, the parameters, the environment). A notebook runs again only
when one of those changed; the export runs again only when an executed notebook, the template or the
parameters changed. Reproducible: run timestamps are stripped from executed notebooks and the charts and
PDF carry no random ids, so the same inputs give the same bytes. Safe: outputs are written into a staging
folder and moved into the report folder only when every step has succeeded.

This module imports only the standard library at load time, so that a build with nothing to do is quick."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import hashing, paths
from .errors import BuildError  # noqa: F401 - re-exported
from .parameters import SUBTITLE, build_date, check

KERNEL = "python3"
SKIP_TAGS = {"parameters", "injected-parameters", "explore"}  # cells whose outputs stay out of the report
STATE_FILE = "state.json"
STATE_VERSION = 1
OUTPUTS = ("briefing.html", "briefing.ipynb", "briefing.pdf", "manifest.json")


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
    def figures_dir(self) -> Path:
        return self.build_dir / "figures"

    @property
    def parameters(self) -> dict[str, str]:
        """Every parameter each notebook receives."""
        if not self.checked:
            raise RuntimeError("parameters not checked yet")
        return {**self.checked, "data_dir": str(self.data_dir), "figures_dir": str(self.figures_dir)}

    @property
    def edition_parameters(self) -> dict[str, str]:
        """The parameters that describe the edition (no local paths)."""
        return {k: v for k, v in self.checked.items() if k not in ("data_dir", "figures_dir")}


# -- state ---------------------------------------------------------------------------------------

def read_state(build_dir: Path) -> dict:
    try:
        state = json.loads((build_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def write_state(build_dir: Path, state: dict) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    tmp = build_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps({**state, "version": STATE_VERSION}, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, build_dir / STATE_FILE)


def data_facts(config: BuildConfig, state: dict) -> tuple[str, list[str], tuple[str, str]]:
    """The data's fingerprint, case ids and date range: from the state when these exact files were validated
    before, else by validating them now (DataError before any kernel starts)."""
    fp = hashing.fingerprint(config.data_dir)
    known = state.get("validated", {})
    if known.get("fingerprint") == fp:
        return fp, known["case_ids"], tuple(known["date_range"])  # type: ignore[return-value]
    from .asof import data_date_range
    from .load import load_dataset

    config.log(f"validating {paths.display_path(config.data_dir)}")
    data = load_dataset(config.data_dir)
    first, last = data_date_range(data.tables)
    state["validated"] = {"fingerprint": fp, "case_ids": list(data.tables["cases"]["case_id"]),
                          "date_range": [first.isoformat(), last.isoformat()]}
    return fp, state["validated"]["case_ids"], (first.isoformat(), last.isoformat())


# -- notebooks -----------------------------------------------------------------------------------

def notebooks(folder: Path) -> list[Path]:
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("_"))
    if not found:
        raise BuildError(f"{paths.display_path(folder)}: no notebooks (*.ipynb) to build")
    return found


def normalize(path: Path) -> None:
    """Strip run timestamps and durations that papermill and nbclient write, so that reruns give the same bytes."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for key in ("start_time", "end_time", "duration"):
        nb.get("metadata", {}).get("papermill", {}).pop(key, None)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        if "injected-parameters" in meta.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        for key in ("start_time", "end_time", "duration"):
            meta.get("papermill", {}).pop(key, None)
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def reads_of(path: Path) -> list[str] | None:
    """The tables a notebook's report outputs depend on, as its sections noted them; None when it did not say."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    reads: set[str] = set()
    noted = False
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("csto_briefing")
            if meta is not None:
                noted = True
                reads.update(meta.get("reads", []))
    return sorted(reads) if noted else None


def _run_notebook(source: Path, target: Path, parameters: dict[str, str], cwd: Path) -> float:
    """Execute one notebook (in a worker process); a failing cell becomes a one-line BuildError."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=parameters, kernel_name=KERNEL, progress_bar=False, log_output=False,
            cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel chatter in the build log
    except PapermillExecutionError as exc:
        cell = _failed_cell_number(target, exc.cell_index)
        raise BuildError(
            f"{paths.display_path(source)}: cell {cell}: {exc.ename}: {exc.evalue}\n"
            f"  the executed notebook, with the error, is kept at {paths.display_path(target)}") from None
    normalize(target)
    return time.perf_counter() - started


def _failed_cell_number(executed: Path, papermill_index: int) -> int:
    """The number of the failed cell as the user sees it in notebooks/ (1-based, without the injected cell)."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return papermill_index + 1
    number = 0
    for index, cell in enumerate(cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        number += 1
        if index == papermill_index:
            return number
    return papermill_index + 1


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
    if not tasks:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

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


def notebook_key(source: Path, config: BuildConfig, common: dict[str, str]) -> dict[str, str]:
    return {"notebook": hashing.sha256_file(source), **common, "parameters": hashing.sha256_json(config.parameters)}


def up_to_date(entry: dict | None, key: dict[str, str], tables: dict[str, str], target: Path) -> bool:
    if not entry or entry.get("key") != key or not target.is_file():
        return False
    if entry.get("executed") != hashing.sha256_file(target):
        return False
    reads = entry.get("reads")
    if reads is None:  # the notebook did not say what it reads: any change to the data counts
        return entry.get("tables") == tables
    return all(entry.get("tables", {}).get(t) == tables.get(t) for t in [*reads, "codebook"])


def execute(config: BuildConfig, state: dict, tables: dict[str, str], code: dict[str, str]) -> tuple[list[Path], int]:
    """Run the notebooks whose inputs changed (all of them the first time), in parallel on the machine's cores.
    Returns every executed notebook and how many ran."""
    sources = notebooks(config.notebooks_dir)
    config.build_dir.mkdir(parents=True, exist_ok=True)
    config.figures_dir.mkdir(parents=True, exist_ok=True)
    common = {"code": code["kernel"], "environment": code["environment"]}
    entries = state.setdefault("notebooks", {})
    keys = {s.name: notebook_key(s, config, common) for s in sources}
    stale = [s for s in sources if not up_to_date(entries.get(s.name), keys[s.name], tables, config.build_dir / s.name)]
    for name in set(entries) - {s.name for s in sources}:
        del entries[name]
    if stale:
        workers = config.workers or os.cpu_count() or 1
        fresh = len(stale) == len(sources)
        config.log(f"executing {len(stale)} of {len(sources)} notebooks{'' if fresh else ' (the others are up to date)'}, "
                   f"{min(workers, len(stale))} at a time")
        tasks = [NotebookTask(paths.display_path(s), s, config.build_dir / s.name, config.parameters, config.notebooks_dir)
                 for s in stale]
        for task in tasks:
            entries.pop(task.source.name, None)  # a failed run leaves no claim of being up to date
        try:
            run_notebooks(tasks, workers, config.log)
        finally:
            for task in tasks:
                if task.target.is_file() and task.source.name not in entries and _finished(task.target):
                    reads = reads_of(task.target)
                    entries[task.source.name] = {
                        "key": keys[task.source.name], "reads": reads, "executed": hashing.sha256_file(task.target),
                        "tables": tables if reads is None else {t: tables.get(t) for t in [*reads, "codebook"]}}
    return [config.build_dir / s.name for s in sources], len(stale)


def _finished(executed: Path) -> bool:
    """True when papermill finished the notebook without an error."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    meta = nb.get("metadata", {}).get("papermill", {})
    return not meta.get("exception") and all(c.get("metadata", {}).get("papermill", {}).get("status") != "pending"
                                             for c in nb.get("cells", []))


# -- export --------------------------------------------------------------------------------------

def combine(executed: list[Path], checked: dict[str, str]):
    """One notebook with the output cells of every section, in reading order."""
    import nbformat

    from .formatting import fmt_date

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
        "keywords": "CSTO, Collective Security Treaty Organization, Kazakhstan, Armenia, Article 4, peacekeeping",
        "parameters": {k: v for k, v in checked.items() if k not in ("data_dir", "figures_dir")}}
    return combined


def export_html(nb) -> str:
    from .exporter import BriefingHTMLExporter

    body, _ = BriefingHTMLExporter().from_notebook_node(nb)
    return body


EMBEDDED_FAMILY = "Briefing Sans"  # a name of our own: an @font-face named like an installed font is shadowed by it


def font_css() -> str:
    """@font-face rules for the PDF: DejaVu Sans from matplotlib (Latin, Cyrillic, Armenian), no system font needed."""
    from matplotlib import get_data_path

    ttf = Path(get_data_path()) / "fonts" / "ttf"
    faces = [("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"), ("DejaVuSans-BoldOblique.ttf", "bold", "italic")]
    return "\n".join(
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url("{(ttf / name).as_uri()}"); font-weight: {weight}; font-style: {style}; }}'
        for name, weight, style in faces if (ttf / name).is_file())


def write_pdf(html: str, target: Path) -> None:
    """The PDF from the same HTML, with the embedded fonts added as one more stylesheet."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # @font-face rules are honoured only with a font configuration
        HTML(string=html, base_url=str(paths.ROOT)).write_pdf(
            target, stylesheets=[CSS(string=font_css(), font_config=fonts)], font_config=fonts)
    except Exception as exc:  # the engine's own errors vary (OSError for a missing Pango, ValueError, ...)
        raise BuildError(f"the PDF engine (WeasyPrint) failed: {type(exc).__name__}: {exc}") from None


def export(executed: list[Path], checked: dict[str, str], staging: Path, pdf: bool = True) -> None:
    """The combined notebook, the HTML and (if pdf) the PDF, written into staging."""
    import nbformat

    combined = combine(executed, checked)
    nbformat.write(combined, staging / "briefing.ipynb")
    html = export_html(combined)
    (staging / "briefing.html").write_text(html, encoding="utf-8")
    if pdf:
        write_pdf(html, staging / "briefing.pdf")


def contain(build_dir: Path) -> dict[str, str]:
    """Point every cache and runtime folder of the tools at build_dir/.cache, so that a build writes only under
    build/, report/ and the temporary folder; returns what was set (kernels inherit it)."""
    cache = build_dir / ".cache"
    wanted = {"MPLCONFIGDIR": cache / "matplotlib", "XDG_CACHE_HOME": cache, "JUPYTER_RUNTIME_DIR": cache / "jupyter-runtime",
              "IPYTHONDIR": cache / "ipython"}
    values = {name: str(folder) for name, folder in wanted.items()}
    os.environ.update(values)
    return values


def manifest(config: BuildConfig, tables: dict[str, str], code: dict[str, str], staging: Path) -> dict:
    """Every input with its hash, the parameters, package versions, and every output with its hash."""
    from .provenance import package_versions

    inputs = {f"data/{name}.csv" if name != "codebook" else "data/codebook.yaml": digest for name, digest in tables.items()}
    inputs.update({f"notebooks/{p.name}": hashing.sha256_file(p) for p in notebooks(config.notebooks_dir)})
    inputs["package code (csto_briefing)"] = code["kernel"]
    inputs["export template and code"] = code["export"]
    lock = paths.ROOT / "requirements.lock"
    if lock.is_file():
        inputs["requirements.lock"] = hashing.sha256_file(lock)
    outputs = {p.relative_to(staging).as_posix(): hashing.sha256_file(p)
               for p in sorted(staging.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    return {"parameters": config.edition_parameters, "build_date": build_date().isoformat(), "inputs": inputs,
            "packages": package_versions(), "outputs": outputs}


def report_up_to_date(entry: dict | None, key: dict, report_dir: Path) -> bool:
    if not entry or entry.get("key") != key:
        return False
    outputs: dict[str, str] = entry.get("outputs", {})
    return bool(outputs) and all((report_dir / name).is_file() and hashing.sha256_file(report_dir / name) == digest
                                 for name, digest in outputs.items())


# -- the build -----------------------------------------------------------------------------------

def build(config: BuildConfig) -> list[Path]:
    """The whole build, doing only what changed. Returns the paths written into the report folder."""
    started = time.perf_counter()
    state = read_state(config.build_dir)
    contain(config.build_dir)
    fp, case_ids, (first, last) = data_facts(config, state)  # DataError before any kernel starts
    from datetime import date

    config.checked = check(config.params, case_ids=case_ids, date_range=(date.fromisoformat(first), date.fromisoformat(last)))
    os.environ[hashing.VALIDATED_ENV] = fp  # the kernels need not validate these exact files again
    tables = hashing.table_hashes(config.data_dir)
    code = {"kernel": hashing.kernel_code_hash(), "export": hashing.export_code_hash(), "environment": hashing.environment_hash()}
    try:
        executed, ran = execute(config, state, tables, code)
    finally:
        write_state(config.build_dir, state)
    export_key = {"executed": [hashing.sha256_file(p) for p in executed], **code,
                  "parameters": config.edition_parameters, "pdf": config.pdf, "date": build_date().isoformat(),
                  "figures": hashing.sha256_files(config.figures_dir, config.figures_dir.glob("*")),
                  "tables": tables}
    if report_up_to_date(state.get("export"), export_key, config.report_dir):
        config.log(f"{paths.display_path(config.report_dir)} is up to date ({time.perf_counter() - started:.2f} s)")
        return []
    config.report_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=config.report_dir))
    try:
        config.log("combining, exporting HTML" + (" and writing the PDF" if config.pdf else ""))
        shutil.copytree(config.figures_dir, staging / "figures")
        export(executed, config.checked, staging, config.pdf)
        (staging / "manifest.json").write_text(json.dumps(manifest(config, tables, code, staging), indent=1, sort_keys=True) + "\n",
                                               encoding="utf-8")
        written = _publish(staging, config.report_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state["export"] = {"key": export_key, "outputs": {p.relative_to(config.report_dir).as_posix(): hashing.sha256_file(p)
                                                       for p in written}}
    write_state(config.build_dir, state)
    config.log(f"built in {time.perf_counter() - started:.1f} s ({ran} notebook{'s' if ran != 1 else ''} executed):")
    for path in written:
        config.log(f"  {paths.display_path(path)}")
    return written


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
