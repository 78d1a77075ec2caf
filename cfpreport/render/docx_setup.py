"""Prepare a python-docx Document for a report: styles, page, header, footer, properties.

A report starts from python-docx's blank document, or from a house style's reference
document, as pandoc's ``--reference-doc``: its body is cleared, its page setup kept, the
styles it defines kept as they are (cfpreport defines only those it lacks), and its own
header, footer or first-page header and footer, where they hold anything, are used in
place of cfpreport's (a draft is still watermarked).

Chinese text takes its font from ``w:rFonts/@w:eastAsia``; Word prefers theme fonts
(``w:asciiTheme`` ...) over named ones, so every theme attribute is removed from
styles.xml and each style names its fonts explicitly: 宋体 for text, 黑体 for headings,
table headers and captions, Times New Roman for Latin letters and digits (in the English
edition, Arial for the Latin letters of the 黑体 styles).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph

from cfpreport.render.docx_xml import (
    add_field,
    add_watermark,
    element,
    insert_ppr,
    set_update_fields,
)
from cfpreport.render.properties import document_properties
from cfpreport.report.blocks import TEXT_WIDTH_MM, Metadata  # TEXT_WIDTH_MM: the page both share

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
#: In the English edition, Latin text set in 黑体 in a Chinese report (headings, captions,
#: table heads) takes a sans face, as the PDF sets it in Noto Sans.
LATIN_SANS = "Arial"
WATERMARK_TEXTS = {"zh": "草稿 DRAFT", "en": "DRAFT"}
#: How an ordered list numbers its items in the text, by language: 1、 and 1.
LIST_NUMBERS = {"zh": "{}、", "en": "{}. "}
#: The footer's words around the page number and the page count, by language.
FOOTER_WORDS = {"zh": ("第 ", " 页 共 ", " 页"), "en": ("Page ", " of ", "")}
#: Word's language tag (w:lang) of each report language; Chinese runs stay zh-CN.
WORD_LANGUAGES = {"zh-CN": "zh-CN", "en": "en-US"}

# Paragraph style names used by the writers; built-in names where Word has one.
BODY, NOTE, CENTER, FORMULA, LIST = (
    "Report Body", "Report Note", "Report Center", "Report Formula", "Report List")
TABLE_TEXT, TABLE_HEADER, TABLE_NOTE = (
    "Report Table Text", "Report Table Header", "Report Table Note")
FIGURE, LEGEND, CAPTION = "Report Figure", "Report Legend", "Caption"
PAGE_BREAK = "Report Page Break"
COVER_TITLE, COVER_SUBTITLE, COVER_LABEL, COVER_VALUE = (
    "Report Cover Title", "Report Cover Subtitle", "Report Cover Label", "Report Cover Value")
COVER_GAP = "Report Cover Gap"
TOC_TITLE, RUNNING_HEADER = "Report TOC Title", "Report Header"
SIGNATURE, SIGNATURE_ROLE = "Report Signature", "Report Signature Role"
HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
UNLISTED_HEADING = {level: f"Report {name} Unlisted" for level, name in HEADING.items()}
TOC = {1: "toc 1", 2: "toc 2", 3: "toc 3"}  # Word's built-in names (styleId TOC1 ...)

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")
_CENTER, _LEFT, _RIGHT, _JUSTIFY, _DISTRIBUTE = (
    WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.DISTRIBUTE)


@dataclass(frozen=True)
class StyleSpec:
    """Font and paragraph settings of one paragraph style (sizes in points)."""

    size: float = 10.5  # 五号
    east_asia: str = SONG
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = _LEFT
    first_line: float = 0  # 21 pt = two characters of 五号
    left: float = 0
    before: float = 0
    after: float = 0
    line: float = 1.0  # multiple of single spacing
    keep_next: bool = False
    new_page: bool = False  # page break before
    based_on: str = "Normal"


STYLES: dict[str, StyleSpec] = {
    "Normal": StyleSpec(),
    BODY: StyleSpec(align=_JUSTIFY, first_line=21, line=1.5),
    LIST: StyleSpec(align=_JUSTIFY, first_line=21, line=1.5),
    NOTE: StyleSpec(size=9, line=1.25, after=3),
    CENTER: StyleSpec(align=_CENTER, line=1.5),
    FORMULA: StyleSpec(align=_CENTER, before=6, after=6, line=1.5),
    HEADING[1]: StyleSpec(16, HEI, True, before=0, after=12, keep_next=True, new_page=True),
    HEADING[2]: StyleSpec(14, HEI, True, before=12, after=6, keep_next=True),
    HEADING[3]: StyleSpec(12, HEI, True, before=6, after=6, keep_next=True),
    CAPTION: StyleSpec(east_asia=HEI, bold=True, align=_CENTER, before=6, after=6),
    TABLE_TEXT: StyleSpec(size=9),  # 小五, as the HTML tables
    TABLE_HEADER: StyleSpec(size=9, east_asia=HEI, bold=True),
    TABLE_NOTE: StyleSpec(size=9, before=3),
    FIGURE: StyleSpec(align=_CENTER, before=6, keep_next=True),
    LEGEND: StyleSpec(line=1.5, keep_next=True),
    PAGE_BREAK: StyleSpec(size=1),
    COVER_TITLE: StyleSpec(26, HEI, True, _CENTER, before=140, after=12),
    COVER_SUBTITLE: StyleSpec(16, HEI, False, _CENTER, before=6),
    COVER_GAP: StyleSpec(size=1, before=96),  # between the titles and the fields
    COVER_LABEL: StyleSpec(14, HEI, True, _DISTRIBUTE, before=6, after=6),
    COVER_VALUE: StyleSpec(14, SONG, False, _CENTER, before=6, after=6),
    TOC_TITLE: StyleSpec(16, HEI, True, _CENTER, after=12),
    # Tight enough that ~40 entries fit one page, as in the PDF.
    TOC[1]: StyleSpec(east_asia=HEI, line=1.1, before=3),
    TOC[2]: StyleSpec(left=21, line=1.1),
    TOC[3]: StyleSpec(left=42, line=1.1),
    SIGNATURE: StyleSpec(),
    SIGNATURE_ROLE: StyleSpec(east_asia=HEI, bold=True),
    "Header": StyleSpec(size=9, align=_CENTER),
    RUNNING_HEADER: StyleSpec(size=9, align=_RIGHT, based_on="Header"),
    "Footer": StyleSpec(size=9, align=_CENTER),
}
STYLES.update({name: replace(STYLES[HEADING[level]], based_on=HEADING[level])
               for level, name in UNLISTED_HEADING.items()})


def report_language(metadata: Metadata) -> str:
    """"zh" or "en": the language of the report's own words (footer, watermark, fonts)."""
    return "en" if metadata.language.startswith("en") else "zh"


