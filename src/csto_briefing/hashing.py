"""Content hashes of the build's inputs: what decides whether a step must run again. Standard library only."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from . import paths

VALIDATED_ENV = "CSTO_BRIEFING_VALIDATED"  # fingerprint of data already validated by this build
DATA_ENV = "CSTO_BRIEFING_DATA"  # the folder of that data (the kernels' warm parent reads it once for them)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def sha256_json(value: object) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def sha256_files(root: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def codebook_path(data_dir: Path) -> Path:
    """The codebook beside the data if there is one, else the project's."""
    local = Path(data_dir) / "codebook.yaml"
    return local if local.is_file() else paths.CODEBOOK


def table_hashes(data_dir: Path) -> dict[str, str]:
    """A hash per table file (by stem: 'events') and of the codebook ('codebook')."""
    hashes = {path.stem: sha256_file(path) for path in sorted(Path(data_dir).glob("*.csv"))}
    hashes["codebook"] = sha256_file(codebook_path(data_dir))
    return hashes


def fingerprint(data_dir: Path, codebook: Path | None = None) -> str:
    """A hash of the codebook and every CSV in data_dir: equal fingerprints mean identical data."""
    digest = hashlib.sha256((Path(codebook) if codebook else codebook_path(data_dir)).read_bytes())
    for path in sorted(Path(data_dir).glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _package_files(exclude: tuple[str, ...] = ()) -> list[Path]:
    return [p for p in paths.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and not any(p.relative_to(paths.PACKAGE_DIR).as_posix().startswith(e) for e in exclude)]


# Modules the kernels never import: editing them does not make the notebooks' outputs stale.
NOT_IN_KERNELS = ("templates/briefing/", "templates/editions/", "pipeline/", "cli.py")


def kernel_code_hash() -> str:
    """What the notebooks' outputs depend on in the package: its code, section templates and chart style."""
    return sha256_files(paths.PACKAGE_DIR, _package_files(exclude=NOT_IN_KERNELS))


def export_code_hash() -> str:
    """What the export depends on: the briefing template and stylesheet, the exporter and the build."""
    files = [p for p in _package_files() if p.relative_to(paths.PACKAGE_DIR).as_posix().startswith("templates/briefing/")
             or p.relative_to(paths.PACKAGE_DIR).as_posix().startswith("pipeline/")]
    return sha256_files(paths.PACKAGE_DIR, files)


def environment_hash() -> str:
    """The Python and the pinned dependencies the build runs with."""
    lock = paths.ROOT / "requirements.lock"
    return sha256_json([sys.version, sha256_file(lock) if lock.is_file() else ""])
