"""版本变更说明 / Revision history: what a re-issued report changed against the issue
it replaces.

Printed only for a revision (``report.revision`` 2 or later) whose previous issue is
known (``report.previous``: that issue's results JSON or final PDF). The numbers come
from :func:`cfpreport.revisions.compare.compare` of the previous results document with
this one's, the comparison ``cfpreport diff`` prints; the words from
``templates/chapters/00e_revision_history.<language>.j2`` and the text snippets.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import stage_label
from cfpreport.errors import CfpError, Problem, StudyError
from cfpreport.report.blocks import Cell, Table
from cfpreport.report.facts import NOT_APPLICABLE, Facts
from cfpreport.report.markup import Prepared
from cfpreport.revisions.compare import (
    Comparison,
    ProductChange,
    Value,
    compare,
    factor_value_text,
    percent_text,
)
from cfpreport.revisions.naming import is_revised


def revision_history_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """The comparison with the previous issue, as tables; ``revised`` false when the
    report is an original or its previous issue is not given."""
    report = facts.study.report
    if not is_revised(report.revision) or not report.previous:
        return {"revised": False}
    comparison = previous_comparison(facts)
    return {
        "revised": True,
        "previous": comparison.old,
        "reason": report.revision_reason or NOT_APPLICABLE,
        "factor_table": factor_table(facts, prepared, comparison) if comparison.factors
        else None,
        "product_tables": [product_table(facts, prepared, product)
                           for product in comparison.products],
        "activity_changes": activity_lines(facts, comparison),
    }


def previous_comparison(facts: Facts) -> Comparison:
    """Compare the previous issue's results with this report's."""
    from cfpreport.calculation.results_json import results_document
    from cfpreport.revisions.issued import read_results

    study = facts.study
    path = study.folder / study.report.previous
    try:
        previous = read_results(path)
    except CfpError as error:  # named as the study writes it, not by its whole path
        message = str(error).replace(str(path), study.report.previous, 1)
        raise StudyError([Problem(study.source_name, *study.position("report", "previous"),
                                  "report.previous", message)]) from None
    return compare(previous, results_document(study, facts.results))


def factor_table(facts: Facts, prepared: Prepared, comparison: Comparison):
    """Each changed factor: id and name, old and new value with unit, source and date."""
    header = [[Cell(facts.text(key)) for key in (
        "head_revision_factor", "head_revision_old", "head_revision_new",
        "head_revision_source")]]
    rows = []
    for change in comparison.factors:
        source = source_text(facts, change.new or change.old)
        if change.old and change.new and {"source", "published"} & set(change.fields):
            source = facts.text("revision_source_change", old=source_text(facts, change.old),
                                new=source)
        name = in_language(change.new or change.old, "name", facts.language) or change.name
        rows.append([Cell(f"{change.id}\n{name}"),
                     Cell(factor_value_text(change.old), align="right"),
                     Cell(factor_value_text(change.new), align="right"), Cell(source)])
    # Unnumbered, as the annex's: the section stands before chapter 1, outside the
    # chapters' numbering of tables.
    return prepared.add(Table("revision-factors", "", facts.text("caption_revision_factors"),
                              header, rows, [26, 18, 18, 38]))


def source_text(facts: Facts, factor: dict[str, Any] | None) -> str:
    """A factor's source, with its publication date when known."""
    source = in_language(factor, "source", facts.language) or NOT_APPLICABLE
    published = (factor or {}).get("published")
    return facts.text("revision_source_dated", source=source, published=published) \
        if published else source


def in_language(factor: dict[str, Any] | None, key: str, language: str) -> str | None:
    """A factor's text in the report's language, as its results document recorded it
    (``en`` holds the English where the set gives one)."""
    factor = factor or {}
    return ((factor.get("en") or {}).get(key) if language == "en" else None) or factor.get(key)


def product_table(facts: Facts, prepared: Prepared, product: ProductChange):
    """A product's stages and total, old and new in each report's unit, and the change."""
    header = [[Cell(facts.text(key)) for key in (
        "head_stage", "head_revision_old", "head_revision_new", "head_revision_change")]]
    rows = [value_row(stage_label(key, facts.language), value, product)
            for key, value in product.stages]
    rows.append(value_row(facts.text("total"), product.total, product, header=True))
    name = facts.text("revision_product", name=product.name, model=product.model)
    caption = facts.text("caption_revision_product", product=name, status=product.status)
    return prepared.add(Table(f"revision-{product.id}", "", caption, header, rows,
                              [34, 22, 22, 22]))


def value_row(label: str, value: Value, product: ProductChange, header: bool = False
              ) -> list[Cell]:
    old = f"{value.old_shown} {product.old_unit}" if value.old_shown else NOT_APPLICABLE
    new = f"{value.new_shown} {product.new_unit}" if value.new_shown else NOT_APPLICABLE
    return [Cell(label, header=header), Cell(old, align="right", header=header),
            Cell(new, align="right", header=header),
            Cell(percent_text(value.change_percent), align="right", header=header)]


def activity_lines(facts: Facts, comparison: Comparison) -> list[str]:
    """Each changed item of activity data, one line each."""
    return [facts.text("revision_activity_change", product=change.product,
                       position=change.position, field=change.field,
                       old=NOT_APPLICABLE if change.old is None else change.old,
                       new=NOT_APPLICABLE if change.new is None else change.new)
            for change in comparison.activities]
