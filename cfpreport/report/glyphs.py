"""Outlines of the chart font's glyphs, for labels a picture draws as shapes.

A pie's labels (56.43%) are drawn in its SVG as the outlines of the shipped sans font's
glyphs, not as text: like the PNG that the PDF showed before, the picture adds nothing
to the PDF's text (the legend beside it carries the same numbers as text). Reading the
font with fontTools takes ~0.25 s, so the outlines of the few characters labels use are
kept in ``cfpreport/data/chart-glyphs.json``, written by :func:`write_chart_glyphs`;
tests/test_charts.py checks them against the font.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cfpreport import assets

CHARACTERS = "0123456789.,%-"
DATA = Path(__file__).resolve().parent.parent / "data" / "chart-glyphs.json"
ROLE = "sans"  # the font the charts' text is set in (charts.chinese_font)

Command = list  # ["M", x, y], ["L", x, y], ["C", x1, y1, x2, y2, x, y] or ["Z"]


@dataclass(frozen=True)
class Glyph:
    advance: float  # font units
    commands: list[Command]  # its outline, font units, y up


@dataclass(frozen=True)
class GlyphSet:
    units_per_em: int
    ascent: float  # OS/2 typographic ascender, font units
    descent: float  # OS/2 typographic descender, below the baseline (positive)
    glyphs: dict[str, Glyph]

    def covers(self, text: str) -> bool:
        return all(char in self.glyphs for char in text)

    def advance(self, text: str) -> float:
        """The width of a line (the sum of its glyphs' advances), in font units."""
        return sum(self.glyphs[char].advance for char in text)

    def path(self, text: str, x: float, baseline: float, scale: float) -> str:
        """The line's outlines as SVG path data: its origin at (x, baseline) in the
        drawing's units (y down), ``scale`` drawing units per font unit."""
        parts, pen = [], 0.0
        for char in text:
            for command in self.glyphs[char].commands:
                points = command[1:]
                coordinates = " ".join(
                    f"{x + (pen + px) * scale:.3f},{baseline - py * scale:.3f}"
                    for px, py in zip(points[::2], points[1::2], strict=True))
                parts.append(f"{command[0]}{coordinates}")
            pen += self.glyphs[char].advance
        return "".join(parts)


@cache
def chart_glyphs() -> GlyphSet:
    """The outlines kept for the chart font (read once per process)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    glyphs = {char: Glyph(**glyph) for char, glyph in data["glyphs"].items()}
    return GlyphSet(data["units_per_em"], data["ascent"], data["descent"], glyphs)


def read_glyphs(font: Path, characters: str = CHARACTERS) -> dict:
    """Read the metrics and outlines of ``characters`` from a font file (fontTools)."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    with TTFont(str(font), lazy=True) as ttfont:
        glyph_set, cmap, os2 = ttfont.getGlyphSet(), ttfont.getBestCmap(), ttfont["OS/2"]
        glyphs = {}
        for char in characters:
            name = cmap[ord(char)]
            pen = RecordingPen()
            glyph_set[name].draw(pen)
            commands = [outline_command(operator, points) for operator, points in pen.value]
            glyphs[char] = {"advance": glyph_set[name].width, "commands": commands}
        return {"font": font.name, "units_per_em": ttfont["head"].unitsPerEm,
                "ascent": os2.sTypoAscender, "descent": -os2.sTypoDescender,
                "glyphs": glyphs}


def outline_command(operator: str, points: tuple) -> Command:
    """One pen operation as a path command: moveTo M, lineTo L, curveTo C (the cubic
    curves of a CFF font such as the shipped ones), closePath Z."""
    letter = {"moveTo": "M", "lineTo": "L", "curveTo": "C", "closePath": "Z",
              "endPath": "Z"}[operator]
    return [letter, *(coordinate for point in points for coordinate in point)]


def write_chart_glyphs() -> None:
    """Write cfpreport/data/chart-glyphs.json from the shipped font (after changing it)."""
    data = read_glyphs(assets.font_path(ROLE))
    DATA.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
