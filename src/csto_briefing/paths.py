"""Where things live. Every path the package uses is derived here from the project root."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STYLES_DIR = PACKAGE_DIR / "styles"


def project_root() -> Path:
    """The project root: $CSTO_ROOT if set, else the first folder upwards holding pyproject.toml and data/."""
    env = os.environ.get("CSTO_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), PACKAGE_DIR):
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
                return folder
    return Path.cwd()


ROOT = project_root()
DATA_DIR = ROOT / "data"
NOTEBOOKS_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"
REPORT_DIR = ROOT / "report"
CODEBOOK = DATA_DIR / "codebook.yaml"


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the project root where possible."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
