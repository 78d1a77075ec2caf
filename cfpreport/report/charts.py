"""Charts: the stage pie (:class:`Pie`), and the system-boundary diagram as a
:class:`~cfpreport.report.drawing.Drawing`. Each is drawn twice: as SVG for the PDF and
HTML, and as PNG for Word (python-docx cannot take SVG), with matplotlib's object API
(no pyplot state). matplotlib is imported only when a PNG is drawn, which is after the
PDF's HTML has gone to the PDF worker: a build's PDF no longer waits for it.

Charts take final strings for every label: the numbers they print are formatted by
the report builder, so the chart and the tables cannot disagree.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from cfpreport.assets import font_path
from cfpreport.render.textfit import PT_MM, widest_unit_mm, wrap
from cfpreport.report.blocks import text_runs
from cfpreport.report.drawing import Arrow, Drawing, Rect, Shape, Text, clean
from cfpreport.report.glyphs import chart_glyphs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 200
MM = 1 / 25.4  # inches per millimetre
# Muted, print-friendly colours that stay distinct in greyscale.
PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#548235", "#a9d18e", "#c55a11", "#f4b183"]
DARK = {PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[5]}  # their labels are white
LABEL_PT = 9
LABEL_DISTANCE = 0.66  # of the radius, from the centre
EDGE_PT = 1.0  # the white line between slices
AXES = (0.02, 0.96)  # the pie's axes: inset and size, as fractions of the picture
AXIS_LIMIT = 1.25  # matplotlib's pie axes run from -1.25 to 1.25 (radius 1)


@cache
def chinese_font() -> str:
    """Register the shipped sans font with matplotlib and return its family name."""
    from matplotlib import font_manager

    path = font_path("sans")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def png_bytes(figure: Figure, dpi: int = DPI) -> bytes:
    """Render a figure to PNG without a timestamp or software tag (same input, same bytes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class Slice:
    value: float  # size of the slice (the shown value, so the chart matches the table)
    short: str  # text on the slice itself, e.g. "56.43%"; "" for small slices


def stage_pie(slices: list[Slice], size_mm: float = 90) -> Pie:
    """A pie of stage shares (生命周期阶段碳排放分布图); its legend is text in the report."""
    return Pie(tuple(slices), size_mm)


@dataclass(frozen=True)
class Pie:
    """A pie of shares, clockwise from twelve o'clock, each large slice labelled.

    :meth:`png` is matplotlib's pie, for Word. :meth:`svg`, for the PDF and HTML, draws
    the same geometry as vectors: the wedges as paths, and the labels as the outlines of
    the font's glyphs (:mod:`cfpreport.report.glyphs`), so that like the picture it
    stands for it adds no text to the PDF (the legend carries the numbers as text).
    The geometry is matplotlib's: radius 1 in axes from -1.25 to 1.25 inset by 2 %, each
    label at 0.66 of the radius on its slice's middle, begun there on the right half
    and ended there on the left, its line box (the font's typographic ascent and
    descent) centred on it.
    """

    inline: ClassVar[bool] = False  # an image in the page, as its PNG was (Figure.image)
    slices: tuple[Slice, ...]
    size_mm: float = 90

    @property
    def values(self) -> list[float]:
        """The slices' sizes, none below 0; all equal if they add up to nothing."""
        values = [max(s.value, 0.0) for s in self.slices]
        return values if sum(values) > 0 else [1.0] * len(self.slices)

    def png(self) -> bytes:
        """The pie drawn by matplotlib (its legend is text in the report)."""
        from matplotlib.figure import Figure

        family = chinese_font()
        figure = Figure(figsize=(self.size_mm * MM, self.size_mm * MM))
        axes = figure.add_axes((AXES[0], AXES[0], AXES[1], AXES[1]))
        _, texts = axes.pie(self.values, colors=PALETTE[: len(self.slices)], startangle=90,
                            counterclock=False, labels=[s.short for s in self.slices],
                            labeldistance=LABEL_DISTANCE,
                            wedgeprops={"linewidth": EDGE_PT, "edgecolor": "white"},
                            textprops={"fontfamily": family, "fontsize": LABEL_PT})
        for text, colour in zip(texts, PALETTE, strict=False):
            text.set_color("white" if colour in DARK else "black")
        axes.set_aspect("equal")
        return png_bytes(figure)

    def svg(self) -> str | None:
        """The pie as a standalone SVG document; None when a label has a character the
        kept outlines lack (the PNG serves then)."""
        glyphs = chart_glyphs()
        if not all(glyphs.covers(s.short) for s in self.slices):
            return None
        size = self.size_mm
        centre, radius = size / 2, AXES[1] * size / (2 * AXIS_LIMIT)
        edge = EDGE_PT * PT_MM
        shapes, labels = [], []
        start = 90.0  # degrees, anticlockwise from three o'clock; the slices go clockwise
        total = sum(self.values)
        for index, (piece, value) in enumerate(zip(self.slices, self.values, strict=True)):
            end = start - 360 * value / total
            colour = PALETTE[index % len(PALETTE)]
            shapes.append(f'<path d="{wedge_path(centre, radius, start, end)}" '
                          f'fill="{colour}" stroke="white" stroke-width="{edge:.4f}"/>')
            if piece.short:
                middle = math.radians((start + end) / 2)
                x = centre + LABEL_DISTANCE * radius * math.cos(middle)
                y = centre - LABEL_DISTANCE * radius * math.sin(middle)
                fill = "white" if colour in DARK else "black"
                path = label_path(piece.short, x, y, rightwards=math.cos(middle) > 0)
                labels.append(f'<path d="{path}" fill="{fill}"/>')
            start = end
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:g}mm" '
                f'height="{size:g}mm" viewBox="0 0 {size:g} {size:g}">\n'
                + "\n".join(shapes + labels) + "\n</svg>\n")


