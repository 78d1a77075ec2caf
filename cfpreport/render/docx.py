"""Render a :class:`~cfpreport.report.blocks.ReportModel` as a Word document with python-docx.

There is one writer per block type, dispatched by ``block.kind`` through
:data:`WRITERS`. Writers lay out the model's strings exactly as they are (numbers were
formatted by the report builder); :func:`add_text` turns CO2 and 10^4 into sub- and
superscript runs wherever text is written. Styles, page, header, footer and properties
are set up by :mod:`cfpreport.render.docx_setup`; XML that python-docx has no API for
comes from :mod:`cfpreport.render.docx_xml`. The rows of report tables, which may run to
thousands, are built as XML by :mod:`cfpreport.render.docx_rows`: python-docx's table API
costs time in proportion to the table on every row. The cover's and the signatures' few
rows use python-docx.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from cfpreport.render.columns import column_widths_mm
from cfpreport.render.docx_pictures import add_inline_picture, add_stamp
from cfpreport.render.docx_rows import RowCell, append_row, append_runs
from cfpreport.render.docx_setup import (
    BODY,
    CAPTION,
    CENTER,
    COVER_GAP,
    COVER_LABEL,
    COVER_SUBTITLE,
    COVER_TITLE,
    COVER_VALUE,
    FIGURE,
    FORMULA,
    HEADING,
    LEGEND,
    LIST,
    LIST_NUMBERS,
    NOTE,
    PAGE_BREAK,
    SIGNATURE,
    SIGNATURE_ROLE,
    TABLE_HEADER,
    TABLE_NOTE,
    TABLE_TEXT,
    TEXT_WIDTH_MM,
    TOC,
    TOC_TITLE,
    UNLISTED_HEADING,
    prepare_document,
)
from cfpreport.render.docx_xml import (
    begin_field,
    end_field,
    set_cell_borders,
    set_cell_margins,
    set_table_width,
    wrap_in_bookmark,
    wrap_in_link,
)
from cfpreport.report.blocks import (
    Branding,
    BulletList,
    Cell,
    Cover,
    Figure,
    Heading,
    LegendEntry,
    PageBreak,
    Paragraph,
    ReportModel,
    SignatureBlock,
    Table,
    TableOfContents,
    kept_with_next,
    seal_field,
)

TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
HEADER_ROW_FILL, LABEL_CELL_FILL = "E8E8E8", "F0F0F0"  # as the HTML tables
PARAGRAPH_STYLES = {"body": BODY, "note": NOTE, "center": CENTER, "formula": FORMULA}
COVER_WIDTHS_MM = (46, 84)  # label | value
COVER_CROWDED = 240  # characters in the cover's fields, above which it is set tighter
SIGNATURE_WIDTHS_MM = (30, 40, 20, 60)  # role | name | "签名" | line to sign on
SIGNATURE_ROW_MM = 10  # room to sign; the PDF's rows are ~8 mm
TEXT_WIDTH_TWIPS = round(TEXT_WIDTH_MM / 25.4 * 1440)
# Inner cell margins of report tables, in twips: 0.7 mm above and below, 1.4 mm at the
# sides (the PDF's cells have 1 mm and 1.5 mm).
CELL_MARGINS = {"top": 40, "bottom": 40, "left": 80, "right": 80}
COVER_LOGO_ABOVE_MM = 20  # the logo's distance from the top, as the PDF's (.cover.with-logo)
COVER_VALUE_LINE_MM = 8  # a cover field's line, on which the seal is centred


@dataclass
class Target:
    """The document being written, the kind of the block written last, and id counters."""

    document: Document
    branding: Branding = field(default_factory=Branding)  # the house style's logo and seal
    issuer: str = ""  # the issuing body, the pictures' alt text
    previous: str = ""
    following: Any = None  # the block after the one being written (None at the end)
    bookmark_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    style_ids: dict[str, str] = field(default_factory=dict)
    body: BlockItemContainer = field(init=False)  # the parent python-docx gives blocks
    section: BaseOxmlElement | None = field(init=False)  # w:sectPr, last in the body

    def __post_init__(self) -> None:
        # python-docx resolves a style name by scanning every style, twice per paragraph
        # (70 % of the run time); look the ids up once instead.
        self.style_ids = {style.name: style.style_id for style in self.document.styles}
        self.body = self.document._body
        self.section = self.document.element.body.sectPr

    def append_to_body(self, block: BaseOxmlElement) -> BaseOxmlElement:
        """Add a w:p or w:tbl at the end of the body, before its section properties.

        python-docx's own add_paragraph() and add_table() search the whole body for the
        w:sectPr every time, so their cost grew with the square of the report's length.
        """
        if self.section is None:
            self.document.element.body.append(block)
        else:
            self.section.addprevious(block)
        return block

    def style(self, paragraph: DocxParagraph, name: str) -> None:
        """Give the paragraph a paragraph style, by name."""
        paragraph._p.style = self.style_ids[name]

    def add_paragraph(self, style: str, container: _Cell | None = None) -> DocxParagraph:
        """Append an empty paragraph in `style` to the body (or to a table cell)."""
        if container is None:
            paragraph = DocxParagraph(self.append_to_body(OxmlElement("w:p")), self.body)
        else:
            paragraph = container.add_paragraph()
        self.style(paragraph, style)
        return paragraph

    def paragraph(self, text: str, style: str) -> DocxParagraph:
        """Append a paragraph of `text` in `style`."""
        paragraph = self.add_paragraph(style)
        add_text(paragraph, text)
        return paragraph

    def bookmark(self, paragraph: DocxParagraph, anchor: str) -> None:
        """Make `paragraph` the target of links to `anchor`."""
        wrap_in_bookmark(paragraph, anchor, next(self.bookmark_ids))


def write_docx(model: ReportModel, path: Path, reference: bytes | None = None) -> None:
    """Render `model` as a .docx file at `path`."""
    render_document(model, reference).save(str(path))


def docx_bytes(model: ReportModel, reference: bytes | None = None) -> bytes:
    """Render `model` as the bytes of a .docx file (the pipeline writes them atomically),
    starting from a house style's `reference` document if given.

    The zip entries are stamped with the report's date instead of the clock, so the
    same study gives the same bytes, as the PDF does.
    """
    stream = io.BytesIO()
    render_document(model, reference).save(stream)
    return restamped(stream.getvalue(), model.metadata.created)


def restamped(package: bytes, day: date) -> bytes:
    """Copy a zip package with every entry dated ``day`` (python-docx stamps now())."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            copy = zipfile.ZipInfo(entry.filename, date_time=stamp)
            copy.compress_type = zipfile.ZIP_DEFLATED
            copy.external_attr = entry.external_attr
            target.writestr(copy, source.read(entry))
    return out.getvalue()


