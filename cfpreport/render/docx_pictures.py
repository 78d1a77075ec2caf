"""A house style's pictures in the Word file: the logo in line, the seal stamped over text.

python-docx places pictures in line only. The seal must lie over the issuer's name
without moving it, as a stamp does, so its in-line drawing (``wp:inline``) is turned into
a floating one (``wp:anchor``) with the same picture, behind the text (which stays
legible, as in the PDF), not wrapping it. It is placed from the page's left margin, not
laid out in its table cell: Word and LibreOffice grow a cell to hold a picture laid out
in it.
"""

from __future__ import annotations

import io

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from cfpreport.report.blocks import Picture

EMU_PER_MM = 36_000


def add_inline_picture(paragraph: DocxParagraph, picture: Picture, description: str) -> None:
    """Put the picture in line at its model size, with its alt text."""
    shape = paragraph.add_run().add_picture(io.BytesIO(picture.png), width=Mm(picture.width_mm),
                                            height=Mm(picture.height_mm))
    shape._inline.docPr.set("descr", description)


def add_stamp(paragraph: DocxParagraph, picture: Picture, description: str,
              centre_mm: float, line_mm: float) -> None:
    """Stamp the picture over the paragraph: centred ``centre_mm`` from the text
    column's left edge and on the paragraph's first line (``line_mm`` high), behind the
    text, not moving it."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(picture.png), width=Mm(picture.width_mm),
                    height=Mm(picture.height_mm))
    drawing = run._r.find(qn("w:drawing"))
    inline = drawing.find(qn("wp:inline"))
    inline.find(qn("wp:docPr")).set("descr", description)
    right = round((centre_mm - picture.width_mm / 2) * EMU_PER_MM)
    down = round((line_mm - picture.height_mm) / 2 * EMU_PER_MM)
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="1" locked="1" layoutInCell="0" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{right}</wp:posOffset>'
        '</wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{down}</wp:posOffset>'
        '</wp:positionV></wp:anchor>')
    extent = inline.find(qn("wp:extent"))
    anchor.append(extent)
    anchor.append(parse_xml(f'<wp:effectExtent {nsdecls("wp")} l="0" t="0" r="0" b="0"/>'))
    anchor.append(parse_xml(f'<wp:wrapNone {nsdecls("wp")}/>'))
    for name in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        part = inline.find(qn(name))
        if part is not None:
            anchor.append(part)
    drawing.replace(inline, anchor)
