"""Builds shared by the layout and accessibility tests: the default briefing and every edition of
editions/editions.yaml, each built once per test session (the first test that asks builds them)."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

from csto_briefing import paths


@functools.cache
def editions() -> dict[str, Path]:
    """{edition folder name: its report folder (briefing.pdf, briefing.html)}, built with `csto-briefing editions`
    into a temporary folder (removed at exit)."""
    import atexit
    import shutil

    _ROOT = Path(tempfile.mkdtemp(prefix="csto-layout-"))
    atexit.register(shutil.rmtree, _ROOT, True)
    out = _ROOT / "editions"
    cli = Path(sys.executable).with_name("csto-briefing")
    result = subprocess.run([str(cli), "editions", str(paths.ROOT / "editions" / "editions.yaml"),
                             "--out", str(out), "--build-dir", str(_ROOT / "build-editions")],
                            capture_output=True, text=True, cwd=paths.ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    found = {pdf.parent.name: pdf.parent for pdf in sorted(out.glob("*/briefing.pdf"))}
    assert found, f"no edition was built into {out}"
    return found