@dataclass(frozen=True)
class KeptParts:
    """Which of a reference document's headers and footers replace cfpreport's."""

    header: bool = False  # the header of every page
    footer: bool = False
    first_page: bool = False  # the first page's own header and footer (the cover's)


def prepare_document(document: Document, metadata: Metadata, *, cover: bool,
                     reference: bool = False) -> None:
    """Set styles, page, header and footer, settings and core properties; for a
    ``reference`` document, clear its body and keep its page, styles and the header
    and footer it has (see the module's docstring)."""
    keep = KeptParts()
    if reference:
        clear_body(document)
        keep = kept_parts(document.sections[0])
    define_styles(document, metadata.language, keep_defined=reference)
    section = document.sections[0]
    if not reference:
        set_a4_page(section)
    section.different_first_page_header_footer = cover or keep.first_page
    write_header_footer(section, metadata, cover=cover, keep=keep)
    settings = document.settings.element
    set_update_fields(settings)
    theme_languages = settings.find(qn("w:themeFontLang"))
    if theme_languages is not None:
        theme_languages.set(qn("w:eastAsia"), "zh-CN")
    set_core_properties(document, metadata)


def clear_body(document: Document) -> None:
    """Remove a reference document's content, keeping its last section's properties."""
    body = document.element.body
    for child in list(body):
        if child is not body.sectPr:
            body.remove(child)


