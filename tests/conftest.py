"""Shared fixtures and the test tiers.

Tiers: every test that builds the briefing or starts a kernel is marked `kernel` here, automatically (its source, the
fixtures it uses and the module's helpers it calls are searched for what starts one). `make test` runs everything;
`make test-fast` runs `-m "not kernel"`, and there any attempt to start a kernel fails the test.

Builds are shared: `built_project` builds the briefing once per session from a copy of data/ with the default
parameters (`built` is its report folder); `build_of(...)` builds once per distinct set of parameters (a build with the
PDF also serves a request without it). Under pytest-xdist (`make test` runs two workers) the workers share them too:
each build is made by the first worker that asks, in a folder of the session's, under a file lock the other waits on
(`shared_folder`). Tests read these builds and never change them; a test that changes its inputs builds its own."""

from __future__ import annotations

import inspect
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

from csto_briefing import paths

ROOT = paths.ROOT

STARTS_KERNELS = re.compile(
    r"\bbuild\(|\"build\"|papermill|\bRunner\(|build_editions|\"editions\"|preview|execute_notebook|nbclient|"
    r"start_new_kernel|\bbuilt\b|build_of\(|\bbuilt_project\b|layout_builds\.|\blayout_editions\b")


def _sources(item: pytest.Item) -> list[str]:
    """The source of the test, of the fixtures it uses and of the module's functions these call (recursively)."""
    functions: list[Callable] = [item.function]  # type: ignore[attr-defined]
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        defs = info.name2fixturedefs.get(name) if info else None
        if defs:
            functions.append(defs[-1].func)
    module = getattr(item, "module", None)
    seen: set[int] = set()
    sources: list[str] = []
    while functions:
        fn = functions.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            continue
        sources.append(source)
        for called in re.findall(r"\b([A-Za-z_]\w*)\(", source):
            helper = getattr(module, called, None)
            if inspect.isfunction(helper) and getattr(helper, "__module__", None) == getattr(module, "__name__", None):
                functions.append(helper)
    return sources


def starts_kernels(item: pytest.Item) -> bool:
    return any(STARTS_KERNELS.search(source) for source in _sources(item))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kernel: builds the briefing or starts a kernel (set automatically; make test-fast leaves these out)")
    if config.option.markexpr.replace(" ", "") == "notkernel":
        _forbid_kernels()


