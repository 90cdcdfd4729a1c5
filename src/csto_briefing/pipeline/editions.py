"""Several editions at once: every notebook of every edition executed in one pool of worker processes,
then every edition exported in parallel, each published into report/editions/<as_of>/ with an index page."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import paths
from ..briefing import check_against_data
from ..data.asof import data_date_range
from ..data.dataset import load_dataset
from ..errors import BuildError
from ..hashing import DATA_ENV, VALIDATED_ENV, codebook_path, fingerprint
from ..parameters import ParameterError
from ..present.formatting import fmt_date
from .config import contain, scoped_environment
from .execute import NotebookTask, notebooks, run_notebooks
from .export import export
from .publish import STAGING_PREFIX, publish, remove_leftovers
from .state import build_lock


@dataclass
class Edition:
    checked: dict[str, str]
    build_dir: Path
    report_dir: Path
    staging: Path | None = None


def read_editions(path: Path) -> list[dict[str, Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{paths.display_path(path)}: cannot be read as YAML ({exc})") from None
    entries = raw.get("editions") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries) or not entries:
        raise ValueError(f"{paths.display_path(path)}: expected 'editions:' followed by a list of parameter mappings")
    return entries


def build_editions(editions_file: Path, report_dir: Path = paths.REPORT_DIR / "editions", build_dir: Path = paths.BUILD_DIR / "editions",
                   data_dir: Path = paths.DATA_DIR, notebooks_dir: Path = paths.NOTEBOOKS_DIR, pdf: bool = True,
                   workers: int = 0, log: Callable[[str], None] = print) -> list[Path]:
    """Every edition of editions_file, one build folder and one report folder each; one run at a time per folder."""
    with build_lock([build_dir, report_dir], {"editions": paths.display_path(Path(editions_file))}):
        return _build_editions(Path(editions_file), report_dir, build_dir, data_dir, notebooks_dir, pdf, workers, log)


def _build_editions(editions_file: Path, report_dir: Path, build_dir: Path, data_dir: Path, notebooks_dir: Path, pdf: bool,
                    workers: int, log: Callable[[str], None]) -> list[Path]:
    started = time.perf_counter()
    key = editions_key(editions_file, data_dir, notebooks_dir, pdf)
    if editions_up_to_date(key, build_dir):
        log(f"{paths.display_path(report_dir)} is up to date ({time.perf_counter() - started:.2f} s)")
        return []
    data = load_dataset(data_dir)
    latest = data_date_range(data.tables)[1].isoformat()
    entries = read_editions(editions_file)
    problems: list[str] = []
    editions: list[Edition] = []
    for number, entry in enumerate(entries, start=1):
        values = {k: (latest if k == "as_of" and v == "latest" else v) for k, v in entry.items()}
        try:
            checked = check_against_data(values, data)
        except ParameterError as exc:
            problems += [f"{paths.display_path(editions_file)}: edition {number}: {line}" for line in exc.lines]
            continue
        editions.append(Edition(checked, build_dir / checked["as_of"], report_dir / checked["as_of"]))
    if problems:
        raise ParameterError(problems)
    duplicates = sorted({e.checked["as_of"] for e in editions if [x.checked["as_of"] for x in editions].count(e.checked["as_of"]) > 1})
    if duplicates:
        raise ParameterError([f"{paths.display_path(editions_file)}: two editions as of {d}: each needs its own as_of" for d in duplicates])
    environment = {**contain(build_dir), VALIDATED_ENV: fingerprint(data_dir, codebook_path(data_dir)), DATA_ENV: str(data_dir)}
    with scoped_environment(environment):
        written = _run(editions, report_dir, notebooks_dir, data_dir, pdf, workers, log, started)
    record_editions(key, build_dir, written)
    return written


def _run(editions: list[Edition], report_dir: Path, notebooks_dir: Path, data_dir: Path, pdf: bool, workers: int,
         log: Callable[[str], None], started: float) -> list[Path]:
    workers = workers or os.cpu_count() or 1
    sources = notebooks(notebooks_dir)
    tasks: list[NotebookTask] = []
    for edition in editions:
        edition.report_dir.mkdir(parents=True, exist_ok=True)
        edition.build_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(edition.report_dir)
        edition.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=edition.report_dir))
        (edition.staging / "figures").mkdir()
        parameters = {**edition.checked, "data_dir": str(data_dir), "figures_dir": str(edition.staging / "figures")}
        tasks += [NotebookTask(f"{edition.checked['as_of']} {s.name}", s, edition.build_dir / s.name, parameters, notebooks_dir)
                  for s in sources]
    written: list[Path] = []
    try:
        log(f"building {len(editions)} editions: {len(tasks)} notebooks, {min(workers, len(tasks))} at a time")
        run_notebooks(tasks, workers, log)
        log(f"exporting {len(editions)} editions" + (" (HTML and PDF)" if pdf else " (HTML)"))
        with ProcessPoolExecutor(max_workers=min(workers, len(editions)), mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(export, [e.build_dir / s.name for s in sources], e.checked, e.staging, pdf, notebooks_dir)
                       for e in editions]
            for future in futures:
                future.result()
        for edition in editions:
            written += publish(edition.staging, edition.report_dir)
            log(f"  {paths.display_path(edition.report_dir)}")
        written.append(write_index(editions, report_dir))
    finally:
        for edition in editions:
            if edition.staging is not None:
                shutil.rmtree(edition.staging, ignore_errors=True)
    log(f"built {len(editions)} editions in {time.perf_counter() - started:.1f} s; index: {paths.display_path(report_dir / 'index.html')}")
    return written


# -- incremental: a second run with nothing changed does no work ----------------------------------------------------

EDITIONS_STATE = "editions-state.json"


def editions_key(editions_file: Path, data_dir: Path, notebooks_dir: Path, pdf: bool) -> dict:
    """Everything the editions are built from: the editions file, the data, the notebooks, the package code (what the
    kernels run and the export), the environment, the PDF switch and the build date."""
    from .. import hashing
    from ..parameters import build_date

    nbs = sorted(Path(notebooks_dir).glob("*.ipynb"))
    return {"editions": hashing.sha256_file(editions_file), "data": fingerprint(data_dir, codebook_path(data_dir)),
            "notebooks": hashing.sha256_files(Path(notebooks_dir), nbs), "kernel": hashing.kernel_code_hash(),
            "export": hashing.export_code_hash(), "environment": hashing.environment_hash(), "pdf": pdf,
            "date": build_date().isoformat()}


def editions_up_to_date(key: dict, build_dir: Path) -> bool:
    """True when the last run was built from these exact inputs and every file it wrote is still as it wrote it."""
    import json

    from .. import hashing

    try:
        state = json.loads((Path(build_dir) / EDITIONS_STATE).read_text(encoding="utf-8"))
        outputs = state["outputs"]
        return state["key"] == key and bool(outputs) and all(
            Path(name).is_file() and hashing.sha256_file(Path(name)) == digest for name, digest in outputs.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def record_editions(key: dict, build_dir: Path, written: list[Path]) -> None:
    import json

    from .. import hashing

    Path(build_dir).mkdir(parents=True, exist_ok=True)
    state = {"key": key, "outputs": {str(Path(p).resolve()): hashing.sha256_file(Path(p)) for p in written if Path(p).is_file()}}
    tmp = Path(build_dir) / f".{EDITIONS_STATE}.tmp"
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, Path(build_dir) / EDITIONS_STATE)


def write_index(editions: list[Edition], report_dir: Path) -> Path:
    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES_DIR / "editions")), autoescape=select_autoescape(default=True))
    env.filters["date"] = fmt_date
    html = env.get_template("index.html.j2").render(editions=sorted(editions, key=lambda e: e.checked["as_of"]))
    target = report_dir / "index.html"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target


__all__ = ["build_editions", "BuildError"]
