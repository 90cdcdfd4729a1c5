"""Publishing: the finished outputs moved from the staging folder into the report folder, all or nothing.

Every output (each file, and figures/ as one folder) is put in place by renames: the old one is first moved into a
backup folder beside it, then the new one takes its place. If any rename fails, every new output already placed
is taken out again and every old one put back, so that the report folder holds the old set, complete; the
backup folder is deleted only once the new set is complete. Staging and backup folders left behind by a build
that was killed are removed by the next build (`remove_leftovers`), which first undoes a publish that was killed
half-way, using the journal its backup folder holds."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import paths
from ..errors import BuildError

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".old-"


JOURNAL = ".journal.json"  # in the backup folder: what a publish was replacing, and whether it finished


def remove_leftovers(report_dir: Path) -> list[Path]:
    """Remove staging and backup folders of earlier builds (call it holding the report folder's lock). A backup
    folder of a publish that was killed half-way is first used to put the old set back whole."""
    removed = []
    if report_dir.is_dir():
        for item in sorted(report_dir.iterdir()):
            if item.name.startswith((STAGING_PREFIX, BACKUP_PREFIX)) and item.is_dir() and not item.is_symlink():
                if item.name.startswith(BACKUP_PREFIX):
                    _recover(report_dir, item)
                shutil.rmtree(item, ignore_errors=True)
                removed.append(item)
    return removed


def _recover(report_dir: Path, backup: Path) -> None:
    """Undo a publish that did not finish: every output it had placed is taken out, every old one put back."""
    import json

    try:
        journal = json.loads((backup / JOURNAL).read_text(encoding="utf-8"))
        names, had_old, done = list(journal["names"]), set(journal["had_old"]), bool(journal.get("done"))
    except (OSError, ValueError, KeyError, TypeError):
        return
    if done:
        return
    for name in names:
        if "/" in name or name.startswith("."):
            continue
        target, old = report_dir / name, backup / name
        if name in had_old and not (old.exists() or old.is_symlink()):
            continue  # never moved aside: the old output is still in place
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if name in had_old:
            os.replace(old, target)


def _write_journal(backup: Path, names: list[str], had_old: list[str], done: bool) -> None:
    import json

    (backup / JOURNAL).write_text(json.dumps({"names": names, "had_old": had_old, "done": done}), encoding="utf-8")


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def publish(staging: Path, report_dir: Path) -> list[Path]:
    """Move every output of staging into report_dir, or none of them: BuildError (one line) after putting back the
    old set when one cannot be replaced. Returns the paths written."""
    items = sorted(staging.iterdir(), key=lambda p: (p.name == "figures", p.name))
    try:
        backup = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=report_dir))
    except OSError as exc:
        raise BuildError(f"cannot write into {paths.display_path(report_dir)} ({_why(exc)})") from None
    moved_aside: list[str] = []
    placed: list[str] = []
    current = ""
    names = [item.name for item in items]
    had_old = [name for name in names if (report_dir / name).exists() or (report_dir / name).is_symlink()]
    try:
        _write_journal(backup, names, had_old, done=False)  # lets the next build undo this one if it is killed
        for item in items:
            current = item.name
            target = report_dir / item.name
            if target.exists() or target.is_symlink():
                os.replace(target, backup / item.name)
                moved_aside.append(item.name)
            os.replace(item, target)
            placed.append(item.name)
    except BaseException as exc:
        _roll_back(report_dir, staging, backup, placed, moved_aside)
        if isinstance(exc, OSError):
            raise BuildError(f"cannot replace {paths.display_path(report_dir / current)} ({_why(exc)}); "
                             f"the previous outputs were put back") from None
        raise
    try:
        _write_journal(backup, names, had_old, done=True)
    except OSError:
        pass  # the new set is complete; a leftover backup is removed by the next build either way
    shutil.rmtree(backup, ignore_errors=True)
    written: list[Path] = []
    for name in placed:
        target = report_dir / name
        written.extend(sorted(target.iterdir()) if target.is_dir() else [target])
    return sorted(written)


def _roll_back(report_dir: Path, staging: Path, backup: Path, placed: list[str], moved_aside: list[str]) -> None:
    for name in reversed(placed):
        try:
            os.replace(report_dir / name, staging / name)
        except OSError:
            pass
    for name in reversed(moved_aside):
        try:
            os.replace(backup / name, report_dir / name)
        except OSError:
            pass
    try:
        (backup / JOURNAL).unlink()
        os.rmdir(backup)  # only when every old output went back
    except OSError:
        pass
