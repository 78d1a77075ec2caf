"""Plain YAML scalars read as the field they fill expects, not as YAML 1.1 guesses.

PyYAML reads YAML 1.1, which guesses a type for every unquoted scalar: ``yes`` is
true, ``1:30`` is 90, ``0x1F`` is 31, ``017`` is 15, ``1_000`` is 1000 and ``.inf`` is
infinity. People write study files, so the model's type of each field decides
instead (README, "Numbers"):

* a number field (``float``/``int``) takes a decimal number as a person writes it
  (``12``, ``-3``, ``0.15``, ``1e6``, ``1.5E-3``; whole fields only ``12``); anything
  else is a problem that says what to write;
* a text field (``str`` and choices among words) takes the text exactly as written:
  a product named ``no`` or a model ``1:30`` keeps those characters;
* a true/false field takes ``true``/``false`` (and YAML's ``yes``/``no``, ``on``/``off``);
* a date field takes a date written YYYY-MM-DD, never a number (pydantic would read
  ``issued: 0`` as 1970-01-01) nor a date with a time; a date known to the month or
  year (``published``) gets its text (``2025``, not hex ``0x7E9``), which the model reads.

Fields of other types keep what YAML built; the model checks them.
"""

from __future__ import annotations

import functools
import math
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from cfpreport.input.dates import PartialDate

FieldPath = tuple[str | int, ...]
#: The text of each plain scalar YAML 1.1 read as something other than text.
Written = dict[FieldPath, str]
Refused = list[tuple[FieldPath, str]]
R = TypeVar("R")
Kind = Literal["number", "whole", "bool", "text", "date", "partial_date", "other"]

# ASCII digits only: Python's \d and float() also take １２ and other scripts' digits.
DECIMAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
WHOLE = re.compile(r"[-+]?\d+", re.ASCII)
GROUPED = re.compile(r"[-+]?\d{1,3}(?:[,_]\d{3})+(?:\.\d*)?", re.ASCII)  # 1,234 or 1_000
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}", re.ASCII)  # a real date or not, the model says
NOT_FINITE = re.compile(r"[-+]?\.?(?:inf|infinity|nan)", re.IGNORECASE)
BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
MAX_WHOLE_DIGITS = 15  # every whole field is small; this keeps int() off huge text
HINTS = {"number": "write a decimal number such as 0.15",
         "whole": "write a whole number such as 4",
         "bool": "write true or false",
         "date": "write it as YYYY-MM-DD (e.g. 2025-02-26)",
         "partial_date": "write YYYY-MM-DD, YYYY-MM (month known) or YYYY (year known)"}


def read_as(model: type[BaseModel], data: Any, written: Written, prefix: FieldPath = ()
            ) -> tuple[Any, Refused]:
    """Read every scalar of ``data`` as the field of ``model`` it fills.

    Returns the data with numbers, text and true/false as the fields expect, and the
    path and message of every scalar refused. A refused scalar is left as its written
    text, so the model's own check of that field fails too (callers drop that error,
    it says the same less plainly).
    """
    refused: Refused = []
    return fields_of(data, model, prefix, written, refused), refused


def fields_of(value: Any, annotation: Any, path: FieldPath, written: Written,
              refused: Refused) -> Any:
    """Walk ``value`` along its annotation; convert each scalar by its field's kind."""
    optional, annotation = split_optional(annotation)
    if isinstance(value, dict):
        return {key: fields_of(item, member(annotation, key), (*path, key), written, refused)
                for key, item in value.items()}
    if isinstance(value, list):
        args = typing.get_args(annotation) if typing.get_origin(annotation) is list else ()
        return [fields_of(item, args[0] if args else Any, (*path, index), written, refused)
                for index, item in enumerate(value)]
    kind = field_kind(annotation)
    if kind == "other":
        return value
    if value is None:
        if not optional and kind != "text":
            refused.append((path, f"is empty; {HINTS[kind]}"))
        return None
    text = written.get(path, value if isinstance(value, str) else None)
    if text is None:  # not from YAML (a default merged in by the caller): already typed
        return value
    if kind == "text":
        return text
    if kind == "partial_date":  # the date YAML built, else the text: PartialDate reads it
        return value if isinstance(value, date) else text
    result, message = read_scalar(kind, value, text)
    if message:
        refused.append((path, message))
        return text
    return result


