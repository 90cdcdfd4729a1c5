"""The package's shape (issue 11): no import cycle between its modules, no private name imported from another module,
and importing it leaves matplotlib's backend alone (the build sets what it needs)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from csto_briefing import paths

PACKAGE = Path(paths.PACKAGE_DIR)


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of the module-level `from ... import ...` statements, resolved to absolute module names."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def test_no_import_cycle_between_the_packages_modules():
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        deps = set()
        for module, names in _imports(name, path):
            deps |= {f"{module}.{n}" for n in names if f"{module}.{n}" in modules} or ({module} & modules.keys())
        graph[name] = deps - {name}
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_private_name_is_imported_from_another_module():
    private = [f"{path.relative_to(PACKAGE.parent)}: {module}.{n}" for name, path in _modules().items()
               for module, names in _imports(name, path) if module.startswith("csto_briefing")
               for n in names if n.startswith("_")]
    assert private == []


def test_importing_the_package_leaves_matplotlibs_backend_alone():
    code = ("import matplotlib; before = matplotlib.get_backend(); import csto_briefing.notebook, csto_briefing.present.charts; "
            "import csto_briefing.pipeline.build; print(before == matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"MPLBACKEND": "svg"})
    assert out.stdout.strip() == "True"


@pytest.mark.kernel  # no kernel, but two pytest workers started (13 s): in `make test`, not in the fast tier
def test_the_tests_of_a_group_run_on_one_worker():
    """`make test` runs two pytest-xdist workers; the modules marked xdist_group("project-files") edit or compare files
    of the project and must run on one worker, one after the other (pytest-xdist's own loadgroup silently stopped
    grouping under pytest 9, and a stylesheet edited by one worker reached a build in the other)."""
    import subprocess
    import sys

    from csto_briefing import paths

    result = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider",
                             "tests/test_docs.py", "tests/test_crossrefs.py"], capture_output=True, text=True, cwd=paths.ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    workers = {line.split("]")[0].strip("[") for line in result.stdout.splitlines() if "PASSED tests/test_docs.py::" in line}
    assert len(workers) == 1 and len([ln for ln in result.stdout.splitlines() if "PASSED tests/test_docs.py::" in ln]) >= 3
    others = {line.split("]")[0].strip("[") for line in result.stdout.splitlines() if "PASSED tests/test_crossrefs.py::" in line}
    assert others == {"gw0", "gw1"}  # the tests outside a group are spread over both workers
