"""What a report may claim about its study, each claim derived from the study's facts.

A sentence in the report is printed only when its premise holds: these functions
decide the premises (does the study have materials, study factors, direct releases,
a CO2-only electricity factor, empty stages?) and collect the statements ISO 14067
clause 7.3 asks a CFP study report to make. An unanswered question is ``None`` here
and prints as the snippet ``not_assessed`` (未评估); nothing is invented. The words are
text snippets of the report's language (``templates/text/<language>.yaml``), filled with
the facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfpreport.calculation.factors import Factor
from cfpreport.calculation.stages import BOUNDARY_STAGES, STAGES, Language, stage_label
from cfpreport.calculation.units import display_unit, quantity_of
from cfpreport.report import texts
from cfpreport.report.facts import Facts, ProductFact, recorded

ELECTRICITY_KINDS = ("grid_co2", "electricity_footprint")


@dataclass(frozen=True)
class Limitation:
    """One way the study falls short of full coverage, as the report states it."""

    short: str  # a phrase for the summary sheet's conformity statement
    text: str  # the full sentence for chapter 3


@dataclass(frozen=True)
class Contributor:
    """The largest stage or activity of a product, with its shown value and share."""

    label: str
    value: str
    share: str
    factor_kind: str = ""  # for activities: what kind of factor prices it
    gas: str = ""


# --- Premises ----------------------------------------------------------------------------


def empty_stages(facts: Facts) -> list[str]:
    """Stages the declared boundary covers that have no activity in any product."""
    expected = BOUNDARY_STAGES[facts.study.study.boundary]
    return [key for key in expected if key not in facts.included_stages]


def exclusion_reason(facts: Facts, stage: str) -> str | None:
    """The reason the study gives for leaving a stage out (``stages.<stage>.excluded``)."""
    scope = facts.study.study.stages.get(stage)
    if scope is None or scope.excluded.strip() in ("", "/"):
        return None
    return scope.excluded.strip()


def is_material(factor: Factor, stage: str) -> bool:
    """Whether a factor prices a material: a material factor, or a per-mass factor
    of kind 'other' in raw-material acquisition (a supplier's or database value)."""
    if factor.kind == "material":
        return True
    if factor.kind != "other" or stage != "raw_material_acquisition":
        return False
    return quantity_of(factor.denominator).check("[mass]")


def material_rows(facts: Facts) -> list[str]:
    """Labels of the activities that are materials."""
    activities = facts.results.activities.dropna(subset=["factor"])
    factor_set = facts.results.factor_set
    return [row.factor_name for row in activities.itertuples()
            if is_material(factor_set.get(row.factor), row.stage)]


def study_factors_used(facts: Facts) -> list[Factor]:
    return [factor for factor in facts.used_factors if factor.origin == "study"]


def set_factors_used(facts: Facts) -> list[Factor]:
    return [factor for factor in facts.used_factors if factor.origin != "study"]


def gases_released(facts: Facts) -> list[str]:
    return sorted(facts.results.activities["gas"].dropna().unique())


def electricity_factors(facts: Facts) -> list[Factor]:
    return [factor for factor in facts.used_factors if factor.kind in ELECTRICITY_KINDS]


def grid_co2_factors(facts: Facts) -> list[Factor]:
    return [factor for factor in facts.used_factors if factor.kind == "grid_co2"]


def has_primary_data(facts: Facts) -> bool:
    return bool((facts.results.activities["data_type"] == "primary").any())


# --- Statements ---------------------------------------------------------------------------


def factor_citation(factor: Factor, language: Language = "zh") -> str:
    """'2022年全国电网平均二氧化碳排放因子（0.5366 kgCO2/kWh）'."""
    return texts.text("factor_citation", language, name=factor.text("name", language),
                      value=recorded(factor.value), unit=display_unit(factor.unit))


def electricity_coverage(factor: Factor, language: Language = "zh") -> str:
    """What an electricity factor covers, said for every study, whichever kind it is."""
    key = ("electricity_coverage_grid_co2" if factor.kind == "grid_co2"
           else "electricity_coverage_footprint")
    return texts.text(key, language, citation=factor_citation(factor, language))


def _limitation(facts: Facts, key: str, **more) -> Limitation:
    """A limitation in the report's language: snippets ``<key>_short`` and ``<key>``."""
    return Limitation(facts.text(f"{key}_short", **more), facts.text(key, **more))


def limitations(facts: Facts) -> list[Limitation]:
    """Every limitation the report states, in the order chapter 3 lists them: those the
    facts show, then the study's own."""
    found = [rule(facts) for rule in (co2_only_electricity, stages_left_out, no_material_data,
                                      unverified_factors, unanswered_statements)]
    found.append(uncertainty_defaults(facts))
    found += [Limitation(text, text) for text in facts.study.study.limitations]
    return [limitation for limitation in found if limitation is not None]


def uncertainty_defaults(facts: Facts) -> Limitation | None:
    """The uncertainty analysis (5.3) rests on defaults where the study gave no pedigree
    scores for an activity or no spread for a factor: said, with how many."""
    from cfpreport.calculation.uncertainty.inputs import factor_spread

    unscored = sum(1 for product in facts.study.products for activity in product.activities
                   if activity.pedigree is None)
    factors = [factor.text("name", facts.language) for factor in facts.used_factors
               if factor_spread(factor).origin == "kind default"]
    if not unscored and not factors:
        return None
    return _limitation(facts, "limitation_uncertainty", activities=unscored, factors=factors)


def co2_only_electricity(facts: Facts) -> Limitation | None:
    grid = grid_co2_factors(facts)
    if not grid:
        return None
    return _limitation(facts, "limitation_co2_only",
                       citations=[factor_citation(f, facts.language) for f in grid])


def stages_left_out(facts: Facts) -> Limitation | None:
    empty = empty_stages(facts)
    if not empty:
        return None
    labels = [stage_label(stage, facts.language) for stage in empty]
    return Limitation(facts.text("limitation_stages_left_out_short", stages=labels),
                      empty_stages_sentence(facts))


def no_material_data(facts: Facts) -> Limitation | None:
    """Raw-material acquisition has data (e.g. electricity) but no material itself."""
    if "raw_material_acquisition" not in set(facts.results.activities["stage"]) or \
            material_rows(facts):
        return None
    return _limitation(facts, "limitation_no_material")


def unverified_factors(facts: Facts) -> Limitation | None:
    unverified = [f.text("name", facts.language) for f in facts.used_factors if not f.verified]
    if not unverified:
        return None
    return _limitation(facts, "limitation_unverified", factors=unverified)


def unanswered_statements(facts: Facts) -> Limitation | None:
    unassessed = [name for name, answer in special_statements(facts) if answer is None]
    return _limitation(facts, "limitation_unanswered", statements=unassessed) \
        if unassessed else None


def empty_stages_sentence(facts: Facts) -> str:
    """'仓储阶段、产品使用阶段无活动数据，未纳入本次评价（研究未说明原因）。', or ''."""
    empty = empty_stages(facts)
    if not empty:
        return ""
    return facts.text("empty_stages_sentence", stages=[
        (stage_label(stage, facts.language), exclusion_reason(facts, stage) or "")
        for stage in empty])


def special_statements(facts: Facts) -> list[tuple[str, str | None]]:
    """Biogenic carbon, land-use change and aircraft emissions: the study's answers."""
    scope = facts.study.study
    return [(facts.text("statement_biogenic_carbon"), scope.biogenic_carbon),
            (facts.text("statement_land_use_change"), scope.land_use_change),
            (facts.text("statement_aircraft_emissions"), scope.aircraft_emissions)]


def value_choices(facts: Facts) -> list[str]:
    """The value choices the study makes, from its settings, then the study's own."""
    study = facts.study.study
    choices = [facts.text("value_choice_gwp")]
    annual = [p.name for p in facts.study.products if any(
        a.basis == "annual" for a in p.activities)]
    if annual:
        choices.append(facts.text("value_choice_allocation", products=annual))
    for factor in electricity_factors(facts):
        choices.append(facts.text("value_choice_electricity",
                                  citation=factor_citation(factor, facts.language)))
    choices.append(facts.text("value_choice_rounding", decimals=study.decimals))
    return choices + list(study.value_choices)


def activity_label(facts: Facts, row) -> str:
    """An activity as the reader can find it in table 4: 产品生产阶段的电力."""
    if isinstance(row.label, str):
        label = row.label
    elif isinstance(row.factor, str) and facts.language != "zh":
        label = facts.results.factor_set.get(row.factor).text("name", facts.language)
    else:
        label = row.factor_name
    return facts.text("activity_in_stage", stage=stage_label(row.stage, facts.language),
                      activity=label)


def activity_kind(facts: Facts, row) -> str:
    """The kind of factor that prices an activity ('material' for materials), or ''."""
    if not isinstance(row.factor, str):
        return ""
    factor = facts.results.factor_set.get(row.factor)
    return "material" if is_material(factor, row.stage) else factor.kind


def largest_stage(product: ProductFact) -> Contributor | None:
    stages = product.stages_with_data
    if not stages:
        return None
    top = max(stages, key=lambda s: (s.magnitude, -STAGES.index(s.key)))
    return Contributor(top.label, top.value, top.share)


