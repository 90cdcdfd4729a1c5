"""`make preview` on a free port, against a copy of the project (never the real data/): an edited table reaches the
served page; a bad row shows its one-line error over the last good page until the fix; the published HTML never
carries the preview's script; Ctrl-C leaves no process and nothing half-written. Loopback only, bounded waits."""

from __future__ import annotations

import html
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from csto_briefing import paths
from csto_briefing.pipeline.preview import free_port

from .conftest import edit_cell


class Served:
    def __init__(self, root: Path, port: int, process: subprocess.Popen):
        import threading

        self.root, self.port, self.process = root, port, process
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((process.stdout, self.out), (process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, into=lines: into.extend(iter(s.readline, "")), daemon=True).start()

    def get(self, route: str = "/") -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{route}", timeout=10) as response:
            return response.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get("/status"))

    def wait_for(self, check: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the preview stopped (exit {self.process.returncode}) while waiting for {what}")
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"no {what} within {seconds} s; the preview said:\n{''.join(self.err[-30:])}")


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# make test runs two pytest-xdist workers (--dist loadgroup): the preview watches the package, whose stylesheet
# test_incremental edits for a moment, so these tests run on that worker, one after the other (see test_reliability).
pytestmark = pytest.mark.xdist_group("project-files")

# The project served: four of the notebooks, enough for every test here (08 shows the quote edited, 05 gets the failing
# cell, all four read the data; 11 holds the bibliography that the citations need); each rebuild is quicker for it.
NOTEBOOKS = ["01_front.ipynb", "05_outlook.ipynb", "08_annex_c_statements.ipynb", "11_annex_f_method.ipynb"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("preview")
    shutil.copytree(paths.DATA_DIR, root / "data")
    (root / "notebooks").mkdir()
    for name in NOTEBOOKS:
        shutil.copy(paths.NOTEBOOKS_DIR / name, root / "notebooks" / name)
    shutil.copy(paths.ROOT / "briefing.toml", root / "briefing.toml")  # a project: its data, notebooks, title and desk
    port = free_port()
    process = subprocess.Popen(["make", "-s", "preview", f"PORT={port}"], cwd=paths.ROOT, env={**os.environ, "CSTO_ROOT": str(root)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    served = Served(root, port, process)
    try:
        served.wait_for(lambda: served.status()["generation"] >= 1, 240, "first build")
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_an_edited_table_reaches_the_served_page(served: Served):
    served.wait_for(lambda: bool(served.out), 30, "the address printed")
    assert f"serving http://127.0.0.1:{served.port}/" in served.out[0]
    page = served.get()
    assert "Interview with France 24." in page and "EventSource" in page
    assert "EventSource" not in (served.root / "report" / "briefing.html").read_text(encoding="utf-8")  # published: no script
    table = served.root / "data" / "commentary.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("Interview with France 24.", "Interview with France 24 (edited)."),
                     encoding="utf-8")
    served.wait_for(lambda: "Interview with France 24 (edited)." in served.get(), 120, "edited text in the served page")
    served.wait_for(lambda: served.status()["pdf"] == "current", 120, "current PDF")
    assert "PDF current" in served.get()


def test_a_bad_row_shows_its_error_over_the_last_good_page_until_fixed(served: Served):
    events = served.root / "data" / "events.csv"
    good = events.read_bytes()
    generation = served.status()["generation"]
    line = edit_cell(events, "k-appeal", "date", "2022-13-05")
    expected = f"data/events.csv:{line}: date: '2022-13-05'"
    served.wait_for(lambda: expected in served.status()["error"], 120, "error line")
    page = served.get()
    assert html.escape(expected) in page and "Interview with France 24 (edited)." in page  # the error over the last good page
    assert served.status()["generation"] == generation
    events.write_bytes(good)
    served.wait_for(lambda: served.status()["error"] == "", 120, "error cleared")
    assert 'id="csto-preview-error"' in served.get() and html.escape(expected) not in served.get()


def test_a_failing_cell_shows_its_error_and_recovers(served: Served):
    notebook = served.root / "notebooks" / "05_outlook.ipynb"
    good = notebook.read_text(encoding="utf-8")
    nb = json.loads(good)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "broken", "metadata": {}, "outputs": [],
                        "source": ["raise ValueError('broken on purpose')"]})
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    served.wait_for(lambda: "ValueError: broken on purpose" in served.status()["error"], 120, "failing cell error")
    assert served.status()["error"].startswith("notebooks/05_outlook.ipynb: cell ")
    notebook.write_text(good, encoding="utf-8")
    served.wait_for(lambda: served.status()["error"] == "", 120, "error cleared")


def test_ctrl_c_stops_everything_and_leaves_nothing_half_written(served: Served):
    children = _descendants(served.process.pid)
    assert children  # the preview process, its kernels' warm parent, the PDF worker ...
    os.killpg(served.process.pid, signal.SIGINT)
    served.process.wait(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in children):
        time.sleep(0.1)
    assert [pid for pid in children if _running(pid)] == []
    report = served.root / "report"
    assert sorted(p.name for p in report.iterdir()) == ["briefing.html", "briefing.ipynb", "briefing.pdf", "figures", "manifest.json"]
    time.sleep(0.5)
    assert "preview stopped" in "".join(served.err)
