"""Chapter 4 of the report: data collection, with each product's activities, the type and
source of their data, and the emission factors they are priced with.

The tables are prepared here with their numbers formatted; the layout and the text are
``templates/chapters/04_data_collection.<language>.j2``, and every word a table prints is a
snippet of ``templates/text/<language>.yaml``.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.factors import Factor, FactorSet, load_gwp_sets
from cfpreport.calculation.stages import (
    BASIS_LABELS_BY_LANGUAGE,
    DATA_TYPE_LABELS_BY_LANGUAGE,
    STAGES,
    stage_label,
)
from cfpreport.calculation.units import display_unit
from cfpreport.report import statements
from cfpreport.report.blocks import Cell
from cfpreport.report.facts import (
    DERIVED_SIGNIFICANT_DIGITS,
    NOT_APPLICABLE,
    Facts,
    ProductFact,
    quantity,
    recorded,
    recorded_percent,
)
from cfpreport.report.markup import Prepared, Ref


def data_collection_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 4: the tables of each product's activities, then of their data's type and
    source, then of the factors, prepared in the order the chapter shows them."""
    names = factor_names(facts)
    activities = [{"intro": activity_intro(product),
                   "table": activity_table(facts, prepared, product, names)}
                  for product in facts.products]
    data_quality = [{"product": product.display_name,
                     "table": data_quality_table(facts, prepared, product, names)}
                    for product in facts.products]
    factor_set = facts.results.factor_set
    return {
        "team": bool(facts.study.report.team),
        "activities": activities,
        "data_quality": data_quality,
        "factor_set": factor_set.name,
        "factor_version": factor_set.version,
        "study_factors": bool(statements.study_factors_used(facts)),
        "factor_table": factor_table(facts, prepared),
        "fuel_table": fuel_table(facts, prepared),
    }


def factor_names(facts: Facts) -> dict[str, str]:
    """The printed name of each factor the activities use, by id, and of each gas released
    directly, by ``gas:<formula>``, in the report's language."""
    names = {factor.id: factor.text("name", facts.language) for factor in facts.used_factors}
    names.update({f"gas:{gas}": facts.text("gas_factor_name", gas=gas)
                  for gas in statements.gases_released(facts)})
    return names


def factor_name(row, names: dict[str, str]) -> str:
    """The printed name of an activity row's factor (or of the gas it releases)."""
    return names[row.factor if isinstance(row.factor, str) else f"gas:{row.gas}"]


def activity_label(row, names: dict[str, str]) -> str:
    """An activity as the study labels it, else by its factor's name."""
    return row.label if isinstance(row.label, str) else factor_name(row, names)


def activity_intro(product: ProductFact) -> dict[str, str]:
    """What the sentence before a product's activity table says of it."""
    output = product.product.annual_output
    return {"name": product.display_name,
            "annual_output": f"{recorded(output)} {product.unit_word}" if output else ""}


def activity_table(facts: Facts, prepared: Prepared, product: ProductFact,
                   names: dict[str, str]) -> Ref:
    """Stage, activity, amount as recorded, basis, per-unit amount, factor, result."""
    rows_of_product = facts.activities_of(product)
    short = {key: stage_label(key, facts.language, short=True) for key in STAGES}
    bases = BASIS_LABELS_BY_LANGUAGE[facts.language]
    rows = []
    for key in STAGES:
        stage_rows = [row for row in rows_of_product if row.stage == key]
        if not stage_rows:
            rows.append([Cell(short[key])] + [
                Cell(NOT_APPLICABLE, align="center") for _ in range(6)])
            continue
        rows += [activity_row(row, facts, short, bases, names) for row in stage_rows]
    words = {"unit_word": product.unit_word}
    header = [[Cell(facts.text("head_stage")), Cell(facts.text("head_activity")),
               Cell(facts.text("head_activity_data")), Cell(facts.text("head_basis")),
               Cell(facts.text("head_amount_per_unit", **words)),
               Cell(facts.text("head_factor")), Cell(facts.text("head_emission", **words))]]
    notes = [facts.text("activity_note", decimals=facts.results.settings.decimals,
                        significant=DERIVED_SIGNIFICANT_DIGITS,
                        annual=any(row.basis == "annual" for row in rows_of_product))]
    return prepared.table(facts.text("caption_activities", product=product.display_name),
                          header, rows, [12, 15, 14, 10, 15, 22, 12], notes)


def activity_row(row, facts: Facts, short: dict[str, str], bases: dict[str, str],
                 names: dict[str, str]) -> list[Cell]:
    """One activity: amount as recorded; per-unit amount derived only for annual data."""
    unit = display_unit(row.unit)
    per_unit = quantity(row.amount_per_unit) if row.basis == "annual" else recorded(row.amount)
    factor_value = (facts.factor_value_text(row.factor) if isinstance(row.factor, str)
                    else recorded(row.factor_value))
    return [
        Cell(short[row.stage]),
        Cell(activity_label(row, names)),
        Cell(f"{recorded(row.amount)} {unit}", align="right"),
        Cell(bases[row.basis], align="center"),
        Cell(f"{per_unit} {unit}", align="right"),
        Cell(f"{factor_value} {display_unit(row.factor_unit)}", align="right"),
        Cell(row.shown, align="right"),
    ]


