"""`cfpreport convert` and `cfpreport template`: studies between YAML files and workbooks.

``convert`` reads its inputs as ``validate`` does its first step (the study files, each
report of the workbooks; every shape problem is listed, none converted), then writes
either one workbook (an output ending in ``.xlsx``) or a folder holding, for each report
number, ``NUMBER/study.yaml``. Either way the written studies read as the same studies:
the same fields and values, in study-file order (comments are not carried over). The
files are written whole or not at all: nothing is written if one of them exists (unless
``force``), and each file is written to a temporary file first, then renamed.

Paths in a study (images, a factor-set file, a house style) are relative to its file's
folder; when the written file is in another folder, a note names them, so that they can
be copied beside it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cfpreport.calculation.factors import is_set_file
from cfpreport.calculation.stages import STAGES
from cfpreport.errors import OutputError, OutputExistsError, Problem, StudyError
from cfpreport.input.loading import LoadedStudy
from cfpreport.input.scalars import member, members, split_optional
from cfpreport.input.sources import StudySource, find_studies, is_workbook, read_source
from cfpreport.input.study import Study
from cfpreport.output import make_folder, reason, remove_empty_folders, write_file

STUDY_FILE = "study.yaml"
XLSX = ".xlsx"  # what is written; .xlsm (with macros) is read too
TOP_LEVEL_KEY = re.compile(r"\n(?=\w)")
HEADER = """\
# Study {number}, written by `cfpreport convert` from {origin}.
# Paths in it (images, a factor-set file, a house style) are relative to this file's folder.
"""


@dataclass
class Converted:
    """What a conversion wrote, from which studies, and what to tell the user."""

    files: list[Path] = field(default_factory=list)
    studies: list[StudySource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_template(path: str | Path, force: bool = False) -> Path:
    """Write an empty study workbook (the instructions, the sheets, the lists)."""
    from cfpreport.input.workbook.writing import workbook_bytes

    path = Path(path)
    refuse_other_suffix(path)
    write_whole({path: workbook_bytes()}, force)
    return path


def convert_studies(inputs: Sequence[str | Path], output: str | Path,
                    force: bool = False) -> Converted:
    """Write the studies of ``inputs`` into one workbook (``output`` ends in .xlsx) or
    as ``output/NUMBER/study.yaml``; raise StudyError listing every shape problem."""
    output = Path(output)
    sources = find_studies(inputs)
    loaded = read_all(sources)
    numbers = report_numbers(loaded)
    done = Converted(studies=sources)
    if output.suffix.lower() == XLSX:
        from cfpreport.input.workbook.writing import workbook_bytes

        files = {output: workbook_bytes([study.data for study in loaded])}
        folders = [output.parent] * len(loaded)
    else:
        refuse_other_suffix(output, folder=True)
        files = {output / number / STUDY_FILE: study_yaml(study.data, study.name).encode()
                 for number, study in zip(numbers, loaded, strict=True)}
        folders = [path.parent for path in files]
    for study, folder in zip(loaded, folders, strict=True):
        done.notes += relative_path_notes(study, folder)
    write_whole(files, force)
    done.files = list(files)
    return done


def read_all(sources: list[StudySource]) -> list[LoadedStudy]:
    """Read every study; raise one StudyError with the shape problems of all of them."""
    loaded, problems = [], []
    for source in sources:
        try:
            study = read_source(source)
        except StudyError as err:
            problems += err.problems
            continue
        problems += study.located(study.problems)
        loaded.append(study)
    if problems:
        raise StudyError(problems)
    return loaded


def report_numbers(loaded: list[LoadedStudy]) -> list[str]:
    """Each study's report number; raise if two studies have the same one."""
    seen: dict[str, str] = {}
    problems = []
    for study in loaded:
        number = study.study.report.number
        if number in seen:
            problems.append(Problem(study.name, None, None, "report.number", (
                f"report {number} is also {seen[number]}; each converted study needs its own "
                "report number")))
        seen.setdefault(number, study.name)
    if problems:
        raise StudyError(problems)
    return list(seen)


