"""Measure and wrap text as the report's fonts set it: CJK by characters, Latin runs whole.

Used wherever the layout is computed rather than left to a typesetter: the boundary
diagram (its lines are drawn at fixed positions) and the tables' column widths (so
that "17.2348 kWh" or a short label such as 年度总量 is never broken). Widths are
measured with the shipped fonts (Pillow's FreeType, at 1000 units per em), the fonts
the PDF embeds; the Word file's 宋体/Times New Roman is narrower, so a width that fits
the PDF fits Word too.

Text comes in runs of (text, vertical) as :func:`cfpreport.report.blocks.text_runs` gives
them; sub- and superscripts are set smaller (:data:`SCRIPT_SCALE`).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from cfpreport import assets

PT_MM = 25.4 / 72  # millimetres per point
SCRIPT_SCALE = 0.7  # sub- and superscripts, relative to the text's size
_UNITS = 1000  # the size fonts are loaded at; widths are scaled from it
# Punctuation that may not begin a line (it sticks to the character before it).
_CLOSING = set("，。、：；！？％）》」』】〕〉,.;:!?%)]}")

Run = tuple[str, str | None]  # (text, "sub" | "sup" | None)
Line = list[Run]


@cache
def _font(role: str):
    from PIL import ImageFont  # matplotlib's dependency, imported when first needed

    return ImageFont.truetype(str(assets.font_path(role)), _UNITS)


def width_mm(text: str, size_pt: float, role: str = "sans") -> float:
    """Width of `text` set in the shipped font `role` (serif, sans, sans-bold) at size_pt."""
    if not text:
        return 0.0
    return _font(role).getlength(text) / _UNITS * size_pt * PT_MM


def runs_width_mm(runs: Line, size_pt: float, role: str = "sans") -> float:
    """Width of a line of runs, sub- and superscripts set at SCRIPT_SCALE."""
    return sum(width_mm(text, size_pt * (SCRIPT_SCALE if vertical else 1), role)
               for text, vertical in runs)


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    return "wide" if unicodedata.east_asian_width(char) in ("W", "F") else "narrow"


def _opening(char: str) -> bool:
    return unicodedata.category(char) in ("Ps", "Pi")


def _closing(char: str) -> bool:
    return char in _CLOSING or unicodedata.category(char) in ("Pe", "Pf")


def break_allowed(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent characters.

    Between CJK characters, and between CJK and Latin text, yes; after a space, yes;
    never inside a run of Latin letters and digits ("BXD2", "SF6", "17.2348"), never
    before closing punctuation (，。）) and never after opening punctuation (（《).
    """
    if _kind(before) == "space":
        return True
    if _kind(after) == "space" or _closing(after) or _opening(before):
        return False
    return "wide" in (_kind(before), _kind(after))


def units(runs: Line) -> list[Line]:
    """Cut a text into the pieces a line may not break inside, each a list of runs."""
    return [piece for piece, _ in pieces(runs)]


def pieces(runs: Line) -> list[tuple[Line, bool]]:
    """The unbreakable pieces of a text, each with whether a "\\n" comes before it."""
    found: list[tuple[Line, bool]] = []
    previous, newline = "", False
    for text, vertical in runs:
        for char in text:
            if char == "\n":
                newline = True
                continue
            if not found or newline or break_allowed(previous, char):
                found.append(([], newline))
                newline = False
            found[-1][0].append((char, vertical))
            previous = char
    return [(merge(piece), forced) for piece, forced in found]


def merge(runs: Line) -> Line:
    """Join neighbouring runs of the same vertical position."""
    merged: Line = []
    for text, vertical in runs:
        if merged and merged[-1][1] == vertical:
            merged[-1] = (merged[-1][0] + text, vertical)
        elif text:
            merged.append((text, vertical))
    return merged


def widest_unit_mm(runs: Line, size_pt: float, role: str = "sans") -> float:
    """Width of the longest piece of the text that may not be broken."""
    return max((runs_width_mm(strip(unit), size_pt, role) for unit in units(runs)), default=0.0)


def strip(line: Line) -> Line:
    """Drop spaces at the start and end of a line (a line break swallows them)."""
    runs = list(line)
    while runs and not runs[0][0].lstrip():
        runs.pop(0)
    while runs and not runs[-1][0].rstrip():
        runs.pop()
    if runs:
        runs[0] = (runs[0][0].lstrip(), runs[0][1])
        runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
    return runs


def wrap(runs: Line, width: float, size_pt: float, role: str = "sans") -> list[Line]:
    """Break runs into lines no wider than `width` mm, at allowed breaks only.

    A "\\n" in the text is a forced break. A piece wider than the line (which callers
    avoid by choosing a smaller size) is split by characters as the last resort, so
    no text is ever dropped.
    """
    lines: list[Line] = []
    current: Line = []
    for unit, forced in pieces(runs):
        candidate = merge(current + unit)
        if current and (forced or runs_width_mm(strip(candidate), size_pt, role) > width):
            lines.append(strip(current))
            candidate = unit
        current = candidate
        if runs_width_mm(strip(current), size_pt, role) > width:
            *done, current = split_by_characters(strip(current), width, size_pt, role)
            lines += done
    lines.append(strip(current))
    return [line for line in lines if line] or [[]]


def split_by_characters(line: Line, width: float, size_pt: float, role: str) -> list[Line]:
    """Split an over-wide piece by characters (last resort: only an endless token)."""
    lines: list[Line] = [[]]
    for text, vertical in line:
        for char in text:
            candidate = merge([*lines[-1], (char, vertical)])
            if lines[-1] and runs_width_mm(candidate, size_pt, role) > width:
                lines.append([(char, vertical)])
            else:
                lines[-1] = candidate
    return lines
