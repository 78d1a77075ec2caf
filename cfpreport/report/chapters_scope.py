"""Chapter 3 of the report: goal and scope, with what ISO 14067 clause 7.3 asks for.

Each statement is derived in :mod:`cfpreport.report.statements`; a question the study leaves
unanswered prints 未评估.
"""

from __future__ import annotations

from cfpreport.calculation.stages import STAGE_LABELS, STAGE_SHORT_LABELS, STAGES
from cfpreport.report import charts, statements
from cfpreport.report.blocks import BulletList, Cell
from cfpreport.report.facts import NOT_APPLICABLE, Facts, recorded
from cfpreport.report.model import ModelWriter
from cfpreport.report.statements import NOT_ASSESSED
from cfpreport.report.texts import items, paragraphs, split_paragraphs, text

#: The names of chapter 3's sections that other chapters refer to by name.
LIMITATIONS_SECTION = "相关假设和限制"


def goal_and_scope(writer: ModelWriter, facts: Facts) -> None:
    common = facts.common()
    writer.heading(1, "目标与范围定义")
    goal(writer, facts)
    writer.heading(2, "评价范围")
    writer.paragraph(text("scope_intro", **common))
    functional_unit(writer, facts)
    system_boundary(writer, facts)
    allocation(writer, facts)
    writer.heading(3, "取舍准则")
    writer.add(BulletList(items("cutoff", **common), ordered=True))
    writer.heading(3, LIMITATIONS_SECTION)
    writer.paragraph(text("assumptions_intro", **common))
    writer.add(BulletList([limitation.text for limitation in statements.limitations(facts)],
                          ordered=True))
    impact_method(writer, facts)
    electricity(writer, facts)
    special_statements(writer, facts)
    writer.heading(3, "价值选择")
    writer.paragraph(text("value_choices_intro", **common))
    writer.add(BulletList(statements.value_choices(facts), ordered=True))
    writer.heading(3, "产品类别规则和鉴定性评审")
    scope = facts.study.study
    writer.paragraph(text("pcr", pcr=scope.pcr or NOT_ASSESSED))
    writer.paragraph(text("critical_review", review=scope.critical_review or NOT_ASSESSED))
    writer.heading(3, "数据来源")
    writer.paragraph(text("data_sources", **activity_counts(facts), **common))
    writer.heading(3, "数据质量要求")
    writer.add(BulletList(items("data_quality", **common)))
    writer.paragraphs(paragraphs("data_quality_outro", **common))


def goal(writer: ModelWriter, facts: Facts) -> None:
    """3.1: purpose, intended application and intended audience."""
    common = facts.common()
    scope = facts.study.study
    writer.heading(2, "评价目的")
    writer.paragraphs(paragraphs("goal_purpose", **common))
    if scope.intended_application:
        writer.paragraph(text("goal_uses_intro"))
        writer.add(BulletList(list(scope.intended_application), ordered=True))
    else:
        writer.paragraph(text("goal_uses_not_assessed"))
    writer.paragraph(text("goal_audience", audience=scope.intended_audience or NOT_ASSESSED))


def functional_unit(writer: ModelWriter, facts: Facts) -> None:
    """3.2.1: the functional unit and, per product, its reference flow."""
    writer.heading(3, "功能单位")
    writer.paragraph(text("functional_unit", table=writer.reserve_table_number(),
                          **facts.common()))
    rows = [[Cell(product.display_name), Cell(product.functional_unit),
             Cell(product.product.reference_flow or NOT_ASSESSED)]
            for product in facts.products]
    writer.table("功能单位与参考流", [[Cell("产品"), Cell("功能单位"), Cell("参考流")]],
                 rows, [34, 20, 46])


