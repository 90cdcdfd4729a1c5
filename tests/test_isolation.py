"""Kernels from the warm parent: each notebook runs as papermill promises (a fresh namespace holding only its
parameters, papermill's cells and metadata), nothing one notebook changes reaches the next, and a cell that runs
too long or prints too much stops the build with one line naming the notebook, the cell and the limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from csto_briefing.errors import BuildError
from csto_briefing.pipeline.execute import Limits, NotebookTask, Runner

CLI = [sys.executable, "-m", "csto_briefing.cli"]


def notebook(folder: Path, name: str, *cells: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    params = nbformat.v4.new_code_cell('as_of = "2025-12-31"\ndata_dir = ""\nfigures_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, *(nbformat.v4.new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / name)
    return folder / name


FIRST = [
    "import json, os, sys\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
    "from csto_briefing.present import formatting",
    "leaked_variable = 'from the first notebook'\n"
    "formatting.QUALIFIER_WORDS['about'] = 'leaky '\nformatting.LEAKED = True\n"
    "matplotlib.rcParams['lines.linewidth'] = 9.5\npd.set_option('display.max_rows', 3)\nplt.figure()\n"
    "os.environ['LEAKED'] = '1'",
    "json.dump({'pid': os.getpid(), 'parent': os.getppid(), 'preloaded': 'pandas' in sys.modules}, open(figures_dir, 'w'))",
]
SECOND = [
    "import json, os, sys\npreloaded = 'pandas' in sys.modules and 'csto_briefing.present.formatting' in sys.modules\n"
    "import matplotlib\nimport matplotlib.pyplot as plt\nimport pandas as pd\nfrom csto_briefing.present import formatting",
    "seen = {'variable': 'leaked_variable' in globals(), 'names': sorted(n for n in globals() if not n.startswith('_')),\n"
    "        'module dict': formatting.QUALIFIER_WORDS['about'], 'module attribute': hasattr(formatting, 'LEAKED'),\n"
    "        'rcParams': matplotlib.rcParams['lines.linewidth'], 'pandas option': pd.get_option('display.max_rows'),\n"
    "        'figures': plt.get_fignums(), 'environment': os.environ.get('LEAKED'),\n"
    "        'pid': os.getpid(), 'parent': os.getppid(), 'preloaded': preloaded}\n"
    "json.dump(seen, open(figures_dir, 'w'))",
]


def test_nothing_one_notebook_changes_reaches_the_next(tmp_path: Path):
    nbs = tmp_path / "nb"
    first, second = notebook(nbs, "01_first.ipynb", *FIRST), notebook(nbs, "02_second.ipynb", *SECOND)
    out = tmp_path / "out"
    out.mkdir()
    tasks = [NotebookTask(p.name, p, out / p.name, {"as_of": "2022-01-07", "data_dir": "", "figures_dir": str(out / f"{p.stem}.json")}, nbs)
             for p in (first, second)]
    with Runner(workers=1) as runner:  # one worker: the second notebook runs where the first ran
        runner.warm([first, second], nbs)
        runner.run(tasks, log=lambda line: None)
    one = json.loads((out / "01_first.json").read_text())
    two = json.loads((out / "02_second.json").read_text())
    assert two["variable"] is False
    names = set(two["names"]) - {"json", "os", "sys", "matplotlib", "plt", "pd", "formatting", "preloaded", "In", "Out",
                                  "get_ipython", "exit", "quit", "open"}
    assert names == {"as_of", "data_dir", "figures_dir"}  # only its parameters
    assert two["module dict"] == "about " and two["module attribute"] is False
    import matplotlib

    assert two["rcParams"] == matplotlib.rcParamsDefault["lines.linewidth"]
    assert two["pandas option"] == 60 and two["figures"] == [] and two["environment"] is None
    # both kernels came from the same warm parent, which had imported pandas and the package already
    assert one["parent"] == two["parent"] and one["pid"] != two["pid"] and one["preloaded"] and two["preloaded"]


def test_papermill_marks_the_executed_notebook_as_usual(tmp_path: Path):
    nbs = tmp_path / "nb"
    source = notebook(nbs, "01_one.ipynb", "x = as_of", "print(x)")
    target = tmp_path / "01_one.ipynb"
    with Runner(workers=1) as runner:
        runner.run([NotebookTask("one", source, target, {"as_of": "2022-01-07"}, nbs)], log=lambda line: None)
    nb = json.loads(target.read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {"as_of": "2022-01-07"}
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "as_of = \"2022-01-07\"" in "".join(injected[0]["source"])
    assert "".join(nb["cells"][-1]["outputs"][0]["text"]) == "2022-01-07\n"
    assert nb["metadata"]["language_info"]["name"] == "python"


def test_the_engine_is_reachable_from_papermill_on_the_command_line(tmp_path: Path):
    source = notebook(tmp_path / "nb", "01_one.ipynb", "import os\nprint(as_of, os.getcwd())")
    papermill = Path(sys.executable).with_name("papermill")
    result = subprocess.run([str(papermill), str(source), str(tmp_path / "out.ipynb"), "--engine", "csto", "-p", "as_of", "2022-01-07",
                             "--cwd", str(tmp_path / "nb"), "--no-progress-bar"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    nb = json.loads((tmp_path / "out.ipynb").read_text())
    assert "".join(nb["cells"][-1]["outputs"][0]["text"]) == f"2022-01-07 {tmp_path / 'nb'}\n"


@pytest.mark.parametrize("cell, limits, expected", [
    ("import time\ntime.sleep(60)", Limits(timeout=1.5), "cell 3: still running after the time limit of 1.5 s (--timeout)"),
    ("print('x' * 3_000_000)", Limits(output=1024 * 1024), "cell 3: output over the limit of 1 MB refused (--output-limit)"),
    ("import sys\nfor _ in range(100000):\n    sys.stdout.write('y' * 1000)\n    sys.stdout.flush()", Limits(output=1024 * 1024),
     "cell 3: output over the limit of 1 MB refused (--output-limit)"),
])
def test_a_cell_over_a_limit_stops_with_one_line(tmp_path: Path, cell: str, limits: Limits, expected: str):
    nbs = tmp_path / "nb"
    source = notebook(nbs, "01_slow.ipynb", "x = 1", cell, "never = 'run'")
    target = tmp_path / "01_slow.ipynb"
    with Runner(workers=1) as runner, pytest.raises(BuildError) as info:
        runner.run([NotebookTask("slow", source, target, {}, nbs)], log=lambda line: None, limits=limits)
    first, second = str(info.value).splitlines()
    assert first == f"{source}: {expected}"
    assert second == f"  the executed notebook, with the error, is kept at {target}"
    nb = json.loads(target.read_text())
    assert nb["metadata"]["papermill"]["exception"] is True
    assert len(json.dumps(nb)) < 100_000  # the refused output is not kept


def test_the_time_limit_is_set_on_the_command_line(tmp_path: Path):
    nbs = tmp_path / "nb"
    notebook(nbs, "01_slow.ipynb", "import time\ntime.sleep(60)")
    result = subprocess.run([*CLI, "build", "--notebooks", str(nbs), "--out", str(tmp_path / "report"), "--build-dir",
                             str(tmp_path / "build"), "--timeout", "1", "--no-pdf"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"error: {nbs / '01_slow.ipynb'}: cell 2: still running after the time limit of 1 s (--timeout)" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    result = subprocess.run([*CLI, "build", "--timeout", "soon", "--out", str(tmp_path / "report")], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.strip() == "error: --timeout: 'soon' is not a positive number of seconds"
