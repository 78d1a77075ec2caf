"""Report table rows and text runs, built directly as WordprocessingML elements.

python-docx is slow for large tables: ``table.add_row()`` and ``row.cells`` walk the
whole table on every call, and its generic element machinery looks up each child by
name before adding it (``get_or_add_child``, ``first_child_found_in``). A report of
10 000 rows took about a minute. Here each ``w:tr`` is built once, top-down, with
``lxml.etree.SubElement``, every child created in the order the schema requires, so
nothing is looked up and the cost per row does not grow with the table.

The elements are the ones python-docx's calls wrote (tests/test_docx_rows.py compares
the two). User text is only ever set as element text, so lxml escapes it: it is data,
never markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml.etree import SubElement, _Element

from cfpreport.report.blocks import text_runs

# Qualified names, resolved once: qn() per element was a measurable share of the time.
_TR, _TR_PR, _CANT_SPLIT, _TBL_HEADER = map(qn, ("w:tr", "w:trPr", "w:cantSplit",
                                                 "w:tblHeader"))
_TC, _TC_PR, _TC_W, _GRID_SPAN, _SHD, _V_ALIGN = map(qn, ("w:tc", "w:tcPr", "w:tcW",
                                                          "w:gridSpan", "w:shd", "w:vAlign"))
_P, _P_PR, _P_STYLE, _KEEP_NEXT, _JC = map(qn, ("w:p", "w:pPr", "w:pStyle", "w:keepNext",
                                                "w:jc"))
_R, _R_PR, _VERT_ALIGN, _T, _TAB, _BR = map(qn, ("w:r", "w:rPr", "w:vertAlign", "w:t",
                                                 "w:tab", "w:br"))
_VAL, _W, _TYPE, _COLOR, _FILL, _XML_SPACE = map(qn, ("w:val", "w:w", "w:type", "w:color",
                                                      "w:fill", "xml:space"))

_VERTICAL = {"sub": "subscript", "sup": "superscript"}
# Tabs and line breaks are elements of their own in a run, as python-docx's run.text makes
# them; the split keeps them (a capturing group) between the pieces of text.
_TAB_OR_BREAK = re.compile(r"([\t\r\n])")


@dataclass(frozen=True)
class RowCell:
    """One cell of a report table row, as Word lays it out."""

    text: str
    width: int  # twips: the sum of the grid columns it spans
    style_id: str  # the paragraph style's id ("ReportTableText"), not its name
    span: int = 1  # grid columns covered (w:gridSpan), the model's colspan
    align: str = "left"  # the model's "left" | "center" | "right", also w:jc's values
    fill: str | None = None  # shading, hex RGB; None = not shaded


def append_row(table: _Element, cells: Sequence[RowCell], *, header: bool,
               keep_with_next: bool) -> None:
    """Append a ``w:tr`` of `cells` to the ``w:tbl`` element `table`.

    Rows never split across pages; a header row repeats on every page. With
    `keep_with_next`, every paragraph of the row keeps with the next one, which keeps
    the row on the page of the row below it.
    """
    row = SubElement(table, _TR)
    row_properties = SubElement(row, _TR_PR)
    SubElement(row_properties, _CANT_SPLIT)
    if header:
        SubElement(row_properties, _TBL_HEADER)
    for cell in cells:
        _append_cell(row, cell, keep_with_next)


def _append_cell(row: _Element, cell: RowCell, keep_with_next: bool) -> None:
    """A ``w:tc``: width, span, shading, vertically centred; one paragraph of text."""
    tc = SubElement(row, _TC)
    properties = SubElement(tc, _TC_PR)  # children in schema order (ECMA-376 §17.4.70)
    SubElement(properties, _TC_W, {_TYPE: "dxa", _W: str(cell.width)})
    if cell.span > 1:
        SubElement(properties, _GRID_SPAN, {_VAL: str(cell.span)})
    if cell.fill is not None:
        SubElement(properties, _SHD, {_VAL: "clear", _COLOR: "auto", _FILL: cell.fill})
    SubElement(properties, _V_ALIGN, {_VAL: "center"})
    paragraph = SubElement(tc, _P)
    paragraph_properties = SubElement(paragraph, _P_PR)  # schema order: §17.3.1.26
    SubElement(paragraph_properties, _P_STYLE, {_VAL: cell.style_id})
    if keep_with_next:
        SubElement(paragraph_properties, _KEEP_NEXT)
    SubElement(paragraph_properties, _JC, {_VAL: cell.align})
    append_runs(paragraph, cell.text)


def append_runs(paragraph: _Element, text: str) -> None:
    """Append `text` to a ``w:p`` as runs: chemical subscripts, powers of ten superscript."""
    for part, vertical in text_runs(text):
        run = SubElement(paragraph, _R)
        if vertical is not None:
            run_properties = SubElement(run, _R_PR)
            SubElement(run_properties, _VERT_ALIGN, {_VAL: _VERTICAL[vertical]})
        _append_run_text(run, part)


def _append_run_text(run: _Element, text: str) -> None:
    """Fill a run as python-docx's ``run.text`` does: a tab is ``w:tab``, a line break
    ``w:br``, other text ``w:t`` (space-preserving when it begins or ends in a space)."""
    for piece in _TAB_OR_BREAK.split(text):
        if piece == "\t":
            SubElement(run, _TAB)
        elif piece in ("\r", "\n"):
            SubElement(run, _BR)
        elif piece:
            text_element = SubElement(run, _T)
            text_element.text = piece
            if len(piece.strip()) < len(piece):
                text_element.set(_XML_SPACE, "preserve")
