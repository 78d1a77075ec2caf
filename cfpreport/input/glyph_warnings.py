"""Warnings for characters the report's fonts cannot show (emoji, rare scripts).

The PDF is set in the shipped Noto SC fonts; a character they lack is taken from
whatever font the building machine happens to have, or printed as an empty box (tofu).
Each text of the study is checked against the characters all three shipped fonts have
(serif for text, sans and sans bold for headings and tables); one warning names the
field and its characters. The rule is registered in
:func:`cfpreport.input.study_warnings.study_warnings` with the other warnings.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from cfpreport import assets
from cfpreport.calculation.factors import FactorSet
from cfpreport.errors import Problem
from cfpreport.input.study import Study
from cfpreport.input.study_warnings import warning
from cfpreport.input.text_checks import FieldPath, texts

FONT_ROLES = ("serif", "sans", "sans-bold")
MAX_NAMED = 5  # characters named in one warning; more are counted
# Characters that are not drawn: controls (tab, line break), format characters such as
# the zero-width joiner, separators, and the variation selectors that pick an emoji style.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}
_VARIATION_SELECTORS = {*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


@cache
def font_characters() -> frozenset[int]:
    """The code points every shipped font has a glyph for (read from their cmaps once)."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; read only the cmap

    covered = None
    for role in FONT_ROLES:
        with TTFont(assets.font_path(role), lazy=True) as font:
            characters = set(font.getBestCmap())
        covered = characters if covered is None else covered & characters
    return frozenset(covered or ())


def missing_characters(text: str) -> list[str]:
    """The distinct characters of a text that the fonts lack, in order of appearance."""
    covered = font_characters()
    missing = [char for char in set(text) if ord(char) not in covered
               and ord(char) not in _VARIATION_SELECTORS
               and unicodedata.category(char) not in _NOT_DRAWN]
    return sorted(missing, key=text.index)


def characters_in_fonts(study: Study, factor_set: FactorSet) -> list[Problem]:
    """One warning per text holding characters the report's fonts do not have."""
    problems = []
    for path, text in study_texts(study):
        missing = missing_characters(text)
        if missing:
            problems.append(warning(study, path, missing_message(missing)))
    return problems


def missing_message(missing: list[str]) -> str:
    named = ", ".join(f"'{char}' (U+{ord(char):04X})" for char in missing[:MAX_NAMED])
    if len(missing) > MAX_NAMED:
        named += f" and {len(missing) - MAX_NAMED} more"
    verb = "is" if len(missing) == 1 else "are"
    box = "an empty box" if len(missing) == 1 else "empty boxes"
    return (f"{named} {verb} not in the report's fonts and would print as {box} (or in "
            "another font, if the machine that builds the report has one)")


def study_texts(study: Study) -> list[tuple[FieldPath, str]]:
    """Every text of the study, with its path (defaults included: they print too)."""
    data: Any = study.model_dump(mode="python")
    return texts(data, ())


RULES = [characters_in_fonts]
