"""Chapter 5 of the report: the calculation, each product's results, their uncertainty,
and the conclusions drawn from them.

The tables and charts are prepared here with their numbers formatted; the layout and the
text are ``templates/chapters/05_calculation.<language>.j2``, and every word a table or
chart prints is a snippet of ``templates/text/<language>.yaml``.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import stage_label
from cfpreport.report import charts, statements
from cfpreport.report.blocks import Cell, LegendEntry
from cfpreport.report.chapters_uncertainty import hot_spots, uncertainty_context
from cfpreport.report.facts import NOT_APPLICABLE, Facts, ProductFact
from cfpreport.report.markup import Prepared, Ref

# Small enough that the pie and its legend fit under a results table on the page where
# chapter 5 begins, so the chart does not leave half a page blank before it.
PIE_WIDTH_MM = 54

# From this many products on, chapter 5 gives the results as one table of all products
# (values and shares by stage) instead of a table and a pie chart per product: a page
# per product made a catalogue of 200 products 200 pages longer and no easier to compare.
CATALOGUE_FROM = 10


def calculation_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 5: the stages the formula sums (short names); the results, side by side
    for a catalogue, else a table and a pie per product; and what 5.4 concludes."""
    catalogue = is_catalogue(facts)
    return {
        "formula_terms": [stage_label(key, facts.language, short=True)
                          for key in facts.included_stages],
        "gases": statements.gases_released(facts),
        "catalogue": catalogue,
        **(catalogue_results(facts, prepared) if catalogue else {}),
        "results": [] if catalogue else [product_results(facts, prepared, product)
                                         for product in facts.products],
        # after the results' tables and figures: 5.3's are numbered after them
        **uncertainty_context(facts, prepared, catalogue),
        "conclusions": [{"product": product, "stage": statements.largest_stage(product),
                         "activities": hot_spots(facts, product)}
                        for product in facts.products],
        "limitation_count": len(statements.limitations(facts)),
        "limitations_section": facts.text("section_limitations"),
        "study_conclusions": list(facts.study.study.conclusions),
    }


def product_results(facts: Facts, prepared: Prepared, product: ProductFact) -> dict[str, Any]:
    """The stage table with shares, and the pie chart, of one product."""
    rows = [[Cell(stage.row_label), Cell(stage.value, align="right"),
             Cell(percent(stage.share), align="right")] for stage in product.stages]
    rows.append([Cell(facts.text("total"), header=True),
                 Cell(product.total, align="right", header=True),
                 Cell(f"{product.shares_total}%", align="right", header=True)])
    notes = [] if product.stages_add_up else [facts.text("rounding_note")]
    if not product.shares_add_up:
        notes.append(facts.text("shares_note", total=product.shares_total))
    header = [[Cell(facts.text("head_stage")),
               Cell(facts.text("head_footprint", unit_word=product.unit_word)),
               Cell(facts.text("head_share"))]]
    table = prepared.table(facts.text("caption_stage_results", product=product.display_name),
                           header, rows, [40, 35, 25], notes)
    stages = product.stages_with_data
    slices = [charts.Slice(stage.magnitude, f"{stage.share}%" if share_big(stage.share) else "")
              for stage in stages]
    legend = [LegendEntry(colour, facts.text("pie_legend", stage=stage.label,
                                             value=stage.value, share=stage.share))
              for stage, colour in zip(stages, charts.PALETTE, strict=False)]
    caption = facts.text("caption_stage_pie", product=product.display_name)
    figure = prepared.figure(caption, charts.stage_pie(slices), PIE_WIDTH_MM, caption, legend)
    return {"product": product, "table": table, "figure": figure}


def is_catalogue(facts: Facts) -> bool:
    """A report of many products shows their results side by side (see CATALOGUE_FROM)."""
    return len(facts.products) >= CATALOGUE_FROM


def catalogue_results(facts: Facts, prepared: Prepared) -> dict[str, Ref | str | None]:
    """5.2 of a catalogue: one table of every product's stage values and total, one of
    their shares. The same shown values as everywhere else, only arranged by product."""
    stages = facts.included_stages
    per_unit = catalogue_unit(facts)
    header = [[Cell(facts.text("head_product")),
               *(Cell(stage_label(key, facts.language, short=True)) for key in stages),
               Cell(facts.text("total"))]]
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
    value_notes = [facts.text("catalogue_unit_note", per_unit=per_unit,
                              empty_stages=facts.empty_stage_labels)]
    if not all(product.stages_add_up for product in facts.products):
        value_notes.append(facts.text("rounding_note"))
    share_notes = [] if all(p.shares_add_up for p in facts.products) else [
        facts.text("catalogue_shares_note")]
    return {
        "values_table": prepared.table(facts.text("caption_catalogue_values"), header,
                                       values, widths, value_notes),
        "shares_table": prepared.table(facts.text("caption_catalogue_shares"), header,
                                       shares, widths, share_notes),
    }


def catalogue_unit(facts: Facts) -> str | None:
    """The unit word all products share ("台"), or None when they differ (each product
    is then counted per its own functional unit)."""
    words = {product.unit_word for product in facts.products}
    return words.pop() if len(words) == 1 else None


def percent(share: str) -> str:
    return share if share == NOT_APPLICABLE else f"{share}%"


def share_big(share: str) -> bool:
    """Label a pie slice on the chart itself only when it is large enough to hold it."""
    return float(share) >= 6.0

