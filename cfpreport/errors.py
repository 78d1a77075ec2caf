"""The errors cfpreport shows to people, kept apart from bugs.

Every error a user can cause is a :class:`CfpError`; the CLI prints its message and
exits with status 1. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CfpError(Exception):
    """An error caused by input, printed to the user without a traceback."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located by line, column and field path."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}{field} {self.message}"


class StudyError(CfpError):
    """A study file has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, message: str, field: str = "",
               line: int | None = None, column: int | None = None) -> StudyError:
        """Make an error with one problem."""
        return cls([Problem(str(file), line, column, field, message)])


class FactorError(CfpError):
    """A factor set is missing, malformed, or cannot price an activity."""


class BuildError(CfpError):
    """A report could not be built from a valid study (for example a missing image)."""