def data_quality_table(facts: Facts, prepared: Prepared, product: ProductFact,
                       names: dict[str, str]) -> Ref:
    """Per activity: primary or secondary data, the document it comes from, the factor it
    is priced with (ISO 14067 7.3: data-quality assessment). The factor's value, unit and
    source are in the factor table of 4.4, once: repeated on every row, a source of four
    lines made each row four lines tall and this table the longest of the report."""
    data_types = DATA_TYPE_LABELS_BY_LANGUAGE[facts.language]
    not_stated = facts.text("not_stated")
    rows = [[Cell(stage_label(row.stage, facts.language, short=True)),
             Cell(activity_label(row, names)),
             Cell(data_types[row.data_type], align="center"),
             Cell(row.source if isinstance(row.source, str) else not_stated),
             Cell(factor_name(row, names))]
            for row in facts.activities_of(product)]
    header = [[Cell(facts.text("head_stage")), Cell(facts.text("head_activity")),
               Cell(facts.text("head_data_type")), Cell(facts.text("head_data_source")),
               Cell(facts.text("head_factor"))]]
    note = facts.text("data_quality_note", section=facts.text("section_factors"))
    return prepared.table(facts.text("caption_data_quality", product=product.display_name),
                          header, rows, [13, 17, 10, 30, 30], [note])


def factor_table(facts: Facts, prepared: Prepared) -> Ref:
    """Each factor used, with its value, unit, source and publisher; then the GWP of each
    gas released directly."""
    factors = facts.used_factors
    this_study = facts.text("this_study")
    rows = [factor_row(factor, facts.language, this_study) for factor in factors]
    rows += gas_rows(facts)
    header = [[Cell(facts.text("head_factor")), Cell(facts.text("head_value")),
               Cell(facts.text("head_unit")), Cell(facts.text("head_source")),
               Cell(facts.text("head_publisher")), Cell(facts.text("head_published"))]]
    notes = verification_notes(facts, factors, facts.results.factor_set)
    return prepared.table(facts.text("caption_factors"), header, rows,
                          [17, 10, 15, 27, 17, 14], notes)


def factor_row(factor: Factor, language: str, this_study: str) -> list[Cell]:
    """Name, value (marked "*" if unverified), unit, source document, publisher, and the
    publication date exactly as precise as it is known (2025-09-28, 2026-01, 2025, "/")."""
    marker = "" if factor.verified else " *"
    value = quantity(factor.value) if factor.chain else recorded(factor.value)
    publisher = factor.text("publisher", language) or (
        this_study if factor.origin == "study" else NOT_APPLICABLE)
    return [Cell(factor.text("name", language)), Cell(value + marker, align="right"),
            Cell(display_unit(factor.unit), align="center"),
            Cell(factor.text("source", language)), Cell(publisher),
            Cell(str(factor.published) if factor.published else NOT_APPLICABLE, align="center")]


def verification_notes(facts: Facts, factors: list[Factor], factor_set: FactorSet
                       ) -> list[str]:
    """Who checked which factors against their sources, and why the others carry "*":
    set factors and the study's own factors are unverified for different reasons."""
    name = {factor.id: factor.text("name", facts.language) for factor in factors}
    checked: dict[tuple[str, str], list[str]] = {}
    for factor in factors:
        if factor.verified:
            key = (factor.verified_by or "", str(factor.verified_on or ""))
            checked.setdefault(key, []).append(name[factor.id])
    notes = []
    if checked:
        groups = [{"names": names, "by": by, "on": on} for (by, on), names in checked.items()]
        whole_table = len(groups) == 1 and len(groups[0]["names"]) == len(factors)
        notes.append(facts.text("verified_note", groups=groups, whole_table=whole_table))
    set_factors = [name[f.id] for f in factors if not f.verified and f.origin == "set"]
    study_factors = [name[f.id] for f in factors if not f.verified and f.origin == "study"]
    if set_factors or study_factors:
        notes.append(facts.text("unverified_note", set_factors=set_factors,
                                study_factors=study_factors, factor_set=factor_set.name,
                                transcribed=factor_set.file is None))
    return notes


def gas_rows(facts: Facts) -> list[list[Cell]]:
    """A row per gas released directly: its GWP100 and where the value comes from."""
    activities = facts.results.activities
    gases = activities.dropna(subset=["gas"]).drop_duplicates("gas")
    gwp = load_gwp_sets()[facts.study.study.gwp]
    source = gwp.text("source", facts.language)
    return [[Cell(facts.text("gas_gwp_name", gas=row.gas)),
             Cell(recorded(row.factor_value), align="right"),
             Cell(display_unit(row.factor_unit), align="center"), Cell(source),
             Cell("IPCC"), Cell(str(gwp.published.year), align="center")]
            for row in gases.itertuples()]


def fuel_table(facts: Facts, prepared: Prepared) -> Ref | None:
    """How each fossil fuel's CO2 factor is derived from its default values, if any is used."""
    fuels = [factor for factor in facts.used_factors if factor.chain]
    if not fuels:
        return None
    header = [[Cell(facts.text("head_fuel")), Cell(facts.text("head_ncv")),
               Cell(facts.text("head_carbon_content")), Cell(facts.text("head_oxidation")),
               Cell(facts.text("head_emission_per_heat")), Cell(facts.text("head_factor"))]]
    return prepared.table(facts.text("caption_fuel_chain"), header,
                          [fuel_row(factor, facts.language) for factor in fuels],
                          [10, 17, 17, 11, 21, 24])


def fuel_row(factor: Factor, language: str) -> list[Cell]:
    chain = factor.chain
    return [Cell(factor.text("name", language)),
            Cell(f"{recorded(chain.ncv)} {display_unit(chain.ncv_unit)}", align="right"),
            Cell(f"{recorded(chain.carbon_content)} tC/GJ", align="right"),
            Cell(f"{recorded_percent(chain.oxidation)}%", align="right"),
            Cell(f"{quantity(chain.tco2_per_gj)} tCO2/GJ", align="right"),
            Cell(f"{quantity(factor.value)} {display_unit(factor.unit)}", align="right")]