def wedge_path(centre: float, radius: float, start: float, end: float) -> str:
    """A wedge from angle ``start`` clockwise to ``end`` (degrees; y grows downwards);
    a whole circle has no line to the centre."""
    def point(angle: float) -> str:
        return (f"{centre + radius * math.cos(math.radians(angle)):.3f},"
                f"{centre - radius * math.sin(math.radians(angle)):.3f}")

    if abs(start - end) >= 360 - 1e-9:
        return (f"M{point(start)}A{radius:.3f},{radius:.3f} 0 1 1 {point(start - 180)}"
                f"A{radius:.3f},{radius:.3f} 0 1 1 {point(start)}Z")
    large = 1 if start - end > 180 else 0
    return (f"M{centre:.3f},{centre:.3f}L{point(start)}"
            f"A{radius:.3f},{radius:.3f} 0 {large} 1 {point(end)}Z")


def label_path(text: str, x: float, y: float, rightwards: bool) -> str:
    """A label's outlines as matplotlib places it: begun at x (``rightwards``, on the
    pie's right half) or ended there, its line box centred on y."""
    glyphs = chart_glyphs()
    scale = LABEL_PT * PT_MM / glyphs.units_per_em
    origin = x if rightwards else x - glyphs.advance(text) * scale
    baseline = y + (glyphs.ascent - glyphs.descent) * scale / 2
    return glyphs.path(text, origin, baseline, scale)


# --- the system boundary ----------------------------------------------------------------

@dataclass(frozen=True)
class BoundaryStage:
    label: str  # "原辅料获取"
    detail: str  # included processes, or "/" when the stage has no data
    included: bool
    reason: str = ""  # why an excluded stage is outside the boundary ("" when not given)


@dataclass(frozen=True)
class TextStyle:
    size_pt: float
    min_size_pt: float  # the size may shrink to this so that no word has to be broken
    bold: bool = False
    line_height: float = 1.3  # in ems

    @property
    def role(self) -> str:
        return "sans-bold" if self.bold else "sans"


INK, FRAME, MUTED = "#1f1f1f", "#404040", "#7f7f7f"
INCLUDED_BOX = {"stroke": "#1f4e79", "fill": "#deebf7"}
EXCLUDED_BOX = {"stroke": "#9a9a9a", "fill": "#f4f4f4", "dashed": True}
TITLE = TextStyle(8.0, 8.0)
LABEL = TextStyle(7.5, 6.0, bold=True)
DETAIL = TextStyle(6.5, 5.0)
LEGEND = TextStyle(6.5, 6.5)
BOX_PADDING = 1.0  # mm, inside a stage box
FRAME_MARGIN = 1.6  # mm, between a frame and the boxes in it


@dataclass(frozen=True)
class BoundaryWords:
    """What the diagram writes besides the stages, in the report's language (the
    snippets ``diagram_*``); Chinese by default."""

    excluded: str = "未纳入系统边界"  # in an excluded stage's box
    excluded_reason: str = "未纳入系统边界：{reason}"  # ... when the study says why
    key_boundary: str = "系统边界"  # the key's dashed frame
    key_excluded: str = "未纳入系统边界的阶段"  # the key's grey box
    alt: str = "{title}（产品系统边界示意图）"  # the drawing's title, for screen readers