def render_document(model: ReportModel, reference: bytes | None = None) -> Document:
    """Build the python-docx Document of `model`: set up, then one writer per block.

    With a `reference` document (a house style's ``reference.docx``, checked when the
    style was opened) the report starts from it: its styles, page, header and footer."""
    document = docx.Document(io.BytesIO(reference) if reference else None)
    cover = bool(model.blocks) and model.blocks[0].kind == Cover.kind
    prepare_document(document, model.metadata, cover=cover, reference=reference is not None)
    target = Target(document, model.branding, model.metadata.author)
    for index, block in enumerate(model.blocks):
        target.following = model.blocks[index + 1] if index + 1 < len(model.blocks) else None
        WRITERS[block.kind](target, block)
        target.previous = block.kind
    return document


# --- text ----------------------------------------------------------------------------

def add_text(paragraph: DocxParagraph, text: str) -> None:
    """Append `text` as runs, with chemical subscripts and powers of ten superscript."""
    append_runs(paragraph._p, text)


def numbered(number: str, text: str) -> str:
    """Join a number and its text with two spaces ("5.2  范围", "表 5.2-1  排放")."""
    return "  ".join(part for part in (number, text) if part)


# --- block writers -------------------------------------------------------------------

def write_cover(target: Target, block: Cover) -> None:
    """Title, subtitle and the label/value fields; the model's PageBreak follows.

    A crowded cover (long names, many products) is set tighter to stay on its page,
    as the PDF's (``.cover.crowded`` in report.css).
    """
    crowded = sum(len(value) for _, value in block.fields) > COVER_CROWDED
    logo = add_cover_logo(target, crowded)
    title = target.paragraph(block.title, COVER_TITLE)
    if crowded:
        title.paragraph_format.space_before = Pt(40)
    if logo is not None:  # the title stays where it would be without the logo
        above = target.document.styles[COVER_TITLE].paragraph_format.space_before
        before = title.paragraph_format.space_before or above or Pt(0)
        room = before - (logo.paragraph_format.space_before or 0) - Mm(
            target.branding.logo.height_mm)
        title.paragraph_format.space_before = max(room, Pt(6))
    if block.subtitle:
        target.paragraph(block.subtitle, COVER_SUBTITLE)
    if not block.fields:
        return
    gap = target.add_paragraph(COVER_GAP)
    if crowded:
        gap.paragraph_format.space_before = Pt(24)
    table = new_table(target, mm_to_twips(COVER_WIDTHS_MM), style=None)
    sealed = seal_field(block, target.issuer) if target.branding.seal else None
    for index, (label, value) in enumerate(block.fields):
        label_cell, value_cell = table.add_row().cells
        fill_cell(target, label_cell, label, COVER_LABEL)
        fill_cell(target, value_cell, value, COVER_VALUE)
        set_cell_borders(value_cell, bottom="single")
        if crowded:
            tighten(label_cell, value_cell)
        if index == sealed:
            add_stamp(value_cell.paragraphs[0], target.branding.seal, target.issuer,
                      cover_value_centre_mm(target), COVER_VALUE_LINE_MM)


