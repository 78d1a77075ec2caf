"""Where the templates and fonts are: inside the installed package, or in a checkout.

The wheel carries them as ``cfpreport/templates`` and ``cfpreport/fonts``; in a source
checkout (editable install) they sit at the repository's top level.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

FONT_FILES = {
    "serif": "NotoSerifSC-Regular.otf",
    "sans": "NotoSansSC-Regular.otf",
    "sans-bold": "NotoSansSC-Bold.ttf",
}

#: The SC faces' Latin companions, set before them in the English edition (report.en.css);
#: Chinese text there, and every text of a Chinese report, is set in the SC faces.
LATIN_FONT_FILES = {
    "latin-serif": "NotoSerif-Regular.ttf",
    "latin-serif-bold": "NotoSerif-Bold.ttf",
    "latin-sans": "NotoSans-Regular.ttf",
    "latin-sans-bold": "NotoSans-Bold.ttf",
}


def _asset_dir(name: str) -> Path:
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cfpreport's {name}/ folder is missing from {PACKAGE}")


@cache
def templates_dir() -> Path:
    return _asset_dir("templates")


@cache
def fonts_dir() -> Path:
    return _asset_dir("fonts")


def font_path(role: str) -> Path:
    """Path of a shipped font by role: serif, sans, sans-bold, latin-serif, ..."""
    return fonts_dir() / {**FONT_FILES, **LATIN_FONT_FILES}[role]