def read_scalar(kind: Kind, value: Any, text: str) -> tuple[Any, str | None]:
    """The value a field of this kind takes from a scalar, or the message refusing it."""
    if kind == "bool":
        return read_bool(text)
    if kind == "date":
        return read_date(value, text)
    return read_number(text, kind)


def read_date(value: Any, text: str) -> tuple[Any, str | None]:
    """A date YAML built (not a date and time), or text written as one: the model tells
    a real date from 2025-02-30."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value, None
    if isinstance(value, str) and DATE.fullmatch(text.strip()):
        return value, None
    return None, f"{quoted(text)} is not a date; {HINTS['date']}"


def read_number(text: str, kind: Kind) -> tuple[float | int | None, str | None]:
    """A decimal number as a person writes it, or the message that refuses the text."""
    written = text.strip()
    if kind == "whole" and WHOLE.fullmatch(written):
        if len(written.lstrip("+-")) > MAX_WHOLE_DIGITS:
            return None, f"{quoted(text)} is too large; {HINTS[kind]}"
        return int(written), None
    if kind == "number" and DECIMAL.fullmatch(written):
        number = float(written)
        if not math.isfinite(number):
            return None, f"{quoted(text)} is too large for a number; {HINTS[kind]}"
        return number, None
    return None, number_refusal(text, kind)


def number_refusal(text: str, kind: Kind) -> str:
    """Say what is wrong with text that is not a number of this kind."""
    written = text.strip()
    if GROUPED.fullmatch(written):
        plain = written.replace(",", "").replace("_", "")
        return (f"{quoted(text)} has digit separators; write the number without them, "
                f"as {plain}")
    if NOT_FINITE.fullmatch(written):
        return f"{quoted(text)} is not a finite number; {HINTS[kind]}"
    if kind == "whole" and DECIMAL.fullmatch(written):
        return f"{quoted(text)} is not a whole number; {HINTS[kind]}"
    return f"{quoted(text)} is not a number; {HINTS[kind]}"


def read_bool(text: str) -> tuple[bool | None, str | None]:
    answer = BOOLEANS.get(text.strip().lower())
    if answer is None:
        return None, f"{quoted(text)} is not true or false; {HINTS['bool']}"
    return answer, None


def quoted(text: str, limit: int = 40) -> str:
    """The text as a message quotes it, cut short: a hostile 1 MB value is not echoed."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def per_annotation(function: Callable[..., R]) -> Callable[..., R]:
    """Remember a function of a field's annotation: a model's few annotations are asked
    about once per value of a file (thousands of times). An unhashable one is not kept."""
    remembered = functools.lru_cache(maxsize=1024)(function)

    @functools.wraps(function)
    def cached(*args: Any) -> R:
        try:
            return remembered(*args)
        except TypeError:  # unhashable
            return function(*args)
    return cached


@per_annotation
def field_kind(annotation: Any) -> Kind:
    """How a scalar of a field with this (non-optional) annotation is read."""
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "whole"
    if annotation is float:
        return "number"
    if annotation is str:
        return "text"
    if annotation is date:
        return "date"
    if annotation is PartialDate:
        return "partial_date"
    if typing.get_origin(annotation) is Literal and all(
            isinstance(choice, str) for choice in typing.get_args(annotation)):
        return "text"
    return "other"


@per_annotation
def split_optional(annotation: Any) -> tuple[bool, Any]:
    """(whether None is allowed, the annotation without None and without Annotated[...]
    metadata such as range validators)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return split_optional(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:  # X | None
            return True, split_optional(members[0])[1]
        return len(members) < len(typing.get_args(annotation)), annotation
    return False, annotation


def member(annotation: Any, key: str) -> Any:
    """The annotation of ``key`` in a model or a dict; Any when unknown (the model says)."""
    fields, other = members(annotation)
    return fields.get(key, other)


@per_annotation
def members(annotation: Any) -> tuple[dict[str, Any], Any]:
    """The annotation of each field of a model, and that of any other key: a dict's
    values, or Any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: field.annotation for name, field in annotation.model_fields.items()}, Any
    if typing.get_origin(annotation) is dict:
        return {}, typing.get_args(annotation)[1]
    return {}, Any
