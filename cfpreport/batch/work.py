"""The unit of work of a batch: one study in, its report's files as bytes out.

A worker renders the report to memory and writes nothing: the batch writes the files of
each report as one set (:mod:`cfpreport.output`) and its build record, in the process
that holds the output folder. So a killed worker leaves no file behind, two workers
never write one report number, and a runner whose workers see other disks (a cluster)
needs only to carry jobs and results, both plain picklable data.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cfpreport.errors import CfpError, Problem


@dataclass(frozen=True)
class Job:
    """Build one study: its file, and the options of the batch."""

    index: int  # the study's place in the batch
    study: str
    formats: tuple[str, ...]
    factor_set: str | None = None
    style: str | None = None  # the command line's house style, else the study's own
    strict: bool = False


@dataclass(frozen=True)
class JobResult:
    """A study's report as files to write, or why it could not be made."""

    index: int
    number: str | None = None
    revision: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # {"T-1.pdf": ...}
    document: dict[str, Any] | None = None  # the results JSON
    warnings: tuple[Problem, ...] = ()
    error: str | None = None  # as the user reads it: one line per problem
    bug: bool = False  # the error is a traceback, not a mistake in the input
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0  # the worker's largest resident memory so far
    worker: int = 0  # its process id

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failed(cls, job: Job, error: str) -> JobResult:
        """A job its runner could not run (its worker died, say)."""
        return cls(job.index, error=error)


def run_job(job: Job) -> JobResult:
    """Render one study's report in this process; never raise for a study's fault."""
    from cfpreport.build import render_report

    start = time.process_time()
    fields: dict[str, Any]
    try:
        rendered = render_report(job.study, job.formats, job.factor_set, None, job.strict,
                                 opened_style(job.style) if job.style else None)
        fields = {"number": rendered.number, "files": rendered.files,
                  "revision": rendered.calculated.study.report.revision,
                  "document": rendered.document,
                  "warnings": tuple(rendered.calculated.warnings)}
    except CfpError as error:
        fields = {"error": str(error)}
    except Exception:  # a bug: one study's traceback, the batch goes on
        fields = {"error": traceback.format_exc(), "bug": True}
    return JobResult(job.index, **fields, cpu_seconds=time.process_time() - start,
                     peak_mb=peak_memory_mb(), worker=os.getpid())


@cache
def opened_style(folder: str):
    """A house style opened once per worker process."""
    from cfpreport.report.style import load_style

    return load_style(folder)


def peak_memory_mb() -> float:
    """This process's peak resident memory (kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
