"""The sheets of a study workbook and their columns, derived from the study model.

A column's header is the key path of a study-file field, dotted and relative to what one
row is (``company.contact.phone`` in ``reports``, ``amount`` in ``activities``). The data
columns of each sheet are the model's scalar fields (and lists of texts, one item per
line of a cell) in study-file order, so a key added to the study file is a column at
once; lists of records and the stages mapping are sheets of their own. Besides its data
columns, every sheet but ``reports`` has key columns that place a row: ``report.number``
(which report), ``product`` (activities: which product) and ``stage`` (stages).
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from cfpreport.input.scalars import FieldPath, field_kind, split_optional
from cfpreport.input.study import Activity, Product, StageScope, Study, StudyFactor, TeamMember
from cfpreport.input.text_checks import LIMITS, PARAGRAPHS, STATEMENT, TextKind

Kind = Literal["text", "number", "whole", "bool", "date", "partial_date", "choice", "list",
               "key"]

NUMBER = "report.number"


@dataclass(frozen=True)
class Column:
    """One column: its header, the field it fills (relative to the row's record; empty
    for a key column), how its cells are read, and what the template offers."""

    header: str
    path: FieldPath
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()  # a Literal's words: a cell must be one of them
    text: TextKind = STATEMENT  # for a text: how long it may be, whether one line

    @property
    def is_key(self) -> bool:
        return self.kind == "key"


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, what a row is (``noun``, for messages) and the model of a row."""

    name: str
    noun: str
    model: type[BaseModel]
    pattern: str = ""  # how text_checks.LIMITS names this sheet's fields: "products[]."
    first: tuple[str, ...] = ()  # data columns that lead, in this order
    keys: tuple[Column, ...] = ()

    @functools.cached_property
    def columns(self) -> tuple[Column, ...]:
        """The key columns, then the data columns (those of ``first`` leading)."""
        fields = data_columns(self.model, (), self.pattern)
        order = {header: rank for rank, header in enumerate(self.first)}
        fields.sort(key=lambda column: order.get(column.header, len(order)))
        return (*self.keys, *fields)

    @functools.cached_property
    def by_header(self) -> dict[str, Column]:
        return {column.header: column for column in self.columns}


def key(header: str) -> Column:
    """A column that places a row (which report, product or stage) rather than fill a field."""
    return Column(header, (), "key", required=True, text=TextKind(64, True, "a key"))


REPORTS = Sheet("reports", "report", Study)
TEAM = Sheet("team", "team member", TeamMember, "report.team[].", keys=(key(NUMBER),))
STAGES = Sheet("stages", "stage", StageScope, "study.stages.",
               keys=(key(NUMBER), key("stage")))
PRODUCTS = Sheet("products", "product", Product, "products[].", keys=(key(NUMBER),))
# Amount and unit early, as people read a row: "production, 28022 kWh of electricity".
ACTIVITIES = Sheet("activities", "activity", Activity, "products[].activities[].",
                   first=("stage", "amount", "unit", "factor", "gas", "basis", "data_type",
                          "source", "label", "note"),
                   keys=(key(NUMBER), key("product")))
FACTORS = Sheet("factors", "factor", StudyFactor, "factors[].", keys=(key(NUMBER),))

#: The data sheets in workbook order; a sheet's index in this tuple identifies it.
SHEETS: tuple[Sheet, ...] = (REPORTS, TEAM, STAGES, PRODUCTS, ACTIVITIES, FACTORS)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
#: Sheets cfpreport writes for people and for the drop-down lists; never read as data.
INSTRUCTIONS, LISTS = "instructions", "lists"


def data_columns(model: type[BaseModel], prefix: FieldPath, pattern: str,
                 required: bool = True) -> list[Column]:
    """The scalar fields (and lists of texts) of a model, nested models flattened."""
    columns = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        _, annotation = split_optional(field.annotation)
        needed = required and field.is_required()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            columns += data_columns(annotation, path, pattern, needed)
            continue
        kind = column_kind(annotation)
        if kind is None:  # a list of records or the stages mapping: a sheet of its own
            continue
        header = ".".join(path)
        choices = typing.get_args(annotation) if kind == "choice" else ()
        text = LIMITS.get(pattern + header + ("[]" if kind == "list" else ""), STATEMENT)
        columns.append(Column(header, path, kind, needed, choices, text))
    return columns


def column_kind(annotation: Any) -> Kind | None:
    """How a cell of a field with this annotation is read; None for a field that is not
    a column (lists of records, mappings)."""
    if typing.get_origin(annotation) is list:
        return "list" if typing.get_args(annotation) == (str,) else None
    if typing.get_origin(annotation) is dict:
        return None
    kind = field_kind(annotation)
    if kind == "text" and annotation is not str:
        return "choice"
    return "text" if kind == "other" else kind


def is_paragraphs(column: Column) -> bool:
    return column.text is PARAGRAPHS
