"""Report table rows built as XML: the same elements python-docx's table API wrote.

The reference below is the python-docx code the Word writer used before rows were built
directly (add_row, row.cells, merge, styles, shading, vertical alignment, run.font); each
row must come out byte for byte the same, user text included.
"""

from __future__ import annotations

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from cfpreport.render.docx import render_document
from cfpreport.render.docx_rows import RowCell, append_row, append_runs
from cfpreport.render.docx_xml import element
from cfpreport.report.blocks import Cell, ReportModel, Table, text_runs
from tests.test_render_docx import sample_model

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT}
TEXT, HEADER = "ReportTableText", "ReportTableHeader"


def python_docx_row(cells: list[RowCell], *, header: bool, keep_with_next: bool) -> bytes:
    """The row written with python-docx's API, as the Word writer did before."""
    table = docx.Document().add_table(rows=0, cols=sum(cell.span for cell in cells))
    row = table.add_row()
    row_properties = row._tr.get_or_add_trPr()
    row_properties.append(element("w:cantSplit"))
    if header:
        row_properties.append(element("w:tblHeader"))
    column = 0
    for cell in cells:
        word_cell = row.cells[column]
        if cell.span > 1:
            word_cell = word_cell.merge(row.cells[column + cell.span - 1])
        word_cell.width = Twips(cell.width)
        paragraph = word_cell.paragraphs[0]
        paragraph._p.style = cell.style_id
        paragraph.alignment = ALIGN[cell.align]
        for part, vertical in text_runs(cell.text):
            run = paragraph.add_run(part)
            if vertical == "sub":
                run.font.subscript = True
            elif vertical == "sup":
                run.font.superscript = True
        if cell.fill:
            shading = element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": cell.fill})
            word_cell._tc.get_or_add_tcPr().insert_element_before(shading, "w:vAlign")
        word_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        column += cell.span
    return etree.tostring(row._tr)


def built_row(cells: list[RowCell], *, header: bool, keep_with_next: bool) -> bytes:
    table = docx.Document().add_table(rows=0, cols=sum(cell.span for cell in cells))
    append_row(table._tbl, cells, header=header, keep_with_next=keep_with_next)
    (row,) = table._tbl.tr_lst
    return etree.tostring(row)


ROWS = {
    "header row, a colspan, subscripts": (
        [RowCell("阶段", 3000, HEADER, align="center", fill="E8E8E8"),
         RowCell("排放量 tCO2e", 2400, HEADER, span=2, align="center", fill="E8E8E8"),
         RowCell("", 1200, HEADER, fill="E8E8E8")],
        True, True),
    "label cell, numbers, a power of ten": (
        [RowCell("委托单位", 1500, HEADER, fill="F0F0F0"),
         RowCell("1.5×10^4 kWh", 2000, TEXT, align="right"),
         RowCell("CH4、N2O", 3000, TEXT, span=3)],
        False, False),
    "spaces, tabs, line breaks, markup": (
        [RowCell("  缩进 ", 1000, TEXT), RowCell("a\tb\r\nc\n", 1000, TEXT),
         RowCell("<w:b/> & &amp; \"x\" 'y'", 1000, TEXT), RowCell("\u3000全角", 1000, TEXT)],
        False, True),
}


@pytest.mark.parametrize("name", ROWS)
def test_row_is_the_xml_python_docx_wrote(name):
    cells, header, keep = ROWS[name]
    assert built_row(cells, header=header, keep_with_next=keep) == python_docx_row(
        cells, header=header, keep_with_next=keep)


def test_markup_in_user_text_stays_text():
    text = "<w:b/></w:t>&lt; CO2 & <![CDATA[x]]>"
    paragraph = etree.Element(qn("w:p"))
    append_runs(paragraph, text)
    written = etree.fromstring(etree.tostring(paragraph))  # as Word will read it
    assert "".join(t.text for t in written.iter(qn("w:t"))) == text
    assert written.find(f".//{qn('w:b')}") is None


def kept_rows(table: Table) -> list[bool]:
    """For each row of the table written alone, whether its paragraphs keep with next."""
    document = render_document(ReportModel(sample_model().metadata, [table]))
    (word_table,) = document.tables
    return [all(p.find("w:pPr/w:keepNext", {"w": p.nsmap["w"]}) is not None
                for p in tr.iter(qn("w:p"))) for tr in word_table._tbl.tr_lst]


def grid(rows: int, notes: list[str]) -> Table:
    return Table(anchor="t-1", number="表 1", caption="排放", header=[[Cell("阶段"), Cell("kg")]],
                 rows=[[Cell(f"阶段 {i}"), Cell("1.0", align="right")] for i in range(rows)],
                 widths=[2, 1], notes=notes)


def test_a_short_table_keeps_its_rows_together_and_with_its_notes():
    assert kept_rows(grid(3, notes=[])) == [True, True, True, False]
    assert kept_rows(grid(3, notes=["注：示例。"])) == [True, True, True, True]


def test_a_long_table_may_split_between_rows():
    assert not any(kept_rows(grid(40, notes=["注：示例。"])))