XDIST_GROUP = re.compile(r'^pytestmark = pytest\.mark\.xdist_group\("([^"]+)"\)', re.M)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`make test` runs two workers: the tests of modules marked `xdist_group("name")` run on one worker, one after the
    other; every other test is sent on its own, as `--dist load` does. (pytest-xdist's own loadgroup does not group
    under pytest 9: it renames `item._nodeid`, which pytest 9 no longer reads, so the groups were silently ignored
    and a stylesheet edit in one worker reached a build in the other.)"""
    from xdist.scheduler import LoadScopeScheduling

    groups: dict[str, str] = {}

    def group_of(path: str) -> str:
        if path not in groups:
            source = ROOT / path
            found = XDIST_GROUP.search(source.read_text(encoding="utf-8")) if source.suffix == ".py" and source.is_file() else None
            groups[path] = found.group(1) if found else ""
        return groups[path]

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid.split("::", 1)[0]) or nodeid

    return ByGroup(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("kernel") is None and starts_kernels(item):
            item.add_marker(pytest.mark.kernel)


def _forbid_kernels() -> None:
    """The fast tier starts no kernel: if one is started after all, the test that did it fails and says so."""
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    def refuse(*args, **kwargs):
        raise AssertionError("this test starts a kernel: it belongs to the `kernel` tier (see tests/conftest.py)")

    KernelManager.start_kernel = refuse  # type: ignore[method-assign]
    AsyncKernelManager.start_kernel = refuse  # type: ignore[method-assign]


# -- fixtures ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _real_data_validated_once():
    """The real data/ is validated once per session, here; loads of the same files later trust its fingerprint, as each
    notebook's kernel trusts the build's (data/dataset.py). Data a test edits has another fingerprint and is validated
    in full; when data/ itself is invalid nothing is trusted and every load reports its problems."""
    import os

    from csto_briefing.data.dataset import check_data
    from csto_briefing.hashing import VALIDATED_ENV, codebook_path, fingerprint

    before = os.environ.get(VALIDATED_ENV)
    if before is None and not check_data(paths.DATA_DIR):
        os.environ[VALIDATED_ENV] = fingerprint(paths.DATA_DIR, codebook_path(paths.DATA_DIR))
    yield
    if before is None:
        os.environ.pop(VALIDATED_ENV, None)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to break."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


class BuiltProject:
    """A project folder (data/ copied from the real one, build/, report/) and the log lines of its last build."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.lines: list[str] = []

    def config(self, pdf: bool = True, **params: str):
        from csto_briefing.pipeline.config import BuildConfig

        return BuildConfig(params=dict(params), data_dir=self.data, build_dir=self.root / "build", report_dir=self.root / "report",
                           pdf=pdf, log=self.lines.append)

    def build(self, pdf: bool = True, **params: str) -> list[Path]:
        from csto_briefing.pipeline.build import build

        self.lines.clear()
        return build(self.config(pdf, **params))


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test session's temporary folder, the same for every pytest-xdist worker (each worker's own is inside it)."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def shared_folder(session: Path, name: str) -> Iterator[tuple[Path, bool]]:
    """(folder, done): a folder of the session's for one shared build, held under an exclusive file lock until the
    block ends (another worker asking for the same build waits, then finds it done). The caller builds into the folder
    when done is False; the folder counts as done only if the block ends without an error."""
    import fcntl

    session.mkdir(parents=True, exist_ok=True)
    folder = session / f"shared-{name}"
    with open(session / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = (folder / ".done").is_file()
            if not done:
                shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
                folder.mkdir()
            yield folder, done
            (folder / ".done").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


_builds: dict[tuple, BuiltProject] = {}


def _folder_name(key: tuple) -> str:
    import hashlib

    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


@pytest.fixture(scope="session")
def build_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., BuiltProject]:
    """build_of(as_of=...) -> the briefing built once per session for these parameters, from a copy of data/
    (pdf=False: without the PDF, for tests that read only the notebooks or the HTML; the build with the PDF serves
    these too when it exists already)."""

    def get(pdf: bool = True, **params: str) -> BuiltProject:
        key = (pdf, *sorted(params.items()))
        with_pdf = (True, *key[1:])
        if key not in _builds and with_pdf not in _builds and not pdf:  # built with the PDF by another worker?
            folder = session_folder(tmp_path_factory) / f"shared-{_folder_name(with_pdf)}"
            if (folder / ".done").is_file():
                _builds[with_pdf] = BuiltProject(folder)
        if key not in _builds and with_pdf in _builds:
            return _builds[with_pdf]
        if key not in _builds:
            with shared_folder(session_folder(tmp_path_factory), _folder_name(key)) as (root, done):
                project = BuiltProject(root)
                if not done:
                    shutil.copytree(paths.DATA_DIR, root / "data")
                    project.build(pdf, **params)
            _builds[key] = project
        return _builds[key]

    return get


@pytest.fixture(scope="session")
def layout_editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition of editions/editions.yaml with its PDF, built once per session (layout_builds.editions)."""
    from . import layout_builds

    with shared_folder(session_folder(tmp_path_factory), "editions") as (root, done):
        return layout_builds.editions(root, build=not done)


@pytest.fixture(scope="session")
def built_project(build_of) -> BuiltProject:
    """The briefing built once, with the default parameters (tests that change its data put it back as it was)."""
    return build_of()


@pytest.fixture(scope="session")
def built(built_project: BuiltProject) -> Path:
    """The report folder of the briefing built with the default parameters."""
    return built_project.root / "report"


@pytest.fixture(scope="session")
def built_page_texts(built: Path) -> list[str]:
    """The text of each page of the default briefing's PDF as pypdf extracts it, read once per session."""
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(built / "briefing.pdf").pages]


def edit_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of a CSV (row found by its first column); return the row's line number."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == row_id:
            row[header.index(column)] = value
            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            return number
    raise KeyError(row_id)


def replace_in_lines(path: Path, old: str, new: str) -> list[int]:
    """Replace `old` (a run of cells, e.g. "KGZ,contributor,150,") by `new` on every line of a CSV that holds it; return
    the numbers of the lines changed. KeyError when no line holds it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found = [number for number, line in enumerate(lines, start=1) if old in line]
    if not found:
        raise KeyError(f"{old!r} is on no line of {path}")
    path.write_text("\n".join(line.replace(old, new) for line in lines), encoding="utf-8")
    return found


@pytest.fixture(autouse=True)
def _close_figures():
    """Charts drawn by one test do not pile up in pyplot's registry (matplotlib warns past twenty open figures)."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


class CliRun(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def validate_in_process(data: Path) -> CliRun:
    """`csto-briefing validate --data DATA` run by its own `main` in this process, output captured: the same lines and
    exit status as the command, without a second of interpreter start-up per case (an exception the command would show
    as a traceback fails the test here). tests/test_validate.py runs the real command once."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from csto_briefing.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", "--data", str(data)])
    return CliRun(code, out.getvalue(), err.getvalue())
