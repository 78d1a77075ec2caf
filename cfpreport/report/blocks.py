"""The format-neutral report model: a flat list of blocks plus document metadata.

A :class:`ReportModel` is what both renderers see. Every string in it is final:
numbers are already formatted (by :mod:`cfpreport.calculation.rounding`, via the report builder)
and renderers only lay blocks out. Each block type has exactly one HTML template
(``templates/blocks/<kind>.html.j2``) and one Word writer (``render/docx.py``); a
parity test keeps the two sides in step.

Text is plain text (user text included): renderers escape it. The only formatting
inside text is chemical notation (CO2, CH4, N2O, SF6 ...) and ``10^4``, which
:func:`text_runs` turns into sub- and superscript runs for both renderers alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import ClassVar, Literal, Protocol

Align = Literal["left", "center", "right"]

# The page both renderers lay out to: A4 (210 mm) less two 25 mm margins.
TEXT_WIDTH_MM = 160
FIGURE_GUTTER_MM = 4  # between a picture and a legend beside it (Word's cell margins)
LEGEND_MIN_WIDTH_MM = 50  # a legend narrower than this goes below its picture
SHORT_TABLE_ROWS = 12  # a table of up to this many body rows is never split across pages


@dataclass(frozen=True)
class Cell:
    text: str
    colspan: int = 1
    align: Align = "left"
    header: bool = False  # a label cell inside a body row (form tables)


@dataclass(frozen=True)
class Cover:
    kind: ClassVar[str] = "cover"
    title: str
    subtitle: str
    fields: list[tuple[str, str]]  # (label, value), e.g. ("报告编号", "T4100013")


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    level: int  # 1 chapter, 2 section, 3 subsection
    number: str  # "3.2.1", or "" for unnumbered headings (摘要, 附件)
    text: str
    anchor: str
    in_toc: bool = True


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    style: Literal["body", "note", "center", "formula"] = "body"


@dataclass(frozen=True)
class BulletList:
    kind: ClassVar[str] = "bullet_list"
    items: list[str]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    anchor: str
    number: str  # "表 5.2-1"; "" for untitled form tables
    caption: str
    header: list[list[Cell]]  # header rows, repeated on every page
    rows: list[list[Cell]]
    widths: list[float]  # relative column widths, one per column
    notes: list[str] = field(default_factory=list)
    style: Literal["grid", "form"] = "grid"

    @property
    def keep_together(self) -> bool:
        """Whether the table is short enough to stay whole on one page.

        Decided here, once, so that the PDF and the Word file keep the same tables
        together; a longer table may split, its header rows repeated."""
        return len(self.rows) <= SHORT_TABLE_ROWS


@dataclass(frozen=True)
class LegendEntry:
    colour: str  # "#1f4e79"
    text: str  # "产品生产  0.0382 tCO2e（56.43%）"


class Graphic(Protocol):
    """A graphic drawn twice: as SVG for the PDF and HTML, as PNG for Word, which
    python-docx cannot give SVG (a :class:`~cfpreport.report.drawing.Drawing`, a
    :class:`~cfpreport.report.charts.Pie`). ``svg`` may decline (None): the PNG serves.

    An ``inline`` graphic's SVG is set into the page as markup (a drawing whose text
    stays text); another's is shown as an image, laid out as its PNG was (a chart)."""

    inline: ClassVar[bool]

    def svg(self) -> str | None: ...

    def png(self) -> bytes: ...


@dataclass(frozen=True)
class Figure:
    kind: ClassVar[str] = "figure"
    anchor: str
    number: str  # "图 5.2-1"
    caption: str
    picture: bytes | Graphic  # PNG bytes, or a graphic: an SVG and its PNG twin
    width_mm: float
    alt: str
    # A chart's legend as text beside the image, so its numbers are real, searchable
    # text in the PDF and the Word file (not pixels), drawn from the same strings.
    legend: list[LegendEntry] = field(default_factory=list)

    @cached_property
    def svg(self) -> str | None:
        """An inline graphic's SVG, set into the PDF's and HTML's page as markup."""
        if isinstance(self.picture, bytes) or not self.picture.inline:
            return None
        return self.picture.svg()

    @cached_property
    def image(self) -> bytes:
        """What the PDF and HTML show as an image when there is no inline SVG: a chart's
        SVG (vector; its labels are shapes, as in a PNG), else the PNG."""
        if not isinstance(self.picture, bytes) and not self.picture.inline:
            svg = self.picture.svg()
            if svg is not None:
                return svg.encode("utf-8")
        return self.png

    @cached_property
    def png(self) -> bytes:
        """The picture as PNG, for Word (and the PDF when there is no SVG). A picture's
        PNG is drawn when first asked for: by then the PDF's HTML has gone to the PDF
        worker, which need not wait for matplotlib."""
        return self.picture if isinstance(self.picture, bytes) else self.picture.png()

    @property
    def picture_width_mm(self) -> float:
        return min(self.width_mm, TEXT_WIDTH_MM)

    @property
    def picture_column_mm(self) -> float:
        """Width of the picture's column when the legend stands beside it."""
        return self.picture_width_mm + FIGURE_GUTTER_MM

    @property
    def legend_beside(self) -> bool:
        """Whether the legend fits beside the picture (else it goes below, centred).

        Decided here, once, so that the PDF and the Word file place it alike."""
        return bool(self.legend) and (
            self.picture_column_mm + LEGEND_MIN_WIDTH_MM <= TEXT_WIDTH_MM)


