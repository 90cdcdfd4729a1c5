"""Where a clean build's time goes, step by step (single run, wall-clock seconds).

    .venv/bin/python scripts/profile_build.py [--reps 3]

Steps: Python start and import of the build; validation; kernel start (jupyter_client, to the first reply);
imports in the kernel (what the notebooks import: pandas, matplotlib, the package); each notebook's own work
(in a kernel that has imported everything already, after a namespace reset); combining the executed notebooks;
HTML export; PDF layout (WeasyPrint render); font subsetting; PDF writing (the rest of write_pdf).
Works in a temporary folder; never touches build/ or report/. Medians over --reps."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
IMPORTS = "import pandas, matplotlib.pyplot\nfrom csto_briefing.briefing import Briefing\nfrom csto_briefing.present import output"


def _timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def _run(kc, code: str) -> None:
    reply = kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code[:60]!r}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def _ready(kc) -> None:
    """Ready when kernel_info is answered and its IOPub status arrives (what the csto engine waits for)."""
    from queue import Empty

    while True:
        msg_id = kc.kernel_info()
        kc.get_shell_msg(timeout=30)
        try:
            while True:
                msg = kc.get_iopub_msg(timeout=0.5)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                        and msg["content"]["execution_state"] == "idle":
                    return
        except Empty:
            continue


def profile_warm(tmp: Path) -> dict[str, float]:
    """The pipeline as it is now: one warm parent imports once; each notebook gets a kernel forked from it."""
    from csto_briefing import hashing, paths
    from csto_briefing.pipeline.config import contain
    from csto_briefing.pipeline.kernels import BlockingWarmKernelManager, WarmParent, imports_of

    times: dict[str, float] = {}
    os.environ.update(contain(tmp / "build-warm"))
    os.environ[hashing.VALIDATED_ENV] = hashing.fingerprint(paths.DATA_DIR)
    sources = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    started = time.perf_counter()
    parent = WarmParent(imports_of(sources), cwd=paths.NOTEBOOKS_DIR)
    parent.wait_ready()
    times["warm parent: start + imports (once)"] = time.perf_counter() - started
    WarmParent.use(parent)
    import nbformat

    from csto_briefing.parameters import DEFAULTS

    figures = tmp / "figures-warm"
    figures.mkdir(exist_ok=True)
    parameters = {**DEFAULTS, "data_dir": str(paths.DATA_DIR), "figures_dir": str(figures)}
    starts = []
    try:
        for source in sources:
            nb = nbformat.read(source, as_version=4)
            started = time.perf_counter()
            km = BlockingWarmKernelManager(kernel_name="python3")
            km.start_kernel(cwd=str(paths.NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
            kc = km.client()
            kc.start_channels()
            _ready(kc)
            starts.append(time.perf_counter() - started)
            started = time.perf_counter()
            _run(kc, "\n".join(f"{k} = {v!r}" for k, v in parameters.items()))
            for cell in nb.cells:
                if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                    _run(kc, cell.source)
            times[f"notebook {source.stem}"] = time.perf_counter() - started
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    finally:
        parent.stop()
    times["kernel start from the warm parent (median)"] = statistics.median(starts)
    return times


def profile_once(tmp: Path) -> dict[str, float]:
    from jupyter_client.manager import start_new_kernel

    from csto_briefing import hashing, paths
    from csto_briefing.pipeline.config import contain

    times: dict[str, float] = {}
    build_dir = tmp / "build"
    contain(build_dir)
    times["python start + build imports"], _ = _timed(
        subprocess.run, [str(PYTHON), "-c", "import csto_briefing.pipeline.build, csto_briefing.cli"], check=True)
    from csto_briefing.data.dataset import load_dataset

    times["validation"], _ = _timed(load_dataset, paths.DATA_DIR)
    os.environ[hashing.VALIDATED_ENV] = hashing.fingerprint(paths.DATA_DIR)
    figures = tmp / "figures"
    figures.mkdir(exist_ok=True)
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=CRITICAL"], cwd=str(paths.NOTEBOOKS_DIR))
    times["kernel start"] = time.perf_counter() - started
    executed: list[Path] = []
    try:
        times["imports in the kernel"], _ = _timed(_run, kc, IMPORTS)
        import nbformat

        from csto_briefing.parameters import DEFAULTS

        parameters = {**DEFAULTS, "data_dir": str(paths.DATA_DIR), "figures_dir": str(figures)}
        for source in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
            nb = nbformat.read(source, as_version=4)
            _run(kc, "%reset -f")
            code = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
            started = time.perf_counter()
            _run(kc, code)
            for cell in nb.cells:
                if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                    _run(kc, cell.source)
            times[f"notebook {source.stem}"] = time.perf_counter() - started
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    # combining, export and PDF on the executed notebooks of a real build
    executed_dir = tmp / "executed"
    if not executed_dir.is_dir():
        subprocess.run([str(ROOT / ".venv" / "bin" / "csto-briefing"), "build", "--no-pdf", "--build-dir", str(executed_dir),
                        "--out", str(tmp / "report")], check=True, capture_output=True)
    executed = sorted(executed_dir.glob("*.ipynb"))
    from csto_briefing.parameters import DEFAULTS
    from csto_briefing.pipeline.assemble import combine
    from csto_briefing.pipeline.export import export_html
    from csto_briefing.pipeline.pdf import font_css

    times["combining"], combined = _timed(combine, executed, dict(DEFAULTS), paths.NOTEBOOKS_DIR)
    times["HTML export"], (html, _) = _timed(export_html, combined)
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    started = time.perf_counter()
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(paths.ROOT)).render(stylesheets=[CSS(string=font_css(), font_config=fonts)],
                                                                   font_config=fonts)
    times["PDF layout"] = time.perf_counter() - started
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    document.write_pdf(tmp / "briefing.pdf")
    profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    subset = sum(v[3] for k, v in stats.stats.items() if k[2] == "subset" and "weasyprint" in k[0])  # cumulative time
    times["PDF font subsetting"] = subset
    times["PDF writing"] = total - subset
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--json", help="also write the medians to this file")
    parser.add_argument("--warm", action="store_true", help="the notebooks as the build runs them now (warm parent, forked "
                        "kernels) instead of one kernel started the stock way")
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="csto-profile-") as tmp:
        for _ in range(args.reps):
            times = profile_once(Path(tmp))
            if args.warm:
                for key in [k for k in times if k.startswith(("kernel start", "imports in", "notebook "))]:
                    del times[key]
                times = {**profile_warm(Path(tmp)), **times}
            runs.append(times)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    width = max(map(len, med))
    print(f"{'step':<{width}}  seconds (median of {args.reps}, {os.cpu_count()} cores)")
    for k, v in med.items():
        print(f"{k:<{width}}  {v:6.2f}")
    notebooks = sum(v for k, v in med.items() if k.startswith("notebook "))
    print(f"{'notebooks, own work (sum)':<{width}}  {notebooks:6.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(med, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
