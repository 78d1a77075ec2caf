"""Read a study file: safe YAML with positions -> validated :class:`Study`.

Every problem in the file is collected and raised at once as a :class:`StudyError`,
each located as ``study.yaml:LINE:COL field.path: message``.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from cfpreport.errors import Problem, StudyError
from cfpreport.input import image_checks, limits
from cfpreport.input.dates import impossible_date_message
from cfpreport.input.scalars import FieldPath, read_as
from cfpreport.input.study import CompanyImages, ProductImages, Study
from cfpreport.input.yaml_reader import (
    STUDY_NEEDS,
    Parsed,
    Positions,
    format_path,
    locate,
    parse_yaml,
)

if TYPE_CHECKING:
    from cfpreport.input.sources import StudySource


class CellLocator(Protocol):
    """Names the cell of each problem of a study read from a workbook."""

    def located(self, problems: list[Problem]) -> list[Problem]: ...


@dataclass(frozen=True)
class LoadedStudy:
    """A parsed study (a study file, or a workbook's report): its data with the position
    of every field, its shape problems, and the validated :class:`Study` when the shape
    has none.

    Cross-field rules run on ``data`` so that they are reported in the same pass as
    the shape problems, skipping only what a shape problem makes unknowable.
    """

    path: Path
    name: str
    data: dict
    positions: Positions
    study: Study | None
    problems: list[Problem]
    cells: CellLocator | None = None  # a workbook's study: its problems' cells

    def located(self, problems: list[Problem]) -> list[Problem]:
        """The problems, each of this study's named by its place: line and column in a
        study file, the cell in a workbook (``book.xlsx!activities!D14``)."""
        return self.cells.located(problems) if self.cells else problems

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent

    def value(self, *field_path: str | int) -> Any:
        """The raw value at a path, or None when the path is not in the file."""
        value: Any = self.data
        for part in field_path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        return value

    def mappings(self, *field_path: str | int) -> list[tuple[FieldPath, dict]]:
        """The mapping items of the list at a path, each with its own path."""
        items = self.value(*field_path)
        if not isinstance(items, list):
            return []
        return [((*field_path, index), item) for index, item in enumerate(items)
                if isinstance(item, dict)]

    def problem(self, field_path: FieldPath, message: str,
                severity: Literal["error", "warning"] = "error") -> Problem:
        line, column = locate(field_path, self.positions)
        return Problem(self.name, line, column, format_path(field_path), message, severity)


def load_study(path: str | Path | StudySource) -> Study:
    """Load, parse and validate a study (a study file, a workbook's only report, or a
    :class:`~cfpreport.input.sources.StudySource`); raise StudyError listing every problem."""
    from cfpreport.input.sources import read_source  # it reads study files with this module

    loaded = read_source(path)
    problems = [*loaded.problems, *cross_field_problems(loaded), *image_problems(loaded)]
    if problems:
        raise StudyError(loaded.located(problems))
    return loaded.study


def read_study(path: str | Path) -> LoadedStudy:
    """Parse a study file and validate its shape; raise only if it cannot be parsed."""
    path = Path(path)
    text = read_text(path)
    parsed = parse_yaml(text, str(path))
    limits.refuse_beyond_limits(parsed.data, parsed.positions, str(path))  # before the work
    data, problems = read_fields(parsed, str(path))
    positions = parsed.positions
    study = None
    if not problems:
        study = Study.model_validate(data)
        study._path = path.resolve()
        study._name = str(path)
        study._positions = positions
    return LoadedStudy(path, str(path), data, positions, study, problems)


def read_text(path: Path, name: str | None = None, kind: str = "a study",
              needs: str = STUDY_NEEDS) -> str:
    """Read a study (or factor-set) file as UTF-8, with a readable error for each way
    this fails; ``kind`` and ``needs`` word the empty-file message."""
    name = name or str(path)
    if not path.is_file():
        raise StudyError.single(name, "no such file" if not path.exists() else "not a file")
    size = path.stat().st_size  # before reading: a huge file is refused unread
    if size <= limits.MAX_FILE_BYTES:
        with path.open("rb") as stream:
            raw = stream.read(limits.MAX_FILE_BYTES + 1)  # it may have grown since
        size = max(size, len(raw))
    if size > limits.MAX_FILE_BYTES:
        raise StudyError.single(name, f"file is {size} bytes; an input file is at most "
                                      f"{limits.MAX_FILE_BYTES} bytes (1 MiB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        column = len(raw[line_start: err.start].decode("utf-8-sig")) + 1  # in characters
        raise StudyError.single(
            name, f"is not UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8 "
                  "(GBK/GB2312 files must be converted)", line=line, column=column) from None
    if not text.strip():
        raise StudyError.single(name, f"is empty; {kind} needs {needs}")
    return text


def read_fields(parsed: Parsed, name: str, model: type[BaseModel] = Study,
                data: Any = None, prefix: FieldPath = ()) -> tuple[Any, list[Problem]]:
    """Read each scalar as its field expects, then validate against ``model``.

    ``data`` (default: the whole file) is the part found at ``prefix``. Returns the data
    as read and every problem, located; a scalar refused as a number is reported once,
    in plain words, not again by the model.
    """
    data, refused = read_as(model, parsed.data if data is None else data, parsed.written,
                            prefix)
    problems = [Problem(name, *locate(path, parsed.positions), format_path(path), message)
                for path, message in refused]
    refused_paths = {path for path, _ in refused}
    return data, problems + [
        problem for problem, path in validate_shape(data, parsed.positions, name, model, prefix)
        if path not in refused_paths]


def validate_shape(data: Any, positions: Positions, name: str, model: type[BaseModel] = Study,
                   prefix: FieldPath = ()) -> list[tuple[Problem, FieldPath]]:
    """Validate against a model; translate every pydantic error into a Problem (each with
    the path of the field it is about)."""
    try:
        model.model_validate(data)
    except ValidationError as err:
        return [(problem_from_pydantic(error, positions, name, model, prefix),
                 (*prefix, *error_path(error))) for error in err.errors()]
    return []


def error_path(error: dict) -> FieldPath:
    """The field path of a pydantic error, without pydantic's validator names."""
    return tuple(part for part in error["loc"] if not isinstance(part, str) or "[" not in part)


def problem_from_pydantic(error: dict, positions: Positions, name: str,
                          model: type[BaseModel] = Study, prefix: FieldPath = ()) -> Problem:
    """Locate one pydantic error of ``model`` (found at ``prefix`` in the file) and say
    it in plain words."""
    inner = error_path(error)
    loc = (*prefix, *inner)
    kind = error["type"]
    if kind == "extra_forbidden":
        line, column = locate(("#key", *loc), positions)
        allowed = allowed_keys(inner[:-1], model)
        return Problem(name, line, column, format_path(loc),
                       unknown_key_message(str(loc[-1]), allowed))
    if kind == "missing":
        line, column = locate(loc[:-1], positions)
        return Problem(name, line, column, format_path(loc), f"missing required key "
                                                             f"'{loc[-1]}'")
    line, column = locate(loc, positions)
    return Problem(name, line, column, format_path(loc), plain_message(error, loc))


def plain_message(error: dict, loc: FieldPath) -> str:
    """Rephrase a pydantic message for people who write study files."""
    kind, message = error["type"], error["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    given = error.get("input")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",")]
        what = "stage" if loc and loc[-1] == "stage" else "value"
        hint = did_you_mean(str(given), options)
        return f"unknown {what} {given!r};{hint} valid: {', '.join(options)}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        impossible = impossible_date_message(given) if isinstance(given, str) else None
        return impossible or f"{given!r} is not a date; write it as YYYY-MM-DD (e.g. 2025-02-26)"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "number"):
        return (f"{given!r} cannot be used in a file name; use letters, digits, '-', '_' "
                "and '.' only")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return f"{given!r} is not a number; {message[0].lower()}{message[1:]}"
    return message[0].lower() + message[1:] if message else kind


def unknown_key_message(key: str, allowed: list[str]) -> str:
    hint = did_you_mean(key, allowed)
    return f"unknown key '{key}';{hint} allowed here: {', '.join(allowed)}"


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" did you mean '{close[0]}'?" if close else ""


def allowed_keys(loc: FieldPath, model: type[BaseModel] = Study) -> list[str]:
    """Return the keys the model accepts at a location, by walking the model."""
    annotation: Any = model
    for part in loc:
        annotation = unwrap(annotation)
        if isinstance(part, int):
            annotation = unwrap(typing.get_args(annotation)[0] if typing.get_args(
                annotation) else annotation)
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = annotation.model_fields[part].annotation
        else:  # a dict keyed by stage: its values are the model
            args = typing.get_args(annotation)
            annotation = args[-1] if args else annotation
    annotation = unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def unwrap(annotation: Any) -> Any:
    """Strip Optional[...] from an annotation."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def cross_field_problems(loaded: LoadedStudy) -> list[Problem]:
    """Find what a single field cannot know: duplicate ids, annual basis without output.

    Works on the raw data, so it runs even when other fields have shape problems.
    """
    from cfpreport.input.uncertainty_keys import uncertainty_problems

    problems = duplicate_ids(loaded, "products", "duplicate product id '{id}' (also "
                              "products[{first}]); ids name the output files and must be unique")
    problems += uncertainty_problems(loaded)
    problems += duplicate_ids(loaded, "factors", "duplicate factor id '{id}' (also "
                              "factors[{first}])")
    for product_path, product in loaded.mappings("products"):
        if product.get("annual_output") is not None:  # given (if invalid, already reported)
            continue
        for activity_path, activity in loaded.mappings(*product_path, "activities"):
            if activity.get("basis") == "annual":
                problems.append(loaded.problem(
                    (*activity_path, "basis"),
                    "basis: annual divides by the product's annual_output, which is missing; "
                    f"add annual_output to {format_path(product_path)} or use basis: per_unit"))
    return problems


def duplicate_ids(loaded: LoadedStudy, list_key: str, message: str) -> list[Problem]:
    """One problem for each list item whose ``id`` an earlier item already has."""
    seen: dict[str, int] = {}
    problems = []
    for item_path, item in loaded.mappings(list_key):
        item_id = item.get("id")
        if not isinstance(item_id, str | int) or isinstance(item_id, bool):
            continue
        item_id = str(item_id)
        if item_id in seen:
            problems.append(loaded.problem((*item_path, "id"),
                                           message.format(id=item_id, first=seen[item_id])))
        seen.setdefault(item_id, item_path[-1])
    return problems


def image_problems(loaded: LoadedStudy) -> list[Problem]:
    """Check that every image path stays inside the study folder and exists, and that
    the file is a picture the report can use (:mod:`cfpreport.input.image_checks`)."""
    images: list[tuple[FieldPath, type[BaseModel]]] = [(("company", "images"), CompanyImages)]
    images += [((*path, "images"), ProductImages) for path, _ in loaded.mappings("products")]
    problems = []
    for images_path, model in images:
        for key in model.model_fields:
            value = loaded.value(*images_path, key)
            message = image_path_problem(loaded.folder, value) if isinstance(value, str) else None
            if isinstance(value, str) and not message:
                message = image_checks.image_problem(loaded.folder / value, value)
            if message:
                problems.append(loaded.problem((*images_path, key), message))
    return problems


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def image_path_problem(folder: Path, value: str) -> str | None:
    """Say what is wrong with an image path, or None if it is a usable file in the folder."""
    if "://" in value or value.startswith(("data:", "//")):
        return f"{value!r} is a URL; images must be files in the study's folder"
    candidate = Path(value)
    if candidate.is_absolute():
        return f"{value!r} is an absolute path; give a path relative to the study's folder"
    resolved = (folder / candidate).resolve()
    if not resolved.is_relative_to(folder.resolve()):
        return f"{value!r} leaves the study's folder; images must be inside {folder}"
    if resolved.suffix.lower() not in IMAGE_SUFFIXES:
        return f"{value!r} is not an image; use one of {', '.join(sorted(IMAGE_SUFFIXES))}"
    if not resolved.is_file():
        return f"image file {value!r} not found in {folder}"
    return None
