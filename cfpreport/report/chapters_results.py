"""Chapters 4 (data collection) and 5 (calculation and results) of the report."""

from __future__ import annotations

from cfpreport.calculation.factors import Factor, FactorSet, load_gwp_sets
from cfpreport.calculation.stages import (
    BASIS_LABELS_BY_LANGUAGE,
    DATA_TYPE_LABELS_BY_LANGUAGE,
    STAGE_SHORT_LABELS,
    STAGES,
)
from cfpreport.calculation.units import display_unit
from cfpreport.report import charts, statements
from cfpreport.report.blocks import BulletList, Cell, LegendEntry
from cfpreport.report.chapters_scope import LIMITATIONS_SECTION
from cfpreport.report.facts import (
    DERIVED_SIGNIFICANT_DIGITS,
    NOT_APPLICABLE,
    Facts,
    ProductFact,
    quantity,
    recorded,
    recorded_percent,
)
from cfpreport.report.model import ModelWriter
from cfpreport.report.texts import items, paragraphs, text

# Small enough that the pie and its legend fit under a results table on the page where
# chapter 5 begins, so the chart does not leave half a page blank before it.
PIE_WIDTH_MM = 54

FACTORS_SECTION = "排放因子数据"
# From this many products on, chapter 5 gives the results as one table of all products
# (values and shares by stage) instead of a table and a pie chart per product: a page
# per product made a catalogue of 200 products 200 pages longer and no easier to compare.
CATALOGUE_FROM = 10

BASIS_LABELS = BASIS_LABELS_BY_LANGUAGE["zh"]
DATA_TYPE_LABELS = DATA_TYPE_LABELS_BY_LANGUAGE["zh"]


