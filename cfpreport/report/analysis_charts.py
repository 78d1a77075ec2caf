"""The charts of the uncertainty analysis (section 5.3): a histogram of a product's
simulated totals and a tornado chart of its sensitivity.

Both are :class:`~cfpreport.report.drawing.Drawing` objects: laid out here once in
millimetres, written as SVG (real text) for the PDF and drawn as PNG for Word. Like every
chart they take final strings for their labels (formatted by the report builder); the
numbers they place are positions only.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfpreport.render.textfit import PT_MM
from cfpreport.report.blocks import text_runs
from cfpreport.report.charts import INK, MUTED, PALETTE, TextStyle, text_lines
from cfpreport.report.drawing import Drawing, Rect, Segment, Shape, Text

TICK = TextStyle(7.0, 7.0)
NAME = TextStyle(7.0, 6.0)
INSIDE, OUTSIDE = PALETTE[1], PALETTE[2]  # bars inside / outside the 95 % interval
LOW_COLOUR, HIGH_COLOUR = PALETTE[2], PALETTE[0]  # tornado: the 2.5th / 97.5th percentile
RESULT_COLOUR = PALETTE[5]


@dataclass(frozen=True)
class HistogramLabels:
    """What the histogram writes: the interval's ends and the result, formatted."""

    low: str  # "0.0616"
    high: str
    result: str  # "0.0677"
    unit: str  # "tCO2e/台", under the axis's right end
    title: str  # the alternative text


def histogram(edges: list[float], counts: list[int], low: float, high: float,
              result: float, labels: HistogramLabels, width_mm: float = 150) -> Drawing:
    """Bars of the simulated totals (darker inside the 95 % interval), dashed lines at the
    interval's ends labelled below the axis, and the calculated result labelled above."""
    left, right, top, bottom = 4.0, width_mm - 4.0, 7.0, 40.0
    start, end = edges[0], edges[-1]
    span = (end - start) or 1.0
    tallest = max(counts) or 1

    def x(value: float) -> float:
        return left + (right - left) * (min(max(value, start), end) - start) / span

    shapes: list[Shape] = []
    for lower, upper, count in zip(edges, edges[1:], counts, strict=False):
        height = (bottom - top) * count / tallest
        middle = (lower + upper) / 2
        colour = INSIDE if low <= middle <= high else OUTSIDE
        shapes.append(Rect(x(lower), bottom - height, max(x(upper) - x(lower), 0.1), height,
                           stroke="white", fill=colour, stroke_width=0.15))
    shapes.append(Segment(left, bottom, right, bottom, INK, 0.3))
    tick = TICK.size_pt * PT_MM
    for value, text in ((low, labels.low), (high, labels.high)):
        shapes.append(Segment(x(value), top - 1.0, x(value), bottom + 1.2, INK, 0.3,
                              dashed=True))
        shapes.append(Text(x(value), bottom + 2.0 + tick, [(text, None)], TICK.size_pt, INK))
    shapes.append(Segment(x(result), top - 1.0, x(result), bottom, RESULT_COLOUR, 0.45))
    shapes.append(Text(x(result), top - 2.0, [(labels.result, None)], TICK.size_pt,
                       RESULT_COLOUR))
    unit = Text(0, bottom + 4.0 + 2 * tick, text_runs(labels.unit), TICK.size_pt, MUTED)
    shapes.append(Text(right - unit.width / 2, unit.y, unit.runs, unit.size_pt, MUTED))
    return Drawing(width_mm, bottom + 5.5 + 2 * tick, shapes, labels.title)


@dataclass(frozen=True)
class Bar:
    """One tornado bar: what moves, and the total's change at each end (in %)."""

    name: str
    low: float  # change of the total in %, at the 2.5th percentile of the quantity
    high: float  # ... at its 97.5th
    low_text: str  # "-7.79%"
    high_text: str


def tornado(bars: list[Bar], title: str, width_mm: float = 160) -> Drawing:
    """Horizontal bars around the calculated total, largest first; each bar's name at the
    left, its changes at its ends."""
    name_width, label_room, row = 64.0, 14.0, 7.0
    centre = name_width + 4.0 + (width_mm - name_width - 4.0) / 2
    half = (width_mm - name_width - 4.0) / 2 - label_room
    largest = max((max(abs(b.low), abs(b.high)) for b in bars), default=0.0) or 1.0
    shapes: list[Shape] = []
    tick = TICK.size_pt * PT_MM
    for index, bar in enumerate(bars):
        y = 2.0 + index * row
        lines = text_lines(bar.name, NAME, 0, 0, name_width, INK)[:2]
        block = (len(lines) - 1) * NAME.size_pt * PT_MM * NAME.line_height
        for line in lines:
            shapes.append(Text(name_width - line.width / 2,
                               y + row / 2 - block / 2 + line.y - lines[0].y + tick / 3,
                               line.runs, line.size_pt, INK))
        for change, text, colour in ((bar.low, bar.low_text, LOW_COLOUR),
                                     (bar.high, bar.high_text, HIGH_COLOUR)):
            length = half * abs(change) / largest
            start = centre if change >= 0 else centre - length
            shapes.append(Rect(start, y + 1.2, max(length, 0.1), row - 2.4, stroke="none",
                               fill=colour))
            label = Text(0, y + row / 2 + tick / 3, [(text, None)], TICK.size_pt, INK)
            edge = centre + length + 1.0 + label.width / 2 if change >= 0 else (
                centre - length - 1.0 - label.width / 2)
            shapes.append(Text(edge, label.y, label.runs, label.size_pt, INK))
    bottom = 2.0 + len(bars) * row
    shapes.append(Segment(centre, 1.0, centre, bottom + 1.0, INK, 0.35))
    return Drawing(width_mm, bottom + 2.0, shapes, title)
