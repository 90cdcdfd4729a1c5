"""Publishing: the finished outputs moved from the staging folder into the report folder, all or nothing.

Every output (each file, and figures/ as one folder) is put in place by renames: the old one is first moved into a
backup folder beside it, then the new one takes its place. If any rename fails, every new output already placed
is taken out again and every old one put back, so that the report folder holds the old set, complete; the
backup folder is deleted only once the new set is complete. Staging and backup folders left behind by a build
that was killed are removed by the next build (`remove_leftovers`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import paths
from ..errors import BuildError

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".old-"


def remove_leftovers(report_dir: Path) -> list[Path]:
    """Remove staging and backup folders of earlier builds (call it holding the report folder's lock)."""
    removed = []
    if report_dir.is_dir():
        for item in sorted(report_dir.iterdir()):
            if item.name.startswith((STAGING_PREFIX, BACKUP_PREFIX)) and item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
                removed.append(item)
    return removed


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
    try:
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
        os.rmdir(backup)  # only when every old output went back
    except OSError:
        pass
