"""build/state.json: what each step was last built from, so that a rebuild redoes only what changed; and the lock
that keeps two builds out of the same build and report folders."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..errors import BuildError

STATE_FILE = "state.json"
STATE_VERSION = 1
LOCK_FILE = ".build.lock"


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _well_formed(state: object) -> bool:
    """True when state has the shape this version writes (anything else is treated as no state at all)."""
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return False
    notebooks = state.get("notebooks", {})
    if not isinstance(notebooks, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("key"), dict) and isinstance(e.get("executed", ""), str)
            and (e.get("reads") is None or isinstance(e.get("reads"), list)) and isinstance(e.get("tables", {}), dict)
            for e in notebooks.values()):
        return False
    validated = state.get("validated")
    if validated is not None and not (
            isinstance(validated, dict) and isinstance(validated.get("fingerprint"), str)
            and isinstance(validated.get("case_ids"), list) and all(isinstance(c, str) for c in validated["case_ids"])
            and isinstance(validated.get("date_range"), list) and len(validated["date_range"]) == 2
            and all(isinstance(d, str) for d in validated["date_range"])
            and _is_str_map(validated.get("first_dates", {}))):
        return False
    export = state.get("export")
    return export is None or (isinstance(export, dict) and isinstance(export.get("key"), dict)
                              and _is_str_map(export.get("outputs", {})))


def read_state(build_dir: Path) -> dict:
    """The recorded state; {} when there is none, or it is unreadable or of another shape (then everything is redone)."""
    try:
        state = json.loads((build_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if _well_formed(state) else {}


def write_state(build_dir: Path, state: dict) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    tmp = build_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps({**state, "version": STATE_VERSION}, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, build_dir / STATE_FILE)


# -- one build per folder -------------------------------------------------------------------------

class BuildBusy(BuildError):
    """Another build holds the lock of a folder this build needs."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        params = ", ".join(f"{k}={v}" for k, v in sorted(info.get("parameters", {}).items())) or "default parameters"
        return f"pid {info['pid']}, {params}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "details not yet written"


def _acquire(folder: Path, info: dict) -> int:
    import fcntl

    from .. import paths

    path = folder / LOCK_FILE
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only folder: nothing can be built into it
            raise BuildError(f"cannot write into {paths.display_path(folder)} ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildBusy(f"another build is using {paths.display_path(folder)} ({_holder(path)}); wait for it to "
                            f"finish, or give this build its own --build-dir and --out") from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file that its holder removed while we waited for it
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(info).encode("utf-8"))
            return fd
        os.close(fd)


@contextmanager
def build_lock(folders: list[Path], parameters: dict) -> Iterator[None]:
    from .. import paths

    """Hold an exclusive lock on each folder (build/, report/) for the whole build, or raise BuildBusy naming the build
    that holds one. The lock file is removed when the build ends, so that the report folder keeps only the report."""
    info = {"pid": os.getpid(), "parameters": {k: str(v) for k, v in parameters.items()},
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    with ExitStack() as stack:
        for folder in dict.fromkeys(Path(f).resolve() for f in folders):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BuildError(f"cannot create {paths.display_path(folder)} ({exc.strerror})") from None
            fd = _acquire(folder, info)
            stack.callback(_release, folder / LOCK_FILE, fd)
        yield


def _release(path: Path, fd: int) -> None:
    try:
        os.unlink(path)  # while still holding the lock: a waiting build then finds the file gone and retries
    except OSError:
        pass
    os.close(fd)
