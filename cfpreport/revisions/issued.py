"""Read an issued report: its results JSON, or a final PDF with its data embedded.

A final PDF made by cfpreport embeds (PDF ``/EmbeddedFiles``) ``cfpreport-manifest.json``
(``cfpreport.attachments/1``: the names of the study file, its images, the factor set
file and the results JSON) and each file it names, bytes unchanged. :func:`read_issued`
reads either kind of file; :func:`read_results` only the results, for a revision's
``report.previous`` and for ``cfpreport diff``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cfpreport.errors import CfpError

RESULTS_SCHEMA = "cfpreport.results/1"


@dataclass(frozen=True)
class Issued:
    """An issued report as its file holds it: the results always; from a final PDF also
    the study file, its images and the factor set, bytes unchanged."""

    path: Path
    results: dict[str, Any]
    study_name: str | None = None
    study: bytes | None = None
    images: dict[str, bytes] = field(default_factory=dict)  # relative to the study folder
    factors_name: str | None = None
    factors: bytes | None = None
    results_name: str | None = None  # the results JSON's own name and bytes, from a PDF
    results_bytes: bytes | None = None


def read_issued(path: str | Path) -> Issued:
    """Read an issued report's results JSON or final PDF; a CfpError of one line when it
    is missing, not such a file, or a PDF with no embedded study."""
    path = Path(path)
    if not path.is_file():
        raise CfpError(f"{path}: no such file")
    if path.suffix.lower() == ".pdf":
        return read_pdf(path)
    return Issued(path, results_of(path, path.read_bytes()))


def read_results(path: str | Path) -> dict[str, Any]:
    """The results document of an issued report (JSON or final PDF)."""
    return read_issued(path).results


def results_of(path: Path, data: bytes, inside: str = "") -> dict[str, Any]:
    """Parse a results JSON; say where it came from if it is not one."""
    where = f"{path}{f' ({inside})' if inside else ''}"
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise CfpError(f"{where}: not a results JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != RESULTS_SCHEMA:
        raise CfpError(f"{where}: not a results JSON (schema {RESULTS_SCHEMA}, as "
                       "`build -f json` writes it)")
    return document


def read_pdf(path: Path) -> Issued:
    """The embedded files of a final PDF, as its manifest names them (read by
    :func:`cfpreport.final.attachments.read_embedded`, which signing and verify use too)."""
    from cfpreport.final.attachments import read_embedded

    embedded = read_embedded(path)
    files, manifest = embedded.files, embedded.manifest
    images = manifest.get("images") or []
    return Issued(path, results_of(path, files[manifest["results"]], manifest["results"]),
                  manifest["study"], files[manifest["study"]],
                  {name: files[name] for name in images}, manifest["factors"],
                  files[manifest["factors"]], manifest["results"], files[manifest["results"]])


def inside_folder(path: Path, name: str) -> PurePosixPath:
    """An embedded file's name as a relative path that stays inside a folder."""
    relative = PurePosixPath(str(name).replace("\\", "/"))
    if not relative.parts or relative.is_absolute() or ".." in relative.parts:
        raise CfpError(f"{path}: embeds a file named {name!r}, outside its folder; "
                       "refused")
    return relative
