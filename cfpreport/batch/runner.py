"""run_batch(): many studies into one output folder, only what changed rebuilt.

The recipe: find the study files; check and clean the output folder (the leftovers of
a killed run: staging folders, journals, locks, temporary records and summaries); for
each study in turn hash its inputs and compare them with its build record, keeping the
report when they match (:mod:`.records`) and claiming its report number, so that a
second study with the same number fails by name; send the others to the runner (warm
worker processes, :mod:`.pool`), which returns each report as bytes; write each one's
files as one set with its record; at the end, however the batch ends, write the summary.

Ctrl-C and SIGTERM stop the batch between two reports' writes: the workers are killed
(they never write into the output folder), the reports written so far are kept with
their records, and the summary says what was done. A killed batch leaves at most an
unfinished set, which the next run into the folder recovers (:mod:`cfpreport.output`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cfpreport.batch.inputs import Fingerprinter, Inputs
from cfpreport.batch.pool import LocalPool
from cfpreport.batch.records import (
    Decision,
    RecordBook,
    new_record,
    remove_temporaries,
    summary_products,
)
from cfpreport.batch.summary import SUMMARY_NAMES, write_summary
from cfpreport.batch.work import Job, JobResult
from cfpreport.errors import CfpError, DuplicateReportError, Problem
from cfpreport.input.sources import StudySource, find_studies
from cfpreport.output import OutputFolder, folder_name
from cfpreport.render import output_keys
from cfpreport.revisions.naming import report_stem

DEFAULT_FORMATS = ("pdf", "docx", "json")
Status = Literal["built", "skipped", "failed"]


@dataclass(frozen=True)
class Outcome:
    """What became of one study of a batch."""

    study: StudySource  # a study file, or a workbook's report; str() names it
    status: Status
    reason: str  # built: why ("new", "the study file changed"); skipped: "unchanged";
    #              failed: the error, one line per problem (file:line:column field: ...)
    number: str | None = None
    revision: int | None = None
    factor_set: dict[str, str] | None = None  # name, version
    products: list[dict] = field(default_factory=list)  # the summary's values, shown
    outputs: dict[str, Path] = field(default_factory=dict)  # see build.BuildRecord
    warnings: tuple[Problem, ...] = ()  # of a study built
    bug: bool = False  # failed with a traceback: a fault of cfpreport, not of the study
    warning_count: int = 0  # of a study built or kept


class Batch:
    """A batch of studies into one output folder; :meth:`run` builds it.

    Raises CfpError at once for what stops the whole batch: a path that does not exist,
    an output folder that cannot be written, an unknown ``factor_set``, an unusable
    ``style``. ``runner`` (default: a :class:`~.pool.LocalPool` of ``jobs`` processes,
    or with ``dask``, a scheduler's address, a :class:`~.dask_pool.DaskPool`) builds the
    jobs.
    """

    def __init__(self, paths: Iterable[str | Path | StudySource], out_dir: str | Path, *,
                 jobs: int | None = None, formats: Iterable[str] = DEFAULT_FORMATS,
                 factor_set: str | None = None, style: str | Path | None = None,
                 strict: bool = False, force: bool = False, runner=None,
                 summary: bool = True, dask: str | None = None) -> None:
        from cfpreport.build import checked_formats
        from cfpreport.input.checks import chosen_factor_set
        from cfpreport.report.style import load_style

        self.studies = find_studies(paths)
        self.formats = checked_formats(formats)
        self.folder = OutputFolder(out_dir)  # checked, its killed builds recovered
        remove_temporaries(self.folder.path, SUMMARY_NAMES)
        chosen_factor_set(factor_set)  # an unknown set stops the batch before it starts
        self.style = str(load_style(style).folder) if style is not None else None
        self.factor_set, self.strict, self.force = factor_set, strict, force
        self.book = RecordBook(self.folder.path)
        self.fingerprinter = Fingerprinter(factor_set, self.style)
        if runner is None and dask:
            from cfpreport.batch.dask_pool import DaskPool  # Dask only when asked for

            runner = DaskPool(dask, warm_pdf="pdf" in self.formats)
        self.runner = runner or LocalPool(jobs, warm_pdf="pdf" in self.formats)
        self.summary = summary
        self.outcomes: dict[int, Outcome] = {}
        self.decisions: dict[int, Decision] = {}
        self.claims: dict[str, StudySource] = {}  # file stem -> the first study with it
        self.cpu_seconds = 0.0  # of the workers, for the studies built
        self.peak_mb: dict[int, float] = {}  # worker pid -> its peak resident memory

    @property
    def summary_paths(self) -> list[Path]:
        return [self.folder.path / name for name in SUMMARY_NAMES]

    def run(self) -> Iterator[Outcome]:
        """Build the batch; yield each study's outcome as it is known (skips first)."""
        try:
            with self.runner:
                jobs = yield from self.plan()
                for result in self.runner.run(jobs):
                    yield self.finish(result)
        finally:
            if self.summary:
                with deferred_interrupts():
                    write_summary(self.folder.path, [self.outcomes[index] for index in
                                                     sorted(self.outcomes)])

    def plan(self) -> Iterator[Outcome]:
        """Decide each study; yield the outcome of those not built; return the jobs."""
        jobs = []
        for index, study in enumerate(self.studies):
            decision = self.book.decide(self.fingerprinter.inputs(study, self.book),
                                        self.formats, self.strict, self.force)
            self.decisions[index] = decision
            number = decision.inputs.uses.number if decision.inputs else None
            stem = decision.inputs.uses.stem if decision.inputs else None
            first = self.claims.setdefault(stem, study) if stem else study
            if first != study:
                yield self.done(index, self.duplicate(study, number, first))
            elif decision.skip:
                yield self.done(index, self.kept(study, decision.record))
            else:
                jobs.append(Job(index, str(study), self.formats, self.factor_set, self.style,
                                self.strict))
                self.runner.start(len(jobs))  # workers warm up while the rest is planned
        return jobs

    def finish(self, result: JobResult) -> Outcome:
        """Write a built report's files and record; say what became of the study."""
        study = self.studies[result.index]
        if result.worker:
            self.cpu_seconds += result.cpu_seconds
            self.peak_mb[result.worker] = max(result.peak_mb, self.peak_mb.get(result.worker, 0))
        decision = self.decisions[result.index]
        inputs = decision.inputs
        number = result.number or (inputs.uses.number if inputs else None)
        if not result.ok:
            return self.done(result.index, Outcome(study, "failed", result.error, number,
                                                   bug=result.bug))
        first = self.claims.setdefault(report_stem(number, result.revision), study)
        if first != study:  # its number was not what the study file seemed to say
            return self.done(result.index, self.duplicate(study, number, first))
        # The outcome is noted inside the held block too: a report on disk is in the
        # summary even when Ctrl-C or SIGTERM arrived while its files were written.
        with deferred_interrupts():
            try:
                written = self.write(study, result, inputs)
            except CfpError as error:
                return self.done(result.index, Outcome(study, "failed", str(error), number))
            return self.done(result.index, Outcome(
                study, "built", decision.reason, number, result.revision,
                {key: result.document["factor_set"][key] for key in ("name", "version")},
                summary_products(result.document),
                {output_keys(written)[name]: path for name, path in written.items()},
                result.warnings, warning_count=len(result.warnings)))

    def write(self, study: StudySource, result: JobResult, inputs: Inputs | None
              ) -> dict[str, Path]:
        """Write the files as one set, then the record, under the report number's lock."""
        with self.folder.report(report_stem(result.number, result.revision), study) as output:
            written = output.commit(result.files)
            if inputs is not None:
                self.book.write(new_record(inputs, study, result.number, result.revision,
                                           result.files, result.document,
                                           len(result.warnings)))
        return written

    def kept(self, study: StudySource, record: dict) -> Outcome:
        """The outcome of a study whose report is kept: its record's values."""
        return Outcome(study, "skipped", "unchanged", record["report_number"],
                       record["revision"], record["factor_set"], record["products"],
                       {key: self.folder.path / name
                        for name, key in output_keys(record["outputs"]).items()},
                       warning_count=record["warnings"])

    def done(self, index: int, outcome: Outcome) -> Outcome:
        self.outcomes[index] = outcome
        return outcome

    def duplicate(self, study: StudySource, number: str, first: StudySource) -> Outcome:
        error = DuplicateReportError(
            f"report number {number} is also that of {first} in this batch; nothing "
            f"written for {study} into {folder_name(self.folder.path)} (give each study "
            f"its own report number)")
        return Outcome(study, "failed", str(error), number)


def run_batch(paths: Iterable[str | Path | StudySource], out_dir: str | Path, **options
              ) -> Iterator[Outcome]:
    """Build a batch of studies (see :class:`Batch` for the options); yield each
    study's outcome as it is known. The summary is written when the iteration ends."""
    yield from Batch(paths, out_dir, **options).run()


# --- stopping cleanly ----------------------------------------------------------------

class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt, to stop the same way."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Make SIGTERM stop this process as Ctrl-C does (raising :class:`Interrupted`)."""
    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends (a report's files and record are
    written whole, or the summary), then act on the first one received."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
                for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            handler = previous[received[0]]
            if callable(handler):
                handler(received[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(received[0])