def boundary_diagram(stages: list[BoundaryStage], boundary_label: str,
                     width_mm: float = 160, words: BoundaryWords = BoundaryWords()
                     ) -> Drawing:
    """Lay out the system boundary: stage boxes in life-cycle order joined by arrows,
    each run of included stages inside a dashed frame, excluded stages grey and
    dashed outside it with their reason. Boxes grow to hold all their text."""
    column = width_mm / max(len(stages), 1)
    gap = max(column * 0.2, 3.0)
    box_width = column - gap
    shapes: list[Shape] = [*text_lines(boundary_label, TITLE, width_mm / 2, 0.8, width_mm, INK)]
    box_top = shapes[-1].y + 5.0
    contents = [stage_text(stage, box_width - 2 * BOX_PADDING, words) for stage in stages]
    box_height = max((height for _, height in contents), default=0) + 2 * BOX_PADDING
    for index, (stage, (lines, _)) in enumerate(zip(stages, contents, strict=True)):
        left = index * column + gap / 2
        box = EXCLUDED_BOX if not stage.included else INCLUDED_BOX
        shapes.append(Rect(left, box_top, box_width, box_height, radius=0.8, **box))
        centre = left + box_width / 2
        shapes += [replace(line, x=centre, y=box_top + BOX_PADDING + line.y) for line in lines]
    arrow_y = box_top + BOX_PADDING + LABEL.size_pt * PT_MM * LABEL.line_height / 2
    for index in range(len(stages) - 1):
        right_edge = index * column + gap / 2 + box_width
        shapes.append(Arrow(right_edge + 0.4, right_edge + gap - 0.4, arrow_y, FRAME))
    frame_top, frame_bottom = box_top - FRAME_MARGIN, box_top + box_height + FRAME_MARGIN
    for first, last in included_runs(stages):
        # Each run of included stages gets its own frame: an excluded stage between
        # two runs sits visibly outside the boundary, the arrows crossing its line.
        left = first * column + gap / 2 - FRAME_MARGIN
        right = last * column + gap / 2 + box_width + FRAME_MARGIN
        shapes.append(Rect(left, frame_top, right - left, frame_bottom - frame_top,
                           stroke=FRAME, dashed=True, stroke_width=0.35))
    shapes += legend(frame_bottom + 3.0, width_mm, any(not s.included for s in stages), words)
    height = max(shape.y + (shape.height if isinstance(shape, Rect) else 1.5)
                 for shape in shapes) + 1.0
    return Drawing(width_mm, height, shapes, words.alt.replace("{title}", boundary_label))


def stage_text(stage: BoundaryStage, width: float, words: BoundaryWords = BoundaryWords()
               ) -> tuple[list[Text], float]:
    """The lines of one stage box, positioned from the box's top; and their height."""
    colour = INK if stage.included else MUTED
    lines = text_lines(stage.label, LABEL, 0, 0, width, colour)
    top = lines[-1].y + LABEL.size_pt * PT_MM * 0.55
    if stage.included:
        detail = stage.detail
    else:
        detail = (words.excluded_reason.replace("{reason}", stage.reason) if stage.reason.strip()
                  else words.excluded)
    if detail.strip():
        lines += text_lines(detail, DETAIL, 0, top, width, colour)
    return lines, lines[-1].y + DETAIL.size_pt * PT_MM * 0.45


def text_lines(text: str, style: TextStyle, x: float, top: float, width: float,
               colour: str) -> list[Text]:
    """Wrap text into centred lines below `top`, in the largest size (down to the
    style's minimum) at which no unbreakable piece (BXD2, SF6) is wider than a line."""
    runs = text_runs(clean(text).strip())
    size = style.size_pt
    while size > style.min_size_pt and widest_unit_mm(runs, size, style.role) > width:
        size = max(size - 0.25, style.min_size_pt)
    step = size * PT_MM * style.line_height
    return [Text(x, top + step * (index + 0.8), line, size, colour, style.bold)
            for index, line in enumerate(wrap(runs, width, size, style.role))]


def included_runs(stages: list[BoundaryStage]) -> list[tuple[int, int]]:
    """(first, last) indexes of each run of consecutive included stages."""
    runs: list[tuple[int, int]] = []
    for index, stage in enumerate(stages):
        if not stage.included:
            continue
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def legend(top: float, width: float, with_excluded: bool,
           words: BoundaryWords = BoundaryWords()) -> list[Shape]:
    """A key below the diagram: the dashed frame, and (when used) the excluded box."""
    entries: list[tuple[dict, str]] = [({"stroke": FRAME, "dashed": True}, words.key_boundary)]
    if with_excluded:
        entries.append((EXCLUDED_BOX, words.key_excluded))
    size = LEGEND.size_pt * PT_MM
    widths = [8.0 + 1.5 + Text(0, 0, [(label, None)], LEGEND.size_pt, INK).width
              for _, label in entries]
    x = (width - sum(widths) - 6.0 * (len(entries) - 1)) / 2
    shapes: list[Shape] = []
    for (box, label), entry_width in zip(entries, widths, strict=True):
        shapes.append(Rect(x, top, 8.0, 3.6, **{"stroke_width": 0.3, **box}))
        label_width = entry_width - 9.5
        shapes.append(Text(x + 9.5 + label_width / 2, top + 1.8 + size * 0.36,
                           [(label, None)], LEGEND.size_pt, INK))
        x += entry_width + 6.0
    return shapes
