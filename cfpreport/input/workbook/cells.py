"""Which cell a problem of a workbook's study is in: ``book.xlsx!activities!D14 amount: ...``.

A study read from a workbook goes through the same checks as a study file, and those
locate each problem by the position of its field. A workbook study's positions are its
cells, coded as ``(sheet * ROWS + row, column)``; :meth:`CellMap.located` turns each
problem of the study into one named by its cell, the field said relative to what the
row is (``amount``, not ``products[0].activities[12].amount``), and "missing key" said
in a workbook's words. A field the sheet has a column for is named at its own cell,
empty or not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from cfpreport.errors import Problem
from cfpreport.input.scalars import FieldPath
from cfpreport.input.yaml_reader import format_path

#: More rows than a sheet can have (Excel: 1 048 576), so a position codes its sheet.
ROWS = 1 << 21
MISSING = "missing required key "
#: The fields whose items are the rows of another sheet.
ROWS_OF = {"products": "products", "activities": "activities", "report.team": "team",
           "factors": "factors", "study.stages": "stages"}


def position(sheet: int, row: int, column: int) -> tuple[int, int]:
    """The position of a cell, as the checks carry it: (sheet * ROWS + row, column)."""
    return sheet * ROWS + row, column


def column_letter(column: int) -> str:
    """Excel's name of a column: 1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class CellName(str):
    """A workbook cell named for people, ``book.xlsx!activities!D14``, that sorts by
    workbook, sheet, row and column (D9 before D14), so problems list in sheet order."""

    order: tuple = ()

    def __new__(cls, text: str, order: tuple = ()) -> CellName:
        name = super().__new__(cls, text)
        name.order = order
        return name

    def __lt__(self, other: object) -> bool:
        if isinstance(other, CellName) and self.order and other.order:
            return self.order < other.order
        return str.__lt__(self, other)


def cell_name(book: str, title: str, sheet: int, row: int | None = None,
              column: int | None = None) -> CellName:
    """``book.xlsx!activities!D14`` (or ``book.xlsx!activities`` for a whole sheet)."""
    if row is None:
        return CellName(f"{book}!{title}", (book, sheet, 0, 0))
    return CellName(f"{book}!{title}!{column_letter(column)}{row}", (book, sheet, row, column))


@dataclass
class CellMap:
    """The cells of one report's rows: which record each row is, each column's header,
    and the cell of every field its sheets have a column for (given or empty)."""

    book: str  # the workbook as the user named it
    name: str  # the study's name, which its problems carry
    titles: dict[int, str] = field(default_factory=dict)  # sheet index -> its title
    records: dict[tuple[int, int], FieldPath] = field(default_factory=dict)  # (sheet, row)
    headers: dict[tuple[int, int], str] = field(default_factory=dict)  # (sheet, column)
    nouns: dict[int, str] = field(default_factory=dict)  # sheet -> what a row is
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> position

    def located(self, problems: list[Problem]) -> list[Problem]:
        """The problems, each of this study's named by its cell."""
        return [self.at_cell(problem) for problem in problems]

    def at_cell(self, problem: Problem) -> Problem:
        if problem.file != self.name or problem.line is None:
            return problem
        exact = problem.field in self.fields
        line, column = self.fields.get(problem.field, (problem.line, problem.column or 1))
        sheet, row = divmod(line, ROWS)
        record = self.records.get((sheet, row))
        label = self.label(problem.field, record, sheet)
        message = problem.message
        if message.startswith(MISSING):
            message = self.missing(label, sheet, exact)
        return dataclasses.replace(
            problem, file=cell_name(self.book, self.titles[sheet], sheet, row, column),
            line=None, column=None, field=label, message=message)

    def label(self, field_path: str, record: FieldPath | None, sheet: int) -> str:
        """The field as its sheet names it: relative to the row's record."""
        if record is None or not record:
            return field_path
        prefix = format_path(record)
        if field_path == prefix:
            return self.nouns[sheet]
        if field_path.startswith(prefix + "."):
            return field_path[len(prefix) + 1:]
        return field_path

    def missing(self, label: str, sheet: int, has_cell: bool) -> str:
        """Say in a workbook's words that a required field is not given."""
        if has_cell:
            return "is required, but the cell is empty"
        if label in ROWS_OF:
            return f"is required: there are no rows for it in the {ROWS_OF[label]} sheet"
        inside = sorted(header for (index, _), header in self.headers.items()
                        if index == sheet and header.startswith(label + "."))
        if inside:
            return f"is required: fill in {', '.join(inside)}"
        return f"is required, but the {self.titles[sheet]} sheet has no column {label!r}"
