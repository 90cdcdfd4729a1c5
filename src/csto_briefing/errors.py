"""The package's errors, in a module with no heavy imports (the command line and the no-op build use them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, as a user can act on it."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class DataError(Exception):
    """The data did not validate. `problems` holds every problem found, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(Exception):
    """A build step failed; the message says which and where, in one line (plus where to look)."""
