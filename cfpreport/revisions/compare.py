"""Compare two results documents (``cfpreport.results/1``): what changed between issues.

One comparison feeds the report's revision-history section, ``cfpreport diff``'s text
and its JSON, so the three always agree. Both sides are results documents, so an issued
report's JSON (or a final PDF's embedded one) is enough for the old side; documents
written before ``factors`` was added fall back on the factor values their activities
record.

Numbers: each side's full-precision kg CO2e per functional unit, the strings its report
printed (``display``), and the change in per cent of the old value, computed from the
full-precision values (never from rounded strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DIFF_SCHEMA = "cfpreport.diff/1"

#: The fields of a factor whose change a revision reports, in the order shown.
FACTOR_FIELDS = ("value", "unit", "source", "published")
#: The fields of an activity compared, in the order shown.
ACTIVITY_FIELDS = ("stage", "factor", "gas", "amount", "unit", "basis", "data_type")

Status = Literal["changed", "unchanged", "added", "removed"]


@dataclass(frozen=True)
class Side:
    """Which issue a side of the comparison is: number, revision, factor set."""

    report_number: str
    revision: int | None
    factor_set: str
    factor_set_version: str | None
    gwp: str | None = None  # the IPCC report of the GWP values (gases released directly)

    @classmethod
    def of(cls, document: dict[str, Any]) -> Side:
        factor_set = document.get("factor_set") or {}
        return cls(document.get("report_number", ""), document.get("revision"),
                   factor_set.get("name", ""), factor_set.get("version"),
                   document.get("gwp"))


@dataclass(frozen=True)
class FactorChange:
    """A factor whose value, unit, source or date differs; ``old`` or ``new`` is None
    when only one side uses it."""

    id: str
    name: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: tuple[str, ...]  # of FACTOR_FIELDS, or ("added",) / ("removed",)


@dataclass(frozen=True)
class Value:
    """One quantity on both sides: full precision (kg CO2e) and as each report printed it."""

    old_kgco2e: float | None
    new_kgco2e: float | None
    old_shown: str | None
    new_shown: str | None

    @property
    def change_percent(self) -> float | None:
        """(new - old) / old in per cent; None when a side is missing or old is zero."""
        if self.old_kgco2e is None or self.new_kgco2e is None or self.old_kgco2e == 0:
            return None
        return (self.new_kgco2e - self.old_kgco2e) / self.old_kgco2e * 100

    @property
    def changed(self) -> bool:
        return self.old_kgco2e != self.new_kgco2e or self.old_shown != self.new_shown


@dataclass(frozen=True)
class ProductChange:
    """A product's stages and total on both sides."""

    id: str
    name: str
    model: str | None
    status: Status
    old_unit: str | None  # the display unit each report printed: tCO2e, kgCO2e
    new_unit: str | None
    stages: list[tuple[str, Value]]  # (stage key, values), stages of either side
    total: Value


@dataclass(frozen=True)
class ActivityChange:
    """An activity (by product and position) whose recorded data differ."""

    product: str
    position: int  # 1-based, as the study lists the product's activities
    field: str  # of ACTIVITY_FIELDS, or "added" / "removed"
    old: Any
    new: Any


@dataclass(frozen=True)
class Comparison:
    old: Side
    new: Side
    factors: list[FactorChange]
    products: list[ProductChange]
    activities: list[ActivityChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.factors or self.activities
                    or any(p.status != "unchanged" for p in self.products))

    def as_dict(self) -> dict[str, Any]:
        """The comparison as ``diff --json`` prints it (``cfpreport.diff/1``)."""
        return {
            "schema": DIFF_SCHEMA,
            "old": side_dict(self.old),
            "new": side_dict(self.new),
            "changed": self.changed,
            "factors": [{"id": f.id, "name": f.name, "changed": list(f.fields),
                         "old": f.old, "new": f.new} for f in self.factors],
            "products": [{
                "id": p.id, "name": p.name, "model": p.model, "status": p.status,
                "unit": {"old": p.old_unit, "new": p.new_unit},
                "total": value_dict(p.total),
                "stages": {stage: value_dict(value) for stage, value in p.stages},
            } for p in self.products],
            "activities": [{"product": a.product, "position": a.position, "field": a.field,
                            "old": a.old, "new": a.new} for a in self.activities],
        }


def side_dict(side: Side) -> dict[str, Any]:
    return {"report_number": side.report_number, "revision": side.revision,
            "factor_set": {"name": side.factor_set, "version": side.factor_set_version},
            "gwp": side.gwp}


