"""Charts as PNG bytes, drawn with matplotlib's object API (no pyplot state).

Charts take final strings for every label: the numbers they print are formatted by
the report builder, so the chart and the tables cannot disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from cfpreport.assets import font_path

DPI = 200
MM = 1 / 25.4  # inches per millimetre
# Muted, print-friendly colours that stay distinct in greyscale.
PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#548235", "#a9d18e", "#c55a11", "#f4b183"]


@cache
def chinese_font() -> str:
    """Register the shipped sans font with matplotlib and return its family name."""
    path = font_path("sans")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def png_bytes(figure: Figure) -> bytes:
    """Render a figure to PNG without a timestamp or software tag (same input, same bytes)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class Slice:
    value: float  # size of the slice (the shown value, so the chart matches the table)
    short: str  # text on the slice itself, e.g. "56.43%"; "" for small slices


def stage_pie(slices: list[Slice], size_mm: float = 90) -> bytes:
    """A pie of stage shares (生命周期阶段碳排放分布图); its legend is text in the report."""
    family = chinese_font()
    figure = Figure(figsize=(size_mm * MM, size_mm * MM))
    axes = figure.add_axes((0.02, 0.02, 0.96, 0.96))
    values = [max(s.value, 0.0) for s in slices]
    if sum(values) <= 0:
        values = [1.0] * len(slices)
    _, texts = axes.pie(values, colors=PALETTE[: len(slices)], startangle=90,
                        counterclock=False, labels=[s.short for s in slices], labeldistance=0.66,
                        wedgeprops={"linewidth": 1.0, "edgecolor": "white"},
                        textprops={"fontfamily": family, "fontsize": 9})
    dark = {PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[5]}
    for text, colour in zip(texts, PALETTE, strict=False):
        text.set_color("white" if colour in dark else "black")
    axes.set_aspect("equal")
    return png_bytes(figure)


@dataclass(frozen=True)
class BoundaryStage:
    label: str  # "原辅料获取"
    detail: str  # included processes, or "/" when the stage has no data
    included: bool


def boundary_diagram(stages: list[BoundaryStage], boundary_label: str,
                     width_mm: float = 160) -> bytes:
    """Draw the system boundary: the stages as boxes in life-cycle order, inside a frame."""
    family = chinese_font()
    count = len(stages)
    figure = Figure(figsize=(width_mm * MM, 62 * MM))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, count * 10)
    axes.set_ylim(0, 10)
    axes.axis("off")
    axes.add_patch(Rectangle((0.25, 0.35), count * 10 - 0.5, 8.3, fill=False,
                             linestyle=(0, (4, 3)), linewidth=1.0, edgecolor="#404040"))
    axes.text(count * 5, 9.45, boundary_label, ha="center", va="center", fontsize=9,
              fontfamily=family, color="#202020")
    for index, stage in enumerate(stages):
        draw_stage_box(axes, index, stage, family)
        if index < count - 1:
            axes.add_patch(FancyArrowPatch((index * 10 + 8.9, 5.6), (index * 10 + 11.1, 5.6),
                                           arrowstyle="-|>", mutation_scale=9, linewidth=1.0,
                                           color="#404040"))
    return png_bytes(figure)


def draw_stage_box(axes, index: int, stage: BoundaryStage, family: str) -> None:
    left = index * 10 + 1.1
    colour = "#1f4e79" if stage.included else "#a0a0a0"
    axes.add_patch(FancyBboxPatch((left, 4.2), 7.8, 2.8,
                                  boxstyle="round,pad=0.05,rounding_size=0.4",
                                  linewidth=1.1, edgecolor=colour,
                                  facecolor="#deebf7" if stage.included else "#f2f2f2",
                                  linestyle="solid" if stage.included else (0, (3, 2))))
    axes.text(left + 3.9, 5.6, wrap(stage.label, 5), ha="center", va="center", fontsize=8,
              fontfamily=family, color="#101010" if stage.included else "#808080")
    axes.text(left + 3.9, 3.6, wrap(stage.detail, 7, max_lines=4), ha="center", va="top",
              fontsize=6.2, fontfamily=family, color="#404040" if stage.included else "#909090",
              linespacing=1.3)


def wrap(text: str, per_line: int, max_lines: int = 2) -> str:
    """Break CJK text into short lines (CJK has no spaces for a normal wrapper)."""
    lines = [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(lines)