def kept_parts(section: Section) -> KeptParts:
    """The reference document's headers and footers that hold anything: text, a field,
    a picture or a shape. Empty ones are cfpreport's to write."""
    return KeptParts(
        header=has_content(section.header), footer=has_content(section.footer),
        first_page=section.different_first_page_header_footer and (
            has_content(section.first_page_header) or has_content(section.first_page_footer)))


def has_content(part) -> bool:
    """Whether a header or footer is defined and holds text, a field or a drawing."""
    if part.is_linked_to_previous:  # the first section: none defined
        return False
    root = part._element
    text = "".join(node.text or "" for node in root.iter(qn("w:t"), qn("w:instrText")))
    drawn = next(root.iter(qn("w:drawing"), qn("w:pict"), qn("w:fldSimple")), None)
    return bool(text.strip()) or drawn is not None


# --- styles --------------------------------------------------------------------------

def define_styles(document: Document, language: str, *, keep_defined: bool = False) -> None:
    """Create or redefine every style in STYLES, without theme fonts, in black.

    With ``keep_defined`` (a reference document) the styles the document defines are
    kept as they are, its defaults too, and only the styles it lacks are created."""
    styles_element = document.styles.element
    names = [name for name in STYLES if not (keep_defined and name in document.styles)]
    if keep_defined:
        _set_language(styles_element, language)
    else:
        for fonts in styles_element.iter(qn("w:rFonts")):
            for attribute in _THEME_FONT_ATTRIBUTES:
                fonts.attrib.pop(qn(attribute), None)
        _set_defaults(styles_element, language)
    for name in names:
        spec = STYLES[name]
        _apply(_paragraph_style(document, name, spec.based_on), spec)
    if language.startswith("en"):
        _latin_sans_where_hei(document, names)
    for name in UNLISTED_HEADING.values():
        if name in names:
            # Outline level 9 = body text: out of the TOC field and the navigation pane.
            insert_ppr(document.styles[name].element.get_or_add_pPr(),
                       element("w:outlineLvl", {"w:val": "9"}))
    for name in TOC.values():
        if name in names:
            tabs = document.styles[name].paragraph_format.tab_stops
            tabs.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    if RUNNING_HEADER in names:
        rule = element("w:pBdr")
        rule.append(element("w:bottom", {"w:val": "single", "w:sz": "4", "w:space": "1",
                                         "w:color": "000000"}))
        insert_ppr(document.styles[RUNNING_HEADER].element.get_or_add_pPr(), rule)


def _set_language(styles_element: BaseOxmlElement, language: str) -> None:
    """Set the documents' language (for proofing) in a reference document's defaults."""
    lang = styles_element.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", _NS)
    if lang is not None:
        lang.set(qn("w:val"), WORD_LANGUAGES.get(language, language))
        lang.set(qn("w:eastAsia"), "zh-CN")


def _latin_sans_where_hei(document: Document, names: list[str]) -> None:
    """Set the Latin letters of every 黑体 style in LATIN_SANS (the English edition)."""
    for name, spec in STYLES.items():
        if spec.east_asia == HEI and name in names:
            fonts = document.styles[name].element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attribute), LATIN_SANS)


def _set_defaults(styles_element: BaseOxmlElement, language: str) -> None:
    defaults = styles_element.find(qn("w:docDefaults"))
    r_pr = defaults.find("w:rPrDefault/w:rPr", _NS)
    fonts = r_pr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), SONG)
    for size in ("w:sz", "w:szCs"):
        r_pr.find(qn(size)).set(qn("w:val"), "21")
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), WORD_LANGUAGES.get(language, language))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find("w:pPrDefault/w:pPr/w:spacing", _NS)
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _paragraph_style(document: Document, name: str, based_on: str) -> ParagraphStyle:
    styles = document.styles
    if name in styles:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name.startswith("toc "):  # Word's built-in TOC styles: name "toc 1", id "TOC1"
        style.element.styleId = name.upper().replace(" ", "")
    style.base_style = styles[based_on]
    style.quick_style = not name.startswith("toc ")
    return style


