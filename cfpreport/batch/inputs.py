"""Hash what a report is made from, cheaply, without pricing the study.

A report's inputs (see :mod:`.records` for how they are used):

- ``study``: the study file's bytes (its own ``factors:`` included); for a workbook's
  report, its data as assembled from the workbook, so that an edit to one report of a
  workbook rebuilds that report only;
- ``images``: each image the study names, by the path it gives;
- ``factors``: the factor set's name and version, and one hash over the set's identity
  (name, version, title, date, shipped or a file), the set factors the study uses (its
  activities' ``factor:`` ids less those its ``factors:`` define, each followed through
  the set's aliases) and the GWP table: a change to a factor no activity names rebuilds
  nothing;
- ``style``: the built-in templates folder and the house-style folder, file by file;
- ``fonts``: the shipped fonts;
- ``cfpreport``: its version, a hash of its code, and the versions of the libraries that
  write the files.

What the study uses (its report number, set, style, GWP table, factor ids and images) is
read from the parsed file, never priced; a study file whose bytes a build record already
names is not even parsed, the record lists its uses. Files shared by many studies (the
fonts, templates, a style, a common image, a factor set) are hashed once per run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfpreport.errors import CfpError, StudyError
from cfpreport.revisions.naming import report_stem

if TYPE_CHECKING:
    from cfpreport.batch.records import RecordBook
    from cfpreport.calculation.factors import FactorSet
    from cfpreport.input.sources import StudySource
    from cfpreport.report.style import Style

#: What writes the files: a new version of one of them is a new report.
LIBRARIES = ("weasyprint", "pydyf", "python-docx", "matplotlib", "pillow", "fonttools")


@dataclass(frozen=True)
class Uses:
    """What a study file names that its report is made from, read without pricing it."""

    number: str
    factor_set: str | None  # study.factor_set as written; None: the default set
    style: str | None  # report.style as written
    gwp: str | None
    factors: tuple[str, ...]  # set factors its activities name (not its own factors:)
    images: tuple[str, ...]  # as written, relative to the study's folder; and report.previous
    revision: str | None = None  # report.revision as written

    @property
    def stem(self) -> str:
        """The name its report's files will have (a revision that is not a whole number
        is refused by the build; until then it names the original)."""
        revision = self.revision.strip() if self.revision else ""
        return report_stem(self.number, int(revision) if revision.isdigit() else None)

    @classmethod
    def of_study(cls, path: Path) -> Uses | None:
        """Read a study file's uses; None if it cannot be read so far (its build says why)."""
        from cfpreport.input.loading import read_text
        from cfpreport.input.yaml_reader import parse_yaml

        try:
            parsed = parse_yaml(read_text(path), str(path))
        except StudyError:
            return None
        return uses_of(parsed.data, parsed.written)


def uses_of(data: dict, written: dict) -> Uses | None:
    """The uses of a parsed study (``written``: the text of scalars YAML reads otherwise)."""

    def at(*path: str | int) -> Any:
        value = data
        for part in path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        return value

    def text(*path: str | int) -> str | None:
        value = at(*path)
        return None if value is None or isinstance(value, dict | list) else written.get(
            path, str(value))

    def indices(*path: str | int) -> range:
        value = at(*path)
        return range(len(value) if isinstance(value, list) else 0)

    number = text("report", "number")
    if not number:
        return None
    own = {text("factors", i, "id") for i in indices("factors")}
    factors = {text("products", p, "activities", a, "factor") for p in indices("products")
               for a in indices("products", p, "activities")}
    images = {text("company", "images", key) for key in ("overview", "layout")}
    images |= {text("products", p, "images", key) for p in indices("products")
               for key in ("photo", "process")}
    # A revision's previous report is read like an image: hashed (a new one rebuilds the
    # revision), and sent with the study to a Dask worker.
    images.add(text("report", "previous"))
    return Uses(number, text("study", "factor_set"), text("report", "style"),
                text("study", "gwp"), tuple(sorted(f for f in factors - own if f)),
                tuple(sorted(image for image in images if image)),
                text("report", "revision"))


@dataclass(frozen=True)
class Inputs:
    """The hashes of one study's inputs, and what the study uses."""

    uses: Uses
    hashes: dict[str, Any]  # the record's "inputs", keyed as CHANGED


