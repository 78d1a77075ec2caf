"""Run a batch's jobs in warm worker processes on this machine.

A runner takes :class:`~cfpreport.batch.work.Job` objects and yields a
:class:`~cfpreport.batch.work.JobResult` for each, in the order they finish; it never
writes a file. :class:`LocalPool` is the runner of this machine; another (a cluster's)
plugs in by the same three methods, ``start``, ``run`` and ``close``, and the batch's
skip logic and summary stay as they are.

Each worker imports the libraries and loads the fonts once (a warm-up render) and then
builds study after study, rendering the PDF in its own process: it is the warm renderer
that a single build forks. Workers are forked, not daemonic, and managed here: they
ignore Ctrl-C (the batch stops them), die with the batch even when it is killed
(:func:`~cfpreport.render.pdf_worker.die_with_parent`), and a worker that dies is
replaced, its study reported as failed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait

from cfpreport.batch.work import Job, JobResult, run_job

SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _serve(connection: Connection, lifeline: int | None, parent_pid: int,
           warm_pdf: bool) -> None:
    """A worker's loop: warm up, then build each job received until the end of input."""
    from cfpreport.render.pdf_worker import die_with_parent, set_parent_death_signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # blocked while it was forked
    if lifeline is not None:
        die_with_parent(parent_pid, lifeline)
    else:
        set_parent_death_signal(signal.SIGKILL)
    warm_up(warm_pdf)
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the batch is over
            return
        try:
            connection.send(run_job(job))
        except OSError:  # the batch is gone
            return


def warm_up(warm_pdf: bool) -> None:
    """Import what every build needs, and lay out one page to load the fonts."""
    try:
        import cfpreport.pipeline
        import cfpreport.render.docx
        import cfpreport.report.model  # noqa: F401

        if warm_pdf:
            from cfpreport.render.pdf_worker import warm_up_here

            warm_up_here()
    except Exception:  # the first job meets the same failure and reports it
        pass


class Worker:
    """One worker process, its connection, and the job it is building."""

    def __init__(self, context, warm_pdf: bool) -> None:
        self.connection, child = context.Pipe()
        forked = context.get_start_method() == "fork"
        read_end, self.lifeline = os.pipe() if forked else (None, None)
        self.process = context.Process(
            target=_serve, args=(child, read_end, os.getpid(), warm_pdf),
            daemon=False, name="cfpreport-batch")
        # Forked with Ctrl-C and SIGTERM blocked: the batch's handlers, which the worker
        # inherits, must not run in it before it sets its own.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        if read_end is not None:
            os.close(read_end)
        self.job: Job | None = None

    def send(self, job: Job) -> None:
        self.job = job
        with contextlib.suppress(OSError):  # it died: its sentinel says so, and the job fails
            self.connection.send(job)

    def stop(self) -> None:
        """End the worker now, busy or not."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()
        if self.lifeline is not None:
            os.close(self.lifeline)
            self.lifeline = None


def cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class LocalPool:
    """``jobs`` worker processes on this machine, started when first needed."""

    def __init__(self, jobs: int | None = None, warm_pdf: bool = True) -> None:
        self.size = max(1, jobs or cores())
        self.warm_pdf = warm_pdf
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.workers: list[Worker] = []

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, count: int | None = None) -> None:
        """Start the workers (at most ``count``), so that they warm up meanwhile."""
        wanted = min(self.size, count if count is not None else self.size)
        while len(self.workers) < wanted:
            self.workers.append(Worker(self.context, self.warm_pdf))

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        """Build every job; yield the results as they come."""
        queue = deque(jobs)
        self.start(len(queue))
        while queue or any(worker.job for worker in self.workers):
            for worker in self.workers:
                if worker.job is None and queue:
                    worker.send(queue.popleft())
            busy = [worker for worker in self.workers if worker.job]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                result = self.collect(worker, ready, bool(queue))
                if result is not None:
                    yield result

    def collect(self, worker: Worker, ready: list, more: bool) -> JobResult | None:
        """The worker's result if it has one; a failure if it died (then replace it)."""
        if worker.connection not in ready and worker.process.sentinel not in ready:
            return None
        job = worker.job
        try:
            if worker.connection.poll():
                worker.job = None
                return worker.connection.recv()
        except (EOFError, OSError):
            pass
        worker.process.join()
        worker.stop()
        self.workers.remove(worker)
        if more:
            self.start()
        code = worker.process.exitcode
        how = f"killed by {signal.Signals(-code).name}" if code and code < 0 else (
            f"exit status {code}")
        return JobResult.failed(job, f"the worker process building it died ({how}); try it "
                                     f"alone with `cfpreport build`")

    def close(self) -> None:
        """Stop every worker now."""
        for worker in self.workers:
            worker.stop()
        self.workers = []
