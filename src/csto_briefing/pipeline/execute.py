"""Executing the notebooks with papermill, in parallel worker processes, only those whose inputs changed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import hashing, paths
from ..errors import BuildError
from .config import BuildConfig

KERNEL = "python3"


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
            cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=CRITICAL"], kernel_manager_class="csto_briefing.pipeline.kernels.IpcKernelManager")  # no kernel chatter; sockets no other kernel can take
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
