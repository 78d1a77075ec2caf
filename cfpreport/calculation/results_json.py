"""The results JSON (``cfpreport.results/1``): the machine-readable contract.

Floats are full precision in kg CO2e per functional unit; ``display`` holds the
strings the report prints. Extend, never rename.
"""

from __future__ import annotations

import json
import math
from typing import Any

from cfpreport.calculation import rounding
from cfpreport.calculation.calculate import Results
from cfpreport.calculation.ranges import ResultRangeError
from cfpreport.calculation.uncertainty import uncertainty_analysis
from cfpreport.input.study import Study

SCHEMA = "cfpreport.results/1"


def results_document(study: Study, results: Results) -> dict[str, Any]:
    """Build the results JSON document of a study as plain data."""
    factor_set = results.factor_set
    stages_by_product = {product: group for product, group in results.stages.groupby(
        "product", sort=False)}
    activities_by_product = {product: group for product, group in results.activities.groupby(
        "product", sort=False)}
    totals = results.products.set_index("product")
    analysis = uncertainty_analysis(study, results)["products"]
    products = []
    for product in study.products:
        stages = stages_by_product[product.id]
        total = totals.loc[product.id]
        activities = [activity_entry(row) for row in
                      activities_by_product[product.id].to_dict("records")]
        products.append({
            "id": product.id,
            "name": product.name,
            "model": product.model,
            "functional_unit": product.functional_unit,
            "total_kgco2e": float(total["kgco2e"]),
            "stages": {row.stage: float(row.kgco2e) for row in stages.itertuples()},
            "display": {
                "unit": results.display_unit,
                "total": total["shown"],
                "stages": {row.stage: {"value": row.shown, "share": row.share}
                           for row in stages.itertuples()},
                "stages_add_up": bool(total["stages_add_up"]),
                "shares_total": total["shares_total"],
                "shares_method": results.settings.shares,
            },
            "activities": activities,
            # uncertainty, dqr, hot_spots, sensitivity, scenarios (README, "Results JSON")
            **analysis[product.id],
            "hot_spots": shown_hot_spots(analysis[product.id]["hot_spots"], activities,
                                         total["shown"]),
        })
    return {
        "schema": SCHEMA,
        "report_number": study.report.number,
        "revision": study.report.revision,
        "factor_set": {"name": factor_set.name, "version": factor_set.version,
                       "sha256": factor_set.sha256},
        "gwp": results.settings.gwp,
        "products": products,
        "factors": used_factors(results),
    }


def used_factors(results: Results) -> list[dict[str, Any]]:
    """Each factor the activities use, as the set (or the study's ``factors:``) holds it:
    what a later revision compares with, from this document alone. Sorted by id."""
    ids = sorted({row for row in results.activities["factor"] if isinstance(row, str)})
    factors = []
    for factor_id in ids:
        factor = results.factor_set.get(factor_id)
        entry = {
            "id": factor_id,
            "set_id": results.factor_set.aliases.get(factor_id, factor_id),
            "name": factor.name,
            "value": factor.value,
            "unit": factor.unit,
            "kind": factor.kind,
            "source": factor.source,
            "publisher": factor.publisher,
            "published": str(factor.published) if factor.published else None,
            "year": factor.year,
            "origin": factor.origin,
            "derived": factor.chain is not None,  # from a fuel chain: shown to 5 digits
        }
        entry = {key: clean(value) for key, value in entry.items()}
        english = {key: factor.text(key, "en") for key in ("name", "source", "publisher")
                   if factor.en is not None and factor.text(key, "en") != entry[key]}
        if english:  # what an English report prints
            entry["en"] = english
        factors.append(entry)
    return factors


def shown_hot_spots(spots: list[dict[str, Any]], activities: list[dict[str, Any]],
                    total: str) -> list[dict[str, Any]]:
    """The hot spots with what the report prints of each (``display``): its activity's
    shown value, its share and the running share, by the rule of the stage shares."""
    values = [activities[spot["row"]]["display"]["value"] for spot in spots]
    shares = rounding.running_shares(values, total)
    return [{**spot, "display": {"value": value, "share": share, "cumulative_share": running}}
            for spot, value, (share, running) in zip(spots, values, shares, strict=True)]


def activity_entry(row: dict) -> dict[str, Any]:
    entry = {
        "stage": row["stage"],
        "factor": row["factor"],
        "amount": row["amount"],
        "unit": row["unit"],
        "basis": row["basis"],
        "data_type": row["data_type"],
        "amount_per_unit": row["amount_per_unit"],
        "factor_value": row["factor_value"],
        "factor_unit": row["factor_unit"],
        "kgco2e": row["kgco2e"],
        "display": {"value": row["shown"]},
    }
    if isinstance(row["gas"], str):
        entry["gas"] = row["gas"]
        del entry["factor"]
    if isinstance(row["label"], str):
        entry["label"] = row["label"]
    if isinstance(row["source"], str):
        entry["source"] = row["source"]
    return {key: value if key == "display" else clean(value) for key, value in entry.items()}


def clean(value: Any) -> Any:
    """Turn numpy scalars into plain Python values for json."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def dumps(document: dict) -> str:
    """Write the document as JSON; a value that is not a finite number is an error.

    The calculation refuses such results already; this is the last guard, because
    Infinity and NaN are not JSON and no reader should ever see them.
    """
    try:
        return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError as err:
        raise ResultRangeError(message=f"results JSON: {err}; every result must be a "
                                       "finite number in the supported range") from None
