"""build/state.json: what each step was last built from, so that a rebuild redoes only what changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_FILE = "state.json"
STATE_VERSION = 1


def read_state(build_dir: Path) -> dict:
    try:
        state = json.loads((build_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def write_state(build_dir: Path, state: dict) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    tmp = build_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps({**state, "version": STATE_VERSION}, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, build_dir / STATE_FILE)
