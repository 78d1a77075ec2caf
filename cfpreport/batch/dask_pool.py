"""Run a batch's jobs on a Dask distributed cluster (``cfpreport batch --dask ADDRESS``).

:class:`DaskPool` is a runner like :class:`~cfpreport.batch.pool.LocalPool`: the batch
plans, skips, writes each report as one set and writes the summary on this machine, as
always; only the rendering moves to the cluster's workers.

The workers need not see this machine's files: each job travels as a
:class:`~cfpreport.batch.parcels.Parcel` (the study and every file it reads), and comes
back as its report's files' bytes, with the paths in its messages named as here.

On a worker, :func:`build_parcel` renders one study at a time (a lock: start workers
with ``--nthreads 1``) in the worker's own process, which stays warm: the libraries and
fonts load with its first study. Caches that key a house style by its folder (compiled
templates, snippets) stay right because a style's files are laid out under a folder
named after their hash. A worker whose cfpreport, libraries, fonts or templates differ
from this machine's refuses the work: its reports would not be those the build records
describe.

A worker that dies has its study run again elsewhere by the scheduler (up to its
``distributed.scheduler.allowed-failures``); this side gets one result per study, so a
report is written once. At most two studies per worker thread are in flight: the rest
wait here, not in the scheduler's memory. A lost scheduler stops the batch (a CfpError)
as Ctrl-C does: the reports written are kept, and a rerun builds the rest.

Dask is an optional extra (``pip install 'cfpreport[dask]'``): this module imports it
only when a pool is made, and only :class:`~cfpreport.batch.runner.Batch` given a
``dask`` address imports this module.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
import traceback
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from cfpreport.batch.parcels import Mirror, Parcel, pack
from cfpreport.batch.work import Job, JobResult, run_job
from cfpreport.errors import CfpError

INSTALL = "pip install 'cfpreport[dask]'"
TASK = "cfpreport-build"  # the prefix of the tasks' keys, as the dashboard groups them
IN_FLIGHT_PER_THREAD = 2


def import_distributed():
    """The ``distributed`` module, or a CfpError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise CfpError(f"--dask needs Dask, which is not installed here: {INSTALL}") from None
    return distributed


class DaskPool:
    """Build jobs on the Dask cluster whose scheduler is at ``address``.

    Connects at once, and checks that the workers there run the cfpreport this machine
    runs: a CfpError says why not.
    """

    def __init__(self, address: str, warm_pdf: bool = True, timeout: float = 10) -> None:
        distributed = import_distributed()
        self.address, self.warm_pdf = address, warm_pdf
        try:
            self.client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise CfpError(f"--dask {address}: cannot reach a Dask scheduler there "
                           f"({error})") from None
        self.token = uuid.uuid4().hex[:12]  # keys of this batch's tasks: never another's
        self.running: dict[Any, Job] = {}
        try:
            self.check_workers()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_workers(self) -> None:
        """Refuse workers that cannot run cfpreport, or run another one."""
        try:
            theirs = self.client.run(environment)
        except Exception as error:  # cfpreport missing there: its tasks cannot be read
            raise CfpError(f"--dask {self.address}: the workers cannot run cfpreport "
                           f"({type(error).__name__}: {error}); install it on every "
                           f"worker: {INSTALL}") from None
        for worker, there in sorted(theirs.items()):
            refused = refusal(there, environment(), worker)
            if refused:
                raise CfpError(f"--dask {self.address}: {refused}")

    def start(self, count: int | None = None) -> None:
        """Nothing to start: the cluster's workers are running, and warm up on their
        first study."""

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        """Build every job on the cluster; yield the results as they come, one per job."""
        from distributed import as_completed

        waiting = deque(jobs)
        finished = as_completed(loop=self.client.loop)
        self.submit(waiting, finished)
        for future in finished:
            job = self.running.pop(future, None)
            if job is None:  # not one of ours, or already reported
                continue
            result = self.result_of(job, future)
            future.release()
            self.submit(waiting, finished)  # keep the workers busy while this is written
            yield result

    def submit(self, waiting: deque[Job], finished) -> None:
        """Send jobs until the cluster has ``IN_FLIGHT_PER_THREAD`` per worker thread."""
        if not waiting:
            return
        try:
            threads = sum(self.client.nthreads().values())
        except OSError as error:
            raise self.lost(error) from None
        room = max(2, IN_FLIGHT_PER_THREAD * threads) - len(self.running)
        while waiting and room > 0:
            job = waiting.popleft()
            future = self.client.submit(build_parcel, pack(job, environment(), self.warm_pdf),
                                        key=f"{TASK}-{self.token}-{job.index}", pure=False)
            self.running[future] = job
            finished.add(future)
            room -= 1

    def result_of(self, job: Job, future) -> JobResult:
        """A finished task's result, or why the cluster could not give one; stop the
        batch when the scheduler is lost (the studies are not at fault)."""
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as error:
            worker = getattr(getattr(error, "last_worker", None), "address", "?")
            return JobResult.failed(job, (
                f"the Dask workers building it died, {getattr(error, 'allowed_failures', 0) + 1}"
                f" of them, the last {worker}; try it alone with `cfpreport build`"))
        except CancelledError as error:  # this batch cancels nothing while it runs
            raise self.lost(getattr(error, "reason", None) or "its studies were cancelled"
                            ) from None
        except Exception as error:  # could not be sent or read back, ...
            return JobResult.failed(job, f"the Dask cluster did not build it: "
                                         f"{type(error).__name__}: {error}")

    def lost(self, why: object) -> CfpError:
        return CfpError(f"--dask {self.address}: lost the Dask scheduler ({why}); the "
                        f"reports written are kept, run the batch again for the rest")

    def close(self) -> None:
        """Disconnect: the scheduler forgets the studies still on the cluster."""
        self.running = {}
        # After the scheduler was lost, the client's attempt to reconnect is cut short
        # here, which it would log as an error with a traceback: the batch said why.
        log = logging.getLogger("distributed.client")
        level = log.level
        if self.client.status != "running":
            log.setLevel(logging.CRITICAL)
        try:
            self.client.close()
        finally:
            log.setLevel(level)


