"""``cfpreport diff`` as text for the terminal: the comparison the revision history prints."""

from __future__ import annotations

from cfpreport.calculation.stages import STAGE_LABELS
from cfpreport.revisions.compare import (
    Comparison,
    ProductChange,
    Side,
    Value,
    factor_value_text,
    percent_text,
)
from cfpreport.text_tables import table


def side_text(side: Side) -> str:
    version = f" {side.factor_set_version}" if side.factor_set_version else ""
    gwp = f", GWP {side.gwp}" if side.gwp else ""
    return (f"{side.report_number} revision {side.revision or 1} "
            f"(factor set {side.factor_set}{version}{gwp})")


def comparison_text(comparison: Comparison) -> str:
    """The changed factors, the changed activity data, then every product's stages and
    total, old -> new with the change in per cent."""
    blocks = [f"{side_text(comparison.old)} -> {side_text(comparison.new)}"]
    if comparison.factors:
        rows = [[change.id, change.name, factor_value_text(change.old),
                 factor_value_text(change.new), ", ".join(change.fields)]
                for change in comparison.factors]
        blocks.append("Factors changed:\n" + table(
            ["id", "name", "old", "new", "changed"], rows))
        sources = [f"  {change.id}: {(change.old or {}).get('source') or '/'} "
                   f"({(change.old or {}).get('published') or '/'}) -> "
                   f"{(change.new or {}).get('source') or '/'} "
                   f"({(change.new or {}).get('published') or '/'})"
                   for change in comparison.factors
                   if {"source", "published", "added", "removed"} & set(change.fields)]
        if sources:
            blocks.append("Factor sources (published):\n" + "\n".join(sources))
    else:
        blocks.append("Factors: unchanged")
    if comparison.activities:
        blocks.append("Activity data changed:\n" + "\n".join(
            f"  {change.product} activity {change.position} {change.field}: "
            f"{'/' if change.old is None else change.old} -> "
            f"{'/' if change.new is None else change.new}"
            for change in comparison.activities))
    blocks += [product_text(product) for product in comparison.products]
    return "\n\n".join(blocks)


def product_text(product: ProductChange) -> str:
    model = f" ({product.model})" if product.model else ""
    status = "" if product.status in ("changed", "unchanged") else f"  [{product.status}]"
    rows = [value_row(STAGE_LABELS.get(key, key), value, product)
            for key, value in product.stages]
    rows.append(value_row("total", product.total, product))
    return (f"{product.id}  {product.name}{model}{status}\n"
            + table(["stage", "old", "new", "change"], rows, right={1, 2, 3}))


def value_row(label: str, value: Value, product: ProductChange) -> list[str]:
    old = f"{value.old_shown} {product.old_unit}" if value.old_shown else "/"
    new = f"{value.new_shown} {product.new_unit}" if value.new_shown else "/"
    return [label, old, new, percent_text(value.change_percent)]