def system_boundary(writer: ModelWriter, facts: Facts) -> None:
    """3.2.2: the boundary table (what each stage includes) and the diagram."""
    writer.heading(3, "系统边界")
    writer.paragraph(text("boundary", boundary_table=writer.reserve_table_number(),
                          boundary_figure=writer.reserve_figure_number(),
                          excluded=statements.empty_stages_sentence(facts), **facts.common()))
    rows = [boundary_row(facts, key) for key in STAGES]
    header = [[Cell("阶段"), Cell("包含的过程"), Cell("未包含的过程或未纳入的原因")]]
    products = "、".join(product.display_name for product in facts.products)
    writer.table(f"{products}各阶段包含的过程", header, rows, [22, 44, 34])
    boundary_figure(writer, facts, rows)


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


def boundary_figure(writer: ModelWriter, facts: Facts, rows: list[list[Cell]]) -> None:
    with_data = set(facts.results.activities["stage"])
    stages = [charts.BoundaryStage(STAGE_SHORT_LABELS[key],
                                   row[1].text if key in with_data else NOT_APPLICABLE,
                                   key in with_data,
                                   statements.exclusion_reason(facts, key) or "")
              for key, row in zip(STAGES, rows, strict=True)]
    diagram = charts.boundary_diagram(stages, f"系统边界：{facts.boundary_label}")
    writer.figure("产品系统边界示意图", diagram, 160, "产品系统边界示意图")


def allocation(writer: ModelWriter, facts: Facts) -> None:
    common = facts.common()
    writer.heading(3, "分配原则")
    annual = [p.name for p in facts.study.products
              if any(a.basis == "annual" for a in p.activities)]
    if not annual:
        writer.paragraph(text("allocation_none", **common))
        return
    writer.paragraph(text("allocation_intro", **common))
    writer.paragraphs(split_paragraphs(facts.study.study.allocation))
    writer.paragraph(text("allocation_annual", annual_products=annual, **common))


def impact_method(writer: ModelWriter, facts: Facts) -> None:
    """3.2.x: the impact category, the gases each factor covers, and the GWP values."""
    writer.heading(3, "影响类型和评价方法")
    gases = statements.gases_released(facts)
    co2e = [f.name for f in facts.used_factors if f.gas_basis == "CO2e"]
    co2_only = [f.name for f in facts.used_factors if f.gas_basis == "CO2"]
    writer.paragraph(text("impact_method", gases=gases, co2e_factors=co2e,
                          co2_only_factors=co2_only, **facts.common()))
    if gases:
        activities = facts.results.activities
        rows = []
        for gas in gases:
            value = activities.loc[activities["gas"] == gas, "factor_value"].iloc[0]
            rows.append([Cell(gas), Cell(recorded(float(value)), align="right"),
                         Cell("kgCO2e/kg", align="center")])
        writer.table(f"全球变暖潜势（GWP100，IPCC {facts.study.study.gwp}）",
                     [[Cell("温室气体"), Cell("GWP100"), Cell("单位")]], rows, [40, 30, 30])


def electricity(writer: ModelWriter, facts: Facts) -> None:
    """3.2.x: which electricity factors the study uses and what each covers."""
    writer.heading(3, "电力的处理")
    factors = statements.electricity_factors(facts)
    coverage = [statements.electricity_coverage(factor) for factor in factors]
    writer.paragraph(text("electricity", coverage=coverage,
                          grid_co2=bool(statements.grid_co2_factors(facts))))
    if facts.study.study.electricity:
        writer.paragraphs(split_paragraphs(facts.study.study.electricity))


def special_statements(writer: ModelWriter, facts: Facts) -> None:
    """3.2.x: biogenic carbon, land-use change and aircraft emissions, as answered."""
    writer.heading(3, "生物源碳、土地利用变化和航空运输")
    writer.add(BulletList([f"{name}：{answer or NOT_ASSESSED}"
                           for name, answer in statements.special_statements(facts)]))


def activity_counts(facts: Facts) -> dict[str, int]:
    activities = facts.results.activities
    primary = int((activities["data_type"] == "primary").sum())
    return {"activity_count": len(activities), "primary_count": primary,
            "secondary_count": len(activities) - primary}
