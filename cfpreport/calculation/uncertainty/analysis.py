"""The uncertainty analysis of a calculated study as plain data, per product and stage.

This is what the results JSON carries (README, "Results JSON") and what the report's
section 5.3 and chapter 6 show: numbers in kg CO2e per functional unit at full
precision, shares as fractions (0..1), no formatting.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.calculate import KG_PER_DISPLAY_UNIT, Results
from cfpreport.calculation.uncertainty import quality
from cfpreport.calculation.uncertainty.inputs import study_inputs
from cfpreport.calculation.uncertainty.scenarios import Scenario, scenarios
from cfpreport.calculation.uncertainty.sensitivity import sensitivity
from cfpreport.calculation.uncertainty.simulation import simulate, summary
from cfpreport.input.study import Study

#: The last analysis made, with the study and results it is of: one build asks for the
#: same analysis for its report, its revision history and its results JSON, and a
#: Monte Carlo run is worth making once. Read only: callers copy what they change.
_latest: tuple[Study, Results, dict[str, Any]] | None = None


def uncertainty_analysis(study: Study, results: Results) -> dict[str, Any]:
    """``{"products": {id: {uncertainty, dqr, hot_spots, sensitivity, scenarios,
    scenario_details}}}``, made once for a given study and its results (the same
    objects: the seed makes a second run give the same numbers anyway)."""
    global _latest
    latest = _latest
    if latest is not None and latest[0] is study and latest[1] is results:
        return latest[2]
    analysis = analysed(study, results)
    _latest = (study, results, analysis)
    return analysis


def analysed(study: Study, results: Results) -> dict[str, Any]:
    """The analysis itself: simulation, data quality, hot spots, sensitivity, scenarios."""
    inputs = study_inputs(study, results)
    settings = study.study.uncertainty
    samples = simulate(inputs, settings.runs, settings.seed)
    kg_per_unit = KG_PER_DISPLAY_UNIT[study.study.unit]
    exceed = {f"{value:g}": value * kg_per_unit for value in settings.exceed}
    made = scenarios(study, results)
    totals = dict(zip(results.products["product"], results.products["kgco2e"], strict=True))
    products = {}
    for product in study.products:
        total = float(totals[product.id])
        activities = [a for a in inputs.activities if a.product == product.id]
        stages = results.stages[results.stages["product"] == product.id]
        values, point = samples.row(product.id)
        uncertainty = {"runs": settings.runs, "seed": settings.seed,
                       **summary(values, point, total, exceed, histogram=True)}
        uncertainty["stages"] = {
            row.stage: summary(*samples.row(product.id, row.stage), float(row.kgco2e))
            for row in stages.itertuples()}
        products[product.id] = {
            "uncertainty": uncertainty,
            "dqr": quality.dqr(activities),
            "hot_spots": quality.hot_spots(activities, total),
            "sensitivity": sensitivity(inputs, activities, total),
            # name -> total of each scenario made (the contract); everything
            # about every scenario, made or not and why, in scenario_details.
            "scenarios": {s.name: s.totals[product.id] for s in made if s.reason is None},
            "scenario_details": {s.name: {**s.description(),
                                          **scenario_total(s, product.id, total)}
                                 for s in made},
        }
    return {"products": products}


def scenario_total(scenario: Scenario, product: str, total: float) -> dict[str, Any]:
    """A made scenario's total for one product, and its change against the study's."""
    if scenario.reason is not None:
        return {}
    value = scenario.totals[product]
    return {"total_kgco2e": value,
            "change_percent": 100 * (value - total) / total if total else None}
