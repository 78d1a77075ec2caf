"""The files a final PDF carries, so that the data travels with the report.

A final report is PDF/A-3b with these associated files (``/AF``), which let anyone who
holds only the PDF re-price it (``cfpreport verify``) or re-issue it (``cfpreport
reissue``):

* the study file, byte for byte as read from disk (a workbook's report as its YAML
  conversion, ``NUMBER.study.yaml``);
* its images, each named by its path relative to the study's folder, as the study
  writes it;
* the factor set it was priced with, as ``cfpreport factors export`` writes it
  (:data:`FACTORS_NAME`), so that it re-prices without this cfpreport's shipped data;
* the results JSON, as ``cfpreport build -f json`` writes it;
* :data:`MANIFEST_NAME`, naming each of them::

    {"schema": "cfpreport.attachments/1", "study": "study.yaml", "images": [...],
     "factors": "factor-set.yaml", "results": "T4100013.json"}

These names and keys are a contract (the re-issue reads them): keep them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from cfpreport.errors import CfpError

if TYPE_CHECKING:
    from cfpreport.pipeline import Calculated

SCHEMA = "cfpreport.attachments/1"
MANIFEST_NAME = "cfpreport-manifest.json"
FACTORS_NAME = "factor-set.yaml"


@dataclass(frozen=True)
class EmbeddedFile:
    """One associated file of a final PDF (sent to the PDF worker as it is: picklable).

    ``relationship`` is its PDF/A-3 ``/AFRelationship``: ``Source`` for what the report
    was made from, ``Data`` for the results, ``Supplement`` for the manifest."""

    name: str
    data: bytes
    description: str
    relationship: str


@dataclass(frozen=True)
class FinalPdf:
    """What makes a PDF final: the files it embeds, and the date they carry (the
    report's issue date, never now(), so that the same study gives the same bytes)."""

    files: tuple[EmbeddedFile, ...]
    stamped: datetime


def final_pdf(calculated: Calculated, results_json: bytes) -> FinalPdf:
    """The attachments of a final report of a priced study, with its results JSON."""
    from cfpreport.calculation.factor_export import export_factor_set

    study = calculated.study
    study_name, study_data = study_file(calculated)
    images = image_files(calculated)
    results_name = f"{study.report.stem}.json"  # as build names it: T4100013-R2.json
    manifest = {"schema": SCHEMA, "study": study_name, "images": [name for name, _ in images],
                "factors": FACTORS_NAME, "results": results_name}
    files = (
        EmbeddedFile(study_name, study_data, "study file", "Source"),
        *(EmbeddedFile(name, data, "image of the study", "Source") for name, data in images),
        EmbeddedFile(FACTORS_NAME, export_factor_set(calculated.factor_set,
                                                     FACTORS_NAME).encode("utf-8"),
                     "factor set the study was priced with", "Source"),
        EmbeddedFile(results_name, results_json, "results JSON", "Data"),
        EmbeddedFile(MANIFEST_NAME, manifest_bytes(manifest), "what the other files are",
                     "Supplement"),
    )
    issued = study.report.issued
    return FinalPdf(files, datetime(issued.year, issued.month, issued.day))


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def study_file(calculated: Calculated) -> tuple[str, bytes]:
    """The study's name and bytes: the file as on disk, or a workbook report as YAML."""
    from cfpreport.input.sources import StudySource, is_workbook, read_source

    study = calculated.study
    path = study.path
    if path is None:
        raise CfpError("a final report needs its study file, to embed it")
    if not is_workbook(path):
        return path.name, path.read_bytes()
    from cfpreport.input.conversion import study_yaml

    number = study.report.number
    loaded = read_source(StudySource.workbook_report(path, number))
    return f"{number}.study.yaml", study_yaml(loaded.data, study.source_name).encode("utf-8")


def image_files(calculated: Calculated) -> list[tuple[str, bytes]]:
    """The study's images, named as the study writes them (relative to its folder)."""
    study = calculated.study
    written = [study.company.images.overview, study.company.images.layout]
    written += [path for product in study.products
                for path in (product.images.photo, product.images.process)]
    names = [name for name in dict.fromkeys(written) if name]
    return [(name, (study.folder / name).read_bytes()) for name in names]


# --- reading them back ----------------------------------------------------------------

@dataclass(frozen=True)
class Embedded:
    """The attachments of a final PDF, read back, with its manifest."""

    files: dict[str, bytes]
    manifest: dict[str, Any]

    @property
    def study_name(self) -> str:
        return self.manifest["study"]

    @property
    def results(self) -> dict[str, Any]:
        return json.loads(self.files[self.manifest["results"]])

    def unpack(self, folder: Path) -> Path:
        """Write the study, its images and the factor set into ``folder`` (as they lay
        beside each other); return the study file's path."""
        names = [self.manifest["study"], *self.manifest["images"], self.manifest["factors"]]
        for name in names:
            target = folder / safe_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.files[name])
        return folder / safe_name(self.manifest["study"])


def safe_name(name: str) -> Path:
    """An attachment's name as a relative path that stays inside the folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise CfpError(f"the report embeds a file named {name!r}, outside its folder: "
                       "cannot unpack it")
    return Path(*path.parts)


def read_embedded(pdf: Path) -> Embedded:
    """Read a final PDF's attachments and manifest; a PDF without them (a draft, or
    not made by cfpreport) is a CfpError saying so."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(pdf)
        attachments = reader.attachments
        files = {name: contents[-1] for name, contents in attachments.items()}
    except (OSError, PdfReadError, ValueError) as error:
        raise CfpError(f"{pdf}: cannot read it as a PDF: {error}") from None
    if MANIFEST_NAME not in files:
        raise CfpError(f"{pdf} has no embedded study: only final reports made by cfpreport "
                       f"carry one (in {MANIFEST_NAME}; a draft carries none)")
    try:
        manifest = json.loads(files[MANIFEST_NAME])
    except ValueError as error:
        raise CfpError(f"{pdf}: its {MANIFEST_NAME} is not JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise CfpError(f"{pdf}: its {MANIFEST_NAME} is not of schema {SCHEMA}")
    needed = [manifest.get("study"), *manifest.get("images", []), manifest.get("factors"),
              manifest.get("results")]
    missing = [str(name) for name in needed if name not in files]
    if missing:
        raise CfpError(f"{pdf}: the manifest names files it does not embed: "
                       f"{', '.join(missing)}")
    for name in [manifest["study"], *manifest.get("images", []), manifest["factors"]]:
        safe_name(name)  # refused now, before anything is unpacked or compared
    return Embedded(files, manifest)
