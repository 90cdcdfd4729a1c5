"""Benchmark: our build against the stock pipeline, in one run, alternating, with medians.

    make bench              (creates .venv-bench with the `jupyter` metapackage on first use)
    python scripts/bench.py --reps 5

Measures, each repetition in turn:
  1. full build      our `csto-briefing build` from an empty build folder (environment installed)
  2. no-op rebuild   the same command again, nothing changed
  3. one table       after editing one data table (commentary.csv): only the notebooks that read it run
  4. preview         `make preview` running on a copy of the project: from saving an edited table (commentary.csv)
                     to the served page showing the change (the moment the browser is told to reload)
  5. stock           papermill on the command line for each notebook, then `jupyter nbconvert --to html
                     --no-input`, then `weasyprint` on each HTML, in a venv with the `jupyter` metapackage
  6. floor           python -c "import pandas, matplotlib.pyplot, nbconvert, papermill, weasyprint"
and prints each median, the ratios, and each target met or missed. It works on copies of data/ and notebooks/ in a
temporary folder and never touches build/ or report/."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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


class Preview:
    """`python -m csto_briefing.pipeline.preview` on a copy of the project, as `make preview` runs it."""

    def __init__(self, root: Path, env: dict):
        sys.path.insert(0, str(ROOT / "src"))
        from csto_briefing.pipeline.preview import free_port

        self.port = free_port()
        self.process = subprocess.Popen([str(OURS / "python"), "-m", "csto_briefing.pipeline.preview", "--port", str(self.port), "--quiet"],
                                        env={**env, "CSTO_ROOT": str(root)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True, start_new_session=True)
        self.wait(lambda s: s["generation"] >= 1 and s["pdf"] == "current", 300)

    def get(self, route: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{route}", timeout=10) as response:
            return response.read()

    def wait(self, ready, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"bench: the preview stopped:\n{self.process.stderr.read()[-2000:]}")
            try:
                status = json.loads(self.get("/status"))
                if ready(status):
                    return status
            except OSError:
                pass
            time.sleep(0.01)
        sys.exit("bench: the preview did not answer in time")

    def edit_to_reload(self, table: Path, content: bytes, marker: bytes) -> float:
        generation = json.loads(self.get("/status"))["generation"]
        started = time.perf_counter()
        table.write_bytes(content)
        self.wait(lambda s: s["generation"] > generation or s["error"], 120)
        elapsed = time.perf_counter() - started
        if marker not in self.get("/"):
            sys.exit("bench: the preview's page does not show the edit")
        self.wait(lambda s: s["pdf"] == "current", 300)  # the background PDF done before the next measurement
        return elapsed

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


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
    times: dict[str, list[float]] = {k: [] for k in ("full build", "no-op rebuild", "one-table rebuild", "preview edit-to-reload",
                                                      "stock pipeline", "floor")}
    project = tmp / "project"  # for the preview: its own data/, notebooks/, build/ and report/
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    shutil.copy(ROOT / "briefing.toml", project / "briefing.toml")  # the title and desk
    preview_table = project / "data" / "commentary.csv"

    def stock() -> float:
        out = tmp / "stock"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        started = time.perf_counter()
        for nb in notebooks:
            run([str(STOCK / "papermill"), str(nb), str(out / nb.name), "-p", "as_of", AS_OF, "-p", "data_dir", str(data),
                 "-p", "figures_dir", str(out / "figures"), "--cwd", str(ROOT / "notebooks"), "--no-progress-bar",
                 "-k", "python3"], env)  # the stock venv's own kernel (the notebooks name the project's)
        run([str(STOCK / "jupyter"), "nbconvert", "--to", "html", "--no-input", *[str(out / nb.name) for nb in notebooks]], env)
        for nb in notebooks:
            html = out / nb.with_suffix(".html").name
            run([str(STOCK / "weasyprint"), str(html), str(html.with_suffix(".pdf"))], env)
        return time.perf_counter() - started

    preview = None
    try:
        preview = Preview(project, env)
        for rep in range(1, args.reps + 1):
            shutil.rmtree(tmp / "build", ignore_errors=True)
            shutil.rmtree(tmp / "report", ignore_errors=True)
            times["full build"].append(run(ours, env))
            times["no-op rebuild"].append(run(ours, env))
            table.write_bytes(original.replace(b"Interview with France 24.", f"Interview with France 24 (run {rep}).".encode()))
            times["one-table rebuild"].append(run(ours, env))
            table.write_bytes(original)
            marker = f"Interview with France 24 (preview {rep}).".encode()
            times["preview edit-to-reload"].append(preview.edit_to_reload(
                preview_table, original.replace(b"Interview with France 24.", marker), marker))
            times["stock pipeline"].append(stock())
            times["floor"].append(run([str(OURS / "python"), "-c", "import pandas, matplotlib.pyplot, nbconvert, papermill, weasyprint"], env))
            print(f"repetition {rep}/{args.reps}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), file=sys.stderr, flush=True)
    finally:
        if preview is not None:
            preview.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{len(notebooks)} notebooks, as_of {AS_OF}, {args.reps} repetitions, {os.cpu_count()} cores; medians:\n")
    print(f"| {'measurement':<20} | {'median (s)':>10} | {'runs (s)':<40} |")
    print(f"|{'-' * 22}|{'-' * 12}|{'-' * 42}|")
    for k, v in times.items():
        print(f"| {k:<20} | {med[k]:>10.2f} | {', '.join(f'{x:.2f}' for x in v):<40} |")
    print()
    full, floor, stock_ = med["full build"], med["floor"], med["stock pipeline"]
    targets = [
        ("full build / floor", f"{full / floor:.2f}", "at most 3", full / floor <= 3),
        ("stock / full build", f"{stock_ / full:.2f}", "at least 5", stock_ / full >= 5),
        ("no-op rebuild", f"{med['no-op rebuild']:.2f} s", "under 0.2 s", med["no-op rebuild"] < 0.2),
        ("preview edit-to-reload", f"{med['preview edit-to-reload']:.2f} s", "at most 2 s", med["preview edit-to-reload"] <= 2),
    ]
    print(f"| {'target':<24} | {'value':>8} | {'wanted':<12} | {'':<6} |")
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 14}|{'-' * 8}|")
    for name, value, wanted, met in targets:
        print(f"| {name:<24} | {value:>8} | {wanted:<12} | {'met' if met else 'MISSED':<6} |")
    print(f"\none-table rebuild / full build: {med['one-table rebuild'] / full:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
