"""The numeric range cfpreport supports (README, "Limits"), and the words that refuse
what lies outside it.

Why these bounds: inside them every step of the calculation (amount / annual output x
unit conversion x factor x kg per t) stays a normal double, far from overflow and from
the subnormal numbers below 2.2e-308 that lose digits, so each result carries its 15-16
significant digits; and every result up to :data:`MAX_RESULT_KG` prints with at most
13 + 8 digits, which the exact decimal rounding handles without a fast-path shortcut.
Each bound is also generous by orders of magnitude for real studies: an amount past
1e12 of any unit or a footprint past 1 Mt CO2e per functional unit is a unit mistake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cfpreport.errors import CfpError


@dataclass(frozen=True)
class Range:
    """The values a number field accepts: 0 (if ``zero``) or ``low`` to ``high``."""

    what: str  # the field as a message names it: "an amount"
    low: float
    high: float
    zero: bool
    unit: str = ""  # said after the bounds: " in its unit"

    def problem(self, value: float) -> str | None:
        """Say why ``value`` is outside this range, or None when it is inside."""
        if (value == 0 and self.zero) or self.low <= value <= self.high:
            return None  # NaN fails both comparisons, so it is refused too
        zero = "0 or " if self.zero and self.low > 0 else ""
        return (f"{number_text(value)} is outside the supported range; {self.what} is "
                f"{zero}between {number_text(self.low)} and {number_text(self.high)}"
                f"{self.unit}")

    def check(self, value: float) -> float:
        """Return ``value``, or raise ValueError (a pydantic validator's way to refuse)."""
        message = self.problem(value)
        if message:
            raise ValueError(message)
        return value


AMOUNT = Range("an amount", 1e-9, 1e12, zero=True, unit=" in its unit")
FACTOR_VALUE = Range("a factor value", 1e-9, 1e6, zero=True, unit=" in its unit")
ANNUAL_OUTPUT = Range("an annual output", 1e-3, 1e12, zero=False, unit=" functional units")
DENSITY = Range("a density", 1e-6, 100, zero=False, unit=" kg/L")  # hydrogen gas to osmium
SITE_DAYS = Range("site_days", 0, 1000, zero=True, unit=" days")
CHAIN_VALUE = Range("a fuel-chain value", 1e-9, 1e6, zero=False)
GWP = Range("a GWP", 1e-9, 1e5, zero=True)  # the largest shipped is SF6's 25 200 (AR6)

#: The largest result, in kg CO2e per functional unit, of an activity, a stage or a total.
MAX_RESULT_KG = 1e12


def number_text(value: float) -> str:
    """Write a number short but exact: 1e+15, 0.15, 1e-320 (not 9.99989e-321)."""
    if not math.isfinite(value):
        return repr(value)
    forms = [text for text in (f"{value:g}", repr(value).removesuffix(".0"))
             if float(text) == value]
    return min(forms, key=len)


def result_problem(kgco2e: float) -> str | None:
    """Say why a result (kg CO2e per functional unit) cannot be reported, or None."""
    if not math.isfinite(kgco2e):
        return "is not a finite number"
    if abs(kgco2e) > MAX_RESULT_KG:
        return (f"is {number_text(kgco2e)} kgCO2e per functional unit, more than the "
                f"supported {number_text(MAX_RESULT_KG)} kgCO2e")
    return None


@dataclass(frozen=True)
class OutOfRange:
    """One result that cannot be reported: an activity's, a stage's or a total."""

    product: str  # the product's id
    row: int | None  # the activity's index among the product's activities, if an activity
    stage: str | None  # the stage, if a stage's sum
    message: str  # what result_problem says

    def __str__(self) -> str:
        what = (f"activity {self.row + 1}" if self.row is not None
                else f"stage {self.stage}" if self.stage else "total")
        return f"product {self.product}, {what}: {self.message}"


class ResultRangeError(CfpError):
    """A result lies outside the supported range (README, "Limits"); never reported.

    :func:`cfpreport.calculation.calculate.calculate` locates each result in the study
    file; without a study the message lists product and activity number.
    """

    def __init__(self, results: list[OutOfRange] | None = None, message: str = "") -> None:
        self.results = results or []
        super().__init__(message or "\n".join(str(result) for result in self.results))