def refuse_other_suffix(path: Path, folder: bool = False) -> None:
    """Refuse an output named like a file of another kind than the one written."""
    if folder and (path.suffix.lower() in (".yaml", ".yml") or is_workbook(path)
                   or path.is_file()):
        raise OutputError(f"{path}: give a folder (each study is written as "
                          f"FOLDER/NUMBER/{STUDY_FILE}) or a workbook ending in {XLSX}")
    if not folder and path.suffix.lower() != XLSX:
        raise OutputError(f"{path}: a workbook's name ends in {XLSX}")


def relative_path_notes(study: LoadedStudy, folder: Path) -> list[str]:
    """Say which paths of a study now resolve in another folder, if any."""
    if folder.resolve() == study.folder:
        return []
    paths = relative_paths(study.study)
    if not paths:
        return []
    return [f"{study.name}: {', '.join(paths)}: relative to {study.folder}, but the written "
            f"study reads them in {folder}; copy them there"]


def relative_paths(study: Study) -> list[str]:
    images = [study.company.images.overview, study.company.images.layout]
    images += [path for product in study.products
               for path in (product.images.photo, product.images.process)]
    found = [path for path in images if path]
    if is_set_file(study.study.factor_set):
        found.append(study.study.factor_set)
    if study.report.style:
        found.append(study.report.style)
    return list(dict.fromkeys(found))


# --- writing files whole ---------------------------------------------------------------

def write_whole(files: dict[Path, bytes], force: bool = False) -> None:
    """Write every file, or none: refuse existing files (unless ``force``), write each
    to a temporary file beside it, then rename them all."""
    existing = [path for path in files if path.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputExistsError(f"{existing[0]} exists{more}; nothing written (pass --force "
                                "to replace)")
    made: list[tuple[Path, Path]] = []
    staged: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            top = make_folder(path.parent)
            if top is not None:
                made.append((top, path.parent))
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            staged[path] = temporary
            write_file(temporary, data)
        for path, temporary in staged.items():
            os.replace(temporary, path)
    except BaseException as error:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        for top, folder in reversed(made):
            remove_empty_folders(top, folder)
        if isinstance(error, OSError):
            where = error.filename or next(iter(files))
            raise OutputError(f"cannot write {where}: {reason(error)}") from None
        raise


# --- a study as YAML --------------------------------------------------------------------

def study_yaml(data: dict, origin: str) -> str:
    """A study's data as a study file: keys in study-file order, records of one-line
    values on one line, texts of several lines as literal blocks."""
    number = (data.get("report") or {}).get("number", "")
    document = styled(in_study_order(data, Study))
    body = yaml.dump(document, Dumper=StudyDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)
    body = TOP_LEVEL_KEY.sub("\n\n", body)  # a blank line before report:, company:, ...
    return HEADER.format(number=number, origin=origin) + "\n" + body


def in_study_order(value: Any, annotation: Any) -> Any:
    """The data with each mapping's keys in the model's order (stages in life-cycle
    order), values that are None left out."""
    _, annotation = split_optional(annotation)
    if isinstance(value, dict):
        fields, _ = members(annotation)
        rank = {name: index for index, name in enumerate([*fields, *STAGES])}
        keys = sorted(value, key=lambda key: rank.get(key, len(rank)))
        return {key: in_study_order(value[key], member(annotation, key)) for key in keys
                if value[key] is not None}
    if isinstance(value, list):
        args = getattr(annotation, "__args__", None) or (Any,)
        return [in_study_order(item, args[0]) for item in value]
    return value


class Flow(dict):
    """A mapping written on one line: ``{stage: production, amount: 12, unit: kWh}``."""


def styled(value: Any) -> Any:
    """Mark the records whose values are all short one-line scalars to be written on a
    line of their own."""
    if isinstance(value, list):
        return [styled(item) for item in value]
    if not isinstance(value, dict):
        return value
    scalars = all(isinstance(item, str | int | float | date) and "\n" not in str(item)
                  for item in value.values())
    if scalars and sum(len(str(key)) + len(str(item)) + 4 for key, item in value.items()) <= 200:
        return Flow(value)
    return {key: styled(item) for key, item in value.items()}


class StudyDumper(yaml.SafeDumper):
    """Block style with lists indented under their key, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text,
                                   style="|" if "\n" in text else None)


def represent_number(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    """A float as its shortest text (28022, 0.357, 1.0e-05): it reads back the same."""
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if exponent and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


StudyDumper.add_representer(str, represent_text)
StudyDumper.add_representer(float, represent_number)
StudyDumper.add_representer(Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
