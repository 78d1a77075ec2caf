"""Open a study workbook and read its sheets into rows, grouped by report number.

What is wrong with the workbook itself, rather than with one report's data, is found
here, each problem at its cell: a column the sheet does not have (a typo would drop its
values), a header given twice, a value under no header, a row that says no report or a
report the ``reports`` sheet does not have (it might be any report's). Such problems
are listed with every report of the workbook, since none of them can be known complete.

Cells are read as Excel holds them (openpyxl, values only: a formula is read as the value
Excel last calculated). A cell of only spaces is empty, line breaks are ``\\n``, and a
cell that is not text keeps, besides its value, the text it reads as (``17.2348``,
``2025-02-26``, ``true``): a number in a text field is that text, as in a study file.
"""

from __future__ import annotations

import difflib
import functools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from cfpreport.errors import Problem, StudyError
from cfpreport.input import limits
from cfpreport.input.workbook.cells import cell_name
from cfpreport.input.workbook.layout import (
    BY_NAME,
    INSTRUCTIONS,
    LISTS,
    NUMBER,
    REPORTS,
    SHEETS,
    Sheet,
)

NOT_A_WORKBOOK = ("is not an Excel workbook (.xlsx){why}; save it from Excel as "
                  "\"Excel Workbook (*.xlsx)\"")


@dataclass(frozen=True)
class Cell:
    """A cell that is not empty: its value, and the text it reads as when not text."""

    value: Any
    text: str | None = None

    @property
    def as_text(self) -> str:
        return self.value.strip() if self.text is None else self.text


@dataclass(frozen=True)
class Row:
    number: int  # as Excel numbers it
    cells: dict[int, Cell]  # by column number, the cells that are not empty


@dataclass
class SheetRows:
    """One data sheet as read: where each known column is, and its rows by report."""

    sheet: Sheet
    index: int
    title: str
    columns: dict[str, int] = field(default_factory=dict)  # header -> column number
    headers: dict[int, str] = field(default_factory=dict)  # column number -> header
    rows: dict[str, list[Row]] = field(default_factory=dict)  # by report number

    def key(self, row: Row, header: str) -> Cell | None:
        column = self.columns.get(header)
        return row.cells.get(column) if column else None


@dataclass
class Book:
    """A workbook's data sheets, its report numbers in order, and its own problems.

    ``fatal``: no report can be read from it (not a workbook, no reports sheet, ...).
    """

    name: str
    sheets: dict[int, SheetRows] = field(default_factory=dict)
    reports: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False

    def at(self, rows: SheetRows, row: int | None = None, column: int | None = None,
           field_name: str = "", message: str = "") -> Problem:
        """A problem of the workbook at a cell (or at a whole sheet)."""
        where = cell_name(self.name, rows.title, rows.index, row, column)
        return Problem(where, None, None, field_name, message)


