"""The uncertainty analysis of a study's products, formatted once for the report.

The analysis is :func:`cfpreport.calculation.uncertainty.uncertainty_analysis`, the very
function the results JSON takes its ``uncertainty``, ``dqr``, ``hot_spots``,
``sensitivity`` and ``scenarios`` from (same study, same seed: the same numbers). Here its
values become strings the way the report shows every emission: kg CO2e rounded half-up
to the study's unit and decimals (:func:`cfpreport.calculation.rounding.shown_values`, as
stage values are), shares and changes as percentages to 2 decimals, half-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cfpreport.calculation import rounding
from cfpreport.calculation.calculate import KG_PER_DISPLAY_UNIT

PERCENT_DECIMALS = rounding.SHARE_DECIMALS
DQR_DECIMALS = 2


def analysis_of(study, results) -> dict[str, dict[str, Any]]:
    """Each product's analysis by id, as the results JSON carries it."""
    from cfpreport.calculation.uncertainty import uncertainty_analysis

    return uncertainty_analysis(study, results)["products"]


@dataclass(frozen=True)
class Shown:
    """Writes emissions (kg CO2e) in the report's unit and decimals."""

    unit: str  # "t" or "kg"
    decimals: int

    def __call__(self, kgco2e: float) -> str:
        return rounding.text(rounding.shown_values(
            [kgco2e], KG_PER_DISPLAY_UNIT[self.unit], self.decimals)[0])

    def signed(self, kgco2e: float) -> str:
        """A change: "+0.0058", "-0.0053"; "0.0000" has no sign."""
        text = self(abs(kgco2e))
        if Decimal(text) == 0:
            return text
        return ("-" if kgco2e < 0 else "+") + text


def percent(fraction: float) -> str:
    """A fraction (0.5472...) as a percentage to 2 decimals, half-up: "54.72"."""
    return rounding.text(rounding.round_half_up(rounding.exact(fraction).scaleb(2),
                                                PERCENT_DECIMALS))


def signed_percent(value: float) -> str:
    """A change already in % (14.4006...) to 2 decimals, half-up, signed: "+14.40"."""
    text = rounding.text(rounding.round_half_up(rounding.exact(abs(value)), PERCENT_DECIMALS))
    if Decimal(text) == 0:
        return text
    return ("-" if value < 0 else "+") + text


def rating(value: float) -> str:
    """A DQR (1.2499999999999998) to 2 decimals, half-up: "1.25"."""
    return rounding.text(rounding.round_half_up(rounding.exact(value), DQR_DECIMALS))


@dataclass(frozen=True)
class Interval:
    """One sum's simulated statistics, shown: mean, median, SD and the 95 % interval."""

    mean: str
    median: str
    sd: str
    low: str  # 2.5th percentile
    high: str  # 97.5th percentile

    @property
    def zero_width(self) -> bool:
        return self.low == self.high


def interval(stats: dict[str, float], shown: Shown) -> Interval:
    return Interval(shown(stats["mean"]), shown(stats["median"]), shown(stats["sd"]),
                    shown(stats["p2_5"]), shown(stats["p97_5"]))


@dataclass(frozen=True)
class Exceedance:
    value: str  # the asked value as the study writes it, in its unit
    probability: str  # in %, to 2 decimals


def exceedances(stats: dict[str, Any]) -> list[Exceedance]:
    return [Exceedance(asked, percent(found["probability"]))
            for asked, found in stats.get("exceed", {}).items()]
