"""WordprocessingML pieces that python-docx has no API for.

Fields, bookmarks, internal hyperlinks, cell borders, table widths and margins, and the
draft watermark (report table rows are built by :mod:`cfpreport.render.docx_rows`).
Each helper builds elements with lxml and inserts them in the order the schema requires
(Word refuses files whose children are out of order).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import _Cell
from docx.text.paragraph import Paragraph

# The children of w:pPr in schema order (ECMA-376 §17.3.1.26).
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
# Children of w:tcPr that must follow w:tcBorders and w:shd (ECMA-376 §17.4.70).
_TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                       "w:vAlign", "w:hideMark", "w:headers", "w:cellIns", "w:cellDel",
                       "w:cellMerge", "w:tcPrChange")
# Children of w:settings that must follow w:updateFields (ECMA-376 §17.15.1.78).
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
    "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def element(tag: str, attributes: dict[str, str] | None = None) -> BaseOxmlElement:
    """Make an element from prefixed names: element("w:shd", {"w:fill": "D9D9D9"})."""
    return OxmlElement(tag, attrs={qn(key): value for key, value in (attributes or {}).items()})


def insert_ppr(p_pr: BaseOxmlElement, child: BaseOxmlElement) -> None:
    """Insert a child into w:pPr at its schema position."""
    tag = child.tag.split("}")[1]
    successors = _PPR_ORDER[_PPR_ORDER.index(f"w:{tag}") + 1:]
    p_pr.insert_element_before(child, *successors)


# --- fields --------------------------------------------------------------------------

def _field_char(paragraph: Paragraph, char_type: str) -> None:
    paragraph.add_run()._r.append(element("w:fldChar", {"w:fldCharType": char_type}))


def begin_field(paragraph: Paragraph, instruction: str) -> None:
    """Open a complex field; the runs added next are its cached result."""
    _field_char(paragraph, "begin")
    instr = element("w:instrText", {"xml:space": "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")


def end_field(paragraph: Paragraph) -> None:
    """Close the field opened by :func:`begin_field` (possibly paragraphs earlier)."""
    _field_char(paragraph, "end")


def add_field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """Add a one-paragraph field (PAGE, NUMPAGES) showing `result` until updated."""
    begin_field(paragraph, instruction)
    paragraph.add_run(result)
    end_field(paragraph)


# --- bookmarks and internal links ----------------------------------------------------

def bookmark_name(anchor: str) -> str:
    """Turn a model anchor into a legal bookmark name (word characters, max 40)."""
    name = re.sub(r"\W", "_", anchor)
    return (name if name[:1].isalpha() else f"a_{name}")[:40]


def wrap_in_bookmark(paragraph: Paragraph, anchor: str, bookmark_id: int) -> None:
    """Put the paragraph's content inside a bookmark, the target of TOC links."""
    p = paragraph._p
    ident = str(bookmark_id)
    start = element("w:bookmarkStart", {"w:id": ident, "w:name": bookmark_name(anchor)})
    first_content = 1 if p.pPr is not None else 0
    p.insert(first_content, start)
    p.append(element("w:bookmarkEnd", {"w:id": ident}))


def wrap_in_link(paragraph: Paragraph, anchor: str, runs: Sequence[BaseOxmlElement]) -> None:
    """Move `runs` of the paragraph into an internal hyperlink to `anchor`."""
    link = element("w:hyperlink", {"w:anchor": bookmark_name(anchor), "w:history": "1"})
    runs[0].addprevious(link)
    for run in runs:
        link.append(run)


# --- tables --------------------------------------------------------------------------

def set_cell_borders(cell: _Cell, **edges: str) -> None:
    """Set cell borders: set_cell_borders(cell, bottom="single", top="nil")."""
    borders = element("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        if edge in edges:
            borders.append(element(f"w:{edge}", {"w:val": edges[edge], "w:sz": "6",
                                                 "w:space": "0", "w:color": "000000"}))
    cell._tc.get_or_add_tcPr().insert_element_before(borders, *_TCPR_AFTER_BORDERS)


def set_cell_margins(table_element: BaseOxmlElement, *, top: int, left: int, bottom: int,
                     right: int) -> None:
    """Give every cell of the table the same inner margins (twips), in w:tblCellMar."""
    margins = element("w:tblCellMar")
    for edge, twips in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        margins.append(element(f"w:{edge}", {"w:w": str(twips), "w:type": "dxa"}))
    table_element.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def set_table_width(table_element: BaseOxmlElement, twips: int) -> None:
    """Give the table an absolute width (python-docx leaves it "auto")."""
    width = table_element.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(twips))


# --- document settings ---------------------------------------------------------------

def set_update_fields(settings: BaseOxmlElement) -> None:
    """Ask Word to update fields (TOC page numbers) when the document is opened."""
    update = element("w:updateFields", {"w:val": "true"})
    settings.insert_element_before(update, *_SETTINGS_AFTER_UPDATE_FIELDS)


# --- watermark -----------------------------------------------------------------------

# Word's own text watermark: a VML WordArt shape (type 136) anchored in the header,
# centred on the margins, rotated 315°, semi-transparent grey, behind the text.
_WATERMARK = """\
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word">
<w:rPr><w:noProof/></w:rPr>
<w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
  path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas>
<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
</v:formulas>
<v:path textpathok="t" o:connecttype="custom"
  o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
  style="{style}"
  o:allowincell="f" fillcolor="silver" stroked="f">
<v:fill opacity=".5"/>
<v:textpath style="font-family:&quot;黑体&quot;;font-size:1pt" string="{text}"/>
<w10:wrap anchorx="margin" anchory="margin"/>
</v:shape>
</w:pict>
</w:r>"""
_WATERMARK_STYLE = ";".join((
    "position:absolute", "margin-left:0", "margin-top:0", "width:440pt", "height:110pt",
    "rotation:315", "z-index:-251654144", "mso-position-horizontal:center",
    "mso-position-horizontal-relative:margin", "mso-position-vertical:center",
    "mso-position-vertical-relative:margin"))


def add_watermark(paragraph: Paragraph, text: str, number: int) -> None:
    """Add a diagonal grey text watermark to a header paragraph (one per header part)."""
    run = parse_xml(_WATERMARK.format(number=number, spid=2048 + number,
                                      style=_WATERMARK_STYLE,
                                      text=escape(text, {'"': "&quot;"})))
    paragraph._p.append(run)
