"""What a report may claim about its study, each claim derived from the study's facts.

A sentence in the report is printed only when its premise holds: these functions
decide the premises (does the study have materials, study factors, direct releases,
a CO2-only electricity factor, empty stages?) and collect the statements ISO 14067
clause 7.3 asks a CFP study report to make. An unanswered question is ``None`` here
and prints as 未评估 ("not assessed"); nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cfpreport.calculation.factors import Factor
from cfpreport.calculation.rounding import shares_from_shown
from cfpreport.calculation.stages import BOUNDARY_STAGES, STAGE_LABELS, STAGES
from cfpreport.calculation.units import display_unit, quantity_of
from cfpreport.report.facts import Facts, ProductFact, recorded

NOT_ASSESSED = "未评估"

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


def factor_citation(factor: Factor) -> str:
    """'2022年全国电网平均二氧化碳排放因子（0.5366 kgCO2/kWh）'."""
    return f"{factor.name}（{recorded(factor.value)} {display_unit(factor.unit)}）"


def electricity_coverage(factor: Factor) -> str:
    """What an electricity factor covers, said for every study, whichever kind it is."""
    if factor.kind == "grid_co2":
        return (f"{factor_citation(factor)}为仅含二氧化碳（CO2）的电网平均排放因子，"
                "只计电力生产环节化石燃料燃烧的 CO2 排放，不包括电力上游（燃料开采、运输）"
                "及输配电损耗的排放，也不包括其他温室气体")
    return (f"{factor_citation(factor)}为全生命周期电力碳足迹因子（CO2e），包括燃料开采、"
            "电力生产及输配电损耗等环节的各类温室气体排放")


def limitations(facts: Facts) -> list[Limitation]:
    """Every limitation the report states, in the order chapter 3 lists them: those the
    facts show, then the study's own."""
    found = [rule(facts) for rule in (co2_only_electricity, stages_left_out, no_material_data,
                                      unverified_factors, unanswered_statements)]
    found.append(Limitation("未定量评估结果的不确定性",
                            "本次评价仅对不确定性的来源作定性说明，未对结果的不确定性作定量分析。"))
    found += [Limitation(text, text) for text in facts.study.study.limitations]
    return [limitation for limitation in found if limitation is not None]


def co2_only_electricity(facts: Facts) -> Limitation | None:
    grid = grid_co2_factors(facts)
    if not grid:
        return None
    return Limitation(
        "电力采用仅含 CO2 的电网排放因子，未包括上游及输配电损耗",
        "电力采用的" + "、".join(factor_citation(f) for f in grid) + "仅含二氧化碳，"
        "未包括电力上游及输配电损耗的排放；GB/T 24067-2024 要求电力的碳足迹包括上述部分，"
        "结果可能偏低。")


def stages_left_out(facts: Facts) -> Limitation | None:
    empty = empty_stages(facts)
    if not empty:
        return None
    labels = "、".join(STAGE_LABELS[stage] for stage in empty)
    return Limitation(f"{labels}无活动数据，未纳入评价", empty_stages_sentence(facts))


def no_material_data(facts: Facts) -> Limitation | None:
    """Raw-material acquisition has data (e.g. electricity) but no material itself."""
    if "raw_material_acquisition" not in set(facts.results.activities["stage"]) or \
            material_rows(facts):
        return None
    return Limitation("原材料本身的生产排放未计入",
                      "原辅料获取阶段未收集原材料（如钢材、铜材、塑料）的用量及其排放因子，"
                      "原材料本身生产过程的排放未计入。")


def unverified_factors(facts: Facts) -> Limitation | None:
    unverified = [f.name for f in facts.used_factors if not f.verified]
    if not unverified:
        return None
    return Limitation("部分排放因子未经核对",
                      "部分排放因子（" + "、".join(unverified) + "）的数值未经核对，"
                      "见第 4 章排放因子表的注。")


def unanswered_statements(facts: Facts) -> Limitation | None:
    unassessed = "、".join(name for name, answer in special_statements(facts) if answer is None)
    return Limitation(f"{unassessed}未评估", f"{unassessed}未评估。") if unassessed else None


def empty_stages_sentence(facts: Facts) -> str:
    """'仓储阶段、产品使用阶段无活动数据，未纳入本次评价（研究未说明原因）。', or ''."""
    empty = empty_stages(facts)
    if not empty:
        return ""
    given = {stage: exclusion_reason(facts, stage) for stage in empty}
    if not any(given.values()):
        why = "研究未说明原因"
    elif len(empty) == 1:
        why = f"原因：{given[empty[0]]}"
    else:
        why = "；".join(f"{STAGE_LABELS[stage]}：{reason or '研究未说明原因'}"
                       for stage, reason in given.items())
    labels = "、".join(STAGE_LABELS[stage] for stage in empty)
    return f"{labels}无活动数据，未纳入本次评价（{why}）。"


def special_statements(facts: Facts) -> list[tuple[str, str | None]]:
    """Biogenic carbon, land-use change and aircraft emissions: the study's answers."""
    scope = facts.study.study
    return [("生物源碳", scope.biogenic_carbon),
            ("土地利用变化", scope.land_use_change),
            ("航空运输排放", scope.aircraft_emissions)]


def value_choices(facts: Facts) -> list[str]:
    """The value choices the study makes, from its settings, then the study's own."""
    study = facts.study.study
    choices = [f"温室气体折算采用 IPCC {study.gwp} 的 100 年全球变暖潜势（GWP100）。"]
    annual = [p.name for p in facts.study.products if any(
        a.basis == "annual" for a in p.activities)]
    if annual:
        choices.append("全厂年度活动数据按年产量（物理产出）分配至单位产品（"
                       + "、".join(annual) + "）。")
    for factor in electricity_factors(facts):
        choices.append(f"电力排放因子选用{factor_citation(factor)}。")
    choices.append(f"显示结果修约至 {study.decimals} 位小数，占比修约至 2 位小数。")
    return choices + list(study.value_choices)


def activity_label(row) -> str:
    """An activity as the reader can find it in table 4: 产品生产阶段的电力."""
    label = row.label if isinstance(row.label, str) else row.factor_name
    return f"{STAGE_LABELS[row.stage]}的{label}"


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


def largest_activities(facts: Facts, product: ProductFact, count: int = 3
                       ) -> list[Contributor]:
    """The activities that contribute most to a product's total, largest first.

    Shares follow the report's convention: the shown value over the shown total.
    """
    # Largest first; equal results keep study order (a stable sort).
    rows = sorted(facts.activities_of(product), key=lambda row: -row.kgco2e)[:count]
    shown = [Decimal(row.shown) for row in rows]
    shares = shares_from_shown(shown, Decimal(product.total))
    return [Contributor(
        activity_label(row), row.shown,
        format(share, "f"),
        activity_kind(facts, row),
        row.gas if isinstance(row.gas, str) else "")
        for row, share in zip(rows, shares, strict=True)]