def _apply(style: ParagraphStyle, spec: StyleSpec) -> None:
    font = style.font
    font.size, font.bold, font.italic = Pt(spec.size), spec.bold, False
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), spec.east_asia)
    paragraph = style.paragraph_format
    paragraph.alignment = spec.align
    paragraph.first_line_indent = Pt(spec.first_line) if spec.first_line else None
    paragraph.left_indent = Pt(spec.left) if spec.left else None
    paragraph.space_before, paragraph.space_after = Pt(spec.before), Pt(spec.after)
    paragraph.line_spacing = spec.line
    if spec.keep_next:
        paragraph.keep_with_next = True
    if spec.new_page:
        paragraph.page_break_before = True
    if spec.first_line:  # in characters too, so it follows the font size
        chars = round(spec.first_line / spec.size * 100)
        style.element.pPr.ind.set(qn("w:firstLineChars"), str(chars))


# --- page ----------------------------------------------------------------------------

def set_a4_page(section: Section) -> None:
    """A4 portrait, 25 mm margins, header and footer 15 mm from the edge."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.header_distance = section.footer_distance = Mm(15)
    section.gutter = Mm(0)


def write_header_footer(section: Section, metadata: Metadata, *, cover: bool,
                        keep: KeptParts = KeptParts()) -> None:
    """Running header (right, ruled), "第 X 页 共 Y 页" or "Page X of Y" footer,
    watermark if draft; a reference document's own parts in ``keep`` stay instead."""
    language = report_language(metadata)
    header = first_paragraph(section.header)
    if not keep.header:
        header.style = RUNNING_HEADER
        header.add_run(metadata.header_text)
    if not keep.footer:
        footer = section.footer.paragraphs[0]
        footer.style = "Footer"
        before, between, after = FOOTER_WORDS[language]
        footer.add_run(before)
        add_field(footer, "PAGE", "1")
        footer.add_run(between)
        add_field(footer, "NUMPAGES", "1")
        if after:
            footer.add_run(after)
    if metadata.draft:
        add_watermark(header, WATERMARK_TEXTS[language], number=1)
    if keep.first_page:
        if metadata.draft:
            add_watermark(first_paragraph(section.first_page_header),
                          WATERMARK_TEXTS[language], number=2)
        return
    if not cover:
        return
    # The cover page: an explicitly empty header and footer, still watermarked.
    first_header = section.first_page_header.paragraphs[0]
    section.first_page_footer.paragraphs[0].style = "Footer"
    if metadata.draft:
        add_watermark(first_header, WATERMARK_TEXTS[language], number=2)


def first_paragraph(part) -> DocxParagraph:
    """A header's first paragraph (one is added to a header holding only a table)."""
    paragraphs = part.paragraphs
    return paragraphs[0] if paragraphs else part.add_paragraph()


# --- properties ----------------------------------------------------------------------

def set_core_properties(document: Document, metadata: Metadata) -> None:
    """Fill docProps/core.xml from the metadata; every date is metadata.created.

    Long titles (many products) are shortened: Word allows 255 characters a property.
    """
    metadata = document_properties(metadata)
    properties = document.core_properties
    stamp = datetime.combine(metadata.created, time(0, 0), tzinfo=UTC)
    properties.title, properties.subject = metadata.title, metadata.subject
    properties.author = properties.last_modified_by = metadata.author
    properties.keywords = "; ".join(metadata.keywords)
    properties.language = metadata.language
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
    properties.comments = ""
    _drop_thumbnail(document)


def _drop_thumbnail(document: Document) -> None:
    # python-docx's template carries a preview image of an unrelated blank page.
    package_rels = document.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(r_id)
