"""Chapter 3 of the report: goal and scope, with what ISO 14067 clause 7.3 asks for.

Each statement is derived in :mod:`cfpreport.report.statements`; a question the study leaves
unanswered prints 未评估 (the snippet ``not_assessed``). The layout is
``templates/chapters/03_goal_and_scope.<language>.j2``, and every word a table or the
boundary diagram prints is a snippet of ``templates/text/<language>.yaml``.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import STAGES, stage_label, stage_row_label
from cfpreport.report import charts, statements
from cfpreport.report.blocks import Cell
from cfpreport.report.chapters_data import activity_label, factor_names
from cfpreport.report.facts import NOT_APPLICABLE, Facts, recorded
from cfpreport.report.markup import Prepared, Ref
from cfpreport.report.texts import split_paragraphs


def goal_and_scope_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 3: each statement as derived from the study, and its tables and figure,
    prepared in the order the chapter shows them."""
    scope = facts.study.study
    not_assessed = facts.text("not_assessed")
    return {
        "intended_application": list(scope.intended_application or []),
        "intended_audience": scope.intended_audience or not_assessed,
        "functional_unit_table": functional_unit_table(facts, prepared),
        **system_boundary(facts, prepared),
        "annual_products": [p.name for p in facts.study.products
                            if any(a.basis == "annual" for a in p.activities)],
        "allocation": split_paragraphs(scope.allocation or ""),
        "limitations_section": facts.text("section_limitations"),
        "limitations": statements.limitations(facts),
        **impact_method(facts, prepared),
        "electricity_coverage": [statements.electricity_coverage(factor, facts.language)
                                 for factor in statements.electricity_factors(facts)],
        "grid_co2": bool(statements.grid_co2_factors(facts)),
        "electricity": split_paragraphs(scope.electricity or ""),
        "special_statements": [facts.text("special_statement", name=name,
                                          answer=answer or not_assessed)
                               for name, answer in statements.special_statements(facts)],
        "value_choices": statements.value_choices(facts),
        "pcr": scope.pcr or not_assessed,
        "critical_review": scope.critical_review or not_assessed,
        "activity_counts": activity_counts(facts),
    }


def functional_unit_table(facts: Facts, prepared: Prepared) -> Ref:
    """3.2.1: the functional unit and, per product, its reference flow."""
    not_assessed = facts.text("not_assessed")
    rows = [[Cell(product.display_name), Cell(product.functional_unit),
             Cell(product.product.reference_flow or not_assessed)]
            for product in facts.products]
    header = [[Cell(facts.text("head_product")), Cell(facts.text("head_functional_unit")),
               Cell(facts.text("head_reference_flow"))]]
    return prepared.table(facts.text("caption_functional_units"), header, rows,
                          [34, 20, 46])


def system_boundary(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """3.2.2: the boundary table (what each stage includes) and the diagram."""
    names = factor_names(facts)
    rows = [boundary_row(facts, key, names) for key in STAGES]
    header = [[Cell(facts.text("head_boundary_stage")), Cell(facts.text("head_included")),
               Cell(facts.text("head_excluded"))]]
    products = facts.join(product.display_name for product in facts.products)
    table = prepared.table(facts.text("caption_boundary", products=products), header, rows,
                           [22, 44, 34])
    return {"boundary_table": table, "boundary_figure": boundary_figure(facts, prepared, rows),
            "excluded_stages": statements.empty_stages_sentence(facts)}


def boundary_row(facts: Facts, stage: str, names: dict[str, str]) -> list[Cell]:
    """A stage's row: its included processes (as declared, or its activities), or why
    it is empty."""
    scope = facts.study.study.stages.get(stage)
    activities = facts.results.activities
    in_stage = activities[activities["stage"] == stage]
    if in_stage.empty:
        reason = statements.exclusion_reason(facts, stage)
        return [Cell(stage_row_label(stage, facts.language)), Cell(NOT_APPLICABLE),
                Cell(facts.text("boundary_no_data", reason=reason))]
    if scope and scope.included.strip() not in ("", NOT_APPLICABLE):
        included = scope.included
    else:
        labels = [activity_label(row, names) for row in in_stage.itertuples()]
        included = facts.join(dict.fromkeys(labels))
    excluded = scope.excluded if scope else NOT_APPLICABLE
    return [Cell(stage_row_label(stage, facts.language)), Cell(included), Cell(excluded)]


def boundary_figure(facts: Facts, prepared: Prepared, rows: list[list[Cell]]) -> Ref:
    with_data = set(facts.results.activities["stage"])
    stages = [charts.BoundaryStage(stage_label(key, facts.language, short=True),
                                   row[1].text if key in with_data else NOT_APPLICABLE,
                                   key in with_data,
                                   statements.exclusion_reason(facts, key) or "")
              for key, row in zip(STAGES, rows, strict=True)]
    diagram = charts.boundary_diagram(stages, facts.text("boundary_diagram_title"),
                                      words=diagram_words(facts))
    caption = facts.text("caption_boundary_diagram")
    return prepared.figure(caption, diagram, 160, caption)



def diagram_words(facts: Facts) -> charts.BoundaryWords:
    """The boundary diagram's own words, from the snippets ``diagram_*``."""
    return charts.BoundaryWords(
        excluded=facts.text("diagram_excluded"),
        excluded_reason=facts.text("diagram_excluded_reason", reason="{reason}"),
        key_boundary=facts.text("diagram_key_boundary"),
        key_excluded=facts.text("diagram_key_excluded"),
        alt=facts.text("diagram_alt", title="{title}"))

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
        header = [[Cell(facts.text("head_gas")), Cell("GWP100"), Cell(facts.text("head_unit"))]]
        table = prepared.table(facts.text("caption_gwp"), header, rows, [40, 30, 30])
    name = {factor.id: factor.text("name", facts.language) for factor in facts.used_factors}
    return {"gases": gases, "gwp_table": table,
            "co2e_factors": [name[f.id] for f in facts.used_factors if f.gas_basis == "CO2e"],
            "co2_only_factors": [name[f.id] for f in facts.used_factors
                                 if f.gas_basis == "CO2"]}


def activity_counts(facts: Facts) -> dict[str, int]:
    activities = facts.results.activities
    primary = int((activities["data_type"] == "primary").sum())
    return {"activity_count": len(activities), "primary_count": primary,
            "secondary_count": len(activities) - primary}

