"""The errors cfpreport shows to people, kept apart from bugs.

Every error a user can cause is a :class:`CfpError`; the CLI prints its message and
exits with status 1. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


class CfpError(Exception):
    """An error caused by input, printed to the user without a traceback."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located by line, column and field path.

    A ``warning`` does not stop a build: it says what the client's report will show
    as "/" or flag (see :mod:`cfpreport.input.study_warnings`); ``--strict`` makes it an error.
    """

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f" {self.field}:" if self.field else ""
        kind = " warning:" if self.severity == "warning" else ""
        return f"{where}{field}{kind} {self.message}"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"


def in_order(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings; each in file order."""
    return sorted(problems, key=lambda p: (p.is_warning, p.file, p.line or 0, p.column or 0))


class ProblemsError(CfpError):
    """An input file has one or more located problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StudyError(ProblemsError):
    """A study file has one or more problems; all of them are listed."""

    @classmethod
    def single(cls, file: str | Path, message: str, field: str = "",
               line: int | None = None, column: int | None = None) -> StudyError:
        """Make an error with one problem."""
        return cls([Problem(str(file), line, column, field, message)])


class FactorError(CfpError):
    """A factor set is missing, malformed, or cannot price an activity."""


class FactorSetFileError(ProblemsError, FactorError):
    """A factor-set file has bad rows or keys; each is listed with its line and field."""


class OutputExistsError(CfpError):
    """A file would be overwritten that the user did not ask to replace."""


class BuildError(CfpError):
    """A report could not be built from a valid study (for example a missing image)."""


class OutputError(CfpError):
    """The output folder cannot take a report: under a file, read-only, full, ..."""


class OutputBusyError(OutputError):
    """Another build is writing the same report number into the same folder now."""


class DuplicateReportError(OutputError):
    """Two studies of one run have the same report number and output folder."""


class StyleError(CfpError):
    """A chapter template is wrong: bad Jinja, an unknown field, or markup cfpreport
    does not know. Shown as one line, ``file:line: problem``, like a study's problems."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file, self.line, self.problem = str(file), line, message
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {message}")
