"""Table column widths that never break a word: the model's proportions, widened where
a column's short labels (年度总量) or numbers with units (17.2348 kWh) would wrap.

Both renderers take their widths from here, so a table's columns are the same in the
PDF and in Word. Widths are measured in the shipped fonts at the tables' 9 pt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from cfpreport.render.textfit import runs_width_mm, widest_unit_mm
from cfpreport.report.blocks import TEXT_WIDTH_MM, Table, text_runs

TABLE_PT = 9.0  # 小五, the table text of both renderers
# Left plus right padding: the PDF's 2 x 1.5 mm (Word's 2 x 80 twips is less), plus
# a little slack for the Word fonts' different metrics.
CELL_PADDING_MM = 3.6
WHOLE_LATIN = 24  # a cell of only Latin text up to this long stays on one line ...
WHOLE_MIXED = 16  # ... and so does one with CJK up to this wide (CJK counts 2): 年度总量


def column_widths_mm(table: Table, total: float = TEXT_WIDTH_MM) -> list[float]:
    """The table's column widths in mm, adding up to `total`.

    First choice: every short cell on one line and no word broken; if the columns
    cannot all have that, no word broken; if not even that, the needs scaled down.
    """
    base = scaled(table.widths, total)
    for whole_cells in (True, False):
        needs = needed_widths(table, whole_cells)
        if sum(needs) <= total:
            return fit(base, needs, total)
    return scaled(needs, total)


def scaled(widths: Sequence[float], total: float) -> list[float]:
    """Relative widths scaled to add up to `total`."""
    whole = sum(widths)
    if not widths or whole <= 0:
        raise ValueError(f"table column widths must add up to more than 0: {list(widths)}")
    return [total * width / whole for width in widths]


def fit(base: list[float], needs: list[float], total: float) -> list[float]:
    """Raise the columns below their need to it, taking the width from the others in
    proportion to what they have to spare. Needs must add up to no more than total."""
    widths = [max(width, need) for width, need in zip(base, needs, strict=True)]
    excess = sum(widths) - total
    spare = [width - need for width, need in zip(widths, needs, strict=True)]
    if excess <= 0 or sum(spare) <= 0:
        return scaled(widths, total)
    share = excess / sum(spare)  # <= 1, as the needs fit in the total
    return [width - spare_width * share for width, spare_width in zip(widths, spare, strict=True)]


def needed_widths(table: Table, whole_cells: bool) -> list[float]:
    """Per column, the width its single-column cells need (header cells are bold)."""
    needs = [0.0] * len(table.widths)
    rows = [(row, True) for row in table.header] + [(row, False) for row in table.rows]
    for row, header_row in rows:
        column = 0
        for cell in row:
            if cell.colspan == 1 and column < len(needs):
                role = "sans-bold" if header_row or cell.header else "serif"
                needs[column] = max(needs[column], cell_width(cell.text, role, whole_cells))
            column += cell.colspan
    return needs


def cell_width(text: str, role: str, whole_cells: bool) -> float:
    """The narrowest a cell may be: its whole text when it is short, else its longest word."""
    lines = [line.strip() for line in text.split("\n")]
    if whole_cells and all(is_short(line) for line in lines):
        widest = max(runs_width_mm(text_runs(line), TABLE_PT, role) for line in lines)
    else:
        widest = widest_unit_mm(text_runs(text), TABLE_PT, role)
    return widest + CELL_PADDING_MM


def is_short(text: str) -> bool:
    """A label or a number with its unit, which reads badly when wrapped."""
    wide = sum(unicodedata.east_asian_width(char) in ("W", "F") for char in text)
    if not wide:
        return len(text) <= WHOLE_LATIN
    return len(text) + wide <= WHOLE_MIXED
