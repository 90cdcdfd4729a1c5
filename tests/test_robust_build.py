"""Builds that fail say one line and leave report/ as it was; two builds never mix; what the report prints is what
decided the rebuild; make variables are data (issue 13)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from csto_briefing import cli, paths
from csto_briefing.errors import BuildError
from csto_briefing.pipeline import publish as publish_module
from csto_briefing.pipeline.build import build
from csto_briefing.pipeline.config import BuildConfig

from .test_reliability import CLI, last_good_report, snapshot, tiny_notebooks

# make test runs two pytest-xdist workers (--dist loadgroup): the tests that change or compare files of the project
# itself run on one worker, one after the other (this module edits README.md and runs make in the project).
pytestmark = pytest.mark.xdist_group("project-files")


def _immutable(path: Path) -> bool:
    """Make path immutable (chattr +i) if the machine allows it."""
    return shutil.which("chattr") is not None and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def _mutable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[str]]:
    code = cli.main(list(args))
    return code, capsys.readouterr().err.splitlines()


def cli_build(tmp_path: Path, report: Path, notebooks: Path, *extra: str) -> list[str]:
    return ["build", "--notebooks", str(notebooks), "--out", str(report), "--build-dir", str(tmp_path / "build"), "--no-pdf", *extra]


# -- publishing is all or nothing ----------------------------------------------------------------

def test_one_file_that_cannot_be_replaced_leaves_the_old_set_whole(tmp_path: Path, capsys, monkeypatch):
    report = last_good_report(tmp_path / "report")
    (report / "manifest.json").write_text("{}", encoding="utf-8")
    before = snapshot(report)
    notebooks = tiny_notebooks(tmp_path / "nb")
    if _immutable(report / "briefing.pdf"):
        try:
            code, err = run_cli(capsys, "build", "--notebooks", str(notebooks), "--out", str(report),
                                "--build-dir", str(tmp_path / "build"))
        finally:
            _mutable(report / "briefing.pdf")
        why = "Operation not permitted"
    else:  # no chattr here: the rename of the PDF fails instead
        real = os.replace

        def failing(src, dst, *a, **k):
            if Path(dst) == report / "briefing.pdf" or Path(src) == report / "briefing.pdf":
                raise PermissionError(errno.EPERM, "Operation not permitted")
            return real(src, dst, *a, **k)

        monkeypatch.setattr(publish_module.os, "replace", failing)
        code, err = run_cli(capsys, "build", "--notebooks", str(notebooks), "--out", str(report),
                            "--build-dir", str(tmp_path / "build"))
        why = "Operation not permitted"
    assert code == 1
    assert err[-2:] == [f"error: cannot replace {report / 'briefing.pdf'} ({why}); the previous outputs were put back",
                        "the report was not changed"]
    assert snapshot(report) == before
    assert [p.name for p in report.iterdir() if p.name.startswith(".")] == []


def test_a_rename_failing_midway_puts_every_old_file_back(tmp_path: Path, monkeypatch):
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    staging = tmp_path / "staging"
    (staging / "figures").mkdir(parents=True)
    for name in ("briefing.html", "briefing.ipynb", "briefing.pdf", "manifest.json"):
        (staging / name).write_text("new", encoding="utf-8")
    (staging / "figures" / "figure9.svg").write_text("<svg/>", encoding="utf-8")
    real, calls = os.replace, []

    def failing(src, dst, *a, **k):
        calls.append(Path(dst).name)
        if Path(dst) == report / "manifest.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(publish_module.os, "replace", failing)
    with pytest.raises(BuildError, match=r"^cannot replace .*manifest\.json \(No space left on device\); the previous outputs were put back$"):
        publish_module.publish(staging, report)
    assert "briefing.pdf" in calls  # the PDF had been replaced before the failure, and was put back
    assert snapshot(report) == before


def test_a_publish_killed_half_way_is_undone_by_the_next_build(tmp_path: Path, monkeypatch):
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    staging = tmp_path / "staging"
    (staging / "figures").mkdir(parents=True)
    for name in ("briefing.html", "briefing.pdf", "manifest.json"):
        (staging / name).write_text("new", encoding="utf-8")
    real = os.replace

    def killed(src, dst, *a, **k):
        if Path(dst) == report / "manifest.json":
            raise KeyboardInterrupt  # stands for SIGKILL: below, nothing is rolled back
        return real(src, dst, *a, **k)

    monkeypatch.setattr(publish_module.os, "replace", killed)
    monkeypatch.setattr(publish_module, "_roll_back", lambda *args: None)
    with pytest.raises(KeyboardInterrupt):
        publish_module.publish(staging, report)
    monkeypatch.undo()
    assert (report / "briefing.pdf").read_text(encoding="utf-8") == "new"  # a mixed set, as a killed build leaves it
    publish_module.remove_leftovers(report)
    assert snapshot(report) == before
    assert not [p for p in report.iterdir() if p.name.startswith(".")]


def test_a_finished_publish_whose_backup_was_left_is_kept(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "briefing.pdf").write_text("new", encoding="utf-8")
    publish_module.publish(staging, report)
    backup = report / ".old-killed"  # as if killed between the journal's 'done' and the removal of the backup
    backup.mkdir()
    (backup / "briefing.pdf").write_bytes(b"%PDF last good")
    (backup / publish_module.JOURNAL).write_text('{"names": ["briefing.pdf"], "had_old": ["briefing.pdf"], "done": true}',
                                                 encoding="utf-8")
    publish_module.remove_leftovers(report)
    assert (report / "briefing.pdf").read_text(encoding="utf-8") == "new" and not backup.exists()


# -- failures as one line, report unchanged ---------------------------------------------------------

def test_a_full_disk_is_one_line_and_keeps_the_report(tmp_path: Path, capsys, monkeypatch):
    from csto_briefing.pipeline import export as export_module

    report = last_good_report(tmp_path / "report")
    before = snapshot(report)

    def full(executed, parameters, staging, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(staging) / "briefing.html"))

    monkeypatch.setattr(export_module, "export", full)
    code, err = run_cli(capsys, *cli_build(tmp_path, report, tiny_notebooks(tmp_path / "nb")))
    assert code == 1
    assert err[-1].startswith("error: No space left on device: ") and err[-1].endswith("briefing.html; the report was not changed")
    assert not any(line.startswith("Traceback") for line in err)
    assert snapshot(report) == before


def test_a_read_only_report_folder_is_one_line(tmp_path: Path, capsys):
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    if not _immutable(report):
        pytest.skip("chattr +i is not available here")
    try:
        code, err = run_cli(capsys, *cli_build(tmp_path, report, tiny_notebooks(tmp_path / "nb")))
    finally:
        _mutable(report)
    assert code == 1
    assert err == [f"error: cannot write into {report} (Operation not permitted)", "the report was not changed"]
    assert snapshot(report) == before


@pytest.mark.parametrize("content", ['{"version": 1, "notebooks": [1, 2]}', "[]", '{"version": 1, "validated": {"fingerprint": 3}}',
                                     '{"version": 1, "export": {"key": {}, "outputs": [1]}}', "not json"])
def test_a_state_file_of_the_wrong_shape_is_treated_as_absent(tmp_path: Path, content: str):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "state.json").write_text(content, encoding="utf-8")
    config = BuildConfig(notebooks_dir=tiny_notebooks(tmp_path / "nb"), report_dir=tmp_path / "report",
                         build_dir=tmp_path / "build", pdf=False, log=lambda line: None)
    assert build(config)
    assert json.loads((tmp_path / "build" / "state.json").read_text(encoding="utf-8"))["version"] == 1


def test_staging_folders_left_by_a_killed_build_are_removed(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    for leftover in (".staging-abc123", ".old-def456"):
        (report / leftover / "figures").mkdir(parents=True)
        (report / leftover / "briefing.pdf").write_bytes(b"half")
    config = BuildConfig(notebooks_dir=tiny_notebooks(tmp_path / "nb"), report_dir=report, build_dir=tmp_path / "build",
                         pdf=False, log=lambda line: None)
    build(config)
    assert sorted(p.name for p in report.iterdir() if p.name.startswith(".")) == []


def _wait_for(path: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.exists(), f"{path} never appeared"


def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    notebooks = tiny_notebooks(tmp_path / "nb", extra="import time\ntime.sleep(60)")
    proc = subprocess.Popen([*CLI, *cli_build(tmp_path, report, notebooks)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    _wait_for(tmp_path / "build" / "01_title.ipynb")
    time.sleep(2)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)  # to the build only, as `kill PID` does: it stops its notebook workers itself
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode == 143, stderr
    assert stderr.splitlines()[-1] == "terminated; the report was not changed"
    assert "Traceback" not in stderr
    assert snapshot(report) == before
    assert not [p for p in report.iterdir() if p.name.startswith(".")]


# -- two builds at once ----------------------------------------------------------------------------

def test_a_second_build_on_the_same_folders_refuses_naming_the_first(tmp_path: Path):
    report = last_good_report(tmp_path / "report")
    slow = tiny_notebooks(tmp_path / "nb", extra="import time\ntime.sleep(8)")
    first = subprocess.Popen([*CLI, *cli_build(tmp_path, report, slow, "--as-of", "2022-01-20")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    _wait_for(tmp_path / "build" / "01_title.ipynb")
    second = subprocess.run([*CLI, *cli_build(tmp_path, report, slow, "--as-of", "2022-01-07")], capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 75
    assert second.stderr.splitlines() == [
        f"error: another build is using {tmp_path / 'build'} (pid {first.pid}, as_of=2022-01-20, started "
        f"{second.stderr.split('started ')[1].split(')')[0]}); wait for it to finish, or give this build its own --build-dir and --out"]
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    html = (report / "briefing.html").read_text(encoding="utf-8")
    assert "20 January 2022" in html and "7 January 2022" not in html


def test_builds_with_their_own_folders_run_side_by_side(tmp_path: Path):
    slow = tiny_notebooks(tmp_path / "nb", extra="import time\ntime.sleep(3)")
    procs = {day: subprocess.Popen([*CLI, "build", "--notebooks", str(slow), "--as-of", day, "--out", str(tmp_path / f"r-{day}"),
                                    "--build-dir", str(tmp_path / f"b-{day}"), "--no-pdf"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
             for day in ("2022-01-07", "2022-01-20")}
    for proc in procs.values():
        _, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stderr
    for day, words in (("2022-01-07", "7 January 2022"), ("2022-01-20", "20 January 2022")):
        assert words in (tmp_path / f"r-{day}" / "briefing.html").read_text(encoding="utf-8")


# -- the caller's environment, and a clean build's messages ------------------------------------------

def test_a_build_leaves_the_callers_environment_as_it_was(tmp_path: Path):
    before = dict(os.environ)
    config = BuildConfig(notebooks_dir=tiny_notebooks(tmp_path / "nb"), report_dir=tmp_path / "report",
                         build_dir=tmp_path / "build", pdf=False, log=lambda line: None)
    build(config)
    assert dict(os.environ) == before


def test_a_clean_build_prints_no_warning_and_no_traceback(tmp_path: Path):
    result = subprocess.run([*CLI, *cli_build(tmp_path, tmp_path / "report", tiny_notebooks(tmp_path / "nb"))],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "warn(" not in result.stderr


# -- what the report prints is part of its key ----------------------------------------------------------

def test_the_printed_code_version_is_the_hash_the_rebuild_is_keyed_on():
    from importlib import metadata

    from csto_briefing import hashing, provenance
    from csto_briefing.pipeline.execute import notebook_key

    printed = provenance.code_version()
    assert printed == f"csto-briefing {metadata.version('csto-briefing')}, code {hashing.kernel_code_hash()[:16]}"
    assert "git" not in printed
    config = BuildConfig(checked={"as_of": "2025-12-31"})
    key = notebook_key(paths.NOTEBOOKS_DIR / "01_front.ipynb", config, {"code": hashing.kernel_code_hash(), "environment": ""})
    assert hashing.kernel_code_hash() in key.values()


def test_editing_the_readme_changes_neither_the_key_nor_what_is_printed(tmp_path: Path, monkeypatch):
    from csto_briefing import hashing, provenance

    before = (provenance.code_version(), hashing.kernel_code_hash())
    readme = paths.ROOT / "README.md"
    original = readme.read_bytes()
    try:
        readme.write_bytes(original + b"\nan edit\n")
        assert (provenance.code_version(), hashing.kernel_code_hash()) == before
    finally:
        readme.write_bytes(original)


# -- make variables are data ------------------------------------------------------------------------

def _make(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_variables_never_reach_the_shell_as_code(tmp_path: Path):
    canary = tmp_path / "canary"
    result = _make("report", f"AS_OF=2022-01-07; touch {canary}", f"SINCE=$(shell touch {canary}-2)")
    assert result.returncode != 0
    assert not list(tmp_path.iterdir()), "a make variable ran as a command"
    assert f"parameter as_of: '2022-01-07; touch {canary}' is not a date (YYYY-MM-DD)" in result.stderr
    assert f"parameter since: '$(shell touch {canary}-2)' is not a date (YYYY-MM-DD)" in result.stderr
    assert "Traceback" not in result.stderr
    result = _make("report", f"PARAMS=`touch {canary}-3`")
    assert result.returncode != 0
    assert not list(tmp_path.iterdir()), "a make variable ran as a command"
    assert result.stderr.startswith(f"error: `touch {canary}-3`: cannot be read as a YAML parameters file")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_params_path_with_spaces_works(tmp_path: Path):
    folder = tmp_path / "my editions"
    folder.mkdir()
    params = folder / "an edition.yaml"
    params.write_text("as_of: 2022-01-07\npublished: 2021-01-01\n", encoding="utf-8")  # read, then refused: no build needed
    result = _make("report", f"PARAMS={params}")
    assert result.returncode != 0
    assert "parameter published: '2021-01-01' is before as_of '2022-01-07'" in result.stderr, result.stderr
    assert "cannot be read" not in result.stderr


@pytest.mark.parametrize("breakage", ["no data folder", "codebook without a type"])
def test_a_build_without_usable_data_is_one_line(tmp_path: Path, breakage: str):
    data = tmp_path / "data"
    if breakage == "codebook without a type":
        shutil.copytree(paths.DATA_DIR, data)
        codebook = data / "codebook.yaml"
        codebook.write_text(codebook.read_text(encoding="utf-8").replace("author: {type: text, ", "author: {", 1), encoding="utf-8")
        expected = f"{codebook}: sources.author: column has no type"
    else:
        expected = f"{data}: folder is missing (the tables and codebook.yaml live there)"
    report = last_good_report(tmp_path / "report")
    before = snapshot(report)
    result = subprocess.run([*CLI, "build", "--data", str(data), "--out", str(report), "--build-dir", str(tmp_path / "build")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-2].startswith(expected)
    assert lines[-1] == "error: 1 problem(s) in the data; no notebook was run and the report was not changed"
    assert snapshot(report) == before


def test_editions_at_once_print_no_warning_and_their_kernels_take_no_tcp_port(tmp_path: Path, capfd):
    """Kernels started at the same time in several worker processes cannot race for a TCP port: they use socket
    files of their own (the 'Address already in use' traceback of `make editions`)."""
    from csto_briefing.pipeline.editions import build_editions

    notebooks = tiny_notebooks(tmp_path / "nb", extra="from ipykernel.connect import get_connection_info\n"
                                                      "import json\nprint(json.loads(get_connection_info())['transport'])")
    for copy in ("02_title.ipynb", "03_title.ipynb"):
        shutil.copy(notebooks / "01_title.ipynb", notebooks / copy)
    editions = tmp_path / "editions.yaml"
    editions.write_text("editions:\n" + "".join(f"  - {{as_of: '{d}'}}\n" for d in ("2022-01-07", "2022-01-20", "2022-09-30")),
                        encoding="utf-8")
    capfd.readouterr()
    build_editions(editions, report_dir=tmp_path / "report", build_dir=tmp_path / "build", notebooks_dir=notebooks, pdf=False,
                   log=lambda line: None)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Warning" not in err and "Address already in use" not in err, err
    executed = json.loads((tmp_path / "build" / "2022-01-20" / "02_title.ipynb").read_text(encoding="utf-8"))
    assert "ipc" in "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))
