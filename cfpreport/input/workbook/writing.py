"""Write a study workbook: the template (no report), or studies as rows.

The workbook has an instructions sheet (Chinese, then English), one sheet per kind of
record with its header frozen, a note on each header cell, required headers in orange,
text columns formatted as text (so that Excel keeps ``0012`` and ``2.50`` as typed) and
drop-down lists for stages, bases, data types, units, factor ids, gases and the other
choices, kept in a hidden ``lists`` sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from cfpreport.calculation.stages import STAGES
from cfpreport.errors import CfpError
from cfpreport.input.scalars import FieldPath
from cfpreport.input.workbook import instructions
from cfpreport.input.workbook.cells import column_letter
from cfpreport.input.workbook.layout import (
    INSTRUCTIONS,
    LISTS,
    NUMBER,
    SHEETS,
    Column,
    Sheet,
    is_paragraphs,
)

MAX_CELL_CHARACTERS = 32_767  # what an Excel cell holds
LAST_ROW = 1_048_576
HEADER_COLOUR, REQUIRED_COLOUR = "DDEBF7", "F8CBAD"
#: Units an activity is commonly given in (others that convert are accepted too).
UNITS = ("kWh", "MWh", "t", "kg", "g", "m3", "10^4 Nm3", "L", "t·km")
#: Which columns are frozen besides the header: those that say which row is which.
FROZEN = {"reports": "B2", "activities": "C2"}
#: Columns whose drop-down suggests values rather than insisting on them.
SUGGESTED = {("activities", "factor"): "factor", ("activities", "unit"): "unit",
             ("activities", "gas"): "gas", ("reports", "study.factor_set"): "factor_set"}


def workbook_bytes(studies: Sequence[dict] = ()) -> bytes:
    """A study workbook holding ``studies`` (the data of study files, as read), or none."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.properties.creator = "cfpreport"
    workbook.properties.created = datetime(2025, 1, 1)  # the template's, never now()
    write_instructions(workbook.active)
    lists = ChoiceLists(workbook.create_sheet(LISTS))
    rows = study_rows(studies)
    for index, sheet in enumerate(SHEETS):
        worksheet = workbook.create_sheet(sheet.name)
        write_sheet(worksheet, sheet, rows[index], lists)
    lists.worksheet.sheet_state = "hidden"
    workbook.move_sheet(LISTS, offset=len(SHEETS))  # last
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# --- the data sheets ------------------------------------------------------------------

def study_rows(studies: Iterable[dict]) -> list[list[dict[str, Any]]]:
    """Each sheet's rows (header -> value) for the studies, in study-file order."""
    rows: list[list[dict[str, Any]]] = [[] for _ in SHEETS]
    reports, team, stages, products, activities, factors = SHEETS
    for data in studies:
        number = value_at(data, ("report", "number"))
        key = {NUMBER: number}
        rows[0].append(record_fields(reports, data))
        rows[1] += [{**key, **record_fields(team, member)}
                    for member in value_at(data, ("report", "team")) or []]
        rows[2] += [{**key, "stage": stage, **record_fields(stages, scope)}
                    for stage, scope in (value_at(data, ("study", "stages")) or {}).items()]
        for product in data.get("products") or []:
            rows[3].append({**key, **record_fields(products, product)})
            rows[4] += [{**key, "product": product.get("id"),
                         **record_fields(activities, activity)}
                        for activity in product.get("activities") or []]
        rows[5] += [{**key, **record_fields(factors, factor)}
                    for factor in data.get("factors") or []]
    return rows


def record_fields(sheet: Sheet, record: dict) -> dict[str, Any]:
    return {column.header: value_at(record, column.path) for column in sheet.columns
            if not column.is_key}


