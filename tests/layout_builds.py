"""Builds shared by the layout and accessibility tests: every edition of editions/editions.yaml with its PDF, built
once per test session by the `layout_editions` fixture (tests/conftest.py), which gives `editions(folder)` a folder
of the session's (shared by the pytest-xdist workers); the default briefing is the session's `built`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from csto_briefing import paths


def editions(root: Path, build: bool = True) -> dict[str, Path]:
    """{edition folder name: its report folder (briefing.pdf, briefing.html)}, built with `csto-briefing editions`
    into root/editions (build=False: as built there before)."""
    out = root / "editions"
    if build:
        cli = Path(sys.executable).with_name("csto-briefing")
        result = subprocess.run([str(cli), "editions", str(paths.ROOT / "editions" / "editions.yaml"),
                                 "--out", str(out), "--build-dir", str(root / "build-editions")],
                                capture_output=True, text=True, cwd=paths.ROOT)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    found = {pdf.parent.name: pdf.parent for pdf in sorted(out.glob("*/briefing.pdf"))}
    assert found, f"no edition was built into {out}"
    return found
