"""``cfpreport reissue``: the next revision of an issued report, priced with other factors.

The issued report is a final PDF that embeds its study (then the study, its images, its
factor set and its results JSON are taken from it, bytes unchanged), or a study file
(then its "issued" results are the study priced with its own factor set). Into the output
folder go:

* ``previous/``: the issued study byte for byte, its images, its factor set file (from a
  PDF) and its results JSON, which the new revision's history section compares with;
* the new study, the issued one with ``report.revision`` + 1, ``study.factor_set``,
  ``report.previous`` (and the reason, and the issue date when given) changed by a minimal
  text edit (:mod:`.yaml_edit`), and its images;
* the new revision's reports (``T4100013-R2.pdf`` ...).

The issue date stays the issued study's ``report.issued`` unless one is given: today's
date is never put on a report unasked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cfpreport.errors import CfpError
from cfpreport.output import replace_file
from cfpreport.revisions.issued import inside_folder, read_issued
from cfpreport.revisions.naming import report_stem
from cfpreport.revisions.yaml_edit import Change, edit_study

if TYPE_CHECKING:
    from cfpreport.build import BuildRecord
    from cfpreport.render.pdf_worker import PdfWorker

PREVIOUS = "previous"  # the folder of the issued report's files, inside the output folder
STUDY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Reissued:
    """What a re-issue wrote: the issued study kept, the new study, and its reports."""

    previous_study: Path
    study: Path
    revision: int
    record: BuildRecord


@dataclass(frozen=True)
class IssuedFiles:
    """The issued report's files, by their path relative to the study's folder."""

    study_name: str
    study: bytes
    images: dict[str, bytes]
    results_name: str
    results: bytes
    factors: dict[str, bytes]  # the factor set file a final PDF embeds; none for a study


def reissue(old: str | Path, factor_set: str, out_dir: str | Path, reason: str | None = None,
            issued: date | None = None, formats: Iterable[str] = ("pdf", "docx", "json"),
            pdf_worker: PdfWorker | None = None) -> Reissued:
    """Write the issued study and its next revision into ``out_dir``; build the revision."""
    from cfpreport.build import build_report
    from cfpreport.calculation.factors import find_factor_set, is_set_file
    from cfpreport.input.yaml_reader import parse_yaml

    old, out = Path(old), Path(out_dir)
    find_factor_set(factor_set, Path.cwd())  # an unknown set fails before anything is written
    files = issued_files(old)
    target = out / files.study_name
    if target.resolve() == old.resolve() or (out / PREVIOUS).resolve() == old.parent.resolve():
        raise CfpError(f"{out}: the output folder would overwrite the issued study {old}; "
                       "choose another folder")
    text = decoded(files.study, files.study_name)
    data = parse_yaml(text, files.study_name).data
    revision = max(int(data["report"].get("revision") or 1), 1) + 1
    if is_set_file(factor_set):  # named from the new study's folder
        factor_set = os.path.relpath(Path(factor_set).resolve(), out.resolve())
    changes = [Change("report", "revision", revision, ("number",))]
    if reason is not None or data["report"].get("revision_reason"):
        # Without a reason the issued one's would be this revision's: it is emptied.
        changes.append(Change("report", "revision_reason", reason or "",
                              ("revision", "number")))
    changes += [Change("report", "previous", f"{PREVIOUS}/{files.results_name}",
                       ("revision_reason", "revision", "number")),
                Change("study", "factor_set", factor_set)]
    if issued is not None:
        changes.append(Change("report", "issued", issued.isoformat()))
    new_text = edit_study(text, changes, files.study_name)
    write_files(out / PREVIOUS, {files.study_name: files.study, **files.images,
                                 **files.factors, files.results_name: files.results})
    write_files(out, {**files.images, files.study_name: new_text.encode("utf-8")})
    record = build_report(target, out, formats, pdf_worker=pdf_worker)
    return Reissued(out / PREVIOUS / files.study_name, target, revision, record)


def issued_files(old: Path) -> IssuedFiles:
    """The issued report's study, images, factor set and results, from a final PDF or a
    study file."""
    if old.suffix.lower() == ".pdf":
        issue = read_issued(old)
        assert issue.study_name is not None and issue.study is not None
        if not issue.study_name.lower().endswith(STUDY_SUFFIXES):
            raise CfpError(f"{old}: its embedded study {issue.study_name} is not a YAML study "
                           "file; only those can be re-issued")
        factors = {issue.factors_name: issue.factors} if issue.factors_name else {}
        return IssuedFiles(issue.study_name, issue.study, issue.images, issue.results_name,
                           issue.results_bytes, factors)
    if old.suffix.lower() not in STUDY_SUFFIXES:
        raise CfpError(f"{old}: give a final PDF made by cfpreport or a study file (.yaml)")
    if not old.is_file():
        raise CfpError(f"{old}: no such file")
    return study_files(old)


def study_files(old: Path) -> IssuedFiles:
    """A study file as issued: its bytes, its images, and its results priced with its own
    factor set."""
    from cfpreport.batch.inputs import Uses
    from cfpreport.calculation.results_json import dumps, results_document
    from cfpreport.pipeline import load_and_calculate

    calculated = load_and_calculate(old)
    document = results_document(calculated.study, calculated.results)
    uses = Uses.of_study(old)
    images = {}
    previous = calculated.study.report.previous
    for name in uses.images if uses else ():
        if name == previous:
            continue  # the report it replaced: the new revision replaces this one
        inside_folder(old, name)
        images[name] = (old.parent / name).read_bytes()
    stem = report_stem(document["report_number"], document["revision"])
    return IssuedFiles(old.name, old.read_bytes(), images, f"{stem}.json",
                       dumps(document).encode("utf-8"), {})


def decoded(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CfpError(f"{name}: the issued study is not UTF-8 text") from None


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file whole, by its path relative to ``folder``."""
    for name, data in files.items():
        path = folder / Path(*inside_folder(folder, name).parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, data)
        except OSError as error:
            raise CfpError(f"cannot write {path}: {error.strerror or error}") from None
