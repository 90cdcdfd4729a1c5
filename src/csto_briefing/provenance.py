"""What a briefing was built from: parameters, a fingerprint of the data, the code version, package versions."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from . import paths
from .briefing import Briefing
from .hashing import codebook_path, fingerprint

PACKAGES = ("csto-briefing", "pandas", "matplotlib", "papermill", "nbconvert", "nbclient", "weasyprint", "pandera", "jinja2")


def code_version() -> str:
    """The git commit of the project (with '+changes' when the work tree differs), or the package version."""
    try:
        commit = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=5)
        if commit.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(paths.ROOT), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            return f"git {commit.stdout.strip()}{' +changes' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        pass
    return f"csto-briefing {metadata.version('csto-briefing')}"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe(b: Briefing) -> dict[str, str]:
    b.data.tables.reads.update(b.data.tables.keys())  # the fingerprint covers every table: this output depends on all of them
    data_dir = b.data.data_dir
    return {
        **{f"parameter {k}": v or "(none)" for k, v in b.parameters.items()},
        "data fingerprint (SHA-256)": fingerprint(data_dir, codebook_path(data_dir)),
        "code version": code_version(),
        "packages": ", ".join(f"{k} {v}" for k, v in package_versions().items()),
    }
