"""A batch's job as it travels to a worker that cannot see this machine's files.

:func:`pack` gathers, on the batch's machine, the study file (or the workbook of a
workbook's report) and the files the study reads: its images, its factor-set file, its
house style's folder, and those of ``--factor-set`` and ``--style``, each by the path the
batch reads it at (relative to its working folder, or absolute). A file that cannot be
read is left out, so the worker's build says it is missing as a build here would; one
over its size limit travels as its size only, so the worker's build refuses it by size.

On the worker, a :class:`Mirror` lays the files out with the same relative layout (so
``images/x.png`` and ``../style`` resolve as here) and names every path of the build's
messages back as the batch names it: ``samples/x/study.yaml:14:7 ...`` reads the same as
in a local batch. (A path a local build prints resolved and absolute, such as the folder
of a missing image, reads relative to the batch's working folder.)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfpreport.batch.work import Job, JobResult
from cfpreport.errors import CfpError

if TYPE_CHECKING:
    from cfpreport.batch.inputs import Uses

MAX_STYLE_FILE_BYTES = 100_000_000  # a style's file (a font, the Word reference document)


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


def pack(job: Job, environment: dict[str, Any], warm_pdf: bool = True) -> Parcel:
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
                  packer.styles.hexdigest(), environment, warm_pdf)


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