def value_dict(value: Value) -> dict[str, Any]:
    return {"old_kgco2e": value.old_kgco2e, "new_kgco2e": value.new_kgco2e,
            "old": value.old_shown, "new": value.new_shown,
            "change_percent": value.change_percent}


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Compare two results documents: factors, products (stages and totals), activities."""
    return Comparison(Side.of(old), Side.of(new), factor_changes(old, new),
                      product_changes(old, new), activity_changes(old, new))


def factors_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The factors a document's activities use, by id: its ``factors`` list, else (an
    older document) the value and unit each activity recorded."""
    if isinstance(document.get("factors"), list):
        return {entry["id"]: entry for entry in document["factors"]}
    found: dict[str, dict[str, Any]] = {}
    for product in document.get("products", []):
        for activity in product.get("activities", []):
            if activity.get("factor"):
                found.setdefault(activity["factor"], {
                    "id": activity["factor"], "name": activity.get("label") or activity["factor"],
                    "value": activity.get("factor_value"), "unit": activity.get("factor_unit"),
                    "source": activity.get("source"), "published": None})
    return found


def factor_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FactorChange]:
    before, after = factors_of(old), factors_of(new)
    changes = []
    for factor_id in sorted(before.keys() | after.keys()):
        was, now = before.get(factor_id), after.get(factor_id)
        if was is None or now is None:
            fields: tuple[str, ...] = ("added",) if was is None else ("removed",)
        else:
            fields = tuple(key for key in FACTOR_FIELDS if was.get(key) != now.get(key))
            if not fields:
                continue
        name = (now or was or {}).get("name") or factor_id
        changes.append(FactorChange(factor_id, name, was, now, fields))
    return changes


def product_changes(old: dict[str, Any], new: dict[str, Any]) -> list[ProductChange]:
    """Every product of either side, the new side's order first, then those removed."""
    before = {p["id"]: p for p in old.get("products", [])}
    after = {p["id"]: p for p in new.get("products", [])}
    order = [*after, *(key for key in before if key not in after)]
    return [product_change(before.get(key), after.get(key)) for key in order]


def product_change(was: dict[str, Any] | None, now: dict[str, Any] | None) -> ProductChange:
    either = now or was
    assert either is not None
    stage_keys = list(dict.fromkeys([*(was or {}).get("stages", {}),
                                     *(now or {}).get("stages", {})]))
    stages = [(key, Value(stage_value(was, key), stage_value(now, key),
                          stage_shown(was, key), stage_shown(now, key)))
              for key in stage_keys]
    total = Value(was["total_kgco2e"] if was else None, now["total_kgco2e"] if now else None,
                  was["display"]["total"] if was else None,
                  now["display"]["total"] if now else None)
    if was is None or now is None:
        status: Status = "added" if was is None else "removed"
    else:
        status = ("changed" if total.changed or any(v.changed for _, v in stages)
                  else "unchanged")
    return ProductChange(either["id"], either["name"], either.get("model"), status,
                         was["display"]["unit"] if was else None,
                         now["display"]["unit"] if now else None, stages, total)


def stage_value(product: dict[str, Any] | None, stage: str) -> float | None:
    return None if product is None else product.get("stages", {}).get(stage)


def stage_shown(product: dict[str, Any] | None, stage: str) -> str | None:
    if product is None:
        return None
    shown = product["display"]["stages"].get(stage)
    return shown["value"] if shown else None


def activity_changes(old: dict[str, Any], new: dict[str, Any]) -> list[ActivityChange]:
    """The recorded activity data that differ, product by product and position by
    position (an activity inserted in the middle shows as changes from there on)."""
    before = {p["id"]: p.get("activities", []) for p in old.get("products", [])}
    changes = []
    for product in new.get("products", []):
        was_list = before.get(product["id"])
        if was_list is None:
            continue  # a product added: the product list says so
        now_list = product.get("activities", [])
        for position in range(max(len(was_list), len(now_list))):
            was = was_list[position] if position < len(was_list) else None
            now = now_list[position] if position < len(now_list) else None
            if was is None or now is None:
                changes.append(ActivityChange(
                    product["id"], position + 1, "added" if was is None else "removed",
                    activity_summary(was), activity_summary(now)))
                continue
            changes += [ActivityChange(product["id"], position + 1, key, was.get(key),
                                       now.get(key))
                        for key in ACTIVITY_FIELDS if was.get(key) != now.get(key)]
    return changes


def activity_summary(activity: dict[str, Any] | None) -> dict[str, Any] | None:
    if activity is None:
        return None
    return {key: activity.get(key) for key in ACTIVITY_FIELDS if activity.get(key) is not None}


def factor_value_text(entry: dict[str, Any] | None) -> str:
    """A factor's value and unit as a report prints them (derived fuel factors to 5
    significant digits, recorded values as recorded); "/" for a side without it."""
    from cfpreport.report.facts import quantity, recorded

    if entry is None or entry.get("value") is None:
        return "/"
    value = entry["value"]
    shown = quantity(value) if entry.get("derived") else recorded(value)
    return f"{shown} {entry.get('unit') or ''}".strip()


def percent_text(change: float | None) -> str:
    """A change in per cent, signed, to 2 decimals: "+7.66%"; "/" when there is none."""
    return "/" if change is None else f"{change:+.2f}%"