# --- on a worker ---------------------------------------------------------------------

RENDERING = threading.Lock()  # one study at a time in a worker process


def build_parcel(parcel: Parcel) -> JobResult:
    """Build a parcel's study on this worker: lay out its files, render the report in
    this process, and name every path in its messages as the batch's machine does."""
    job = parcel.job
    with RENDERING:
        try:
            refused = refusal(environment(), parcel.environment, worker_address())
            if refused:
                return JobResult(job.index, error=refused, worker=os.getpid())
            from cfpreport.batch.pool import warm_up

            warm_up(parcel.warm_pdf)  # once per process: its imports and fonts stay
            mirror = Mirror(worker_folder(), parcel)
            try:
                mirror.lay_out()
                return mirror.named(run_job(mirror.job()))
            finally:
                mirror.clear()
        except Exception:  # a bug, or this worker's disk: the study fails, not the batch
            return JobResult(job.index, error=traceback.format_exc(), bug=True,
                             worker=os.getpid())


@cache
def worker_folder() -> Path:
    """A folder of this process's own, inside the Dask worker's (which Dask removes)."""
    try:
        from distributed import get_worker

        parent = get_worker().local_directory
    except (ImportError, ValueError):  # not in a Dask worker: removed when this one ends
        folder = tempfile.mkdtemp(prefix="cfpreport-")
        atexit.register(shutil.rmtree, folder, True)
        return Path(folder)
    return Path(tempfile.mkdtemp(prefix="cfpreport-", dir=parent))


def worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "here"


# --- the same cfpreport on both sides --------------------------------------------------

@cache
def environment() -> dict[str, Any]:
    """What a report is made with besides its inputs: cfpreport's version and code, the
    libraries that write the files, the fonts and the templates."""
    from cfpreport.batch.inputs import fonts_hash, software, templates_hash

    return {"cfpreport": software(), "fonts": fonts_hash(), "templates": templates_hash()}


def refusal(there: dict[str, Any], here: dict[str, Any], worker: str) -> str | None:
    """Why the worker ``worker`` (with ``there``) may not build for this machine, if so."""
    if there == here:
        return None
    found = []
    ours, theirs = here["cfpreport"], there.get("cfpreport", {})
    if ours.get("version") != theirs.get("version"):
        found.append(f"cfpreport {theirs.get('version')} there, {ours.get('version')} here")
    elif ours.get("code") != theirs.get("code"):
        found.append("cfpreport's code differs")
    libraries = {**ours.get("libraries", {}), **theirs.get("libraries", {})}
    found += [f"{name} {theirs.get('libraries', {}).get(name)} there, "
              f"{ours.get('libraries', {}).get(name)} here" for name in sorted(libraries)
              if ours.get("libraries", {}).get(name) != theirs.get("libraries", {}).get(name)]
    found += [f"the {kind} differ" for kind in ("fonts", "templates")
              if here.get(kind) != there.get(kind)]
    return (f"the Dask worker {worker} does not build with the cfpreport of this machine "
            f"({'; '.join(found) or 'it differs'}): install the same cfpreport and "
            f"libraries on the workers (pip install -c constraints.txt 'cfpreport[dask]')")

