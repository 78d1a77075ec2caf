"""Chapter 3 of the report: goal and scope, with what ISO 14067 clause 7.3 asks for.

Each statement is derived in :mod:`cfpreport.report.statements`; a question the study leaves
unanswered prints 未评估. The layout is ``templates/chapters/03_goal_and_scope.zh.j2``.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import STAGE_LABELS, STAGE_SHORT_LABELS, STAGES
from cfpreport.report import charts, statements
from cfpreport.report.blocks import Cell
from cfpreport.report.facts import NOT_APPLICABLE, Facts, recorded
from cfpreport.report.markup import Prepared, Ref
from cfpreport.report.statements import NOT_ASSESSED
from cfpreport.report.texts import split_paragraphs

#: The names of chapter 3's sections that other chapters refer to by name.
LIMITATIONS_SECTION = "相关假设和限制"


def goal_and_scope_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 3: each statement as derived from the study, and its tables and figure,
    prepared in the order the chapter shows them."""
    scope = facts.study.study
    return {
        "intended_application": list(scope.intended_application or []),
        "intended_audience": scope.intended_audience or NOT_ASSESSED,
        "functional_unit_table": functional_unit_table(facts, prepared),
        **system_boundary(facts, prepared),
        "annual_products": [p.name for p in facts.study.products
                            if any(a.basis == "annual" for a in p.activities)],
        "allocation": split_paragraphs(scope.allocation or ""),
        "limitations_section": LIMITATIONS_SECTION,
        "limitations": statements.limitations(facts),
        **impact_method(facts, prepared),
        "electricity_coverage": [statements.electricity_coverage(factor)
                                 for factor in statements.electricity_factors(facts)],
        "grid_co2": bool(statements.grid_co2_factors(facts)),
        "electricity": split_paragraphs(scope.electricity or ""),
        "special_statements": [f"{name}：{answer or NOT_ASSESSED}"
                               for name, answer in statements.special_statements(facts)],
        "value_choices": statements.value_choices(facts),
        "pcr": scope.pcr or NOT_ASSESSED,
        "critical_review": scope.critical_review or NOT_ASSESSED,
        "activity_counts": activity_counts(facts),
    }


def functional_unit_table(facts: Facts, prepared: Prepared) -> Ref:
    """3.2.1: the functional unit and, per product, its reference flow."""
    rows = [[Cell(product.display_name), Cell(product.functional_unit),
             Cell(product.product.reference_flow or NOT_ASSESSED)]
            for product in facts.products]
    return prepared.table("功能单位与参考流", [[Cell("产品"), Cell("功能单位"), Cell("参考流")]],
                          rows, [34, 20, 46])


def system_boundary(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """3.2.2: the boundary table (what each stage includes) and the diagram."""
    rows = [boundary_row(facts, key) for key in STAGES]
    header = [[Cell("阶段"), Cell("包含的过程"), Cell("未包含的过程或未纳入的原因")]]
    products = "、".join(product.display_name for product in facts.products)
    table = prepared.table(f"{products}各阶段包含的过程", header, rows, [22, 44, 34])
    return {"boundary_table": table, "boundary_figure": boundary_figure(facts, prepared, rows),
            "excluded_stages": statements.empty_stages_sentence(facts)}


def boundary_row(facts: Facts, stage: str) -> list[Cell]:
    """A stage's row: its included processes (as declared, or its activities), or why
    it is empty."""
    scope = facts.study.study.stages.get(stage)
    activities = facts.results.activities
    in_stage = activities[activities["stage"] == stage]
    if in_stage.empty:
        reason = statements.exclusion_reason(facts, stage)
        return [Cell(STAGE_LABELS[stage]), Cell(NOT_APPLICABLE),
                Cell(f"无活动数据：{reason}" if reason else "无活动数据（未说明原因）")]
    if scope and scope.included.strip() not in ("", NOT_APPLICABLE):
        included = scope.included
    else:
        labels = [row.label if isinstance(row.label, str) else row.factor_name
                  for row in in_stage.itertuples()]
        included = "、".join(dict.fromkeys(labels))
    excluded = scope.excluded if scope else NOT_APPLICABLE
    return [Cell(STAGE_LABELS[stage]), Cell(included), Cell(excluded)]


def boundary_figure(facts: Facts, prepared: Prepared, rows: list[list[Cell]]) -> Ref:
    with_data = set(facts.results.activities["stage"])
    stages = [charts.BoundaryStage(STAGE_SHORT_LABELS[key],
                                   row[1].text if key in with_data else NOT_APPLICABLE,
                                   key in with_data,
                                   statements.exclusion_reason(facts, key) or "")
              for key, row in zip(STAGES, rows, strict=True)]
    diagram = charts.boundary_diagram(stages, f"系统边界：{facts.boundary_label}")
    return prepared.figure("产品系统边界示意图", diagram, 160, "产品系统边界示意图")


def impact_method(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """3.2.x: the impact category, the gases each factor covers, and the GWP values."""
    gases = statements.gases_released(facts)
    table = None
    if gases:
        activities = facts.results.activities
        rows = []
        for gas in gases:
            value = activities.loc[activities["gas"] == gas, "factor_value"].iloc[0]
            rows.append([Cell(gas), Cell(recorded(float(value)), align="right"),
                         Cell("kgCO2e/kg", align="center")])
        table = prepared.table(f"全球变暖潜势（GWP100，IPCC {facts.study.study.gwp}）",
                               [[Cell("温室气体"), Cell("GWP100"), Cell("单位")]], rows,
                               [40, 30, 30])
    return {"gases": gases, "gwp_table": table,
            "co2e_factors": [f.name for f in facts.used_factors if f.gas_basis == "CO2e"],
            "co2_only_factors": [f.name for f in facts.used_factors if f.gas_basis == "CO2"]}


def activity_counts(facts: Facts) -> dict[str, int]:
    activities = facts.results.activities
    primary = int((activities["data_type"] == "primary").sum())
    return {"activity_count": len(activities), "primary_count": primary,
            "secondary_count": len(activities) - primary}