class Fingerprinter:
    """Hash the inputs of the studies of one run; what they share is hashed once.

    ``factor_set`` and ``style`` are the command line's (they override the study's).
    """

    def __init__(self, factor_set: str | None = None,
                 style: str | Path | Style | None = None) -> None:
        self.factor_set = factor_set
        self.style = getattr(style, "folder", style)  # an opened Style's folder
        self.style_given = style is not None
        self.files: dict[Path, str | None] = {}
        self.sets: dict[tuple, FactorSet | str] = {}
        self.factor_hashes: dict[tuple, dict] = {}
        self.styles: dict[Path | None, str] = {}

    def inputs(self, study: str | Path | StudySource, book: RecordBook | None = None
               ) -> Inputs | None:
        """Hash a study's inputs; None when the study cannot be read (the build says why).

        With ``book``, a study file whose bytes one of its records names is not parsed."""
        read = read_workbook_report(study) if getattr(study, "is_workbook", False) else (
            read_study_file(Path(study), book))
        if read is None:
            return None
        digest, uses = read
        folder = getattr(study, "folder", None) or Path(study).resolve().parent
        return Inputs(uses, {
            "study": digest,
            "images": {image: self.file_hash(folder / image) for image in uses.images},
            "factors": self.factors_hash(uses, folder),
            "style": self.style_hash(uses, folder),
            "fonts": fonts_hash(),
            "cfpreport": software(),
        })

    def file_hash(self, path: Path) -> str | None:
        path = path.resolve()
        if path not in self.files:
            self.files[path] = hash_file(path)
        return self.files[path]

    def factor_set_of(self, uses: Uses, folder: Path) -> FactorSet | str:
        """The set the study is priced with, or why it cannot be loaded."""
        from cfpreport.calculation.factors import find_factor_set, is_set_file
        from cfpreport.input.checks import DEFAULT_SET, chosen_factor_set

        spec = uses.factor_set or DEFAULT_SET
        key = (self.factor_set,) if self.factor_set else (
            spec, folder if is_set_file(spec) else None)
        if key not in self.sets:
            try:
                self.sets[key] = (chosen_factor_set(self.factor_set) if self.factor_set
                                  else find_factor_set(spec, folder))
            except CfpError as error:
                self.sets[key] = str(error)
        return self.sets[key]

    def factors_hash(self, uses: Uses, folder: Path) -> dict:
        factor_set = self.factor_set_of(uses, folder)
        if isinstance(factor_set, str):
            return {"error": factor_set}
        key = (id(factor_set), uses.factors, uses.gwp)
        if key not in self.factor_hashes:
            self.factor_hashes[key] = used_factors_hash(factor_set, uses)
        return self.factor_hashes[key]

    def style_hash(self, uses: Uses, folder: Path) -> str:
        style = self.style if self.style_given else (folder / uses.style if uses.style
                                                     else None)
        style = Path(style).resolve() if style is not None else None
        if style not in self.styles:
            self.styles[style] = folder_hash(style, templates_hash())
        return self.styles[style]


def read_study_file(path: Path, book: RecordBook | None) -> tuple[str, Uses] | None:
    """The hash of a study file's bytes and its uses, read from a record naming that
    hash if there is one, else from the file."""
    try:
        raw = read_limited(path)
    except OSError:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    known = book.for_study(digest) if book is not None else None
    uses = (uses_from_record(known) if known else None) or Uses.of_study(path)
    return (digest, uses) if uses else None


def read_workbook_report(source: StudySource) -> tuple[str, Uses] | None:
    """The hash of a workbook report's data (not of the workbook: an edit to one report
    rebuilds only that one) and its uses. The workbook is read once per run."""
    from cfpreport.input.sources import read_source

    try:
        loaded = read_source(source)
    except CfpError:
        return None
    uses = uses_of(loaded.data, {}) if isinstance(loaded.data, dict) else None
    digest = hashlib.sha256(b"workbook report\0" + canonical(loaded.data)).hexdigest()
    return (digest, uses) if uses else None


def uses_from_record(record: dict) -> Uses | None:
    try:
        uses = record["uses"]
        return Uses(**{**uses, "factors": tuple(uses["factors"]),
                       "images": tuple(uses["images"])})
    except (KeyError, TypeError):
        return None


def used_factors_hash(factor_set: FactorSet, uses: Uses) -> dict:
    """The set's name and version, and a hash over what of it the report shows."""
    from cfpreport.calculation.factors import load_gwp_sets
    from cfpreport.errors import FactorError

    def dump(factor_id: str) -> Any:
        try:
            return factor_set.get(factor_id).model_dump(mode="json")
        except FactorError:
            return None  # the build reports it

    gwp = load_gwp_sets().get(uses.gwp or "AR5")
    shown = {
        "set": {"name": factor_set.name, "version": factor_set.version,
                "title": factor_set.title, "en": factor_set.en and factor_set.en.model_dump(),
                "published": str(factor_set.published), "shipped": factor_set.file is None},
        "factors": {factor_id: dump(factor_id) for factor_id in uses.factors},
        "gwp": gwp.model_dump(mode="json") if gwp else None,
    }
    return {"set": factor_set.name, "version": factor_set.version,
            "sha256": hashlib.sha256(canonical(shown)).hexdigest()}


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def read_limited(path: Path) -> bytes:
    """A study file's bytes; one over the size limit is left for the build to refuse."""
    from cfpreport.input.limits import MAX_FILE_BYTES

    with path.open("rb") as stream:
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise OSError("too large")
    return raw


def hash_file(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None if it cannot be read."""
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def folder_hash(folder: Path | None, start: str = "") -> str:
    """One hash over the files of a folder (names and bytes), links not followed."""
    digest = hashlib.sha256(start.encode())
    if folder is None:
        return digest.hexdigest()
    if not folder.is_dir():
        digest.update(f"missing {folder}".encode())
        return digest.hexdigest()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            digest.update(f"{path.relative_to(folder).as_posix()}\0"
                          f"{hash_file(path)}\0".encode())
    return digest.hexdigest()


@cache
def templates_hash() -> str:
    from cfpreport.assets import templates_dir

    return folder_hash(templates_dir())


@cache
def fonts_hash() -> str:
    from cfpreport.assets import fonts_dir

    return folder_hash(fonts_dir())


@cache
def software() -> dict[str, Any]:
    """cfpreport's version and code, and the versions of the libraries writing the files."""
    from importlib.metadata import PackageNotFoundError, version

    from cfpreport import __version__
    from cfpreport.assets import PACKAGE

    code = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        code.update(f"{path.relative_to(PACKAGE).as_posix()}\0{hash_file(path)}\0".encode())
    libraries = {}
    for name in LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            libraries[name] = version(name)
    return {"version": __version__, "code": code.hexdigest(), "libraries": libraries}
