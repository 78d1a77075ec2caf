"""The batch summary: one row per product, as ``summary.csv`` and ``summary.xlsx``.

Every number is the one the report prints, taken from the study's results JSON (the
``display`` part) when it is built, or from its build record when it is kept: a row
equals its results JSON. The CSV holds them as written (UTF-8 with a byte-order mark,
so that Excel opens the Chinese text); the workbook holds numbers, shown with the
report's decimals. A study that failed has one row saying why. Both files are written
whole, at the end of the batch, however it ended.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cfpreport.calculation.stages import STAGES
from cfpreport.output import replace_file

if TYPE_CHECKING:
    from cfpreport.batch.runner import Outcome

SUMMARY_NAMES = ("summary.csv", "summary.xlsx")
COLUMNS = ("study", "report number", "revision", "product id", "product", "model",
           "functional unit", "unit", "total", *STAGES, "factor set", "factor set version",
           "status", "detail", "warnings", "files")
NUMBERS = {"total", *STAGES}  # shown values: numbers in the workbook
MAX_DETAIL = 2_000  # a failure's message in a cell; the command line lists it whole


def summary_rows(outcomes: Iterable[Outcome]) -> list[dict[str, object]]:
    """The rows of the summary, in the order of the outcomes."""
    rows = []
    for outcome in outcomes:
        common = {
            "study": str(outcome.study), "report number": outcome.number or "",
            "revision": outcome.revision if outcome.revision is not None else "",
            "factor set": (outcome.factor_set or {}).get("name", ""),
            "factor set version": (outcome.factor_set or {}).get("version", ""),
            "status": outcome.status, "detail": outcome.reason[:MAX_DETAIL],
            "warnings": outcome.warning_count if outcome.status != "failed" else "",
            "files": "; ".join(path.name for path in outcome.outputs.values()),
        }
        if not outcome.products:
            rows.append({column: common.get(column, "") for column in COLUMNS})
        for product in outcome.products:
            row = {**common, "product id": product["id"], "product": product["name"],
                   "model": product["model"] or "", "functional unit": product["functional_unit"],
                   "unit": product["unit"], "total": product["total"],
                   **{stage: product["stages"].get(stage, "") for stage in STAGES}}
            rows.append({column: row.get(column, "") for column in COLUMNS})
    return rows


def write_summary(out_dir: Path, outcomes: Iterable[Outcome]) -> list[Path]:
    """Write summary.csv and summary.xlsx into ``out_dir``, each whole."""
    rows = summary_rows(outcomes)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in SUMMARY_NAMES]
    replace_file(paths[0], csv_bytes(rows))
    replace_file(paths[1], xlsx_bytes(rows))
    return paths


def csv_bytes(rows: list[dict[str, object]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[dict[str, object]]) -> bytes:
    """The rows as a workbook: shown values as numbers with their decimals, a frozen,
    bold head row and a filter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("summary")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(column) + 2)
    head = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([number_cell(sheet, row[column]) if column in NUMBERS and row[column]
                      else row[column] for column in COLUMNS])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def number_cell(sheet, shown: object):
    """A shown value ("0.0677") as a number cell that shows the same digits."""
    from openpyxl.cell import WriteOnlyCell

    text = str(shown)
    decimals = len(text.partition(".")[2])
    cell = WriteOnlyCell(sheet, value=float(text))
    cell.number_format = "0." + "0" * decimals if decimals else "0"
    return cell
