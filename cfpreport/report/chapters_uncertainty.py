"""Section 5.3 of the report: the uncertainty analysis of each product, its data quality,
hot spots, sensitivity and scenarios; and the hot spots chapter 6 starts from.

Every number comes from the analysis the results JSON carries (``Facts.analysis``),
formatted by :mod:`cfpreport.report.uncertainty_facts`; the words are snippets of
``templates/text/<language>.yaml``; the layout is ``05_calculation.<language>.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cfpreport.calculation import rounding
from cfpreport.calculation.stages import DATA_TYPE_LABELS_BY_LANGUAGE, stage_label
from cfpreport.calculation.uncertainty.inputs import factor_spread
from cfpreport.calculation.uncertainty.pedigree import INDICATORS
from cfpreport.calculation.units import display_unit
from cfpreport.report import analysis_charts, statements
from cfpreport.report.blocks import Cell, LegendEntry
from cfpreport.report.chapters_data import activity_label, factor_names
from cfpreport.report.facts import NOT_APPLICABLE, Facts, ProductFact, quantity
from cfpreport.report.markup import Prepared, Ref
from cfpreport.report.uncertainty_facts import (
    exceedances,
    interval,
    percent,
    rating,
    signed_percent,
)

#: The tornado chart shows this many of the largest bars.
TORNADO_BARS = 8
ELECTRICITY_KINDS = statements.ELECTRICITY_KINDS


def uncertainty_context(facts: Facts, prepared: Prepared, catalogue: bool = False
                        ) -> dict[str, Any]:
    """5.3: the method, the factors' spreads, then per product its interval (table and
    histogram), data quality, hot spots (table and tornado) and scenarios; a catalogue
    gets one summary table instead."""
    settings = facts.study.study.uncertainty
    scored = [a for p in facts.study.products for a in p.activities if a.pedigree is not None]
    activities = sum(len(p.activities) for p in facts.study.products)
    context: dict[str, Any] = {
        "runs": f"{settings.runs}",
        "seed": f"{settings.seed}",
        "scored_activities": len(scored),
        "all_activities": activities,
        "stated_activities": sum(1 for p in facts.study.products for a in p.activities
                                 if a.uncertainty is not None),
        "spreads_table": spreads_table(facts, prepared),
    }
    if catalogue:
        context["summary_table"] = summary_table(facts, prepared)
        context["uncertainty_results"] = []
        return context
    context["summary_table"] = None
    context["uncertainty_results"] = product_analyses(facts, prepared)
    return context


def product_analyses(facts: Facts, prepared: Prepared) -> list[dict[str, Any]]:
    """Each product's statistics and histogram, data quality, hot spots and tornado, and
    scenarios. 5.3 shows them topic by topic (every product's interval, then every
    product's data quality ...), so their tables and figures are prepared in that order."""
    results = []
    for product in facts.products:
        stats = facts.analysis[product.product.id]["uncertainty"]
        total = interval(stats, facts.shown)
        results.append({"product": product, "interval": total, "exceed": exceedances(stats),
                        "stats_table": stats_table(facts, prepared, product, stats),
                        "histogram": histogram_figure(facts, prepared, product, stats, total)})
    for result in results:
        product = result["product"]
        dqr = facts.analysis[product.product.id]["dqr"]
        result["dqr"] = {
            "rating": rating(dqr["rating"]),
            "class": facts.text(f"dqr_class_{dqr['class']}"),
            "primary_share": None if dqr["primary_data_share"] is None
            else percent(dqr["primary_data_share"]),
            "defaults_only": not any(a["scores_from"] == "study" for a in dqr["activities"]),
            "table": dqr_table(facts, prepared, product, dqr)}
    for result in results:
        product = result["product"]
        result["hot_spots"] = hot_spots(facts, product)
        result["hot_spot_table"] = hot_spot_table(facts, prepared, product,
                                                  result["hot_spots"])
        result["tornado"] = tornado_figure(facts, prepared, product,
                                           facts.analysis[product.product.id]["sensitivity"])
    for result in results:
        product = result["product"]
        result["scenario_table"] = scenario_table(
            facts, prepared, product, facts.analysis[product.product.id]["scenario_details"])
    return results


# --- the interval ----------------------------------------------------------------------

def stats_table(facts: Facts, prepared: Prepared, product: ProductFact,
                stats: dict[str, Any]) -> Ref:
    """Per stage and for the total: the calculated value, mean, median, SD, 95 % interval."""
    by_key = {stage.key: stage for stage in product.stages}
    rows = []
    for key, stage_stats in stats["stages"].items():
        rows.append(stats_row(facts, by_key[key].row_label, by_key[key].value, stage_stats))
    rows.append(stats_row(facts, facts.text("total"), product.total, stats, header=True))
    header = [[Cell(facts.text(key)) for key in (
        "head_stage", "head_calculated", "head_mean", "head_median", "head_sd",
        "head_interval")]]
    notes = [facts.text("stats_note", unit_word=product.unit_word)]
    return prepared.table(facts.text("caption_uncertainty", product=product.display_name),
                          header, rows, [26, 14, 14, 14, 12, 20], notes)


def stats_row(facts: Facts, label: str, calculated: str, stats: dict[str, float],
              header: bool = False) -> list[Cell]:
    shown = interval(stats, facts.shown)
    return [Cell(label, header=header), Cell(calculated, align="right", header=header),
            Cell(shown.mean, align="right", header=header),
            Cell(shown.median, align="right", header=header),
            Cell(shown.sd, align="right", header=header),
            Cell(facts.text("interval_range", low=shown.low, high=shown.high),
                 align="center", header=header)]


def histogram_figure(facts: Facts, prepared: Prepared, product: ProductFact,
                     stats: dict[str, Any], total) -> Ref | None:
    """The histogram of the total's draws; none when the draws do not spread (one value)."""
    bins = stats["histogram"]
    if total.zero_width or bins["edges"][0] == bins["edges"][-1]:
        return None
    caption = facts.text("caption_histogram", product=product.display_name)
    unit = f"{facts.unit}/{product.unit_word}"
    labels = analysis_charts.HistogramLabels(total.low, total.high, product.total, unit,
                                             caption)
    drawing = analysis_charts.histogram(
        bins["edges"], bins["counts"], stats["p2_5"], stats["p97_5"],
        float(facts.results.products.set_index("product").loc[product.product.id, "kgco2e"]),
        labels)
    legend = [LegendEntry(analysis_charts.INSIDE, facts.text(
                  "histogram_legend_interval", low=total.low, high=total.high)),
              LegendEntry(analysis_charts.RESULT_COLOUR, facts.text(
                  "histogram_legend_result", value=product.total))]
    return prepared.figure(caption, drawing, 150, caption, legend)


# --- the factors' spreads ----------------------------------------------------------------

def spreads_table(facts: Facts, prepared: Prepared) -> Ref:
    """Each factor used: its distribution and width, and where the spread comes from."""
    rows = []
    for factor in facts.used_factors:
        described = factor_spread(factor).description()
        rows.append([Cell(factor.text("name", facts.language)),
                     Cell(facts.text(f"distribution_{described['distribution']}")),
                     Cell(spread_text(facts, described), align="center"),
                     Cell(facts.text(f"spread_origin_{described['origin'].replace(' ', '_')}"))])
    header = [[Cell(facts.text(key)) for key in (
        "head_factor", "head_distribution", "head_spread", "head_spread_origin")]]
    return prepared.table(facts.text("caption_factor_spreads"), header, rows,
                          [40, 16, 22, 22])


def spread_text(facts: Facts, described: dict[str, Any]) -> str:
    """GSD 1.0461, SD 0.02, 0.5 to 0.6: the width of a spread, in its quantity's unit."""
    if "gsd" in described:
        return facts.text("spread_gsd", gsd=quantity(described["gsd"]))
    if "sd" in described:
        return facts.text("spread_sd", sd=quantity(described["sd"]))
    return facts.text("interval_range", low=quantity(described["min"]),
                      high=quantity(described["max"]))


# --- data quality ------------------------------------------------------------------------

def dqr_table(facts: Facts, prepared: Prepared, product: ProductFact,
              dqr: dict[str, Any]) -> Ref:
    """Each activity's five pedigree scores (the study's, or its data type's default said
    as such), its weight in the rating; then the rating and its indicators."""
    data_types = DATA_TYPE_LABELS_BY_LANGUAGE[facts.language]
    rows_of = {row.row: row for row in facts.activities_of(product)}
    study_activities = product.product.activities
    rows = []
    for entry in dqr["activities"]:
        row = rows_of[entry["row"]]
        given = study_activities[entry["row"]].pedigree
        cells = [Cell(statements.activity_label(facts, row)),
                 Cell(data_types[entry["data_type"]], align="center")]
        if given is None:
            cells.append(Cell(facts.text(
                "dqr_default_scores", data_type=entry["data_type"],
                scores=[str(entry[name]) for name in INDICATORS]), colspan=5, align="center"))
        else:
            cells += [Cell(str(entry[name]) if getattr(given, name) is not None
                           else facts.text("dqr_default_score", score=entry[name]),
                           align="center") for name in INDICATORS]
        cells.append(Cell(f"{percent(entry['weight'])}%", align="right"))
        rows.append(cells)
    indicators = dqr["indicators"]
    rows.append([Cell(facts.text("dqr_rating_row"), header=True),
                 Cell(facts.text("dqr_rating_cell", rating=rating(dqr["rating"]),
                                 klass=facts.text(f"dqr_class_{dqr['class']}"),
                                 indicators={name: rating(value)
                                             for name, value in indicators.items()}),
                      colspan=7)])
    header = [[Cell(facts.text("head_activity")), Cell(facts.text("head_data_type")),
               *(Cell(facts.text(f"head_pedigree_{name}")) for name in INDICATORS),
               Cell(facts.text("head_weight"))]]
    partial = any(activity.pedigree is not None and len(activity.pedigree.model_dump(
        exclude_none=True)) < len(INDICATORS) for activity in study_activities)
    notes = [facts.text("dqr_note", partial=partial)]
    return prepared.table(facts.text("caption_dqr", product=product.display_name),
                          header, rows, [32, 13, 9, 9, 9, 9, 9, 12], notes)


# --- hot spots and sensitivity -------------------------------------------------------------

@dataclass(frozen=True)
class HotSpot:
    """One hot spot as the report names and shows it."""

    label: str  # 产品生产阶段的电力
    stage: str
    activity: str  # 电力
    value: str  # the activity's shown result
    share: str  # "54.72" (of the total, in %)
    cumulative: str
    kind: str  # the kind of factor pricing it ("material" for materials), or ""
    gas: str
    kgco2e: float


def hot_spots(facts: Facts, product: ProductFact) -> list[HotSpot]:
    """The product's hot spots, in the analysis' order, named as chapter 4 names them."""
    names = factor_names(facts)
    rows_of = {row.row: row for row in facts.activities_of(product)}
    found = facts.analysis[product.product.id]["hot_spots"]
    shares = rounding.running_shares([rows_of[spot["row"]].shown for spot in found],
                                     product.total)
    spots = []
    for spot, (share, cumulative) in zip(found, shares, strict=True):
        row = rows_of[spot["row"]]
        spots.append(HotSpot(statements.activity_label(facts, row),
                             stage_label(row.stage, facts.language, short=True),
                             activity_label(row, names), row.shown, share, cumulative,
                             statements.activity_kind(facts, row),
                             row.gas if isinstance(row.gas, str) else "", spot["kgco2e"]))
    return spots


def hot_spot_table(facts: Facts, prepared: Prepared, product: ProductFact,
                   spots: list[HotSpot]) -> Ref:
    rows = [[Cell(f"{index}", align="center"), Cell(spot.stage), Cell(spot.activity),
             Cell(spot.value, align="right"), Cell(f"{spot.share}%", align="right"),
             Cell(f"{spot.cumulative}%", align="right")]
            for index, spot in enumerate(spots, start=1)]
    header = [[Cell(facts.text(key, unit_word=product.unit_word)) for key in (
        "head_rank", "head_stage", "head_activity", "head_emission", "head_share",
        "head_cumulative_share")]]
    return prepared.table(facts.text("caption_hot_spots", product=product.display_name),
                          header, rows, [8, 20, 24, 18, 14, 16], [facts.text("hot_spot_note")])


def tornado_figure(facts: Facts, prepared: Prepared, product: ProductFact,
                   entries: list[dict[str, Any]]) -> Ref | None:
    """The largest TORNADO_BARS changes of the total; none when nothing moves it."""
    entries = [e for e in entries if e["low_change_percent"] is not None][:TORNADO_BARS]
    if not entries:
        return None
    rows_of = {row.row: row for row in facts.activities_of(product)}
    bars = []
    for entry in entries:
        if entry["kind"] == "factor":
            factor = facts.results.factor_set.get(entry["factor"])
            name = facts.text("tornado_factor", name=factor.text("name", facts.language))
        else:
            name = facts.text("tornado_activity", name=statements.activity_label(
                facts, rows_of[entry["row"]]))
        bars.append(analysis_charts.Bar(
            name, entry["low_change_percent"], entry["high_change_percent"],
            f"{signed_percent(entry['low_change_percent'])}%",
            f"{signed_percent(entry['high_change_percent'])}%"))
    caption = facts.text("caption_tornado", product=product.display_name)
    legend = [LegendEntry(analysis_charts.LOW_COLOUR, facts.text("tornado_legend_low")),
              LegendEntry(analysis_charts.HIGH_COLOUR, facts.text("tornado_legend_high"))]
    return prepared.figure(caption, analysis_charts.tornado(bars, caption), 160, caption,
                           legend)


# --- scenarios -------------------------------------------------------------------------

def scenario_table(facts: Facts, prepared: Prepared, product: ProductFact,
                   scenarios: dict[str, dict[str, Any]]) -> Ref:
    """The study as calculated, then each scenario: its total and change, or why it was
    not made (one line)."""
    rows = [[Cell(facts.text("scenario_study")), Cell(facts.text("scenario_study_detail")),
             Cell(product.total, align="right"), Cell(NOT_APPLICABLE, align="center")]]
    for name, scenario in scenarios.items():
        label = Cell(facts.text(f"scenario_{name}"))
        if not scenario["made"]:
            rows.append([label, Cell(facts.text(f"scenario_reason_{scenario['reason']}"),
                                     colspan=3)])
            continue
        change = scenario["change_percent"]
        rows.append([label, Cell(substitutions(facts, name, scenario)),
                     Cell(facts.shown(scenario["total_kgco2e"]), align="right"),
                     Cell(NOT_APPLICABLE if change is None else f"{signed_percent(change)}%",
                          align="right")])
    header = [[Cell(facts.text(key, unit_word=product.unit_word)) for key in (
        "head_scenario", "head_scenario_detail", "head_footprint", "head_change")]]
    return prepared.table(facts.text("caption_scenarios", product=product.display_name),
                          header, rows, [22, 46, 16, 16])


def substitutions(facts: Facts, name: str, scenario: dict[str, Any]) -> str:
    """What a made scenario changes: each factor replaced, by name with value and unit
    (a scenario that replaces no factor, as allocation by mass, says what it does)."""
    changes = scenario.get("substitutions")
    if not changes:
        return facts.text(f"scenario_{name}_detail")
    factor_set = facts.results.factor_set
    return facts.join(facts.text(
        "scenario_substitution",
        old=factor_set.get(change["from"]).text("name", facts.language),
        new=factor_set.get(change["to"]).text("name", facts.language),
        value=facts.factor_value_text(change["to"]),
        unit=display_unit(change["to_unit"])) for change in changes)


# --- a catalogue ---------------------------------------------------------------------------

def summary_table(facts: Facts, prepared: Prepared) -> Ref:
    """A catalogue's products side by side: total, 95 % interval, DQR and its class,
    primary-data share, and the largest hot spot's share."""
    rows = []
    for product in facts.products:
        found = facts.analysis[product.product.id]
        shown = interval(found["uncertainty"], facts.shown)
        dqr = found["dqr"]
        share = dqr["primary_data_share"]
        rows.append([Cell(product.display_name), Cell(product.total, align="right"),
                     Cell(facts.text("interval_range", low=shown.low, high=shown.high),
                          align="center"),
                     Cell(f"{rating(dqr['rating'])} "
                          f"{facts.text('dqr_class_' + dqr['class'])}", align="center"),
                     Cell(NOT_APPLICABLE if share is None else f"{percent(share)}%",
                          align="right")])
    header = [[Cell(facts.text(key)) for key in (
        "head_product", "head_calculated", "head_interval", "head_dqr",
        "head_primary_share")]]
    return prepared.table(facts.text("caption_uncertainty_catalogue"), header, rows,
                          [36, 14, 22, 16, 12], [facts.text("catalogue_uncertainty_note")])