def cover_value_centre_mm(target: Target) -> float:
    """How far the middle of the cover's value column is from the text's left edge
    (the fields' table is centred on the page's text width)."""
    section = target.document.sections[0]
    text_mm = (section.page_width - section.left_margin - section.right_margin) / 36_000
    label_mm, value_mm = COVER_WIDTHS_MM
    return (text_mm - label_mm - value_mm) / 2 + label_mm + value_mm / 2


def add_cover_logo(target: Target, crowded: bool) -> DocxParagraph | None:
    """The house style's logo, centred above the cover's title; None without one."""
    if target.branding.logo is None:
        return None
    paragraph = target.add_paragraph(FIGURE)
    add_inline_picture(paragraph, target.branding.logo, target.issuer)
    paragraph.paragraph_format.space_before = Mm(0 if crowded else COVER_LOGO_ABOVE_MM)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def tighten(*cells: _Cell) -> None:
    """Set a crowded cover's fields in 10.5 pt, 3 pt apart (the PDF's are alike)."""
    for cell in cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.space_before = Pt(3)
            paragraph.paragraph_format.space_after = Pt(3)
            for run in paragraph.runs:
                run.font.size = Pt(10.5)


def write_heading(target: Target, block: Heading) -> None:
    """A Heading 1/2/3 paragraph "number  text", bookmarked for the TOC links.

    Chapters (Heading 1) start a new page, unless the model has just broken the page.
    """
    style = (HEADING if block.in_toc else UNLISTED_HEADING)[block.level]
    paragraph = target.paragraph(numbered(block.number, block.text), style)
    target.bookmark(paragraph, block.anchor)
    if block.level == 1 and target.previous in ("", PageBreak.kind):
        paragraph.paragraph_format.page_break_before = False


def write_paragraph(target: Target, block: Paragraph) -> None:
    """A paragraph in the style named by the model (body, note, center, formula)."""
    paragraph = target.paragraph(block.text, PARAGRAPH_STYLES[block.style])
    if kept_with_next(block, target.following):
        paragraph.paragraph_format.keep_with_next = True


def write_bullet_list(target: Target, block: BulletList) -> None:
    """One paragraph per item, prefixed "1、" or "1. " (ordered, by the report's
    language) or "• " (bullets)."""
    language = "en" if target.document.core_properties.language == "en" else "zh"
    for index, item in enumerate(block.items, start=1):
        prefix = LIST_NUMBERS[language].format(index) if block.ordered else "• "
        target.paragraph(prefix + item, LIST)


