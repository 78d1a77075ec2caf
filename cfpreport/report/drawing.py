"""Shapes laid out once and drawn twice: as SVG for the PDF and HTML, as PNG for Word.

A :class:`Drawing` is a list of positioned shapes in millimetres (y grows downwards,
as in SVG). :meth:`Drawing.svg` writes vector shapes with real text in the report's
fonts, so the PDF's text is searchable and sharp; :meth:`Drawing.png` draws the same
shapes with matplotlib for Word, which cannot take SVG from python-docx. Positions
are computed by the caller (with :mod:`cfpreport.render.textfit`), never by either
drawing back end, so the two pictures agree.

All text is data: it is XML-escaped into the SVG and never parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar
from xml.sax.saxutils import escape, quoteattr

from cfpreport import assets
from cfpreport.render.textfit import PT_MM, SCRIPT_SCALE, Line, runs_width_mm

if TYPE_CHECKING:  # matplotlib is imported only when a PNG is drawn
    from matplotlib.axes import Axes

# The PDF's @font-face families first (templates/report.css), then what a browser
# showing the standalone HTML may have.
SANS_FAMILIES = ("cfp-sans, 'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', "
                 "'PingFang SC', 'Microsoft YaHei', sans-serif")
FONT_ROLES = {False: "sans", True: "sans-bold"}
SUB_SHIFT, SUP_SHIFT = 0.3, -0.45  # baseline shift of scripts, in ems of the text size
# Characters XML 1.0 does not allow (user text is cleaned of them, not rejected).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    stroke: str
    fill: str = "none"
    dashed: bool = False
    radius: float = 0.0
    stroke_width: float = 0.3


@dataclass(frozen=True)
class Arrow:
    """A horizontal arrow from x1 to x2 (the head's tip) at height y."""

    x1: float
    x2: float
    y: float
    colour: str
    stroke_width: float = 0.3
    head: float = 1.6  # length of the arrow head


@dataclass(frozen=True)
class Text:
    """One line of text centred on x, its baseline at y."""

    x: float
    y: float
    runs: Line
    size_pt: float
    colour: str
    bold: bool = False

    @property
    def width(self) -> float:
        return runs_width_mm(self.runs, self.size_pt, FONT_ROLES[self.bold])


@dataclass(frozen=True)
class Segment:
    """A straight line from (x1, y1) to (x2, y2): a chart's axis or marker."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    stroke_width: float = 0.3
    dashed: bool = False


Shape = Rect | Arrow | Text | Segment


@dataclass(frozen=True)
class Drawing:
    inline: ClassVar[bool] = True  # its SVG goes into the page as markup (Figure.svg)
    width: float  # mm
    height: float  # mm
    shapes: list[Shape]
    title: str  # the picture's alternative text

    def svg(self) -> str:
        """The drawing as a standalone SVG document (no XML declaration)."""
        body = "\n".join(svg_shape(shape) for shape in self.shapes)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:g}mm" '
                f'height="{self.height:.2f}mm" viewBox="0 0 {self.width:g} {self.height:.2f}" '
                f'role="img" aria-label={quoteattr(clean(self.title))}>\n'
                f"<title>{escape(clean(self.title))}</title>\n{body}\n</svg>\n")

    def png(self, dpi: int = 200) -> bytes:
        """The drawing as PNG bytes, drawn with matplotlib from the same shapes."""
        from matplotlib.figure import Figure

        from cfpreport.report.charts import MM, png_bytes

        figure = Figure(figsize=(self.width * MM, self.height * MM))
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(0, self.width)
        axes.set_ylim(self.height, 0)
        axes.axis("off")
        for shape in self.shapes:
            PNG_DRAWERS[type(shape)](axes, shape)
        return png_bytes(figure, dpi)


def clean(text: str) -> str:
    """Drop characters that XML cannot carry (control characters)."""
    return _NOT_XML.sub("", text)


def mm(value: float) -> str:
    """A length for the SVG, in millimetres (its user unit), to 0.01 mm."""
    return f"{value:.2f}"


# --- SVG -----------------------------------------------------------------------------

def svg_shape(shape: Shape) -> str:
    """One shape as SVG elements."""
    if isinstance(shape, Rect):
        return svg_rect(shape)
    if isinstance(shape, Arrow):
        return svg_arrow(shape)
    if isinstance(shape, Segment):
        return svg_line(shape)
    return svg_text(shape)


def svg_rect(rect: Rect) -> str:
    dash = ' stroke-dasharray="1.2 0.8"' if rect.dashed else ""
    corner = f' rx="{mm(rect.radius)}"' if rect.radius else ""
    return (f'<rect x="{mm(rect.x)}" y="{mm(rect.y)}" width="{mm(rect.width)}" '
            f'height="{mm(rect.height)}"{corner} fill="{rect.fill}" stroke="{rect.stroke}" '
            f'stroke-width="{rect.stroke_width:g}"{dash}/>')


def svg_arrow(arrow: Arrow) -> str:
    tip, base = arrow.x2, arrow.x2 - arrow.head
    half = arrow.head * 0.4
    return (f'<line x1="{mm(arrow.x1)}" y1="{mm(arrow.y)}" x2="{mm(base)}" y2="{mm(arrow.y)}" '
            f'stroke="{arrow.colour}" stroke-width="{arrow.stroke_width:g}"/>\n'
            f'<polygon points="{mm(base)},{mm(arrow.y - half)} {mm(tip)},{mm(arrow.y)} '
            f'{mm(base)},{mm(arrow.y + half)}" fill="{arrow.colour}"/>')


def svg_line(line: Segment) -> str:
    dash = ' stroke-dasharray="1.2 0.8"' if line.dashed else ""
    return (f'<line x1="{mm(line.x1)}" y1="{mm(line.y1)}" x2="{mm(line.x2)}" '
            f'y2="{mm(line.y2)}" stroke="{line.colour}" '
            f'stroke-width="{line.stroke_width:g}"{dash}/>')


def svg_text(text: Text) -> str:
    """A line as <text> with one <tspan> per run; scripts shifted with dy (which
    WeasyPrint and browsers both honour, unlike baseline-shift)."""
    size = text.size_pt * PT_MM
    spans, shift = [], 0.0
    for part, vertical in text.runs:
        target = size * {"sub": SUB_SHIFT, "sup": SUP_SHIFT}.get(vertical or "", 0.0)
        attributes = f' dy="{mm(target - shift)}"' if target != shift else ""
        if vertical:
            attributes += f' font-size="{mm(size * SCRIPT_SCALE)}"'
        spans.append(f"<tspan{attributes}>{escape(clean(part))}</tspan>")
        shift = target
    weight = ' font-weight="700"' if text.bold else ""
    return (f'<text x="{mm(text.x)}" y="{mm(text.y)}" text-anchor="middle" '
            f'font-family="{SANS_FAMILIES}" font-size="{mm(size)}"{weight} '
            f'fill="{text.colour}" xml:space="preserve">{"".join(spans)}</text>')


# --- PNG (matplotlib) ------------------------------------------------------------------

def png_rect(axes: Axes, rect: Rect) -> None:
    from matplotlib.patches import FancyBboxPatch

    style = f"round,pad=0,rounding_size={rect.radius}" if rect.radius else "square,pad=0"
    axes.add_patch(FancyBboxPatch(
        (rect.x, rect.y), rect.width, rect.height, boxstyle=style,
        facecolor=rect.fill if rect.fill != "none" else "none", edgecolor=rect.stroke,
        linewidth=rect.stroke_width / PT_MM, linestyle=(0, (3.4, 2.3)) if rect.dashed else "solid"))


def png_arrow(axes: Axes, arrow: Arrow) -> None:
    from matplotlib.patches import Polygon

    base, half = arrow.x2 - arrow.head, arrow.head * 0.4
    axes.plot([arrow.x1, base], [arrow.y, arrow.y], color=arrow.colour,
              linewidth=arrow.stroke_width / PT_MM, solid_capstyle="butt")
    axes.add_patch(Polygon([(base, arrow.y - half), (arrow.x2, arrow.y), (base, arrow.y + half)],
                           closed=True, facecolor=arrow.colour, edgecolor="none"))


def png_text(axes: Axes, text: Text) -> None:
    from matplotlib.font_manager import FontProperties

    path = str(assets.font_path(FONT_ROLES[text.bold]))
    x = text.x - text.width / 2
    size_mm = text.size_pt * PT_MM
    for part, vertical in text.runs:
        scale = SCRIPT_SCALE if vertical else 1.0
        shift = size_mm * {"sub": SUB_SHIFT, "sup": SUP_SHIFT}.get(vertical or "", 0.0)
        axes.text(x, text.y + shift, part, fontproperties=FontProperties(
            fname=path, size=text.size_pt * scale), color=text.colour, ha="left", va="baseline",
            parse_math=False)  # a "$" in user text is text, not mathtext
        x += runs_width_mm([(part, vertical)], text.size_pt, FONT_ROLES[text.bold])


def png_line(axes: Axes, line: Segment) -> None:
    axes.plot([line.x1, line.x2], [line.y1, line.y2], color=line.colour,
              linewidth=line.stroke_width / PT_MM, solid_capstyle="butt",
              linestyle=(0, (3.4, 2.3)) if line.dashed else "solid")


PNG_DRAWERS = {Rect: png_rect, Arrow: png_arrow, Text: png_text, Segment: png_line}
