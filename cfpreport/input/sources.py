"""Where studies come from: study files, folders of them, and the reports of workbooks.

A :class:`StudySource` is one study: a study file, or one report (one row of
``reports``) of an Excel workbook. :func:`find_studies` turns what a user names on the
command line into sources; :func:`read_source` reads any source into the same
:class:`~cfpreport.input.loading.LoadedStudy`, so that every later step (checks,
pricing, the report) is the same for both.

In a folder (and its subfolders, hidden ones left out), the studies are the files named
``study.yaml`` or ``*.study.yaml`` (``.yml`` too) and the workbooks (``*.xlsx``) that
have a ``reports`` sheet; other YAML files (factor sets, a house style's texts) and
other workbooks (a batch's ``summary.xlsx``) are not studies. A file named explicitly is
read whatever its name: a workbook by its ``.xlsx`` suffix, anything else as a study
file. ``book.xlsx#T4100013`` names one report of a workbook.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cfpreport.errors import CfpError, StudyError
from cfpreport.input.loading import LoadedStudy, read_study

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Spreadsheets cfpreport does not read: said so, rather than read as YAML.
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".et", ".csv", ".numbers")
STUDY_NAMES = ("study.yaml", "study.yml")
STUDY_SUFFIXES = (".study.yaml", ".study.yml")


@dataclass(frozen=True)
class StudySource:
    """One study: a study file, or one report of a workbook.

    ``name`` is how messages and summaries show it (``samples/x/study.yaml``,
    ``book.xlsx#T4100013``); ``path`` is the file (the study file or the workbook), as
    given; ``folder`` is where the study's images, factor-set file and house style
    resolve (the file's folder); ``report`` is the workbook's report number (None for a
    study file, and for a workbook that holds no report that can be read).

    The library's steps (:func:`cfpreport.pipeline.check_study`,
    :func:`cfpreport.build.build_report`, ...) take a source wherever they take a study
    file's path; ``str(source)`` is its name, ``Path(source)`` its file.
    """

    name: str
    path: Path
    folder: Path
    report: str | None = None

    def __str__(self) -> str:
        return self.name

    def __fspath__(self) -> str:
        """Its file (the study file or the workbook): code that needs only the file, to
        hash it or to name it, takes a source as a path (``Path(source)``)."""
        return str(self.path)

    @property
    def is_workbook(self) -> bool:
        return is_workbook(self.path)

    @classmethod
    def study_file(cls, path: str | Path) -> StudySource:
        path = Path(path)
        return cls(str(path), path, path.resolve().parent)

    @classmethod
    def workbook_report(cls, path: str | Path, report: str | None) -> StudySource:
        path = Path(path)
        name = f"{path}#{report}" if report is not None else str(path)
        return cls(name, path, path.resolve().parent, report)


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def find_studies(paths: Iterable[str | Path | StudySource]) -> list[StudySource]:
    """The studies named by ``paths``, in order, each once: study files as they are,
    folders searched (see the module's docstring), workbooks one source per report.

    A workbook that cannot be read, or holds no readable report, is one source whose
    reading raises its problems, so that one bad input does not stop a batch. Raises
    CfpError for a folder without any study.
    """
    found: list[StudySource] = []
    for path in paths:
        if isinstance(path, StudySource):
            found.append(path)
        elif Path(path).is_dir():
            found += folder_studies(Path(path))
        elif is_workbook(Path(path)) and Path(path).is_file():
            found += workbook_studies(Path(path))
        else:
            found.append(file_source(Path(path)))
    seen: set[tuple[Path, str | None]] = set()
    unique = []
    for source in found:
        identity = (source.path.resolve(), source.report)
        if identity not in seen:
            seen.add(identity)
            unique.append(source)
    return unique


def as_source(study: str | Path | StudySource) -> StudySource:
    """A source for one study: ``study.yaml``, ``book.xlsx#T4100013``, or a workbook
    that holds one report (raise StudyError naming its reports if it holds several)."""
    if isinstance(study, StudySource):
        return study
    path = Path(study)
    if is_workbook(path) and path.is_file():
        sources = workbook_studies(path)
        if len(sources) > 1:
            numbers = [source.report for source in sources]
            raise StudyError.single(path, (
                f"holds {len(numbers)} reports ({', '.join(numbers[:5])}"
                f"{', ...' if len(numbers) > 5 else ''}); name one as {path}#{numbers[0]}"))
        return sources[0]
    return file_source(path)


def file_source(path: Path) -> StudySource:
    """A study file, or ``book.xlsx#NUMBER`` when no file has that very name."""
    match = re.fullmatch(r"(?P<book>.+\.xlsx|.+\.xlsm)#(?P<number>.+)", str(path),
                         re.IGNORECASE)
    if match and not path.exists():
        return StudySource.workbook_report(match["book"], match["number"])
    return StudySource.study_file(path)


def read_source(study: str | Path | StudySource) -> LoadedStudy:
    """Read a study file or a workbook's report, with every field's place; raise only
    what stops the reading (see :func:`cfpreport.input.loading.read_study`)."""
    source = as_source(study)
    if source.path.suffix.lower() in OTHER_SPREADSHEETS:
        raise StudyError.single(source.name, (
            f"is a {source.path.suffix} file; cfpreport reads Excel workbooks (.xlsx): save "
            "it from Excel as \"Excel Workbook (*.xlsx)\""))
    if not source.is_workbook:
        return read_study(source.path)
    from cfpreport.input.workbook.reading import read_workbook_study  # imports openpyxl

    return read_workbook_study(source.path, source.report, source.name)


def workbook_studies(path: Path) -> list[StudySource]:
    """One source per report of a workbook (or one for a workbook without any)."""
    from cfpreport.input.workbook.book import read_book  # imports openpyxl when read

    try:
        book = read_book(path)
    except StudyError:
        return [StudySource.workbook_report(path, None)]  # reading it says why
    if book.fatal:
        return [StudySource.workbook_report(path, None)]
    return [StudySource.workbook_report(path, number) for number in book.reports]


def folder_studies(folder: Path) -> list[StudySource]:
    """The studies of a folder and its subfolders (hidden ones left out), by path."""
    files = []
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        files += [Path(parent) / name for name in names if not name.startswith((".", "~$"))]
    sources = []
    for path in sorted(files):
        name = path.name.lower()
        if name in STUDY_NAMES or name.endswith(STUDY_SUFFIXES):
            sources.append(StudySource.study_file(path))
        elif is_workbook(path) and has_reports_sheet(path):
            sources += workbook_studies(path)
    if not sources:
        raise CfpError(f"{folder}: no studies in this folder (study.yaml, *.study.yaml, or "
                       "workbooks with a reports sheet)")
    return sources


def has_reports_sheet(path: Path) -> bool:
    """Whether a workbook has a ``reports`` sheet (read from its index, not opened);
    a file that cannot be read counts as one, so that its reading says what is wrong."""
    try:
        with zipfile.ZipFile(path) as archive:
            index = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return True
    names = re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", index)
    return any(name.strip().lower() == "reports" for name in names)