def write_table(target: Target, block: Table) -> None:
    """Caption above, header rows repeated on every page, notes below.

    Column widths are the renderers' shared ones (no word broken). A short table is
    kept on one page with its caption and notes, as in the PDF, by "keep with next"
    on its rows; the summary sheet's form table also keeps with its signatures.
    """
    if block.number or block.caption:
        caption = target.paragraph(numbered(block.number, block.caption), CAPTION)
        caption.paragraph_format.keep_with_next = True
        target.bookmark(caption, block.anchor)
    widths = table_twips(column_widths_mm(block))
    table = new_table(target, widths, style="Table Grid")
    set_cell_margins(table._tbl, **CELL_MARGINS)
    with_next = kept_with_next(block, target.following)
    # Rows keep with the next one as in keep_rows_together(), decided as they are written.
    keep = block.keep_together or with_next
    keep_last = keep and (with_next or bool(block.notes))
    rows = [(cells, True) for cells in block.header] + [(cells, False) for cells in block.rows]
    for index, (cells, header) in enumerate(rows):
        add_table_row(target, table, widths, cells, header=header,
                      keep_with_next=keep if index < len(rows) - 1 else keep_last)
    for note in block.notes:
        target.paragraph(note, TABLE_NOTE)
    add_spacer(target)


def write_figure(target: Target, block: Figure) -> None:
    """The PNG centred at width_mm, its legend as text beside or below it, caption below."""
    width_mm = block.picture_width_mm
    if block.legend_beside:
        widths = mm_to_twips([block.picture_column_mm, TEXT_WIDTH_MM - block.picture_column_mm])
        table = new_table(target, widths, style=None)
        picture_cell, legend_cell = table.add_row().cells
        add_picture(target, picture_cell.paragraphs[0], block, width_mm)
        legend_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        legend_cell._tc.remove(legend_cell.paragraphs[0]._p)
        for entry in block.legend:
            add_legend_entry(target.add_paragraph(LEGEND, legend_cell), entry)
    else:
        add_picture(target, target.document.add_paragraph(), block, width_mm)
        for entry in block.legend:
            paragraph = target.add_paragraph(LEGEND)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_legend_entry(paragraph, entry)
    caption = target.paragraph(numbered(block.number, block.caption), CAPTION)
    target.bookmark(caption, block.anchor)


def add_picture(target: Target, paragraph: DocxParagraph, block: Figure,
                width_mm: float) -> None:
    """Put the figure's PNG into the paragraph, with its alt text."""
    target.style(paragraph, FIGURE)
    picture = paragraph.add_run().add_picture(io.BytesIO(block.png), width=Mm(width_mm))
    picture._inline.docPr.set("descr", block.alt)


def add_legend_entry(paragraph: DocxParagraph, entry: LegendEntry) -> None:
    """A colour square in the entry's colour, then its text."""
    swatch = paragraph.add_run("■ ")
    swatch.font.color.rgb = RGBColor.from_string(entry.colour.lstrip("#").upper())
    add_text(paragraph, entry.text)


