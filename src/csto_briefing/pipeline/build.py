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
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from .. import hashing, paths
from ..errors import BuildError
from ..parameters import build_date, check
from .config import BuildConfig, contain, scoped_environment
from .execute import execute, notebooks
from .publish import STAGING_PREFIX, publish, remove_leftovers
from .state import build_lock, read_state, write_state


def _plain_tables(data_dir: Path) -> bool:
    """True when every table file is a regular file (not a link, pipe or folder): only then is it hashed before it is
    validated (validation refuses the others with one line each, without reading what a link points to)."""
    return data_dir.is_dir() and all(p.is_file() and not p.is_symlink() for p in data_dir.glob("*.csv"))


def data_facts(config: BuildConfig, state: dict) -> tuple[str, list[str], tuple[str, str], dict[str, str]]:
    """The data's fingerprint, case ids, date range and each case's first event: from the state when these exact
    files were validated before, else by validating them now (DataError before any kernel starts)."""
    fp = None
    if _plain_tables(config.data_dir):
        try:
            fp = hashing.fingerprint(config.data_dir)
        except OSError:
            fp = None  # validation says what is wrong with the folder
    known = state.get("validated", {})
    if fp is not None and known.get("fingerprint") == fp and "first_dates" in known:
        return fp, known["case_ids"], tuple(known["date_range"]), known["first_dates"]  # type: ignore[return-value]
    from ..data.asof import data_date_range, first_event_dates
    from ..data.dataset import load_dataset

    config.log(f"validating {paths.display_path(config.data_dir)}")
    data = load_dataset(config.data_dir)
    fp = hashing.fingerprint(config.data_dir)
    first, last = data_date_range(data.tables)
    state["validated"] = {"fingerprint": fp, "case_ids": list(data.tables["cases"]["case_id"]),
                          "date_range": [first.isoformat(), last.isoformat()],
                          "first_dates": {k: v.isoformat() for k, v in first_event_dates(data.tables).items()}}
    v = state["validated"]
    return fp, v["case_ids"], (v["date_range"][0], v["date_range"][1]), v["first_dates"]


def manifest(config: BuildConfig, tables: dict[str, str], code: dict[str, str], staging: Path) -> dict:
    """Every input with its hash, the parameters, package versions, and every output with its hash."""
    from ..provenance import package_versions

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
    """The whole build, doing only what changed. Returns the paths written into the report folder.

    One build at a time per build folder and per report folder (BuildBusy names the other one); staging folders
    left by a killed build are removed first; the caller's environment is left as it was."""
    started = time.perf_counter()
    with build_lock([config.build_dir, config.report_dir], config.params):
        remove_leftovers(config.report_dir)
        return _build(config, started)


def _build(config: BuildConfig, started: float) -> list[Path]:
    state = read_state(config.build_dir)
    fp, case_ids, (first, last), first_dates = data_facts(config, state)  # DataError before any kernel starts
    config.checked = check(config.params, case_ids=case_ids, date_range=(date.fromisoformat(first), date.fromisoformat(last)),
                           first_dates={k: date.fromisoformat(v) for k, v in first_dates.items()})
    # the kernels need not validate these exact files again; caches go under build/.cache
    with scoped_environment({**contain(config.build_dir), hashing.VALIDATED_ENV: fp, hashing.DATA_ENV: str(config.data_dir)}):
        return _execute_and_publish(config, state, started)


def _execute_and_publish(config: BuildConfig, state: dict, started: float) -> list[Path]:
    tables = hashing.table_hashes(config.data_dir)
    code = {"kernel": hashing.kernel_code_hash(), "export": hashing.export_code_hash(), "environment": hashing.environment_hash()}
    try:
        executed, ran = execute(config, state, tables, code)
    finally:
        write_state(config.build_dir, state)
    export_key = {"executed": [hashing.sha256_file(p) for p in executed], **code,
                  "notebooks": [hashing.sha256_file(p) for p in notebooks(config.notebooks_dir)],  # their Markdown
                  "front matter": hashing.sha256_file(paths.ROOT / "briefing.toml"),
                  "parameters": config.edition_parameters, "pdf": config.pdf, "date": build_date().isoformat(),
                  "figures": hashing.sha256_files(config.figures_dir, config.figures_dir.glob("*")),
                  "tables": tables}
    if report_up_to_date(state.get("export"), export_key, config.report_dir):
        config.log(f"{paths.display_path(config.report_dir)} is up to date ({time.perf_counter() - started:.2f} s)")
        return []
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=config.report_dir))
    except OSError as exc:
        raise BuildError(f"cannot write into {paths.display_path(config.report_dir)} ({exc.strerror})") from None
    try:
        config.log("combining, exporting HTML" + (" and writing the PDF" if config.pdf else ""))
        shutil.copytree(config.figures_dir, staging / "figures")
        from .export import export

        export(executed, config.checked, staging, config.pdf, config.notebooks_dir)
        (staging / "manifest.json").write_text(json.dumps(manifest(config, tables, code, staging), indent=1, sort_keys=True) + "\n",
                                               encoding="utf-8")
        written = publish(staging, config.report_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state["export"] = {"key": export_key, "outputs": {p.relative_to(config.report_dir).as_posix(): hashing.sha256_file(p)
                                                       for p in written}}
    write_state(config.build_dir, state)
    config.log(f"built in {time.perf_counter() - started:.1f} s ({ran} notebook{'s' if ran != 1 else ''} executed):")
    for path in written:
        config.log(f"  {paths.display_path(path)}")
    return written