@dataclass(frozen=True)
class SignatureLine:
    role: str  # 编制 / 组长 / 组员 / 企业代表 ...
    name: str  # printed name, may be ""
    label: str = "签名"


@dataclass(frozen=True)
class SignatureBlock:
    kind: ClassVar[str] = "signature_block"
    lines: list[SignatureLine]
    date_label: str = ""  # e.g. "日期"; "" for none
    seal_label: str = ""  # e.g. "（公章）"; "" for none
    # A final report's summary sheet: an empty box (id cfp-signature) where
    # `cfpreport sign` puts the signature field (the PDF only: Word has no signature).
    signature_box: bool = False


@dataclass(frozen=True)
class TocEntry:
    level: int
    number: str
    text: str
    anchor: str


@dataclass(frozen=True)
class TableOfContents:
    kind: ClassVar[str] = "table_of_contents"
    title: str
    entries: list[TocEntry]


@dataclass(frozen=True)
class PageBreak:
    kind: ClassVar[str] = "page_break"


Block = (Cover | Heading | Paragraph | BulletList | Table | Figure | SignatureBlock
         | TableOfContents | PageBreak)
BLOCK_TYPES: tuple[type, ...] = Block.__args__


def kept_with_next(block: Block, following: Block | None) -> bool:
    """Whether a block must share its page with the next one. Decided here so that the
    PDF and the Word file keep the same blocks together:

    * a form table (the summary sheet) with the signatures under it, which sign its
      results;
    * a paragraph with the short table or the figure right after it, which it
      introduces ("…如表 4-2 所示"), so that it never stands alone at a page's foot.
    """
    if isinstance(block, Table) and block.style == "form":
        return isinstance(following, SignatureBlock)
    if isinstance(block, Paragraph) and block.style == "body":
        return isinstance(following, Figure) or (
            isinstance(following, Table) and following.keep_together)
    return False


@dataclass(frozen=True)
class Metadata:
    title: str  # PDF title / docx core title
    subject: str
    author: str  # the issuing body
    keywords: list[str]
    language: str  # "zh-CN"
    created: date  # from the study (report.issued), never now()
    report_number: str
    header_text: str  # running header
    draft: bool  # watermark every page


@dataclass(frozen=True)
class Picture:
    """A house style's picture, as PNG, with the size both renderers show it at."""

    png: bytes
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class Branding:
    """The issuer's pictures from its house style (:mod:`cfpreport.report.style`).

    The logo stands above the cover's title. The seal is stamped on the cover over the
    field naming the issuing body (机构名称（公章）, see :func:`seal_field`); the model
    of a draft never carries one."""

    logo: Picture | None = None
    seal: Picture | None = None


@dataclass(frozen=True)
class ReportModel:
    metadata: Metadata
    blocks: list[Block]
    branding: Branding = Branding()

    def kinds(self) -> set[str]:
        return {block.kind for block in self.blocks}


def seal_field(cover: Cover, issuer: str) -> int | None:
    """The index of the cover field the seal is stamped on: the last one naming the
    issuing body (its label is 机构名称（公章）), or None when the cover names it nowhere.

    Decided here, once, so that the PDF and the Word file stamp the same field."""
    matches = [index for index, (_, value) in enumerate(cover.fields) if value == issuer]
    return matches[-1] if matches else None


# Chemical formulas whose digits are subscripts, and powers of ten written 10^4.
_CHEMICAL = re.compile(r"(?<![A-Za-z0-9])(?:kg|t|g)?(CO|CH|N|SF|NF|CF)(\d)(?!\d)")
_POWER = re.compile(r"10\^(\d+)")


def text_runs(text: str) -> list[tuple[str, str | None]]:
    """Split text into (text, vertical) runs; vertical is "sub", "sup" or None."""
    marks: list[tuple[int, int, str]] = []
    marks += [(m.start(2), m.end(2), "sub") for m in _CHEMICAL.finditer(text)]
    marks += [(m.start(), m.end(), "power") for m in _POWER.finditer(text)]
    runs: list[tuple[str, str | None]] = []
    position = 0
    for start, end, what in sorted(marks):
        if what == "power":
            runs += [(text[position:start] + "10", None), (text[start + 3:end], "sup")]
        else:
            runs += [(text[position:start], None), (text[start:end], "sub")]
        position = end
    runs.append((text[position:], None))
    return [(part, vertical) for part, vertical in runs if part]
