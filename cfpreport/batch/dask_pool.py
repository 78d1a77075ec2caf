"""Run a batch's jobs on a Dask distributed cluster (``cfpreport batch --dask ADDRESS``).

:class:`DaskPool` is a runner like :class:`~cfpreport.batch.pool.LocalPool`: the batch
plans, skips, writes each report as one set and writes the summary on this machine, as
always; only the rendering moves to the cluster's workers.

The workers need not see this machine's files. Each job travels as a :class:`Parcel`:
the study file and the files it reads (its images, its factor-set file, its house
style's folder, and those of ``--factor-set`` and ``--style``), by the paths this
machine reads them at. A worker lays them out in a folder of its own (a
:class:`Mirror`: the same relative layout, so ``images/x.png`` and ``../style`` resolve
as here), renders the report in its own process, and sends back the files' bytes; every
path in an error or warning is named back as this machine names it, so a failure reads
the same as in a local batch (``samples/x/study.yaml:14:7 ...``).

A worker renders one study at a time (a lock; start workers with ``--nthreads 1``) and
stays warm: the libraries and fonts load with its first study. Caches that key a house
style by its folder (compiled templates, snippets) stay right because a style's files
are laid out under a folder named after their hash. A worker whose cfpreport, libraries,
fonts or templates differ from this machine's refuses the work (its reports would not be
those the build records describe).

A worker that dies has its study run again elsewhere by the scheduler (up to its
``distributed.scheduler.allowed-failures``); this side gets one result per study, so a
report is written once. At most two studies per worker thread are in flight: the rest
wait here, not in the scheduler's memory.

Dask is an optional extra (``pip install 'cfpreport[dask]'``): this module imports it
only when a pool is made, and nothing else in cfpreport imports this module.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import traceback
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfpreport.batch.work import Job, JobResult, run_job
from cfpreport.errors import CfpError

if TYPE_CHECKING:
    from cfpreport.batch.inputs import Uses

INSTALL = "pip install 'cfpreport[dask]'"
TASK = "cfpreport-build"  # the prefix of the tasks' keys, as the dashboard groups them
IN_FLIGHT_PER_THREAD = 2
MAX_STYLE_FILE_BYTES = 100_000_000  # a style's file (a font, the Word reference document)


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

    def __init__(self, address: str, warm_pdf: bool = True, timeout: float = 30) -> None:
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
            result = result_of(job, future)
            future.release()
            self.submit(waiting, finished)  # keep the workers busy while this is written
            yield result

    def submit(self, waiting: deque[Job], finished) -> None:
        """Send jobs until the cluster has ``IN_FLIGHT_PER_THREAD`` per worker thread."""
        if not waiting:
            return
        threads = sum(self.client.nthreads().values())
        room = max(2, IN_FLIGHT_PER_THREAD * threads) - len(self.running)
        while waiting and room > 0:
            job = waiting.popleft()
            future = self.client.submit(build_parcel, pack(job, self.warm_pdf),
                                        key=f"{TASK}-{self.token}-{job.index}", pure=False)
            self.running[future] = job
            finished.add(future)
            room -= 1

    def close(self) -> None:
        """Drop the studies still on the cluster, and disconnect."""
        if self.running:
            self.client.cancel(list(self.running))
            self.running = {}
        self.client.close()


def result_of(job: Job, future) -> JobResult:
    """A finished task's result, or why the cluster could not give one."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as error:
        return JobResult.failed(job, f"the Dask workers building it died ({error}); try "
                                     f"it alone with `cfpreport build`")
    except Exception as error:  # cancelled, lost with the scheduler, ...
        return JobResult.failed(job, f"the Dask cluster did not build it: "
                                     f"{type(error).__name__}: {error}")


# --- what travels: a job and the files it reads ---------------------------------------

@dataclass(frozen=True)
class Parcel:
    """A job with the files it reads, for a worker that cannot see this machine's disk.

    Paths are as this machine reads them: relative to its working folder, or absolute.
    """

    job: Job
    files: dict[str, bytes] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # too large to send: the size only
    links: tuple[str, ...] = ()  # links in a style folder (a build refuses them)
    styles: str = ""  # a hash of the style folders' files: where the worker lays them
    environment: dict[str, Any] = field(default_factory=dict)
    warm_pdf: bool = True