def data_collection(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(1, "数据收集")
    writer.heading(2, "数据收集说明")
    writer.paragraphs(paragraphs("collection", team=bool(facts.study.report.team),
                                 **facts.common()))
    writer.heading(2, "活动水平数据")
    for product in facts.products:
        activity_table(writer, facts, product)
    writer.heading(2, "数据来源与数据质量")
    for product in facts.products:
        data_quality_table(writer, facts, product)
    writer.heading(2, FACTORS_SECTION)
    factor_tables(writer, facts)


def activity_table(writer: ModelWriter, facts: Facts, product: ProductFact) -> None:
    """Stage, activity, amount as recorded, basis, per-unit amount, factor, result."""
    annual_output = (f"{recorded(product.product.annual_output)} "
                     f"{product.unit_word}" if product.product.annual_output else "")
    writer.paragraph(text("activity_intro", table=writer.reserve_table_number(),
                          product={"name": product.display_name,
                                   "annual_output": annual_output}))
    rows_of_product = facts.activities_of(product)
    rows = []
    for key in STAGES:
        stage_rows = [row for row in rows_of_product if row.stage == key]
        if not stage_rows:
            rows.append([Cell(STAGE_SHORT_LABELS[key])] + [
                Cell(NOT_APPLICABLE, align="center") for _ in range(6)])
            continue
        rows += [activity_row(row, facts) for row in stage_rows]
    unit = f"{facts.unit}/{product.unit_word}"
    header = [[Cell("生命周期阶段"), Cell("活动"), Cell("活动数据"), Cell("分配基准"),
               Cell(f"单位产品活动量（/{product.unit_word}）"), Cell("排放因子"),
               Cell(f"排放量（{unit}）")]]
    notes = [text("activity_note", decimals=facts.results.settings.decimals,
                  significant=DERIVED_SIGNIFICANT_DIGITS,
                  annual=any(row.basis == "annual" for row in rows_of_product))]
    writer.table(f"{product.display_name}生命周期碳排放清单", header, rows,
                 [12, 15, 14, 10, 15, 22, 12], notes)


def activity_row(row, facts: Facts) -> list[Cell]:
    """One activity: amount as recorded; per-unit amount derived only for annual data."""
    label = row.label if isinstance(row.label, str) else row.factor_name
    unit = display_unit(row.unit)
    per_unit = quantity(row.amount_per_unit) if row.basis == "annual" else recorded(row.amount)
    factor_value = (facts.factor_value_text(row.factor) if isinstance(row.factor, str)
                    else recorded(row.factor_value))
    return [
        Cell(STAGE_SHORT_LABELS[row.stage]),
        Cell(label),
        Cell(f"{recorded(row.amount)} {unit}", align="right"),
        Cell(BASIS_LABELS[row.basis], align="center"),
        Cell(f"{per_unit} {unit}", align="right"),
        Cell(f"{factor_value} {display_unit(row.factor_unit)}", align="right"),
        Cell(row.shown, align="right"),
    ]


def data_quality_table(writer: ModelWriter, facts: Facts, product: ProductFact) -> None:
    """Per activity: primary or secondary data, the document it comes from, the factor it
    is priced with (ISO 14067 7.3: data-quality assessment). The factor's value, unit and
    source are in the factor table of 4.4, once: repeated on every row, a source of four
    lines made each row four lines tall and this table the longest of the report."""
    rows_of_product = facts.activities_of(product)
    writer.paragraph(text("data_quality_intro", table=writer.reserve_table_number(),
                          product=product.display_name))
    rows = []
    for row in rows_of_product:
        label = row.label if isinstance(row.label, str) else row.factor_name
        source = row.source if isinstance(row.source, str) else "未注明"
        rows.append([Cell(STAGE_SHORT_LABELS[row.stage]), Cell(label),
                     Cell(DATA_TYPE_LABELS[row.data_type], align="center"), Cell(source),
                     Cell(row.factor_name)])
    header = [[Cell("生命周期阶段"), Cell("活动"), Cell("数据类型"), Cell("活动数据来源"),
               Cell("排放因子")]]
    writer.table(f"{product.display_name}活动数据的类型与来源", header, rows,
                 [13, 17, 10, 30, 30], [text("data_quality_note", section=FACTORS_SECTION)])


def factor_tables(writer: ModelWriter, facts: Facts) -> None:
    factors = facts.used_factors
    factor_set = facts.results.factor_set
    writer.paragraph(text("factor_intro", table=writer.reserve_table_number(),
                          factor_set=factor_set.name, factor_version=factor_set.version,
                          study_factors=bool(statements.study_factors_used(facts))))
    rows = [factor_row(factor) for factor in factors]
    rows += gas_rows(facts)
    notes = verification_notes(factors, factor_set)
    header = [[Cell("排放因子"), Cell("数值"), Cell("单位"), Cell("来源"), Cell("发布机构"),
               Cell("发布日期")]]
    writer.table("排放因子及来源", header, rows, [17, 10, 15, 27, 17, 14], notes)
    fuels = [factor for factor in factors if factor.chain]
    if fuels:
        writer.paragraph(text("fuel_chain_intro", table=writer.reserve_table_number()))
        writer.table("化石燃料排放因子的推导", [[
            Cell("燃料"), Cell("低位发热量"), Cell("单位热值含碳量"), Cell("碳氧化率"),
            Cell("单位热值排放"), Cell("排放因子")]], [fuel_row(f) for f in fuels],
            [10, 17, 17, 11, 21, 24])


def factor_row(factor: Factor) -> list[Cell]:
    """Name, value (marked "*" if unverified), unit, source document, publisher, and the
    publication date exactly as precise as it is known (2025-09-28, 2026-01, 2025, "/")."""
    marker = "" if factor.verified else " *"
    value = quantity(factor.value) if factor.chain else recorded(factor.value)
    return [Cell(factor.name), Cell(value + marker, align="right"),
            Cell(display_unit(factor.unit), align="center"), Cell(factor.source),
            Cell(factor.publisher or ("本研究" if factor.origin == "study" else NOT_APPLICABLE)),
            Cell(str(factor.published) if factor.published else NOT_APPLICABLE, align="center")]


def verification_notes(factors: list[Factor], factor_set: FactorSet) -> list[str]:
    """Who checked which factors against their sources, and why the others carry "*":
    set factors and the study's own factors are unverified for different reasons."""
    checked: dict[tuple[str, str], list[str]] = {}
    for factor in factors:
        if factor.verified:
            key = (factor.verified_by or "", str(factor.verified_on or ""))
            checked.setdefault(key, []).append(factor.name)
    notes = []
    if checked:
        groups = [{"names": names, "by": by, "on": on} for (by, on), names in checked.items()]
        whole_table = len(groups) == 1 and len(groups[0]["names"]) == len(factors)
        notes.append(text("verified_note", groups=groups, whole_table=whole_table))
    set_factors = [f.name for f in factors if not f.verified and f.origin == "set"]
    study_factors = [f.name for f in factors if not f.verified and f.origin == "study"]
    if set_factors or study_factors:
        notes.append(text("unverified_note", set_factors=set_factors,
                          study_factors=study_factors, factor_set=factor_set.name,
                          transcribed=factor_set.file is None))
    return notes


def gas_rows(facts: Facts) -> list[list[Cell]]:
    activities = facts.results.activities
    gases = activities.dropna(subset=["gas"]).drop_duplicates("gas")
    gwp = load_gwp_sets()[facts.study.study.gwp]
    return [[Cell(f"{row.gas}（GWP100）"), Cell(recorded(row.factor_value), align="right"),
             Cell(display_unit(row.factor_unit), align="center"), Cell(gwp.source),
             Cell("IPCC"), Cell(str(gwp.published.year), align="center")]
            for row in gases.itertuples()]


def fuel_row(factor: Factor) -> list[Cell]:
    chain = factor.chain
    return [Cell(factor.name),
            Cell(f"{recorded(chain.ncv)} {display_unit(chain.ncv_unit)}", align="right"),
            Cell(f"{recorded(chain.carbon_content)} tC/GJ", align="right"),
            Cell(f"{recorded_percent(chain.oxidation)}%", align="right"),
            Cell(f"{quantity(chain.tco2_per_gj)} tCO2/GJ", align="right"),
            Cell(f"{quantity(factor.value)} {display_unit(factor.unit)}", align="right")]


def calculation(writer: ModelWriter, facts: Facts) -> None:
    common = facts.common()
    writer.heading(1, "碳足迹计算")
    writer.heading(2, "计算方法")
    writer.paragraphs(paragraphs("formula", **common))
    stage_terms = " + ".join(f"E{STAGE_SHORT_LABELS[key]}" for key in facts.included_stages)
    writer.paragraph("E = Σ（ADi × EFi）= " + stage_terms, style="formula")
    writer.paragraph(text("formula_where", gases=statements.gases_released(facts), **common))
    writer.heading(2, "计算结果")
    if is_catalogue(facts):
        catalogue_results(writer, facts)
    else:
        for product in facts.products:
            product_results(writer, facts, product)
    writer.heading(2, "不确定性分析")
    writer.paragraphs(paragraphs("uncertainty", **common))
    writer.add(BulletList(items("uncertainty_items", **common), ordered=True))
    interpretation(writer, facts)


def interpretation(writer: ModelWriter, facts: Facts) -> None:
    """5.4: conclusions drawn from the results, within the study's limitations."""
    writer.heading(2, "结果解释与结论")
    for product in facts.products:
        writer.paragraph(text(
            "conclusion_product", product=product, unit=facts.unit,
            stage=statements.largest_stage(product),
            activities=statements.largest_activities(facts, product, count=3)))
    writer.paragraph(text("conclusion_limits", count=len(statements.limitations(facts)),
                          section=LIMITATIONS_SECTION, **facts.common()))
    writer.paragraphs(list(facts.study.study.conclusions))


def product_results(writer: ModelWriter, facts: Facts, product: ProductFact) -> None:
    """Result paragraph, stage table with shares, and the pie chart of one product."""
    writer.paragraph(text("result_intro", product=product, table=writer.reserve_table_number(),
                          figure=writer.reserve_figure_number(), **facts.common()))
    unit = f"{facts.unit}/{product.unit_word}"
    rows = [[Cell(stage.label), Cell(stage.value, align="right"),
             Cell(percent(stage.share), align="right")] for stage in product.stages]
    rows.append([Cell("合计", header=True), Cell(product.total, align="right", header=True),
                 Cell(f"{product.shares_total}%", align="right", header=True)])
    notes = [] if product.stages_add_up else [text("rounding_note")]
    if not product.shares_add_up:
        notes.append(text("shares_note", total=product.shares_total))
    writer.table(f"{product.display_name}生命周期各阶段碳排放情况",
                 [[Cell("生命周期阶段"), Cell(f"碳足迹（{unit}）"), Cell("占比")]],
                 rows, [40, 35, 25], notes)
    stages = product.stages_with_data
    slices = [charts.Slice(stage.magnitude, f"{stage.share}%" if share_big(stage.share) else "")
              for stage in stages]
    legend = [LegendEntry(colour, f"{stage.label}  {stage.value} {facts.unit}（{stage.share}%）")
              for stage, colour in zip(stages, charts.PALETTE, strict=False)]
    caption = f"{product.display_name}生命周期阶段碳排放分布图"
    writer.figure(caption, charts.stage_pie(slices), PIE_WIDTH_MM, caption, legend)


def is_catalogue(facts: Facts) -> bool:
    """A report of many products shows their results side by side (see CATALOGUE_FROM)."""
    return len(facts.products) >= CATALOGUE_FROM


def catalogue_results(writer: ModelWriter, facts: Facts) -> None:
    """5.2 of a catalogue: one table of every product's stage values and total, one of
    their shares. The same shown values as everywhere else, only arranged by product."""
    stages = facts.included_stages
    values_table, shares_table = writer.reserve_table_number(), writer.reserve_table_number()
    per_unit = catalogue_unit(facts)
    writer.paragraph(text("catalogue_result_intro", count=len(facts.products),
                          values_table=values_table, shares_table=shares_table,
                          per_unit=per_unit, **facts.common()))
    header = [[Cell("产品"), *(Cell(STAGE_SHORT_LABELS[key]) for key in stages), Cell("合计")]]
    widths = [40, *([62 / len(stages)] * len(stages)), 14]
    values, shares = [], []
    for product in facts.products:
        by_key = {stage.key: stage for stage in product.stages}
        name = Cell(product.display_name)
        values.append([name, *(Cell(by_key[key].value, align="right") for key in stages),
                       Cell(product.total, align="right")])
        shares.append([name, *(Cell(percent(by_key[key].share), align="right")
                               for key in stages),
                       Cell(f"{product.shares_total}%", align="right")])
    value_notes = [text("catalogue_unit_note", unit=facts.unit, per_unit=per_unit,
                        empty_stages=facts.empty_stage_labels)]
    if not all(product.stages_add_up for product in facts.products):
        value_notes.append(text("rounding_note"))
    share_notes = [] if all(p.shares_add_up for p in facts.products) else [
        text("catalogue_shares_note")]
    writer.table("各产品生命周期各阶段碳排放情况", header, values, widths, value_notes)
    writer.table("各产品生命周期各阶段碳排放占比", header, shares, widths, share_notes)


def catalogue_unit(facts: Facts) -> str:
    """The unit word all products share ("台"), or "功能单位" when they differ."""
    words = {product.unit_word for product in facts.products}
    return words.pop() if len(words) == 1 else "功能单位"


def percent(share: str) -> str:
    return share if share == NOT_APPLICABLE else f"{share}%"


def share_big(share: str) -> bool:
    """Label a pie slice on the chart itself only when it is large enough to hold it."""
    return float(share) >= 6.0

