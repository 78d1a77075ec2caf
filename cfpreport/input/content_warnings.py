"""Warnings about what the report will say of the study (issue points of chapters 3-5).

Each rule names the field to fill and what the client's report prints until it is:
a stage left out without a reason, an ISO 14067 clause 7.3 question printed as 未评估,
activity data without a source document, a CO2-only electricity factor. The rules are
registered in :data:`cfpreport.input.study_warnings.RULES` with the other warnings.
"""

from __future__ import annotations

from cfpreport.calculation.factors import FactorSet
from cfpreport.calculation.stages import BOUNDARY_STAGES, STAGE_LABELS
from cfpreport.errors import Problem
from cfpreport.input.study import Study
from cfpreport.input.study_warnings import warning, written

#: The ISO 14067 clause 7.3 questions a study answers with a key of ``study:``.
ISO_QUESTIONS = {
    "intended_application": "3.1 预期应用 (intended application, a list)",
    "intended_audience": "3.1 预期受众 (intended audience)",
    "biogenic_carbon": "3.2 生物源碳 (biogenic carbon)",
    "land_use_change": "3.2 土地利用变化 (land-use change)",
    "aircraft_emissions": "3.2 航空运输排放 (aircraft emissions)",
    "pcr": "3.2 产品类别规则 (PCR; write 无 if none was used)",
    "critical_review": "3.2 鉴定性评审 (critical review; write who, or 未进行鉴定性评审)",
}


def stages_with_data(study: Study) -> set[str]:
    return {activity.stage for product in study.products for activity in product.activities}


def empty_stages_have_reasons(study: Study, factor_set: FactorSet) -> list[Problem]:
    """A stage of the declared boundary with no activity needs its reason."""
    boundary = study.study.boundary
    problems = []
    for stage in BOUNDARY_STAGES[boundary]:
        if stage in stages_with_data(study):
            continue
        scope = study.study.stages.get(stage)
        if scope is not None and scope.excluded.strip() not in ("", "/"):
            continue
        problems.append(warning(study, ("study", "stages", stage, "excluded"), (
            f"{boundary} study has no activity in {stage} ({STAGE_LABELS[stage]}) and gives "
            f"no reason: the report says 研究未说明原因; write study.stages.{stage}.excluded: "
            "<why the stage is left out>")))
    return problems


def included_stages_have_data(study: Study, factor_set: FactorSet) -> list[Problem]:
    """A stage declared to include processes but without any activity contradicts itself."""
    problems = []
    for stage, scope in study.study.stages.items():
        declared = scope.included.strip() not in ("", "/")
        if declared and stage not in stages_with_data(study):
            problems.append(warning(study, ("study", "stages", stage, "included"), (
                f"declares included processes but no activity is in {stage}: the report "
                "prints the stage as empty (“/”) and outside the boundary")))
    return problems


def iso_questions_answered(study: Study, factor_set: FactorSet) -> list[Problem]:
    """Each unanswered clause 7.3 question prints 未评估 in the client's report."""
    return [warning(study, ("study", key), f"not given: the report prints 未评估 for {label}")
            for key, label in ISO_QUESTIONS.items() if getattr(study.study, key) is None]


def reference_flows_given(study: Study, factor_set: FactorSet) -> list[Problem]:
    return [warning(study, ("products", index, "reference_flow"), (
        "not given: the functional-unit table prints 未评估 for the reference flow "
        "(e.g. reference_flow: 1 台 BXD2 电能计量箱（约 25 kg）)"))
        for index, product in enumerate(study.products) if product.reference_flow is None]


def activity_sources_given(study: Study, factor_set: FactorSet) -> list[Problem]:
    """One warning per product: the data-quality table prints 未注明 for each."""
    problems = []
    for index, product in enumerate(study.products):
        missing = [a_index for a_index, activity in enumerate(product.activities)
                   if activity.source is None]
        if missing:
            rows = ", ".join(f"activities[{a}]" for a in missing)
            problems.append(warning(study, ("products", index, "activities"), (
                f"{len(missing)} of {len(product.activities)} activities have no source "
                f"({rows}): the data-quality table prints 未注明; write source: <the "
                "document the amount comes from>")))
    return problems


def electricity_factor_covers_life_cycle(study: Study, factor_set: FactorSet) -> list[Problem]:
    """A CO2-only grid factor is flagged in the report as falling short of GB/T 24067."""
    problems = []
    for p_index, product in enumerate(study.products):
        for a_index, activity in enumerate(product.activities):
            if activity.factor is None or activity.factor not in factor_set.ids():
                continue
            factor = factor_set.get(activity.factor)
            here = ("products", p_index, "activities", a_index, "factor")
            if factor.kind == "grid_co2" and written(study, *here):
                problems.append(warning(study, here, (
                    f"{factor.id} is a CO2-only grid factor ({factor.name}): the report states "
                    "that it omits upstream and grid losses, which GB/T 24067-2024 expects; "
                    "an electricity footprint factor (e.g. set cn-2024) covers them")))
                return problems  # once per study is enough to say it
    return problems


RULES = [empty_stages_have_reasons, included_stages_have_data, iso_questions_answered,
         reference_flows_given, activity_sources_given, electricity_factor_covers_life_cycle]
