"""What one build is asked to do: parameters, folders, workers, where progress goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..present.rendered import CHART_CACHE_ENV


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
    """The environment variables that point every cache and runtime folder of the tools at build_dir/.cache, so that
    a build writes only under build/, report/ and the temporary folder. The folders are created (IPython warns, once
    per kernel, when the parent of its folder is not writable, and a folder that does not exist is not writable).
    Returns the variables; nothing is set here (see `scoped_environment`)."""
    cache = Path(build_dir).resolve() / ".cache"
    wanted = {"MPLCONFIGDIR": cache / "matplotlib", "XDG_CACHE_HOME": cache, "JUPYTER_RUNTIME_DIR": cache / "jupyter-runtime",
              "IPYTHONDIR": cache / "ipython", CHART_CACHE_ENV: cache / "charts"}
    for folder in wanted.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {name: str(folder) for name, folder in wanted.items()}


@contextmanager
def scoped_environment(values: dict[str, str]) -> Iterator[None]:
    """The process environment with `values` for the duration of a build step, restored afterwards (also after an
    error or Ctrl-C): the kernels and worker processes started meanwhile inherit it; the caller's environment is as
    it was once the build returns."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
