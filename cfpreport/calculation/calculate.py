"""The calculation: activity data x emission factors, per stage and per product.

Pure functions over DataFrames; no formatting except the display table, which is
built by :mod:`cfpreport.calculation.rounding` rules in :func:`display_tables`. Full precision
everywhere else, in kg CO2e per functional unit.

Columns of ``Results.activities`` (one row per activity, study order):
    product, row, stage, factor, gas, label, amount, unit, basis, data_type, source, note,
    annual_output, factor_name, factor_value, factor_unit, kg_per_denominator,
    denominator, conversion, amount_per_unit, kgco2e, shown
Columns of ``Results.stages`` (one row per product and stage that has activities):
    product, stage, kgco2e, shown, shown_value, share
Columns of ``Results.products`` (one row per product, study order):
    product, kgco2e, shown, stages_add_up, shares_total, shares_add_up
``shown`` columns hold the strings the report prints, in the study's unit and decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from cfpreport.calculation import rounding
from cfpreport.calculation.factors import FactorSet, load_gwp_sets
from cfpreport.calculation.ranges import (
    MAX_RESULT_KG,
    OutOfRange,
    ResultRangeError,
    result_problem,
)
from cfpreport.calculation.stages import STAGES
from cfpreport.calculation.units import conversion_factor
from cfpreport.errors import Problem, StudyError
from cfpreport.input.loading import format_path
from cfpreport.input.study import Study

KG_PER_DISPLAY_UNIT = {"kg": 1.0, "t": 1000.0}


@dataclass(frozen=True)
class Settings:
    """What the calculation needs from a study besides its activities."""

    gwp: str
    unit: str  # display unit of mass: "t" or "kg" CO2e
    decimals: int
    shares: str  # "shown-values" or "largest-remainder"


@dataclass(frozen=True)
class Results:
    """Everything computed for one study; every number a report shows comes from here."""

    settings: Settings
    factor_set: FactorSet
    activities: pd.DataFrame
    stages: pd.DataFrame
    products: pd.DataFrame

    @property
    def display_unit(self) -> str:
        return f"{self.settings.unit}CO2e"


def calculate(study: Study, factor_set: FactorSet) -> Results:
    """Compute the footprint of every product in a validated study.

    A result outside the supported range is a StudyError naming the activity (or the
    product, for a stage or total) in the study file.
    """
    settings = Settings(gwp=study.study.gwp, unit=study.study.unit,
                        decimals=study.study.decimals, shares=study.study.shares)
    activities = activity_frame(study)
    try:
        return calculate_frame(activities, factor_set, settings)
    except ResultRangeError as err:
        raise StudyError([located(study, result) for result in err.results]) from None


def located(study: Study, result: OutOfRange) -> Problem:
    """A result out of range as a problem at its activity (or product) in the study file."""
    index = next(i for i, product in enumerate(study.products) if product.id == result.product)
    path: tuple[str | int, ...] = ("products", index)
    if result.row is not None:
        path = (*path, "activities", result.row)
    return Problem(study.source_name, *study.position(*path), format_path(path), result.message)


def calculate_frame(activities: pd.DataFrame, factor_set: FactorSet,
                    settings: Settings) -> Results:
    """Compute results from an activity frame (the hot path; vectorised, no row loops)."""
    priced = price_activities(activities, factor_set, settings.gwp)
    stages = (priced.groupby(["product", "stage"], sort=False, observed=True)["kgco2e"].sum()
              .reset_index())
    stages["stage"] = pd.Categorical(stages["stage"], categories=STAGES, ordered=True)
    product_order = pd.Categorical(stages["product"], categories=pd.unique(activities["product"]),
                                   ordered=True)
    stages = stages.assign(_order=product_order).sort_values(["_order", "stage"]).drop(
        columns="_order").reset_index(drop=True)
    stages["stage"] = stages["stage"].astype(str)
    totals = (priced.groupby("product", sort=False)["kgco2e"].sum().reset_index())
    out_of_range = results_out_of_range(priced, stages, totals)
    if out_of_range:
        raise ResultRangeError(out_of_range)
    priced, stages, products = display_tables(priced, stages, totals, settings)
    return Results(settings, factor_set, priced, stages, products)


def results_out_of_range(activities: pd.DataFrame, stages: pd.DataFrame,
                         totals: pd.DataFrame) -> list[OutOfRange]:
    """Every result that cannot be reported (README, "Limits"), at the most precise level:
    the activities if any is out of range, else the stages, else the totals."""
    levels = [
        (activities, "its result {}; check the amount, its unit and basis, and the factor"),
        (stages, "its {stage} stage {}; check the amounts of that stage"),
        (totals, "its total {}; check the amounts of its activities"),
    ]
    for frame, wording in levels:
        values = frame["kgco2e"].to_numpy(dtype=float)
        outside = ~(np.abs(values) <= MAX_RESULT_KG)  # NaN compares False: outside too
        found = [OutOfRange(record["product"],
                            None if record.get("row") is None else int(record["row"]),
                            record.get("stage"),
                            wording.format(result_problem(record["kgco2e"]),
                                           stage=record.get("stage")))
                 for record in frame.loc[outside].to_dict("records")]
        if found:
            return found
    return []


def activity_frame(study: Study) -> pd.DataFrame:
    """Flatten the study's activities into one row each, in study order."""
    rows = [
        (product.id, row, a.stage, a.factor, a.gas, a.label, a.amount, a.unit, a.basis,
         a.data_type, a.source, a.note, product.annual_output)
        for product in study.products
        for row, a in enumerate(product.activities)
    ]
    columns = ["product", "row", "stage", "factor", "gas", "label", "amount", "unit", "basis",
               "data_type", "source", "note", "annual_output"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["amount"] = frame["amount"].astype(float)
    frame["annual_output"] = frame["annual_output"].astype(float)
    return frame


def factor_frame(factor_set: FactorSet, factor_ids: list[str], gwp: str) -> pd.DataFrame:
    """One row per factor id used (plus one per gas), with its value per denominator."""
    rows = []
    for factor_id in factor_ids:
        factor = factor_set.get(factor_id)
        rows.append((factor_id, None, factor.name, factor.value, factor.unit,
                     factor.kg_per_denominator, factor.denominator,
                     factor.density.value if factor.density else np.nan))
    gwp_set = load_gwp_sets()[gwp]
    for gas, value in gwp_set.values.items():
        rows.append((None, gas, f"{gas}（GWP100, IPCC {gwp}）", value, "kgCO2e/kg", value, "kg",
                     np.nan))
    return pd.DataFrame.from_records(rows, columns=[
        "factor", "gas", "factor_name", "factor_value", "factor_unit", "kg_per_denominator",
        "denominator", "density"])


def price_activities(activities: pd.DataFrame, factor_set: FactorSet, gwp: str) -> pd.DataFrame:
    """Attach factor, unit conversion and emissions (kg CO2e per functional unit) to rows."""
    used = sorted(activities["factor"].dropna().unique())
    factors = factor_frame(factor_set, used, gwp)
    key = activities["factor"].fillna("gas:" + activities["gas"].fillna(""))
    factor_key = factors["factor"].fillna("gas:" + factors["gas"].fillna(""))
    priced = activities.assign(_key=key).merge(
        factors.drop(columns=["factor", "gas"]).assign(_key=factor_key),
        on="_key", how="left", validate="many_to_one")
    if priced["kg_per_denominator"].isna().any():
        missing = sorted(priced.loc[priced["kg_per_denominator"].isna(), "_key"].unique())
        raise KeyError(f"activities reference factors that were not checked: {missing}")
    priced["conversion"] = unit_conversions(priced)
    per_unit_divisor = np.where(priced["basis"].to_numpy() == "annual",
                                priced["annual_output"].to_numpy(), 1.0)
    priced["amount_per_unit"] = priced["amount"] / per_unit_divisor
    priced["kgco2e"] = (priced["amount_per_unit"] * priced["conversion"]
                        * priced["kg_per_denominator"])
    return priced.drop(columns="_key")


def unit_conversions(priced: pd.DataFrame) -> pd.Series:
    """Conversion of each row's unit to its factor's denominator, computed once per pair."""
    pairs = priced[["unit", "denominator", "density"]].drop_duplicates()
    pairs = pairs.assign(conversion=[
        conversion_factor(unit, denominator, None if np.isnan(density) else float(density))
        for unit, denominator, density in pairs.itertuples(index=False)])
    merged = priced[["unit", "denominator", "density"]].merge(
        pairs, on=["unit", "denominator", "density"], how="left", validate="many_to_one")
    return merged["conversion"].set_axis(priced.index)


def display_tables(activities: pd.DataFrame, stages: pd.DataFrame, totals: pd.DataFrame,
                   settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Add shown values and shares (see :mod:`cfpreport.calculation.rounding` for the rules).

    Every shown value is its own exact value rounded; none is adjusted to make a sum.
    """
    kg_per_unit = KG_PER_DISPLAY_UNIT[settings.unit]
    decimals = settings.decimals
    activities = activities.assign(shown=[rounding.text(value) for value in rounding.shown_values(
        activities["kgco2e"], kg_per_unit, decimals)])
    total_values = dict(zip(totals["product"], rounding.shown_values(
        totals["kgco2e"], kg_per_unit, decimals), strict=True))
    stage_values = rounding.shown_values(stages["kgco2e"], kg_per_unit, decimals)
    parts: dict[str, list[Decimal]] = {product: [] for product in total_values}
    for product, value in zip(stages["product"], stage_values, strict=True):
        parts[product].append(value)
    share_rule = (rounding.shares_largest_remainder if settings.shares == "largest-remainder"
                  else rounding.shares_from_shown)
    shares = {product: share_rule(values, total_values[product])
              for product, values in parts.items()}
    # each product's shares are listed in its stages' row order: hand them out in turn
    next_share = {product: iter(values) for product, values in shares.items()}
    stages = stages.assign(
        shown=[rounding.text(value) for value in stage_values],
        shown_value=[float(value) for value in stage_values],
        share=[rounding.text(next(next_share[product])) for product in stages["product"]])
    share_sums = {product: sum(values, Decimal(0)) for product, values in shares.items()}
    totals = totals.assign(
        shown=[rounding.text(total_values[p]) for p in totals["product"]],
        stages_add_up=[rounding.parts_add_up(parts[p], total_values[p])
                       for p in totals["product"]],
        shares_total=[rounding.text(share_sums[p]) for p in totals["product"]],
        shares_add_up=[share_sums[p] == rounding.HUNDRED_PERCENT for p in totals["product"]])
    return activities, stages, totals

