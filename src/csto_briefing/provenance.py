"""What a briefing was built from: parameters, a fingerprint of the data, the code (version and hash), package versions."""

from __future__ import annotations

import platform
from importlib import metadata

from .briefing import Briefing
from .hashing import codebook_path, fingerprint, kernel_code_hash

PACKAGES = ("csto-briefing", "pandas", "matplotlib", "papermill", "nbconvert", "nbclient", "weasyprint", "pandera", "jinja2")


def code_version() -> str:
    """The package's version and a hash of its code as the notebooks use it (section templates and chart style
    included): the same hash that decides whether a notebook must run again, so what the report prints is always
    what it was built from. (A git commit is not printed: it changes with edits that do not touch the report, such
    as the README, and a rebuild that is rightly skipped would then print a stale one.)"""
    return f"csto-briefing {metadata.version('csto-briefing')}, code {kernel_code_hash()[:16]}"


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