def write_signature_block(target: Target, block: SignatureBlock) -> None:
    """Rows of role | name | label | line to sign on; then date and seal lines."""
    table = new_table(target, mm_to_twips(SIGNATURE_WIDTHS_MM), style=None)
    for line in block.lines:
        add_signature_row(target, table, [line.role, line.name, line.label], sign_line=True)
    if block.date_label:
        add_signature_row(target, table, ["", "", block.date_label], sign_line=True)
    if block.seal_label:
        add_signature_row(target, table, ["", "", "", block.seal_label], sign_line=False)
        table.rows[-1].cells[-1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    keep_rows_together(table, with_next=False)
    add_spacer(target)


def write_table_of_contents(target: Target, block: TableOfContents) -> None:
    """Title, then a TOC field pre-filled with the entries, linked to the headings."""
    target.paragraph(block.title, TOC_TITLE)
    paragraph = target.add_paragraph(TOC[1])
    begin_field(paragraph, TOC_INSTRUCTION)
    for index, entry in enumerate(block.entries):
        style = TOC[min(entry.level, 3)]
        if index:
            paragraph = target.add_paragraph(style)
        else:
            target.style(paragraph, style)
        first_new_run = len(paragraph._p.r_lst)
        add_text(paragraph, numbered(entry.number, entry.text))
        runs = paragraph._p.r_lst[first_new_run:]
        if runs:
            wrap_in_link(paragraph, entry.anchor, runs)
    end_field(paragraph)


def write_page_break(target: Target, block: PageBreak) -> None:
    """A 1 pt paragraph that begins the next page ("page break before").

    Not a break character: after a page filled to the bottom (the summary sheet), the
    paragraph holding one would overflow onto a page of its own and break again,
    leaving that page blank; a paragraph that begins a page begins it only once.
    """
    paragraph = target.add_paragraph(PAGE_BREAK)
    paragraph.paragraph_format.page_break_before = True


WRITERS: dict[str, Callable[[Target, Any], None]] = {
    Cover.kind: write_cover,
    Heading.kind: write_heading,
    Paragraph.kind: write_paragraph,
    BulletList.kind: write_bullet_list,
    Table.kind: write_table,
    Figure.kind: write_figure,
    SignatureBlock.kind: write_signature_block,
    TableOfContents.kind: write_table_of_contents,
    PageBreak.kind: write_page_break,
}


# --- tables --------------------------------------------------------------------------

def mm_to_twips(widths_mm: Sequence[float]) -> list[int]:
    """Convert column widths in millimetres to twips (1/1440 inch)."""
    return [round(width / 25.4 * 1440) for width in widths_mm]


def table_twips(widths_mm: Sequence[float]) -> list[int]:
    """Column widths in twips that add up to exactly the text width."""
    twips = mm_to_twips(widths_mm)
    twips[-1] += TEXT_WIDTH_TWIPS - sum(twips)
    return twips


def keep_rows_together(table: DocxTable, *, with_next: bool) -> None:
    """Keep a table on one page: every row's paragraphs "keep with next" (rows do not
    split already); the last row too when the table must stay with what follows.

    For the few rows of the signatures; report tables' rows get it as they are written.
    """
    rows = table.rows if with_next else table.rows[:-1]
    for row in rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def new_table(target: Target, widths: list[int], style: str | None) -> DocxTable:
    """An empty, centred table with fixed column widths (twips); style None = no borders."""
    # Not document.add_table(): it works out the text width from the section, whose
    # properties it looks for through the whole body, on every table.
    tbl = CT_Tbl.new_tbl(0, len(widths), Twips(sum(widths)))
    table = DocxTable(target.append_to_body(tbl), target.body)
    # By id: python-docx would resolve the name by scanning every style.
    table._tbl.tblStyle_val = target.style_ids[style] if style else None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
    set_table_width(table._tbl, sum(widths))
    return table


def add_table_row(target: Target, table: DocxTable, widths: list[int], cells: list[Cell],
                  *, header: bool, keep_with_next: bool) -> None:
    """Append a row of model cells, merging colspans; header and label cells shaded.

    Built as XML (:mod:`cfpreport.render.docx_rows`): python-docx's ``add_row()`` and
    ``row.cells`` cost time in proportion to the table, on every row.
    """
    spanned = sum(cell.colspan for cell in cells)
    if spanned != len(widths):
        texts = [cell.text for cell in cells]
        raise ValueError(f"table row {texts} spans {spanned} columns, not {len(widths)}")
    row: list[RowCell] = []
    column = 0
    for cell in cells:
        label = header or cell.header
        row.append(RowCell(
            text=cell.text, width=sum(widths[column:column + cell.colspan]),
            style_id=target.style_ids[TABLE_HEADER if label else TABLE_TEXT],
            span=cell.colspan, align=cell.align,
            fill=(HEADER_ROW_FILL if header else LABEL_CELL_FILL) if label else None))
        column += cell.colspan
    append_row(table._tbl, row, header=header, keep_with_next=keep_with_next)


def add_signature_row(target: Target, table: DocxTable, texts: list[str], *,
                      sign_line: bool) -> None:
    """A row of room to sign in: role (bold) and texts; the last column is the line."""
    row = table.add_row()
    row.height, row.height_rule = Mm(SIGNATURE_ROW_MM), WD_ROW_HEIGHT_RULE.AT_LEAST
    cells_texts = itertools.zip_longest(row.cells, texts, fillvalue="")
    for column, (cell, text) in enumerate(cells_texts):
        fill_cell(target, cell, text, SIGNATURE_ROLE if column == 0 else SIGNATURE)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    if sign_line:
        set_cell_borders(row.cells[-1], bottom="single")


def fill_cell(target: Target, cell: _Cell, text: str, style: str) -> None:
    """Write `text` into the cell's (only) paragraph in `style`."""
    paragraph = cell.paragraphs[0]
    target.style(paragraph, style)
    add_text(paragraph, text)


def add_spacer(target: Target) -> None:
    """A small empty paragraph after a table (two tables in a row would merge in Word);
    none before a page break, whose own paragraph parts them (and a spacer could
    overflow a full page onto a blank one)."""
    if not isinstance(target.following, PageBreak):
        target.add_paragraph(TABLE_NOTE)
