"""Executing the notebooks with papermill, only those whose inputs changed: several at a time, each in a fresh kernel
forked from one warm parent (kernels.py), with a time and an output limit per cell (engine.py)."""

from __future__ import annotations

import json
import os
import sys
import threading
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


def _cell_number(nb: dict) -> int | None:
    """The failed cell's number as the user sees it in notebooks/ (1-based, without the cells papermill added)."""
    from papermill.execute import ERROR_MARKER_TAG

    number = 0
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or ERROR_MARKER_TAG in tags:
            continue
        number += 1
        if cell.get("metadata", {}).get("papermill", {}).get("status") in ("failed", "running"):
            return number
    return None


def _failure(source: Path, target: Path, ename: str, evalue: str, fallback: int | None) -> BuildError:
    try:
        number = _cell_number(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        number = None
    number = number or fallback
    where = f"cell {number}: " if number else ""
    from .engine import LIMIT_NAMES

    what = evalue if ename in LIMIT_NAMES else f"{ename}: {evalue}"
    return BuildError(f"{paths.display_path(source)}: {where}{what}\n"
                      f"  the executed notebook, with the error, is kept at {paths.display_path(target)}")


@dataclass(frozen=True)
class Limits:
    timeout: float = 0  # seconds a cell may run; 0: the engine's default
    output: int = -1  # bytes of output a cell may produce; -1: the engine's default, 0: none


def _run_notebook(source: Path, target: Path, parameters: dict[str, str], cwd: Path, limits: Limits = Limits()) -> float:
    """Execute one notebook with papermill and the `csto` engine; a failing cell becomes a one-line BuildError."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .engine import DEFAULT_OUTPUT_LIMIT, DEFAULT_TIMEOUT

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=parameters, engine_name="csto", kernel_name=KERNEL, progress_bar=False,
            log_output=False, execution_timeout=limits.timeout or DEFAULT_TIMEOUT,
            output_limit=DEFAULT_OUTPUT_LIMIT if limits.output < 0 else limits.output,
            resources={"metadata": {"path": str(cwd)}},  # the kernel's folder (papermill's cwd= would chdir this process)
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel chatter in the build log
    except PapermillExecutionError as exc:
        raise _failure(source, target, exc.ename, exc.evalue, None) from None
    normalize(target)
    return time.perf_counter() - started


@dataclass(frozen=True)
class NotebookTask:
    label: str  # how the progress line names it
    source: Path
    target: Path
    parameters: dict[str, str]
    cwd: Path


class Runner:
    """Runs notebooks with papermill, `workers` at a time, each in a kernel forked from one warm parent that has
    imported what the notebooks import. Kept between builds by `make preview`; a one-off build makes its own.
    A new parent is started when the modules to import, the package code or the environment change."""

    def __init__(self, workers: int = 0, log_dir: Path | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.log_dir = log_dir
        self.parent = None

    def warm(self, sources: list[Path], cwd: Path, code_hash: str = "") -> None:
        """Start (or keep) the warm parent for these notebooks; returns at once, the imports run meanwhile."""
        from .kernels import WarmParent, imports_of

        modules = imports_of(sources)
        env = {k: v for k, v in os.environ.items() if k in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR",
                                                          "MPLBACKEND", "CSTO_ROOT", "SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
        key = hashing.sha256_json([modules, code_hash, env, str(cwd)])
        if self.parent is not None and (self.parent.key != key or not self.parent.alive()):
            self.parent.stop()
            self.parent = None
        if self.parent is None:
            log = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                log = self.log_dir / "kernels.log"
            self.parent = WarmParent(modules, cwd=cwd, log=log, key=key)
        WarmParent.use(self.parent)

    def run(self, tasks: list[NotebookTask], log: Callable[[str], None], limits: Limits = Limits()) -> dict[Path, float]:
        """Execute the notebooks in the order given, one progress line each as it finishes; returns the seconds each
        took (by target). The first failing notebook stops the run: notebooks not yet started are cancelled."""
        seconds_by_target: dict[Path, float] = {}
        if not tasks:
            return seconds_by_target
        from concurrent.futures import FIRST_COMPLETED, Future, wait

        if self.parent is None:
            self.warm([t.source for t in tasks], tasks[0].cwd)
        futures: dict[Future, NotebookTask] = {Future(): t for t in tasks}
        todo = list(futures)

        def worker() -> None:  # daemon threads: a kernel that will not die cannot keep the process from exiting
            while todo:
                try:
                    future = todo.pop(0)
                except IndexError:
                    return
                if not future.set_running_or_notify_cancel():
                    continue
                t = futures[future]
                try:
                    future.set_result(_run_notebook(t.source, t.target, t.parameters, t.cwd, limits))
                except BaseException as exc:
                    future.set_exception(exc)

        threads = [threading.Thread(target=worker, name=f"notebook-{n}", daemon=True)
                   for n in range(max(1, min(len(tasks), self.workers)))]
        for thread in threads:
            thread.start()
        done = 0
        try:
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: tasks.index(futures[f])):
                    task = futures[future]
                    if future.cancelled():
                        continue
                    try:
                        seconds = future.result()
                    except BuildError:
                        raise
                    except Exception as exc:  # the kernel did not start, died ...
                        raise BuildError(f"{paths.display_path(task.source)}: {type(exc).__name__}: {exc}") from None
                    done += 1
                    seconds_by_target[task.target] = seconds
                    log(f"[{done}/{len(tasks)}] {task.label} ({seconds:.1f} s)")
        except BaseException:
            for future in futures:
                future.cancel()
            if not isinstance(sys.exc_info()[1], BuildError):  # Ctrl-C: stop the kernels now, not after their cells
                self.close()
            for thread in threads:  # the notebooks already running end (their kernels gone, for Ctrl-C); bounded
                thread.join(timeout=15)
            raise
        for thread in threads:
            thread.join()
        return seconds_by_target

    def close(self) -> None:
        from .kernels import WarmParent

        if self.parent is not None:
            self.parent.stop()
            self.parent = None
        WarmParent.use(None)

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_runner: Runner | None = None  # the runner a long-lived caller (make preview) keeps between builds


def keep_runner(runner: Runner | None) -> None:
    global _runner
    _runner = runner


def run_notebooks(tasks: list[NotebookTask], workers: int, log: Callable[[str], None], limits: Limits = Limits(),
                  code_hash: str = "", log_dir: Path | None = None) -> dict[Path, float]:
    """Execute the notebooks (see Runner.run), with the kept runner or one made for this call."""
    if not tasks:
        return {}
    if _runner is not None:
        _runner.warm(sorted({t.source for t in tasks}), tasks[0].cwd, code_hash)
        return _runner.run(tasks, log, limits)
    with Runner(workers, log_dir=log_dir) as runner:
        runner.warm(sorted({t.source for t in tasks}), tasks[0].cwd, code_hash)
        return runner.run(tasks, log, limits)


def limits_of(config: object) -> Limits:
    """The cell limits a build asks for (BuildConfig.timeout in seconds, BuildConfig.output_limit in bytes)."""
    return Limits(timeout=float(getattr(config, "timeout", 0) or 0), output=int(getattr(config, "output_limit", -1)))


def code_cells_hash(source: Path) -> str:
    """What decides whether a notebook runs again: its code cells (id, tags and source) and its kernel, not its
    Markdown. A Markdown-only edit re-exports the report from the executed outputs without running anything
    (the export takes the prose from the source notebook). Unreadable JSON hashes as bytes: papermill reports it."""
    try:
        nb = json.loads(source.read_text(encoding="utf-8"))
        cells = [[c.get("id"), c.get("metadata", {}).get("tags", []), "".join(c.get("source", ""))]
                 for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        return hashing.sha256_json([nb.get("metadata", {}).get("kernelspec", {}).get("name"), cells])
    except (OSError, ValueError, AttributeError, TypeError):
        return hashing.sha256_file(source)


def notebook_key(source: Path, config: BuildConfig, common: dict[str, str]) -> dict[str, str]:
    return {"code cells": code_cells_hash(source), **common, "parameters": hashing.sha256_json(config.parameters)}


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
    """Run the notebooks whose inputs changed (all of them the first time), on the machine's cores, longest first.
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
        took = {name: entry.get("seconds", 0) for name, entry in entries.items()}
        stale.sort(key=lambda s: -took.get(s.name, 0))  # longest first: the last to finish is a short one
        tasks = [NotebookTask(paths.display_path(s), s, config.build_dir / s.name, config.parameters, config.notebooks_dir)
                 for s in stale]
        for task in tasks:
            entries.pop(task.source.name, None)  # a failed run leaves no claim of being up to date
        seconds: dict[Path, float] = {}
        if config.pdf:
            from .background import warm

            warm()  # WeasyPrint imported meanwhile, ready when the HTML is
        try:
            seconds = run_notebooks(tasks, workers, config.log, limits_of(config), code["kernel"],
                                    log_dir=config.build_dir / ".cache")
        finally:
            for task in tasks:
                if task.target.is_file() and task.source.name not in entries and _finished(task.target):
                    reads = reads_of(task.target)
                    entries[task.source.name] = {
                        "key": keys[task.source.name], "reads": reads, "executed": hashing.sha256_file(task.target),
                        "tables": tables if reads is None else {t: tables.get(t) for t in [*reads, "codebook"]},
                        "seconds": round(seconds.get(task.target, took.get(task.source.name, 0)), 2)}
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