def read_book(path: Path, name: str | None = None) -> Book:
    """Read a workbook (the same file is read once while it is unchanged); raise a
    StudyError when it cannot be opened."""
    name = name or str(path)
    if not path.is_file():
        raise StudyError.single(name, "no such file" if not path.exists() else "not a file")
    stat = path.stat()
    return read_unchanged(path.resolve(), name, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def read_unchanged(path: Path, name: str, mtime_ns: int, size: int) -> Book:
    """Read a workbook; the file's time and size are part of the key of the cache."""
    refuse_large_or_packed(path, name, size)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl fails in many ways on what is not a workbook
        raise StudyError.single(name, NOT_A_WORKBOOK.format(why=f": {err}")) from None
    try:
        return read_sheets(workbook, name)
    finally:
        workbook.close()


def refuse_large_or_packed(path: Path, name: str, size: int) -> None:
    """Refuse a workbook too large, or that unpacks to too much, before opening it."""
    if size > limits.MAX_WORKBOOK_BYTES:
        raise StudyError.single(name, f"the workbook is {size} bytes; a workbook is at most "
                                      f"{limits.MAX_WORKBOOK_BYTES} bytes (split it)")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise StudyError.single(name, NOT_A_WORKBOOK.format(why="")) from None
    if unpacked > limits.MAX_WORKBOOK_UNPACKED_BYTES:
        raise StudyError.single(name, f"the workbook unpacks to {unpacked} bytes; a workbook "
                                      f"unpacks to at most {limits.MAX_WORKBOOK_UNPACKED_BYTES}")


def read_sheets(workbook: Any, name: str) -> Book:
    """Read every data sheet, then check which report each row belongs to."""
    book = Book(name)
    titles = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    for index, sheet in enumerate(SHEETS):
        worksheet = titles.get(sheet.name)
        if worksheet is not None:
            worksheet.reset_dimensions()  # some writers record wrong ones; read every row
            book.sheets[index] = read_sheet(book, sheet, index, worksheet)
    book.problems += misspelt_sheets(book, [ws.title for ws in workbook.worksheets])
    reports = book.sheets.get(0)
    if reports is None:
        book.fatal = True
        book.problems.append(Problem(name, None, None, "", "has no sheet 'reports' (one row "
                                                            "per report); `cfpreport template` "
                                                            "writes a workbook to start from"))
        return book
    place_rows(book)
    if not book.reports and not book.fatal:
        book.fatal = True
        book.problems.append(book.at(reports, 2, 1, NUMBER, "no reports: fill in one row per "
                                                            "report, from row 2"))
    return book


def read_sheet(book: Book, sheet: Sheet, index: int, worksheet: Any) -> SheetRows:
    """Read a sheet's header (row 1) and its rows; note the header's problems."""
    rows = SheetRows(sheet, index, worksheet.title)
    lines = worksheet.iter_rows(values_only=True)
    header = next(lines, ())
    for column, value in enumerate(header, start=1):
        text = str(value).strip() if value is not None else ""
        if text:
            book.problems += header_problems(book, rows, column, text)
    unlabelled: set[int] = set()
    for number, values in enumerate(lines, start=2):
        cells = {column: cell for column, value in enumerate(values, start=1)
                 if (cell := read_cell(value)) is not None}
        for column in sorted(set(cells) - set(rows.headers) - unlabelled):
            unlabelled.add(column)
            book.problems.append(book.at(rows, number, column, "", (
                "a value in a column without a header; give the column a header (a "
                "study-file key, see the instructions sheet) or clear it")))
        if cells:
            rows.rows.setdefault("", []).append(Row(number, cells))
    return rows


def header_problems(book: Book, rows: SheetRows, column: int, text: str) -> list[Problem]:
    """Take a header cell as a column of the sheet, or say why it cannot be one."""
    rows.headers[column] = text
    if text in rows.columns:
        return [book.at(rows, 1, column, text, f"a second column {text!r}; each column may "
                                               "appear once")]
    if text in rows.sheet.by_header:
        rows.columns[text] = column
        return []
    known = list(rows.sheet.by_header)
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
    hint = f" did you mean {close[0]!r}?" if close else ""
    return [book.at(rows, 1, column, text, (
        f"unknown column {text!r};{hint} the {rows.sheet.name} sheet's columns are "
        f"{', '.join(known)}"))]


def misspelt_sheets(book: Book, titles: list[str]) -> list[Problem]:
    """A sheet whose name is close to a data sheet the workbook lacks is not read: say so."""
    missing = [sheet.name for index, sheet in enumerate(SHEETS) if index not in book.sheets]
    problems = []
    for title in titles:
        if title.strip().lower() in (*BY_NAME, INSTRUCTIONS, LISTS):
            continue
        close = difflib.get_close_matches(title.strip().lower(), missing, n=1, cutoff=0.75)
        if close:
            problems.append(Problem(f"{book.name}!{title}", None, None, "", (
                f"this sheet is not read: did you mean {close[0]!r}? (sheet names are "
                f"{', '.join(BY_NAME)})")))
    return problems


def place_rows(book: Book) -> None:
    """Group every sheet's rows by report number; note rows that name no report."""
    for rows in book.sheets.values():
        if NUMBER not in rows.columns:
            book.problems.append(book.at(rows, 1, 1, NUMBER, (
                f"the {rows.sheet.name} sheet has no column {NUMBER!r}; it says which "
                "report each row is for")))
            book.fatal |= rows.sheet is REPORTS
            rows.rows = {}
        for column in rows.sheet.keys:
            if column.header != NUMBER and column.header not in rows.columns:
                book.problems.append(book.at(rows, 1, 1, column.header, (
                    f"the {rows.sheet.name} sheet has no column {column.header!r}; its rows "
                    "cannot be read without it")))
    if book.fatal:
        return
    numbers = book.sheets[0].rows.pop("", [])
    for row in numbers:
        number = report_number(book, book.sheets[0], row)
        if number is not None:
            book.reports.append(number)
            book.sheets[0].rows[number] = [row]
    for index, rows in book.sheets.items():
        if index == 0:
            continue
        for row in rows.rows.pop("", []):
            number = report_number(book, rows, row)
            if number is not None:
                rows.rows.setdefault(number, []).append(row)


def report_number(book: Book, rows: SheetRows, row: Row) -> str | None:
    """The report a row is for, or None (and a problem) if it names none, or (in the
    reports sheet) one named before."""
    column = rows.columns[NUMBER]
    cell = row.cells.get(column)
    if cell is None:
        book.problems.append(book.at(rows, row.number, column, NUMBER, (
            "is empty; every row says which report it is for")))
        return None
    number = cell.as_text
    if rows.index == 0 and number in book.sheets[0].rows:
        first = book.sheets[0].rows[number][0].number
        book.problems.append(book.at(rows, row.number, column, NUMBER, (
            f"report {number} has row {first} already; a report has one row here")))
        return None
    if rows.index != 0 and number not in book.sheets[0].rows:
        close = difflib.get_close_matches(number, book.reports, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        book.problems.append(book.at(rows, row.number, column, NUMBER, (
            f"no report {number!r} in the reports sheet{hint}")))
        return None
    return number


NEWLINES = re.compile(r"\r\n?")


def read_cell(value: Any) -> Cell | None:
    """A cell's value as the fields read it, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = NEWLINES.sub("\n", value)
        return Cell(text) if text.strip() else None
    if isinstance(value, bool):
        return Cell(value, "true" if value else "false")
    if isinstance(value, datetime):
        if value.time() == time(0):
            return Cell(value.date(), value.date().isoformat())
        return Cell(value, value.isoformat(sep=" "))
    if isinstance(value, date):
        return Cell(value, value.isoformat())
    if isinstance(value, int):
        return Cell(value, str(value))
    if isinstance(value, float):
        return Cell(value, repr(value))  # the shortest text that reads back as the value
    return Cell(str(value))  # a time or a duration: text, which the field refuses if need be
