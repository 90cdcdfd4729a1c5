"""Benchmark: our build against the stock pipeline, in one run, alternating, with medians.

    make bench              (creates .venv-bench with the `jupyter` metapackage on first use)
    python scripts/bench.py --reps 5

Measures, each repetition in turn:
  1. full build      our `csto-briefing build` from an empty build folder (environment installed)
  2. no-op rebuild   the same command again, nothing changed
  3. one table       after editing one data table (commentary.csv): only the notebooks that read it run
  4. stock           papermill on the command line for each notebook, then `jupyter nbconvert --to html
                     --no-input`, then `weasyprint` on each HTML, in a venv with the `jupyter` metapackage
  5. floor           python -c "import pandas, matplotlib.pyplot, nbconvert, papermill, weasyprint"
and prints each median and the ratios stock / ours and ours / floor. It works on a copy of data/ in a
temporary folder and never touches build/ or report/."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / ".venv" / "bin"
STOCK = ROOT / ".venv-bench" / "bin"
AS_OF = "2025-12-31"


def run(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command[:3])} ... failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each measurement (default 3)")
    args = parser.parse_args()
    for tool in (OURS / "csto-briefing", STOCK / "papermill", STOCK / "jupyter", STOCK / "weasyprint"):
        if not tool.exists():
            sys.exit(f"bench: {tool} is missing; run `make bench`, which installs both environments")
    tmp = Path(tempfile.mkdtemp(prefix="csto-bench-"))
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    table = data / "commentary.csv"
    original = table.read_bytes()
    env = {**os.environ, "MPLCONFIGDIR": str(tmp / "mpl"), "XDG_CACHE_HOME": str(tmp / "cache")}
    ours = [str(OURS / "csto-briefing"), "build", "--data", str(data), "--build-dir", str(tmp / "build"), "--out", str(tmp / "report")]
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    times: dict[str, list[float]] = {k: [] for k in ("full build", "no-op rebuild", "one-table rebuild", "stock pipeline", "floor")}

    def stock() -> float:
        out = tmp / "stock"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        started = time.perf_counter()
        for nb in notebooks:
            run([str(STOCK / "papermill"), str(nb), str(out / nb.name), "-p", "as_of", AS_OF, "-p", "data_dir", str(data),
                 "-p", "figures_dir", str(out / "figures"), "--cwd", str(ROOT / "notebooks"), "--no-progress-bar"], env)
        run([str(STOCK / "jupyter"), "nbconvert", "--to", "html", "--no-input", *[str(out / nb.name) for nb in notebooks]], env)
        for nb in notebooks:
            html = out / nb.with_suffix(".html").name
            run([str(STOCK / "weasyprint"), str(html), str(html.with_suffix(".pdf"))], env)
        return time.perf_counter() - started

    try:
        for rep in range(1, args.reps + 1):
            shutil.rmtree(tmp / "build", ignore_errors=True)
            shutil.rmtree(tmp / "report", ignore_errors=True)
            times["full build"].append(run(ours, env))
            times["no-op rebuild"].append(run(ours, env))
            table.write_bytes(original.replace(b"Interview with France 24.", f"Interview with France 24 (run {rep}).".encode()))
            times["one-table rebuild"].append(run(ours, env))
            table.write_bytes(original)
            times["stock pipeline"].append(stock())
            times["floor"].append(run([str(OURS / "python"), "-c", "import pandas, matplotlib.pyplot, nbconvert, papermill, weasyprint"], env))
            print(f"repetition {rep}/{args.reps}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{len(notebooks)} notebooks, as_of {AS_OF}, {args.reps} repetitions, {os.cpu_count()} cores; medians:\n")
    print(f"| {'measurement':<20} | {'median (s)':>10} | {'runs (s)':<40} |")
    print(f"|{'-' * 22}|{'-' * 12}|{'-' * 42}|")
    for k, v in times.items():
        print(f"| {k:<20} | {med[k]:>10.2f} | {', '.join(f'{x:.2f}' for x in v):<40} |")
    print()
    print(f"stock / ours (full build): {med['stock pipeline'] / med['full build']:.2f}  (target: at least 3)")
    print(f"ours / floor (full build): {med['full build'] / med['floor']:.2f}  (target: at most 3)")
    print(f"no-op rebuild: {med['no-op rebuild']:.2f} s  (target: under 0.2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
