"""Plain-text and JSON views for the terminal (``calc`` and ``factors``)."""

from __future__ import annotations

import json
import unicodedata

from cfpreport.calculation.calculate import Results
from cfpreport.calculation.factors import Factor, FactorSet
from cfpreport.calculation.stages import STAGE_LABELS
from cfpreport.input.study import Study


def width(text: str) -> int:
    """Terminal width of a string: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(pad(c, widths[i], i in right) for i, c in enumerate(header)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def results_text(study: Study, results: Results) -> str:
    """One readable table per product: stage, shown value, share; then the total."""
    unit = results.display_unit
    blocks = [f"{study.report.number}  factor set {results.factor_set.name} "
              f"{results.factor_set.version}  GWP {results.settings.gwp}"]
    totals = results.products.set_index("product")
    intervals = uncertainty_lines(study, results)
    for product in study.products:
        stages = results.stages[results.stages["product"] == product.id]
        rows = [[STAGE_LABELS[r.stage], r.shown, f"{r.share} %"] for r in stages.itertuples()]
        total = totals.loc[product.id]
        rows.append(["合计 total", total["shown"], f"{total['shares_total']} %"])
        title = f"\n{product.name} {product.model or ''} ({product.functional_unit})".rstrip()
        note = "" if total["stages_add_up"] else (
            "\nnote: each value is rounded on its own, so the stages need not add up to the "
            "total (因数值修约，分项之和与合计可能存在微小差异)")
        if not total["shares_add_up"]:
            note += ("\nnote: shares are computed from the shown values and add up to "
                     f"{total['shares_total']} % (set study.shares: largest-remainder to force "
                     "100.00 %)")
        blocks.append(title + "\n" + table(["stage", unit, "share"], rows, right={1, 2}) + note
                      + "\n" + intervals[product.id])
    return "\n".join(blocks)


def uncertainty_lines(study: Study, results: Results) -> dict[str, str]:
    """Per product: the Monte Carlo 95 % interval of the total and the DQR, in a line."""
    from cfpreport.calculation import rounding
    from cfpreport.calculation.calculate import KG_PER_DISPLAY_UNIT
    from cfpreport.calculation.uncertainty import uncertainty_analysis

    analysis = uncertainty_analysis(study, results)["products"]
    kg_per_unit, decimals = KG_PER_DISPLAY_UNIT[study.study.unit], study.study.decimals
    lines = {}
    for product_id, found in analysis.items():
        spread, dqr = found["uncertainty"], found["dqr"]
        low, high = (rounding.text(value) for value in rounding.shown_values(
            [spread["p2_5"], spread["p97_5"]], kg_per_unit, decimals))
        lines[product_id] = (
            f"95 % interval {low} .. {high} {results.display_unit} (Monte Carlo, "
            f"{spread['runs']} runs, seed {spread['seed']}); DQR {dqr['rating']:.2f} "
            f"({dqr['class'].replace('_', ' ')}"
            + ("" if any(row["scores_from"] == "study" for row in dqr["activities"])
               else ", from the data types' default scores") + ")")
    return lines


def scenarios_text(study: Study, results: Results) -> str:
    """Each product's total as calculated and under each scenario, with the change in %;
    then the scenarios that could not be made, and why."""
    from cfpreport.calculation import rounding
    from cfpreport.calculation.calculate import KG_PER_DISPLAY_UNIT
    from cfpreport.calculation.uncertainty.scenarios import scenarios

    made = scenarios(study, results)
    kg_per_unit, decimals = KG_PER_DISPLAY_UNIT[study.study.unit], study.study.decimals
    totals = dict(zip(results.products["product"], results.products["kgco2e"], strict=True))

    def shown(value: float) -> str:
        return rounding.text(rounding.shown_values([value], kg_per_unit, decimals)[0])

    blocks = [f"{study.report.number}  scenarios (factor set {results.factor_set.name})"]
    for product in study.products:
        total = float(totals[product.id])
        rows = [["study as calculated", shown(total), ""]]
        for scenario in made:
            if scenario.reason is None:
                value = scenario.totals[product.id]
                change = f"{100 * (value - total) / total:+.2f} %" if total else "/"
                rows.append([scenario.name, shown(value), change])
        title = f"\n{product.name} {product.model or ''} ({product.functional_unit})".rstrip()
        blocks.append(title + "\n" + table(["scenario", results.display_unit, "change"], rows,
                                           right={1, 2}))
    lines = [f"  {s.name}: {s.detail}" for s in made if s.reason is None]
    if lines:
        blocks.append("\nmade:\n" + "\n".join(lines))
    omitted = [f"  {s.name}: {s.detail}" for s in made if s.reason is not None]
    if omitted:
        blocks.append("\nnot made:\n" + "\n".join(omitted))
    return "\n".join(blocks)


def factor_sets_text(sets: list[FactorSet]) -> str:
    rows = [[s.name, s.version, str(s.published or "/"), s.title] for s in sets]
    return table(["set", "version", "published", "title"], rows)


def factor_set_text(factor_set: FactorSet) -> str:
    """Every factor of a set with value, unit, source, date (as precise as known) and
    who verified it; aliases first."""
    lines = [f"{factor_set.name} {factor_set.version}: {factor_set.title}",
             *([f"file {factor_set.file}"] if factor_set.file else []),
             f"sha256 {factor_set.sha256}", ""]
    rows = []
    for factor_id in factor_set.ids():
        factor = factor_set.get(factor_id)
        alias = factor_set.aliases.get(factor_id)
        name = f"-> {alias}" if alias else factor.name
        rows.append([factor_id, f"{factor.value:.6g}", factor.unit, name,
                     str(factor.published or "/"), verification_text(factor),
                     spread_text(factor)])
    lines.append(table(["id", "value", "unit", "name", "published", "verified", "spread"],
                       rows, {1}))
    chains = [(fid, factor_set.factors[fid].chain) for fid in sorted(factor_set.factors)
              if factor_set.factors[fid].chain]
    if chains:
        lines.append("\nfuel factors = NCV x carbon content x oxidation x 44/12:")
        for fid, chain in chains:
            factor = factor_set.factors[fid]
            lines.append(f"  {fid}: {chain.ncv} {chain.ncv_unit} x {chain.carbon_content} tC/GJ "
                         f"x {chain.oxidation} x 44/12 = {factor.value:.4f} {factor.unit}")
    sources = sorted({(f.source, f.publisher or "") for f in factor_set.factors.values()})
    lines.append("\nsources:")
    lines += [f"  {source}" + (f" ({publisher})" if publisher else "")
              for source, publisher in sources]
    return "\n".join(lines)


def spread_text(factor: Factor) -> str:
    """The factor's spread for the uncertainty analysis: ``gsd 1.0461`` (lognormal),
    ``sd 0.02``, ``0.5..0.6``; ``(kind)`` when it is its kind's default."""
    from cfpreport.calculation.uncertainty.inputs import factor_spread

    described = factor_spread(factor).description()
    if "gsd" in described:
        text = f"gsd {described['gsd']:.4f}"
    elif "sd" in described:
        text = f"sd {described['sd']:g}"
    else:
        text = f"{described['distribution']} {described['min']:g}..{described['max']:g}"
    return text + (" (kind)" if described["origin"] == "kind default" else "")


def verification_text(factor: Factor) -> str:
    """'no', or 'yes: 张三（某机构） 2026-03-01' with whatever of who and when is known."""
    if not factor.verified:
        return "no"
    details = " ".join(str(part) for part in (factor.verified_by, factor.verified_on) if part)
    return f"yes: {details}" if details else "yes (verifier not named)"


def factor_set_json(factor_set: FactorSet) -> str:
    document = {
        "name": factor_set.name, "version": factor_set.version, "title": factor_set.title,
        "published": str(factor_set.published) if factor_set.published else None,
        "file": factor_set.file,
        "sha256": factor_set.sha256, "aliases": factor_set.aliases,
        "factors": {fid: f.model_dump(mode="json") for fid, f in
                    sorted(factor_set.factors.items())},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
