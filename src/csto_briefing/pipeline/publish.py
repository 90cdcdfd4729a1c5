"""Publishing: moving the finished outputs from the staging folder into the report folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish(staging: Path, report_dir: Path) -> list[Path]:
    """Move the finished outputs into report_dir: each file by an atomic rename, figures as one folder."""
    written = []
    figures = staging / "figures"
    if figures.is_dir():
        old = report_dir / "figures"
        if old.exists():
            trash = report_dir / f".old-figures-{os.getpid()}"
            os.replace(old, trash)
            os.replace(figures, old)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(figures, old)
        written.extend(sorted(old.iterdir()))
    for item in sorted(staging.iterdir()):
        if item.is_file():
            target = report_dir / item.name
            os.replace(item, target)
            written.append(target)
    return sorted(written)
