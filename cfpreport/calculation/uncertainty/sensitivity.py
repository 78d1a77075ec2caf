"""One-at-a-time sensitivity of a product's total, for a tornado chart.

Each factor the product uses, and each of its activity amounts, is moved alone to the
2.5th and to the 97.5th percentile of its own spread, everything else at its point
value; the entry gives the product's total at both ends and the change. Entries are
sorted by their larger absolute change, largest first; a quantity without spread is
left out (it moves nothing).
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.uncertainty.inputs import ActivityInput, Inputs

LOW, HIGH = 0.025, 0.975


def sensitivity(inputs: Inputs, activities: list[ActivityInput], total: float
                ) -> list[dict[str, Any]]:
    """The tornado entries of one product (``activities``: the product's, in order)."""
    entries = []
    for key in dict.fromkeys(a.factor for a in activities if a.factor is not None):
        spread = inputs.factors[key]
        if spread.point == 0:
            continue
        priced = sum(a.kgco2e for a in activities if a.factor == key)
        changes = [priced * (spread.quantile(q) / spread.point - 1) for q in (LOW, HIGH)]
        entries.append(entry("factor", {"factor": key, "name": inputs.factor_names[key]},
                             changes, total))
    for activity in activities:
        spread = activity.amount
        changes = [activity.coefficient * (spread.quantile(q) - spread.point)
                   for q in (LOW, HIGH)]
        entries.append(entry("activity", {"row": activity.row, "stage": activity.stage,
                                          "name": activity.name}, changes, total))
    entries = [e for e in entries if e["low_change"] != 0 or e["high_change"] != 0]
    return sorted(entries, key=lambda e: -max(abs(e["low_change"]), abs(e["high_change"])))


def entry(kind: str, what: dict[str, Any], changes: list[float], total: float
          ) -> dict[str, Any]:
    low, high = changes
    return {"kind": kind, **what,
            "low_kgco2e": total + low, "high_kgco2e": total + high,
            "low_change": low, "high_change": high,
            "low_change_percent": 100 * low / total if total else None,
            "high_change_percent": 100 * high / total if total else None}
