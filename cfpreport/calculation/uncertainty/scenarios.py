"""Scenarios: the same study re-priced under named alternatives, without editing it.

- ``electricity_footprint``: every electricity activity priced with the national
  electricity carbon-footprint factor (life cycle, CO2e) of the set;
- ``electricity_grid_co2``: ... with the national grid CO2 emission factor (CO2 only);
- ``regional_grid``: ... with the grid CO2 factor of the plant's regional grid, the
  region named by ``study.grid_region`` or, failing that, by the province the company
  address starts with (the scenario says which; Inner Mongolia, split between two
  grids, is never guessed);
- ``allocation_mass``: the plant's annual activities (``basis: annual``) shared between
  the products by mass (``products[].mass_kg`` x annual output) instead of by output.

Of each kind, the factor of the same year as the study's electricity factor is taken,
else of the nearest year (the later on a tie). Electricity factors are told apart by
kind and by the ids of the shipped sets (``electricity_grid_2023``,
``electricity_footprint_2024``, ``electricity_grid_2023_east``). A scenario that
cannot be made, or would equal the study, is omitted with a reason code and a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cfpreport.calculation.calculate import Results
from cfpreport.calculation.factors import Factor, FactorSet
from cfpreport.calculation.units import UnitError, conversion_factor
from cfpreport.input.study import Study

ELECTRICITY_KINDS = ("grid_co2", "electricity_footprint")
NATIONAL = re.compile(r"^electricity_(grid|footprint)_(\d{4})$")
REGIONAL = re.compile(r"^electricity_grid_(\d{4})_([a-z]+)$")
SCENARIOS = ("electricity_footprint", "electricity_grid_co2", "regional_grid",
             "allocation_mass")

#: Provinces by regional grid, as cfpreport reads the regional grids of the MEE/NBS
#: announcements (not checked against their text, like the factors themselves); a
#: province is recognised where a company address starts with it. Inner Mongolia lies
#: in two grids (west: north, east: northeast): never guessed.
PROVINCE_REGIONS = {
    "north": ("北京", "天津", "河北", "山西", "山东"),
    "northeast": ("辽宁", "吉林", "黑龙江"),
    "east": ("上海", "江苏", "浙江", "安徽", "福建"),
    "central": ("河南", "湖北", "湖南", "江西"),
    "northwest": ("陕西", "甘肃", "青海", "宁夏", "新疆"),
    "south": ("广东", "广西", "云南", "贵州", "海南"),
    "southwest": ("四川", "重庆", "西藏"),
}
AMBIGUOUS_PROVINCES = ("内蒙古",)


@dataclass
class Scenario:
    """One scenario: made (with what it changed) or omitted (with why)."""

    name: str
    reason: str | None = None  # a code when omitted
    detail: str = ""  # what was done, or why not, in a sentence
    substitutions: list[dict[str, Any]] = field(default_factory=list)
    region: str | None = None
    region_from: str | None = None  # study.grid_region | company.address
    totals: dict[str, float] = field(default_factory=dict)  # kg CO2e per unit, by product

    def description(self) -> dict[str, Any]:
        """The study-level entry of the results JSON."""
        described: dict[str, Any] = {"made": self.reason is None, "detail": self.detail}
        if self.reason is not None:
            described["reason"] = self.reason
        if self.substitutions:
            described["substitutions"] = self.substitutions
        if self.region is not None:
            described |= {"region": self.region, "region_from": self.region_from}
        return described


def scenarios(study: Study, results: Results) -> list[Scenario]:
    """Every scenario of :data:`SCENARIOS`, made or omitted, in that order."""
    frame = results.activities
    used = electricity_used(frame, results.factor_set)
    made = []
    for kind, name in (("electricity_footprint", "electricity_footprint"),
                       ("grid_co2", "electricity_grid_co2")):
        made.append(repriced_electricity(name, frame, results.factor_set, used,
                                         lambda f, kind=kind: national(f, kind)))
    made.append(regional_scenario(study, frame, results.factor_set, used))
    made.append(allocation_mass(study, frame))
    return made


def electricity_used(frame: pd.DataFrame, factor_set: FactorSet) -> dict[str, Factor]:
    """The electricity factors the study prices with, by the id its activities use."""
    used = {}
    for factor_id in frame["factor"].dropna().unique():
        factor = factor_set.get(factor_id)
        if factor.kind in ELECTRICITY_KINDS:
            used[factor_id] = factor
    return used


def national(factor_set: FactorSet, kind: str) -> dict[int, str]:
    """The national factors of one kind in the set, by year."""
    word = "footprint" if kind == "electricity_footprint" else "grid"
    found = {}
    for factor_id, factor in factor_set.factors.items():
        match = NATIONAL.match(factor_id)
        if match and match[1] == word and factor.kind == kind:
            found[int(match[2])] = factor_id
    return found


def regional(factor_set: FactorSet, region: str) -> dict[int, str]:
    found = {}
    for factor_id, factor in factor_set.factors.items():
        match = REGIONAL.match(factor_id)
        if match and match[2] == region and factor.kind == "grid_co2":
            found[int(match[1])] = factor_id
    return found


def nearest_year(by_year: dict[int, str], year: int | None) -> str:
    """The id of the same year, else the nearest (the later on a tie; latest if unknown)."""
    if year is None:
        return by_year[max(by_year)]
    return by_year[min(by_year, key=lambda y: (abs(y - year), -y))]


def repriced_electricity(name: str, frame: pd.DataFrame, factor_set: FactorSet,
                         used: dict[str, Factor], candidates) -> Scenario:
    """Re-price every electricity activity with the candidate factor of its year."""
    if not used:
        return Scenario(name, "no_electricity", "no activity is priced with a grid or "
                        "electricity-footprint factor")
    by_year = candidates(factor_set)
    if not by_year:
        return Scenario(name, "no_factor", f"the factor set {factor_set.name} has no factor "
                        "for this scenario")
    replace = {factor_id: nearest_year(by_year, factor.year) for factor_id, factor in
               used.items()}
    if all(factor_set.aliases.get(old, old) == new for old, new in replace.items()):
        return Scenario(name, "same_as_study", "the study already prices its electricity "
                        "with this factor")
    substitutions = [substitution(factor_set, old, new) for old, new in replace.items()]
    scenario = Scenario(name, detail="electricity re-priced: " + "; ".join(
        f"{s['from']} -> {s['to']}" for s in substitutions), substitutions=substitutions)
    try:
        scenario.totals = totals(frame, replaced_results(frame, factor_set, replace))
    except UnitError as err:  # a study's own electricity factor in an unusual unit
        return Scenario(name, "unit_mismatch", f"an amount does not convert to the "
                        f"scenario factor's unit: {err}")
    return scenario


def regional_scenario(study: Study, frame: pd.DataFrame, factor_set: FactorSet,
                      used: dict[str, Factor]) -> Scenario:
    region, origin, problem = plant_region(study)
    if region is None:
        return Scenario("regional_grid", *problem)
    scenario = repriced_electricity("regional_grid", frame, factor_set, used,
                                    lambda f: regional(f, region))
    scenario.region, scenario.region_from = region, origin
    if scenario.reason is None:
        scenario.detail += f" (regional grid {region}, from {origin})"
    return scenario


def plant_region(study: Study) -> tuple[str | None, str | None, tuple[str, str]]:
    """The plant's regional grid and where it was read, or the reason it is unknown."""
    if study.study.grid_region is not None:
        return study.study.grid_region, "study.grid_region", ("", "")
    address = (study.company.address or "").strip()
    if address.startswith(AMBIGUOUS_PROVINCES):
        return None, None, ("region_ambiguous", "the company address is in Inner Mongolia, "
                            "which lies in two regional grids; give study.grid_region")
    for region, provinces in PROVINCE_REGIONS.items():
        if address.startswith(provinces):
            return region, "company.address", ("", "")
    return None, None, ("no_region", "the plant's regional grid is not known: give "
                        "study.grid_region, or a company address that starts with its "
                        "province")


