"""Data-quality rating (PEF style), primary-data share and hot spots, per product.

DQR = (TeR + GeR + TiR + P) / 4, the formula of the PEF method (Commission
Recommendation (EU) 2021/2279, Annex I, section 4.6.5), from the activities' pedigree
scores weighted by their share of the product's result (|kg CO2e|). The pedigree
indicators map to PEF's: technological -> TeR, geographical -> GeR, temporal -> TiR,
reliability -> P (precision); completeness has no place in PEF's DQR and is used only
for the spread. Classes: <= 1.6 excellent, <= 2.0 very good, <= 3.0 good, <= 4.0 fair,
above 4.0 poor (the table of the first PEF Recommendation, 2013/179/EU, as issue 11
asks; later PEF texts may draw "excellent" at 1.5: not yet checked against the text);
the class is that of the unrounded rating.

Hot spots: the activities in order of their share of the total, down to the smallest
set that makes up 80 % of it, and at most 5 (a report lists a few, not a long tail).
"""

from __future__ import annotations

import math
from typing import Any

from cfpreport.calculation import data_quality
from cfpreport.calculation.uncertainty.inputs import ActivityInput

PEF_INDICATORS = {"TeR": "technological", "GeR": "geographical", "TiR": "temporal",
                  "P": "reliability"}
DQR_CLASSES = ((1.6, "excellent"), (2.0, "very_good"), (3.0, "good"), (4.0, "fair"))
HOT_SPOT_COVER = 0.80
HOT_SPOT_MAX = 5


def weights(activities: list[ActivityInput]) -> list[float]:
    """Each activity's share of the product's |kg CO2e| (equal shares if all are zero)."""
    sizes = [abs(a.kgco2e) for a in activities]
    total = sum(sizes)
    if total == 0:
        return [1 / len(activities)] * len(activities)
    return [size / total for size in sizes]


def dqr(activities: list[ActivityInput]) -> dict[str, Any]:
    """The product's data-quality rating, its class, its indicators and primary share,
    and each activity's scores and weight (a data-quality table's rows)."""
    shares = weights(activities)
    indicators = {name: math.fsum(w * a.scores[pedigree_name]
                                  for w, a in zip(shares, activities, strict=True))
                  for name, pedigree_name in PEF_INDICATORS.items()}
    rating = sum(indicators.values()) / 4
    return {"rating": rating, "class": dqr_class(rating), "indicators": indicators,
            "primary_data_share": primary_data_share(activities),
            "activities": [{"row": a.row, "stage": a.stage, "name": a.name,
                            "data_type": a.data_type, "weight": w, **a.scores,
                            "scores_from": "study" if a.scored else "data type default",
                            "amount_spread": a.amount.description()}
                           for w, a in zip(shares, activities, strict=True)]}


def dqr_class(rating: float) -> str:
    return next((name for limit, name in DQR_CLASSES if rating <= limit), "poor")


def primary_data_share(activities: list[ActivityInput]) -> float | None:
    """Share (0..1) of the product's result that comes from primary activity data; None
    when the result is 0. The PACT export's rule (``calculation.data_quality``), which
    gives a percentage: one rule, so the report and the PACT file never differ."""
    percent = data_quality.primary_data_share(
        {"stage": a.stage, "data_type": a.data_type, "kgco2e": a.kgco2e} for a in activities)
    return None if percent is None else float(percent / 100)


def hot_spots(activities: list[ActivityInput], total: float) -> list[dict[str, Any]]:
    """The activities that make up most of the total (see the module docstring)."""
    ranked = sorted(activities, key=lambda a: (-abs(a.kgco2e), a.row))
    spots, covered = [], 0.0
    for activity in ranked[:HOT_SPOT_MAX]:
        share = activity.kgco2e / total if total else 0.0
        covered += share
        source = {"gas": activity.gas} if activity.gas else {"factor": activity.factor_id}
        spots.append({"row": activity.row, "stage": activity.stage, "name": activity.name,
                      **source, "data_type": activity.data_type,
                      "kgco2e": activity.kgco2e, "share": share, "cumulative_share": covered,
                      "amount_spread": activity.amount.description()})
        if covered >= HOT_SPOT_COVER:
            break
    return spots
