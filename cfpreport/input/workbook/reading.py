"""One report of a workbook -> the data a study file gives, checked as a study file is.

The report's row of ``reports`` and its rows of the other sheets are assembled into the
same nested data the YAML reader yields, each field at the position of its cell; then
the study file's own steps run on it (limits, characters, each field read as its type,
the model), and every problem they find is named by its cell
(:mod:`cfpreport.input.workbook.cells`).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from cfpreport.errors import Problem, StudyError
from cfpreport.input import limits, text_checks
from cfpreport.input.loading import LoadedStudy, read_fields
from cfpreport.input.scalars import FieldPath, Written
from cfpreport.input.study import Study
from cfpreport.input.workbook.book import Book, Cell, Row, SheetRows, read_book
from cfpreport.input.workbook.cells import CellMap, position
from cfpreport.input.workbook.layout import NUMBER
from cfpreport.input.yaml_reader import Parsed, Positions, format_path, locate

TEAM, STAGES, PRODUCTS, ACTIVITIES, FACTORS = 1, 2, 3, 4, 5  # indices in layout.SHEETS


def read_workbook_study(path: Path, number: str | None, name: str) -> LoadedStudy:
    """Read one report of a workbook as a study; ``number`` None: the workbook's only one.

    Raises StudyError when the workbook cannot be read or the report is beyond a limit;
    every other problem, the workbook's own included, comes back in ``problems``.
    """
    book = read_book(path)
    if book.fatal:
        raise StudyError(book.problems)
    number = chosen_report(book, number, name)
    assembly = Assembly(book, number, name)
    cells, data, positions = assembly.cells, assembly.data, assembly.positions
    beyond = [Problem(name, *locate(where, positions), format_path(where), message)
              for where, message in limits.beyond_limits(data)]
    if beyond:
        raise StudyError([*book.problems, *assembly.problems, *cells.located(beyond)])
    characters = text_checks.text_problems(data, positions, name)
    data, shape = read_fields(Parsed(data, positions, assembly.written), name)
    problems = [*book.problems, *assembly.problems, *cells.located([*characters, *shape])]
    study = None
    if not problems:
        study = Study.model_validate(data)
        study._path, study._name, study._positions = path.resolve(), name, positions
    return LoadedStudy(path, name, data, positions, study, problems, cells)


def chosen_report(book: Book, number: str | None, name: str) -> str:
    """The report asked for, or the workbook's only one; raise if there is none such."""
    if number is None:
        if len(book.reports) == 1:
            return book.reports[0]
        raise StudyError.single(book.name, (
            f"holds {len(book.reports)} reports ({', '.join(book.reports[:5])}"
            f"{', ...' if len(book.reports) > 5 else ''}); name one as "
            f"{book.name}#{book.reports[0]}, or give the workbook to `build` or `validate`, "
            "which take every report of it"))
    if number not in book.reports:
        close = difflib.get_close_matches(number, book.reports, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise StudyError.single(name, f"no report {number!r} in the reports sheet{hint}")
    return number


class Assembly:
    """The data, positions and cells of one report, assembled from its rows."""

    def __init__(self, book: Book, number: str, name: str) -> None:
        self.book, self.number = book, number
        self.cells = CellMap(
            book.name, name, titles={i: rows.title for i, rows in book.sheets.items()},
            nouns={i: rows.sheet.noun for i, rows in book.sheets.items()},
            headers={(i, column): header for i, rows in book.sheets.items()
                     for column, header in rows.headers.items()})
        self.data: dict = {}
        self.positions: Positions = {}
        self.written: Written = {}
        self.problems: list[Problem] = []
        reports = book.sheets[0]
        self.record(reports, reports.rows[number][0], (), self.data, reports.columns[NUMBER])
        self.team()
        self.stages()
        self.products()
        self.factors()

    def rows(self, index: int) -> tuple[SheetRows | None, list[Row]]:
        sheet = self.book.sheets.get(index)
        return sheet, sheet.rows.get(self.number, []) if sheet else []

    def team(self) -> None:
        sheet, rows = self.rows(TEAM)
        for row in rows:
            members = self.container(("report", "team"), list)
            members.append({})
            self.record(sheet, row, ("report", "team", len(members) - 1), members[-1],
                        sheet.columns[NUMBER])

    def stages(self) -> None:
        sheet, rows = self.rows(STAGES)
        if sheet is None or "stage" not in sheet.columns:
            return
        column = sheet.columns["stage"]
        first: dict[str, int] = {}
        for row in rows:
            stage = self.key(sheet, row, "stage", "is empty; name the stage this row is "
                                                  "about (raw_material_acquisition, ...)")
            if stage is None:
                continue
            if stage in first:
                self.problems.append(self.book.at(sheet, row.number, column, "stage", (
                    f"stage {stage} has row {first[stage]} already; a stage has one row")))
                continue
            first[stage] = row.number
            scopes = self.container(("study", "stages"), dict)
            scopes[stage] = {}
            path = ("study", "stages", stage)
            self.mark(path, position(STAGES, row.number, column))
            self.record(sheet, row, path, scopes[stage], column)

    def products(self) -> None:
        sheet, rows = self.rows(PRODUCTS)
        ids: dict[str, int] = {}
        for index, row in enumerate(rows):
            products = self.container(("products",), list)
            products.append({})
            self.record(sheet, row, ("products", index), products[-1], sheet.columns[NUMBER])
            product_id = sheet.key(row, "id")
            if product_id is not None:
                ids.setdefault(product_id.as_text, index)
        sheet, rows = self.rows(ACTIVITIES)
        if sheet is None or "product" not in sheet.columns:
            return
        for row in rows:
            product = self.key(sheet, row, "product", "is empty; give the id of the product "
                                                      "(products sheet) this activity is of")
            if product is not None and product not in ids:
                close = difflib.get_close_matches(product, list(ids), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problems.append(self.book.at(sheet, row.number, sheet.columns["product"],
                                                  "product", (
                    f"no product {product!r} among report {self.number}'s rows of the "
                    f"products sheet{hint}")))
            elif product is not None:
                activities = self.container(("products", ids[product], "activities"), list)
                activities.append({})
                self.record(sheet, row, ("products", ids[product], "activities",
                                         len(activities) - 1), activities[-1],
                            sheet.columns[NUMBER])

    def factors(self) -> None:
        sheet, rows = self.rows(FACTORS)
        for index, row in enumerate(rows):
            factors = self.container(("factors",), list)
            factors.append({})
            self.record(sheet, row, ("factors", index), factors[-1], sheet.columns[NUMBER])

    def key(self, sheet: SheetRows, row: Row, header: str, empty: str) -> str | None:
        """The text of a row's key cell, or None (and a problem) when it is empty."""
        cell = sheet.key(row, header)
        if cell is None:
            self.problems.append(self.book.at(sheet, row.number, sheet.columns[header],
                                              header, empty))
            return None
        return cell.as_text

    def record(self, sheet: SheetRows, row: Row, path: FieldPath, target: dict,
               anchor: int) -> None:
        """Put a row's cells into ``target``, the record at ``path``; note each field's cell.

        A record (and any field the row leaves empty) is located at the ``anchor`` column.
        """
        self.cells.records[(sheet.index, row.number)] = path
        self.mark(path, position(sheet.index, row.number, anchor))
        for header, column in sheet.columns.items():
            spec = sheet.sheet.by_header[header]
            if spec.is_key:
                continue
            where = position(sheet.index, row.number, column)
            field_path = (*path, *spec.path)
            self.cells.fields[format_path(field_path)] = where
            cell = row.cells.get(column)
            if cell is None:
                continue
            value = items(cell) if spec.kind == "list" else cell.value
            self.put(target, spec.path, value, field_path, where)
            if spec.kind == "list":
                for index in range(len(value)):
                    self.mark((*field_path, index), where)
                    self.cells.fields[format_path((*field_path, index))] = where
            elif cell.text is not None:
                self.written[field_path] = cell.text

    def put(self, target: dict, relative: FieldPath, value: Any, path: FieldPath,
            where: tuple[int, int]) -> None:
        for part in relative[:-1]:
            target = target.setdefault(part, {})
        target[relative[-1]] = value
        self.mark(path, where)

    def mark(self, path: FieldPath, where: tuple[int, int]) -> None:
        """Locate a field, and each of its parents not yet located, at ``where``."""
        for end in range(len(path) + 1):
            prefix = path[:end]
            self.positions.setdefault(prefix, where)
            if prefix and isinstance(prefix[-1], str):
                self.positions.setdefault(("#key", *prefix), where)

    def container(self, path: FieldPath, kind: type) -> Any:
        """The list or mapping at ``path`` in the data, made if need be."""
        target = self.data
        for part in path[:-1]:
            target = target.setdefault(part, {}) if isinstance(part, str) else target[part]
        return target.setdefault(path[-1], kind())


def items(cell: Cell) -> list[str]:
    """A list of texts written in one cell, one item per line (blank lines skipped)."""
    text = cell.value if cell.text is None else cell.text
    return [line for line in text.split("\n") if line.strip()]
