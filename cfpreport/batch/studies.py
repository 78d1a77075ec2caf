"""The study files of a batch: the files named, and those found in the folders named."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cfpreport.errors import CfpError

#: The name a study file has when it is found in a folder (named files may have any name).
STUDY_FILE = "study.yaml"


def find_studies(paths: Iterable[str | Path]) -> list[Path]:
    """Each study file named, and each ``study.yaml`` below each folder named (in name
    order), each once, in the order given."""
    found: dict[Path, Path] = {}
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(path.rglob(STUDY_FILE), key=lambda p: p.parts)
            if not inside:
                raise CfpError(f"{path}: no {STUDY_FILE} in this folder or below it")
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            raise CfpError(f"{path}: Excel workbooks are not read by this version; convert "
                           "it to study files first")
        elif path.exists():
            inside = [path]
        else:
            raise CfpError(f"{path}: no such file or folder")
        for study in inside:
            found.setdefault(study.resolve(), study)
    return list(found.values())
