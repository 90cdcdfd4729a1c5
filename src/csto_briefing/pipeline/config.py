"""What one build is asked to do: parameters, folders, workers, where progress goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths


@dataclass
class BuildConfig:
    params: dict[str, Any] = field(default_factory=dict)  # the user's values; checked and completed by build()
    notebooks_dir: Path = paths.NOTEBOOKS_DIR
    data_dir: Path = paths.DATA_DIR
    build_dir: Path = paths.BUILD_DIR
    report_dir: Path = paths.REPORT_DIR
    pdf: bool = True
    workers: int = 0  # notebooks executed at once; 0: one per core
    timeout: float = 0  # seconds a notebook cell may run; 0: the default (engine.DEFAULT_TIMEOUT)
    output_limit: int = -1  # bytes of output a cell may produce; -1: the default (engine.DEFAULT_OUTPUT_LIMIT); 0: none
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr, flush=True))
    checked: dict[str, str] = field(default_factory=dict)

    @property
    def figures_dir(self) -> Path:
        return self.build_dir / "figures"

    @property
    def parameters(self) -> dict[str, str]:
        """Every parameter each notebook receives."""
        if not self.checked:
            raise RuntimeError("parameters not checked yet")
        return {**self.checked, "data_dir": str(self.data_dir), "figures_dir": str(self.figures_dir)}

    @property
    def edition_parameters(self) -> dict[str, str]:
        """The parameters that describe the edition (no local paths)."""
        return {k: v for k, v in self.checked.items() if k not in ("data_dir", "figures_dir")}


def contain(build_dir: Path) -> dict[str, str]:
    """Point every cache and runtime folder of the tools at build_dir/.cache, so that a build writes only under
    build/, report/ and the temporary folder; returns what was set (kernels inherit it)."""
    cache = build_dir / ".cache"
    wanted = {"MPLCONFIGDIR": cache / "matplotlib", "XDG_CACHE_HOME": cache, "JUPYTER_RUNTIME_DIR": cache / "jupyter-runtime",
              "IPYTHONDIR": cache / "ipython"}
    values = {name: str(folder) for name, folder in wanted.items()}
    os.environ.update(values)
    return values
