"""What the uncertainty analysis needs of a study: each activity's amount spread and
coefficient, each factor's spread, and the pedigree scores, in study order.

An activity's result is ``coefficient x amount x factor multiplier``: the coefficient is
kg CO2e per unit of its amount with the factor at its point value (unit conversion x
factor / annual output for ``basis: annual``); the factor multiplier is one draw per
*factor* per run, shared by every activity of every product that uses the factor (an
id and its alias, such as ``electricity`` and ``electricity_footprint_2024``, are one
factor). Direct gas releases are converted with a GWP, which is a convention of the
standard, not an uncertain quantity: they have no factor draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cfpreport.calculation.calculate import Results
from cfpreport.calculation.factors import Factor
from cfpreport.calculation.uncertainty import pedigree
from cfpreport.calculation.uncertainty.spreads import Spread, lognormal, stated
from cfpreport.input.study import Study

TRANSPORT_DENOMINATORS = ("t·km", "tkm", "t*km")


@dataclass(frozen=True)
class ActivityInput:
    product: str
    row: int  # index in its product's activities
    stage: str
    factor: str | None  # the factor's key in Inputs.factors; None for a gas release
    factor_id: str | None  # the id the study wrote (electricity), or None
    gas: str | None
    data_type: str
    name: str  # the label, else the factor's name
    coefficient: float
    amount: Spread
    scores: dict[str, int]
    scored: bool  # whether the study gave any pedigree score (else all are defaults)
    kgco2e: float  # the point result, from the calculation


@dataclass(frozen=True)
class Inputs:
    activities: list[ActivityInput]
    factors: dict[str, Spread]  # by key, in order of first use
    factor_names: dict[str, str]


def study_inputs(study: Study, results: Results) -> Inputs:
    """Collect the spreads of a calculated study (see the module docstring)."""
    factor_set = results.factor_set
    products = {product.id: product for product in study.products}
    activities: list[ActivityInput] = []
    factors: dict[str, Spread] = {}
    names: dict[str, str] = {}
    for record in results.activities.to_dict("records"):
        activity = products[record["product"]].activities[int(record["row"])]
        divisor = record["annual_output"] if activity.basis == "annual" else 1.0
        key = None
        if activity.factor is not None:
            key = factor_set.aliases.get(activity.factor, activity.factor)
            if key not in factors:
                factor = factor_set.get(activity.factor)
                factors[key] = factor_spread(factor)
                names[key] = factor.name
        scores = pedigree.scores(activity.pedigree, activity.data_type)
        if activity.uncertainty is not None:
            amount = stated(activity.amount, activity.uncertainty)
        else:
            amount = lognormal(activity.amount, pedigree.sigma(
                scores, pedigree.BASIC_GSD95[basic_kind(activity.gas, record["denominator"])]),
                "pedigree" if activity.pedigree is not None else "data type default")
        activities.append(ActivityInput(
            product=record["product"], row=int(record["row"]), stage=record["stage"],
            factor=key, factor_id=activity.factor, gas=activity.gas,
            data_type=activity.data_type,
            name=activity.label or record["factor_name"],
            coefficient=float(record["conversion"] * record["kg_per_denominator"] / divisor),
            amount=amount, scores=scores, scored=activity.pedigree is not None,
            kgco2e=float(record["kgco2e"])))
    return Inputs(activities, factors, names)


def basic_kind(gas: str | None, denominator: str) -> str:
    """Which basic uncertainty of Weidema et al. 2013 (Table 10.4) an amount takes."""
    if gas is not None:
        return "process_emission"
    return "transport" if denominator in TRANSPORT_DENOMINATORS else "demand"


def factor_spread(factor: Factor) -> Spread:
    """A factor's spread: stated in its set (or the study), else its kind's default."""
    if factor.uncertainty is not None:
        origin = "study" if factor.origin == "study" else "factor set"
        return stated(factor.value, factor.uncertainty, origin)
    return lognormal(factor.value, math.log(pedigree.factor_kind_gsd(factor.kind)),
                     "kind default")