def pack(job: Job, warm_pdf: bool = True) -> Parcel:
    """Gather the files a job's study reads, as its build here would read them: the
    study file (or the workbook of a workbook's report) and what it names."""
    from cfpreport.calculation.factors import is_set_file
    from cfpreport.input.limits import MAX_FILE_BYTES, MAX_IMAGE_BYTES, MAX_WORKBOOK_BYTES
    from cfpreport.input.sources import as_source

    try:
        source = as_source(job.study)
    except CfpError:  # a workbook of several reports named without one: the worker says so
        source = None
    study = source.path if source is not None else Path(job.study)
    workbook = source is not None and source.is_workbook
    style = job.style and str(inside_working_folder(Path(job.style)))
    packer = Packer()
    packer.add_file(study, MAX_WORKBOOK_BYTES if workbook else MAX_FILE_BYTES)
    uses = uses_of_source(source) if source is not None else None
    styles = [Path(style)] if style else []
    if uses is not None:
        for image in uses.images:
            packer.add_file(study.parent / image, MAX_IMAGE_BYTES)
        if uses.factor_set and is_set_file(uses.factor_set) and not job.factor_set:
            packer.add_set_file(study.parent, uses.factor_set, MAX_FILE_BYTES)
        if uses.style and not style:
            styles.append(study.parent / uses.style)
    if job.factor_set and is_set_file(job.factor_set):
        packer.add_set_file(Path(), job.factor_set, MAX_FILE_BYTES)
    for folder in styles:
        packer.add_folder(folder)
    return Parcel(replace(job, style=style), packer.files, packer.sizes, tuple(packer.links),
                  packer.styles.hexdigest(), environment(), warm_pdf)


def uses_of_source(source) -> Uses | None:
    """What a study file or a workbook's report names (images, set, style), if readable."""
    from cfpreport.batch.inputs import Uses, uses_of
    from cfpreport.input.sources import read_source

    try:
        if not source.is_workbook:
            return Uses.of_study(source.path)
        data = read_source(source).data
    except (CfpError, OSError):
        return None
    return uses_of(data, {}) if isinstance(data, dict) else None


def inside_working_folder(path: Path) -> Path:
    """A path inside the working folder made relative to it, as messages name it."""
    here = Path.cwd().resolve()
    return path.relative_to(here) if path.is_absolute() and path.is_relative_to(here) else path


class Packer:
    """The files of a parcel, gathered one by one; a file that cannot be read is left
    out (the worker's build then says it is missing, as a build here would)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.sizes: dict[str, int] = {}
        self.links: list[str] = []
        self.styles = hashlib.sha256()

    def add_file(self, path: Path, limit: int) -> None:
        name = os.path.normpath(path)
        try:
            if not path.is_file():
                return
            size = path.stat().st_size
            if size > limit:
                self.sizes[name] = size
            else:
                self.files[name] = path.read_bytes()
        except OSError:
            return

    def add_set_file(self, folder: Path, spec: str, limit: int) -> None:
        """A set file, as :func:`~cfpreport.calculation.factors.find_factor_set` finds it."""
        candidate = Path(spec) if Path(spec).is_absolute() else folder / spec
        for path in (candidate, candidate.with_name(candidate.name + ".yaml")):
            self.add_file(path, limit)

    def add_folder(self, folder: Path) -> None:
        """A style folder's files, and its links as links; all of them hashed."""
        from cfpreport.report.style import MAX_ENTRIES

        entries = 0
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(dirs + files):
                path = Path(root) / name
                key = os.path.normpath(path)
                entries += 1
                if entries > MAX_ENTRIES + 1:  # the build refuses the folder all the same
                    return
                if path.is_symlink():
                    self.links.append(key)
                    self.styles.update(f"link {key}\0".encode())
                elif name in files:
                    self.add_file(path, MAX_STYLE_FILE_BYTES)
                    data = self.files.get(key, b"")
                    self.styles.update(f"{key}\0{len(data)}\0".encode() + data)


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
    except (ImportError, ValueError):  # not in a Dask worker
        parent = None
    return Path(tempfile.mkdtemp(prefix="cfpreport-", dir=parent))


def worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "here"


class Mirror:
    """Where a parcel's files lie on a worker, and how to name its paths back.

    The batch's working folder becomes ``<root>/cwd/_/...`` (one ``_`` per ``..`` that
    a path climbs above it) and its ``/`` becomes ``<root>/abs``; ``<root>`` is named
    after the hash of the style folders, so a style's path stands for its content.
    """

    def __init__(self, base: Path, parcel: Parcel) -> None:
        self.parcel = parcel
        self.root = base / (parcel.styles[:16] or "none")
        paths = [*parcel.files, *parcel.sizes, *parcel.links, parcel.job.study,
                 parcel.job.style or "", parcel.job.factor_set or ""]
        climbs = max((climb(path) for path in paths if not os.path.isabs(path)), default=0)
        self.here = self.root.joinpath("cwd", *["_"] * climbs)
        self.top = self.root / "abs"
        self.pattern, self.names = self.namer()

    def path(self, given: str) -> str:
        """The worker's path for a path the batch gives."""
        return str(self.top) + given if os.path.isabs(given) else str(self.here / given)

    def job(self) -> Job:
        from cfpreport.calculation.factors import is_set_file

        job = self.parcel.job
        factor_set = job.factor_set
        if factor_set and is_set_file(factor_set):
            factor_set = self.path(factor_set)
        return replace(job, study=self.path(job.study), factor_set=factor_set,
                       style=self.path(job.style) if job.style else None)

    def lay_out(self) -> None:
        self.clear()
        self.here.mkdir(parents=True)  # "_/.." must exist to be climbed
        for name, data in self.parcel.files.items():
            self.place(name).write_bytes(data)
        for name, size in self.parcel.sizes.items():
            with self.place(name).open("wb") as stream:  # sparse: a build refuses it by size
                stream.truncate(size)
        for name in self.parcel.links:
            os.symlink("(a link on the batch's machine)", self.place(name))

    def place(self, name: str) -> Path:
        path = Path(os.path.normpath(self.path(name)))
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def clear(self) -> None:
        for folder in (self.root / "cwd", self.top):
            shutil.rmtree(folder, ignore_errors=True)

    def namer(self) -> tuple[re.Pattern, dict[str, str]]:
        """Each form the worker's paths may take in a message, and the batch's name."""
        names = {str(self.here): "."}
        above = [(folder, "../" * up) for up, folder in enumerate(
            self.here.parents[:len(self.here.relative_to(self.root).parts) - 1], 1)]
        for folder, name in ((self.here, ""), (self.top, "/"), *above):
            for form in forms(folder):
                names[form + os.sep] = name
        ordered = sorted(names, key=len, reverse=True)  # the longest form first
        return re.compile("|".join(map(re.escape, ordered))), names

    def name(self, text: str) -> str:
        return self.pattern.sub(lambda match: self.names[match.group()], text)

    def named(self, result: JobResult) -> JobResult:
        """The result with its messages' paths named as the batch names them."""
        warnings = tuple(replace(problem, file=self.name(problem.file),
                                 message=self.name(problem.message))
                         for problem in result.warnings)
        return replace(result, warnings=warnings,
                       error=self.name(result.error) if result.error else None)


def forms(folder: Path) -> set[str]:
    """A folder as given, resolved, and relative to the working folder if inside it."""
    resolved = folder.resolve()
    found = {str(folder), str(resolved)}
    here = Path.cwd().resolve()
    if resolved.is_relative_to(here) and resolved != here:
        found.add(str(resolved.relative_to(here)))
    return found


def climb(path: str) -> int:
    """How many folders a relative path climbs above its start (``../../x``: 2)."""
    parts = Path(os.path.normpath(path)).parts
    return next((i for i, part in enumerate(parts) if part != ".."), len(parts))


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