def substitution(factor_set: FactorSet, old: str, new: str) -> dict[str, Any]:
    before, after = factor_set.get(old), factor_set.get(new)
    return {"from": old, "to": new, "from_value": before.value, "to_value": after.value,
            "from_unit": before.unit, "to_unit": after.unit, "to_name": after.name}


def replaced_results(frame: pd.DataFrame, factor_set: FactorSet,
                     replace: dict[str, str]) -> np.ndarray:
    """Each activity's kg CO2e with some factors replaced (amounts as calculated)."""
    kg = frame["kgco2e"].to_numpy(dtype=float).copy()
    factors = frame["factor"].to_numpy()
    units, densities = frame["unit"].to_numpy(), frame["density"].to_numpy(dtype=float)
    per_unit = frame["amount_per_unit"].to_numpy(dtype=float)
    for old, new in replace.items():
        factor = factor_set.get(new)
        conversions: dict[tuple, float] = {}  # one unit conversion per unit and density
        for i in np.flatnonzero(factors == old):
            key = (units[i], None if np.isnan(densities[i]) else float(densities[i]))
            if key not in conversions:
                conversions[key] = conversion_factor(key[0], factor.denominator, key[1])
            kg[i] = per_unit[i] * conversions[key] * factor.kg_per_denominator
    return kg


def totals(frame: pd.DataFrame, kg: np.ndarray) -> dict[str, float]:
    sums = pd.Series(kg, index=frame.index).groupby(frame["product"], sort=False).sum()
    return {product: float(value) for product, value in sums.items()}


def allocation_mass(study: Study, frame: pd.DataFrame) -> Scenario:
    """Share each annual activity of the plant between its products by mass."""
    name = "allocation_mass"
    annual = frame[frame["basis"] == "annual"]
    key = annual["factor"].fillna("gas:" + annual["gas"].fillna("")) + "|" + annual["stage"]
    pools = annual.assign(_pool=key + "|" + annual["unit"])
    shared = pools.groupby("_pool")["product"].nunique()
    shared = shared[shared >= 2]
    if shared.empty:
        return Scenario(name, "nothing_shared", "no annual activity is shared by two or "
                        "more products, so the allocation basis changes nothing")
    mass = {p.id: p.mass_kg for p in study.products}
    sharing = sorted(set(pools.loc[pools["_pool"].isin(shared.index), "product"]))
    missing = [p for p in sharing if mass[p] is None]
    if missing:
        return Scenario(name, "no_mass", "allocation by mass needs products[].mass_kg "
                        f"(missing for {', '.join(missing)})")
    kg = frame["kgco2e"].to_numpy(dtype=float).copy()
    for _, rows in pools[pools["_pool"].isin(shared.index)].groupby("_pool"):
        amount = rows["amount"].sum()  # the plant's annual amount
        weight = sum(mass[r.product] * r.annual_output for r in rows.itertuples())
        for r in rows.itertuples():
            per_unit = amount * mass[r.product] / weight
            kg[frame.index.get_loc(r.Index)] = per_unit * r.conversion * r.kg_per_denominator
    scenario = Scenario(name, detail="annual activities shared by products in proportion "
                        "to mass_kg x annual_output")
    scenario.totals = totals(frame, kg)
    return scenario
