"""Chapter 5 of the report: calculation and results."""

from __future__ import annotations

from cfpreport.calculation.stages import (
    BASIS_LABELS_BY_LANGUAGE,
    DATA_TYPE_LABELS_BY_LANGUAGE,
    STAGE_SHORT_LABELS,
)
from cfpreport.report import charts, statements
from cfpreport.report.blocks import BulletList, Cell, LegendEntry
from cfpreport.report.chapters_scope import LIMITATIONS_SECTION
from cfpreport.report.facts import (
    NOT_APPLICABLE,
    Facts,
    ProductFact,
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