def value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def write_sheet(worksheet: Any, sheet: Sheet, rows: list[dict[str, Any]],
                lists: ChoiceLists) -> None:
    """Header, column formats and widths, the rows, the drop-down lists."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    for number, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(1, number, column.header)
        cell.font = Font(bold=True)
        colour = REQUIRED_COLOUR if column.required else HEADER_COLOUR
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        zh, en = instructions.COLUMNS[(sheet.name, column.header)]
        required = "必填 / required\n" if column.required else ""
        cell.comment = Comment(f"{required}{zh}\n{en}", "cfpreport", height=110, width=260)
        dimension = worksheet.column_dimensions[column_letter(number)]
        dimension.width = column_width(column)
        if number_format(column):
            dimension.number_format = number_format(column)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for number, column in enumerate(sheet.columns, start=1):
            value = row.get(column.header)
            if value is not None:
                put(worksheet.cell(row_number, number), column, value, wrap, row.get(NUMBER))
    worksheet.freeze_panes = FROZEN.get(sheet.name, "A2")
    for number, column in enumerate(sheet.columns, start=1):
        lists.validate(worksheet, sheet, column, column_letter(number))


def put(cell: Any, column: Column, value: Any, wrap: Any, number: str | None) -> None:
    """Write one value into a cell as what it is: text never read as a formula."""
    if isinstance(value, list):
        value = "\n".join(str(item) for item in value)
    if isinstance(value, bool | int | float) and column.kind not in ("text", "choice"):
        cell.value = value
    elif isinstance(value, date) and column.kind in ("date", "partial_date"):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        text = value.isoformat() if isinstance(value, date) else str(value)
        if len(text) > MAX_CELL_CHARACTERS:
            raise CfpError(f"report {number} {column.header}: {len(text)} characters do not "
                           f"fit an Excel cell ({MAX_CELL_CHARACTERS} at most)")
        cell.value = text
        cell.data_type = "s"  # "=1+1" stays text
        cell.number_format = "@"
        if "\n" in text:
            cell.alignment = wrap


def number_format(column: Column) -> str | None:
    if column.kind == "date":
        return "yyyy-mm-dd"
    if column.kind in ("text", "choice", "list", "partial_date", "key"):
        return "@"
    return None


def column_width(column: Column) -> float:
    """Wide enough for the header, and for what the column usually holds."""
    if is_paragraphs(column) or column.kind == "list":
        usual = 50
    elif column.kind == "choice":
        usual = max(len(choice) for choice in column.choices) + 4
    elif column.kind in ("number", "whole", "bool", "date", "partial_date"):
        usual = 12
    else:
        usual = min(column.text.limit // 5, 36) if column.text.one_line else 40
    return float(max(len(column.header) + 4, usual, 10))


# --- the drop-down lists --------------------------------------------------------------

class ChoiceLists:
    """The hidden sheet of the values drop-down lists offer, one column per list."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet
        self.ranges: dict[str, str] = {}

    def reference(self, name: str, values: Sequence[str]) -> str:
        """Where the list ``name`` is (written the first time it is asked for)."""
        if name not in self.ranges:
            column = len(self.ranges) + 1
            self.worksheet.cell(1, column, name)
            for row, value in enumerate(values, start=2):
                self.worksheet.cell(row, column, value).data_type = "s"
            letter = column_letter(column)
            self.ranges[name] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[name]

    def validate(self, worksheet: Any, sheet: Sheet, column: Column, letter: str) -> None:
        """Give a column its drop-down list, if it has one."""
        from openpyxl.worksheet.datavalidation import DataValidation

        suggested = SUGGESTED.get((sheet.name, column.header))
        if suggested:
            values = suggestions()[suggested]
        elif column.kind == "choice" or column.header == "stage":
            values = column.choices or STAGES
            suggested = None
        elif column.kind == "bool":
            values = ("TRUE", "FALSE")
        else:
            return
        name = suggested or column.header
        validation = DataValidation(
            type="list", formula1=self.reference(name, values), allow_blank=True,
            showErrorMessage=True, errorStyle="warning" if suggested else "stop",
            errorTitle=column.header,
            error=(f"不在列表中 / not in the list of {name}s; "
                   + ("其他值也可以 / another value may be fine" if suggested
                      else "请从列表中选择 / choose one from the list")))
        worksheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")


def suggestions() -> dict[str, tuple[str, ...]]:
    """The values suggested for factors, units, gases and factor sets: those shipped."""
    from cfpreport.calculation.factors import available_sets, load_factor_set, load_gwp_sets

    sets = available_sets()
    ids = sorted({factor_id for name in sets for factor_id in load_factor_set(name).ids()},
                 key=lambda factor_id: ("_20" in factor_id, factor_id))  # plain ids first
    gases = dict.fromkeys(gas for table in load_gwp_sets().values() for gas in table.values)
    return {"factor": tuple(ids), "unit": UNITS, "gas": tuple(gases),
            "factor_set": tuple(sets)}


# --- the instructions sheet -----------------------------------------------------------

def write_instructions(worksheet: Any) -> None:
    """Every sheet and column, what it holds, whether it is required: zh, then en."""
    from openpyxl.styles import Alignment, Font

    worksheet.title = INSTRUCTIONS
    worksheet.append([" / ".join(instructions.TITLE)])
    worksheet["A1"].font = Font(bold=True, size=14)
    worksheet.append([])
    worksheet.append(["工作表 / sheet", "列 / column", "必填 / required", "说明", "Description"])
    for cell in worksheet[3]:
        cell.font = Font(bold=True)
    for zh, en in instructions.GENERAL:
        worksheet.append(["", "", "", zh, en])
    for sheet in SHEETS:
        worksheet.append([sheet.name, "", "", *instructions.SHEETS[sheet.name]])
        for cell in worksheet[worksheet.max_row]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            worksheet.append([sheet.name, column.header, "是 / yes" if column.required else "",
                              *instructions.COLUMNS[(sheet.name, column.header)]])
    for letter, width in zip("ABCDE", (14, 30, 14, 60, 70), strict=True):
        worksheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in worksheet.iter_rows(min_row=4):
        for cell in row[3:5]:
            cell.alignment = wrap
    worksheet.freeze_panes = "A4"
