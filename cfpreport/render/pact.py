"""WBCSD PACT ProductFootprints: one JSON file per product, in PACT 2.3 and in PACT 3.0.

Every number comes from the results JSON (kg CO2e per functional unit, full precision);
the study gives the words, dates and identifiers. The mapping, field by field, is in
the README ("Machine-readable footprints"). The choices that are not obvious:

- PACT footprints are cradle-to-gate: the pCF is the sum of the stages up to the
  factory gate (:data:`GATE_STAGES`); the report's later stages are named in the
  comment, not added.
- The declared unit comes from the functional unit. A counted unit ("1 台") is a
  ``piece`` in 3.0; PACT 2.3 has no pieces, so there the declared unit is the kilogram
  and the footprint is per kg of product: both need the product's mass
  (``products[].mass_kg``), which no report has, so its absence is an error rather
  than an invented mass. A mass ("1 t") is declared per kilogram, as PACT asks of
  bulk products.
- ``id`` is a UUID made from the report number, revision and product id, so a rebuild
  writes the same bytes and a revision names its predecessors (``precedingPfIds``);
  ``created`` is the report's issue date, never the clock.
- ``dqi`` is written only when the study scored every cradle-to-gate activity
  (``pedigree:``): the scores weighted by each activity's share of the footprint, on
  PACT 3.0's 1-5 scale as they are, and on PACT 2.3's 1-3 scale linearly
  (1 + (score - 1) / 2), with ``coveragePercent`` 100 (every activity is scored).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from cfpreport.calculation.data_quality import primary_data_share
from cfpreport.calculation.stages import STAGE_LABELS_BY_LANGUAGE, STAGES
from cfpreport.errors import Problem, StudyError
from cfpreport.input.study import Product, Study

#: The stages a cradle-to-gate footprint includes: up to the factory gate.
GATE_STAGES = ("raw_material_acquisition", "raw_material_transport", "production")
SPEC_VERSIONS = {"v2": "2.3.0", "v3": "3.0.0"}
#: The pedigree indicators, as the data-quality rating lists each activity's scores and
#: as PACT names its DQRs (``technologicalDQR``, ...); 3.0 asks for the first three.
PEDIGREE = ("technological", "geographical", "temporal", "completeness", "reliability")
#: The namespace of the footprints' UUIDs (uuid5 of the name below): fixed forever.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cfpreport/pact/product-footprint")

# Functional-unit words -> (PACT unit, its size in that unit). Counted things are pieces.
PIECES = {"台", "个", "件", "套", "只", "把", "块", "根", "组", "片", "支", "部", "辆", "箱",
          "unit", "units", "piece", "pieces", "pc", "pcs", "set", "sets", "item", "items"}
MASSES = {"kg": 1, "千克": 1, "公斤": 1, "t": 1000, "吨": 1000, "g": Decimal("0.001"),
          "克": Decimal("0.001")}
MEASURES = {"kwh": ("kilowatt hour", 1), "度": ("kilowatt hour", 1), "mwh": ("kilowatt hour", 1000),
            "mj": ("megajoule", 1), "gj": ("megajoule", 1000), "l": ("liter", 1),
            "升": ("liter", 1), "m3": ("cubic meter", 1), "立方米": ("cubic meter", 1),
            "m2": ("square meter", 1), "平方米": ("square meter", 1),
            "t·km": ("ton kilometer", 1), "tkm": ("ton kilometer", 1)}
MASSLESS = {"kilowatt hour", "megajoule", "ton kilometer"}  # PACT: mass "0" (not relevant)
FUNCTIONAL_UNIT = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)?\s*(?P<word>.+?)\s*$")

# Standards a study names (report.standards) -> the codes each PACT version lists.
STANDARDS = (("14067", "ISO Standard 14067", "ISO14067"),
             ("14044", "ISO Standard 14044", "ISO14040-44"),
             ("14040", None, "ISO14040-44"),
             ("GHG Protocol", "GHG Protocol Product standard", "GHGP-Product"),
             ("PAS 2050", None, "PAS2050"),  # PACT 2.3's list has no PAS 2050
             ("PAS2050", None, "PAS2050"))


@dataclass(frozen=True)
class DeclaredUnit:
    """How one functional unit is declared in each PACT version: the unit, the amount
    of it the field ``declaredUnitAmount`` / ``unitaryProductAmount`` states, and how
    many declared units one functional unit holds (the footprint is divided by it)."""

    unit_v3: str
    amount_v3: Decimal
    mass_v3: Decimal  # kg of product per 3.0 declared unit ("0": mass not relevant)
    per_v3: Decimal
    unit_v2: str
    amount_v2: Decimal
    per_v2: Decimal


def pact_files(study: Study, document: dict[str, Any]) -> dict[str, bytes]:
    """Return ``{"<product id>.pact-v2.json": bytes, ...}``: both versions of every
    product's footprint, in the study's product order; raise StudyError naming every
    product whose footprint PACT cannot state."""
    units, problems = {}, []
    for index, product in enumerate(study.products):
        try:
            units[product.id] = declared_unit(product)
        except ValueError as error:
            line, column = study.position("products", index, "functional_unit")
            field = f"products[{index}].{error.args[1]}"
            problems.append(Problem(study.source_name, line, column, field, error.args[0]))
    problems += study_problems(study)
    if problems:
        raise StudyError(problems)
    files = {}
    for product, entry in zip(study.products, document["products"], strict=True):
        for version in SPEC_VERSIONS:
            footprint = product_footprint(study, product, entry, units[product.id],
                                          document["factor_set"], version)
            files[f"{product.id}.pact-{version}.json"] = dumps(footprint)
    return files


def dumps(footprint: dict[str, Any]) -> bytes:
    """The file's bytes: sorted keys, so that a rebuild is byte-identical; UTF-8 text."""
    return (json.dumps(footprint, ensure_ascii=False, sort_keys=True, indent=2,
                       allow_nan=False) + "\n").encode("utf-8")


def declared_unit(product: Product) -> DeclaredUnit:
    """The declared units of a product's functional unit; ValueError(message, field)
    when PACT cannot state it from what the study says."""
    match = FUNCTIONAL_UNIT.match(product.functional_unit)
    amount = Decimal(match["amount"] or 1)
    word = match["word"].strip().lower().replace(" ", "")
    mass = None if product.mass_kg is None else Decimal(repr(product.mass_kg))
    one = Decimal(1)
    if word in MASSES:  # a bulk product: PACT declares it per kilogram, amount 1
        kg = amount * MASSES[word]
        return DeclaredUnit("kilogram", one, one, kg, "kilogram", one, kg)
    if word in PIECES or word in MEASURES:
        unit, size = ("piece", 1) if word in PIECES else MEASURES[word]
        count = amount * size
        if unit in MASSLESS:
            return DeclaredUnit(unit, count, Decimal(0), one, unit, count, count)
        if mass is None:
            raise ValueError(
                f"a PACT footprint needs the mass of one functional unit "
                f"({product.functional_unit}) in kg, without packaging: give "
                f"`mass_kg:` for product {product.id}", "mass_kg")
        if unit == "piece":  # PACT 2.3 has no pieces: per kg of product
            return DeclaredUnit("piece", count, mass, one, "kilogram", mass, mass)
        return DeclaredUnit(unit, count, mass, one, unit, count, count)
    raise ValueError(
        f"PACT cannot declare the functional unit {product.functional_unit!r}: write "
        f"it as an amount and a unit of pieces (台, 个, 套, unit, ...), mass (kg, t), "
        f"energy (kWh, MJ), volume (L, m3), area (m2) or transport (t·km)",
        "functional_unit")


def product_footprint(study: Study, product: Product, entry: dict[str, Any],
                      unit: DeclaredUnit, factor_set: dict[str, str], version: str
                      ) -> dict[str, Any]:
    """One product's ProductFootprint in PACT ``version`` ("v2" or "v3")."""
    report, company = study.report, study.company
    gate = [stage for stage in GATE_STAGES if stage in entry["stages"]]
    pcf_kg = sum((Decimal(repr(entry["stages"][stage])) for stage in gate), Decimal(0))
    share = primary_data_share(entry["activities"], GATE_STAGES)
    indicators = gate_quality(entry)
    per = unit.per_v2 if version == "v2" else unit.per_v3
    carbon = {key: None if value is None else Decimal(repr(value)) / per
              for key, value in (("fossil", product.pact.fossil_carbon_kg),
                                 ("biogenic", product.pact.biogenic_carbon_kg))}
    footprint: dict[str, Any] = {
        "id": str(footprint_id(report.number, report.revision, product.id)),
        "specVersion": SPEC_VERSIONS[version],
        "created": moment(report.issued),
        "status": "Active",
        "companyName": company.name,
        "companyIds": [company_urn(company.credit_code or company.name)],
        "productDescription": product_description(product),
        "productIds": product_urns(product),
        "productNameCompany": f"{product.name} {product.model}" if product.model
                              else product.name,
        "comment": comment(study, product, factor_set, version),
    }
    if report.revision > 1:
        footprint["precedingPfIds"] = [str(footprint_id(report.number, revision, product.id))
                                       for revision in range(1, report.revision)]
        if report.revision_reason and version == "v2":  # 3.0 moved it into the comment
            footprint["statusComment"] = report.revision_reason
    common = {
        "referencePeriodStart": moment(study.study.period.start),
        "referencePeriodEnd": moment(study.study.period.end + timedelta(days=1)),
        "geographyCountry": company.country,
        "fossilGhgEmissions": text(pcf_kg / per),
        "fossilCarbonContent": text(carbon["fossil"] or Decimal(0)),
        "boundaryProcessesDescription": boundary_description(study, entry),
        "exemptedEmissionsDescription": "",
        "packagingEmissionsIncluded": product.pact.packaging_included,
        # Every factor is secondary data (a published factor, not the supplier's own).
        "secondaryEmissionFactorSources": [
            {"name": f"cfpreport factor set {factor_set['name']}",
             "version": factor_set["version"]}],
    }
    if any(a["basis"] == "annual" for a in entry["activities"]):
        common["allocationRulesDescription"] = study.study.allocation
    if version == "v2":
        footprint["version"] = report.revision
        footprint["productCategoryCpc"] = product.pact.cpc or "unclassified"
        footprint["pcf"] = {
            **common,
            "declaredUnit": unit.unit_v2,
            "unitaryProductAmount": text(unit.amount_v2),
            "productMassPerDeclaredUnit": text(unit.mass_v3 / unit.amount_v3
                                               if unit.unit_v2 == unit.unit_v3
                                               else Decimal(1)),
            "pCfExcludingBiogenic": text(pcf_kg / per),
            "biogenicCarbonContent": text(carbon["biogenic"] or Decimal(0)),
            "characterizationFactors": study.study.gwp,
            "ipccCharacterizationFactorsSources": [study.study.gwp],
            "crossSectoralStandardsUsed": standards(report.standards, 1),
            "exemptedEmissionsPercent": 0,
        }
        if share is not None:
            footprint["pcf"]["primaryDataShare"] = float(share)
        if indicators is not None:
            footprint["pcf"]["dqi"] = {"coveragePercent": 100, **{
                f"{name}DQR": float(on_pact_2_scale(score))
                for name, score in indicators.items()}}
    else:
        if product.pact.cpc:
            footprint["productClassifications"] = [
                f"urn:pact:productclassification:un-cpc:{product.pact.cpc}"]
        footprint["pcf"] = {
            **common,
            "declaredUnitOfMeasurement": unit.unit_v3,
            "declaredUnitAmount": text(unit.amount_v3),
            "productMassPerDeclaredUnit": text(unit.mass_v3),
            "pcfExcludingBiogenicUptake": text(pcf_kg / per),
            "pcfIncludingBiogenicUptake": text(pcf_kg / per),
            "ipccCharacterizationFactors": [study.study.gwp],
            "crossSectoralStandards": standards(report.standards, 2),
            "exemptedEmissionsPercent": "0",
        }
        if carbon["biogenic"] is not None:
            footprint["pcf"]["biogenicCarbonContent"] = text(carbon["biogenic"])
        if share is not None:
            footprint["pcf"]["primaryDataShare"] = text(share)
        if indicators is not None:
            footprint["pcf"]["dqi"] = {f"{name}DQR": text(indicators[name])
                                       for name in ("technological", "geographical",
                                                    "temporal")}
    return footprint


def gate_quality(entry: dict[str, Any]) -> dict[str, Decimal] | None:
    """The pedigree scores (1 best to 5) of the footprint's activities, averaged with
    their share of it as weights, as PACT's DQRs are; None unless the study scored every
    one of them: a data type's default scores are not an assessment to pass on."""
    rows = [row for row in entry.get("dqr", {}).get("activities", [])
            if row["stage"] in GATE_STAGES]
    if not rows or any(row["scores_from"] != "study" for row in rows):
        return None
    sizes = {row["row"]: abs(Decimal(repr(row["weight"]))) for row in rows}
    total = sum(sizes.values())
    if not total:
        return None
    return {name: sum(sizes[row["row"]] * row[name] for row in rows) / total
            for name in PEDIGREE}


def on_pact_2_scale(score: Decimal) -> Decimal:
    """A 1-5 pedigree score on PACT 2.3's 1-3 DQR scale, linearly (1 -> 1, 5 -> 3)."""
    return 1 + (score - 1) / 2


def footprint_id(number: str, revision: int, product_id: str) -> uuid.UUID:
    """The footprint's id: the same for a rebuild, new for each revision and product."""
    return uuid.uuid5(NAMESPACE, f"{number}\n{revision}\n{product_id}")


def moment(day: date) -> str:
    """A date as PACT's date-time: its midnight, UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def text(value: Decimal) -> str:
    """A number as PACT writes one: plain digits, no exponent, no trailing zeros, at
    most the 17 significant digits of the float the calculation keeps."""
    value = Decimal(repr(float(value))).normalize()  # a float's digits, not 28 of them
    return format(value, "f") if value else "0"


def company_urn(code: str) -> str:
    return f"urn:pact:company:customcode:vendor-assigned:{quote(code, safe='')}"


def product_urns(product: Product) -> list[str]:
    """The product's id in the study and, when it has one, its model."""
    prefix = "urn:pact:product:customcode:vendor-assigned:"
    urns = [f"{prefix}{product.id}"]
    if product.model:
        urns.append(f"{prefix}model:{quote(product.model, safe='')}")
    return urns


def product_description(product: Product) -> str:
    parts = [product.name + (f" ({product.model})" if product.model else ""),
             product.functions.strip()]
    return "\n".join(part for part in parts if part)


def standards(named: list[str], column: int) -> list[str]:
    """The PACT codes of the standards the report names, in PACT's order, each once."""
    codes = [row[column] for row in STANDARDS if row[column]
             and any(row[0].lower() in standard.lower() for standard in named)]
    return list(dict.fromkeys(codes))


def boundary_description(study: Study, entry: dict[str, Any]) -> str:
    labels = STAGE_LABELS_BY_LANGUAGE["en"]
    scopes = study.study.stages
    included = []
    for stage in GATE_STAGES:
        if stage in entry["stages"]:
            what = scopes[stage].included if stage in scopes else "/"
            included.append(labels[stage] + (f" ({what})" if what.strip() != "/" else ""))
    later = [labels[stage] for stage in STAGES
             if stage in entry["stages"] and stage not in GATE_STAGES]
    words = f"Cradle-to-gate: {'; '.join(included) or 'no stage with activities'}."
    if later:
        words += (f" The report's {study.study.boundary} study also assesses the "
                  f"{', '.join(later)}: not included in this footprint.")
    return words


def study_problems(study: Study) -> list[Problem]:
    """What PACT 2.3 cannot state of a whole study: its GWP set and its standards."""
    problems = []
    if study.study.gwp not in ("AR5", "AR6"):
        line, column = study.position("study", "gwp")
        problems.append(Problem(study.source_name, line, column, "study.gwp",
                                f"PACT 2.3 accepts GWP values of AR5 or AR6, not "
                                f"{study.study.gwp}"))
    if not standards(study.report.standards, 1):
        line, column = study.position("report", "standards")
        problems.append(Problem(study.source_name, line, column, "report.standards",
                                "a PACT footprint names ISO 14067, ISO 14044 or the GHG "
                                "Protocol Product Standard; the report names none of them"))
    return problems


def comment(study: Study, product: Product, factor_set: dict[str, str], version: str
            ) -> str:
    """What a reader needs to interpret the footprint: its report, factors, choices."""
    report = study.report
    status = "draft" if report.status == "draft" else "final"
    notes = [
        f"From product carbon footprint report {report.number}, revision "
        f"{report.revision} ({status}), issued {report.issued.isoformat()} by "
        f"{report.issuer.name}; factor set {factor_set['name']} {factor_set['version']}; "
        f"GWP100 of IPCC {study.study.gwp}.",
        *([f"Revised: {report.revision_reason}"] if report.revision > 1
          and report.revision_reason else []),
        f"Functional unit: {product.functional_unit}.",
        "Every emission is counted as fossil: the study does not separate biogenic "
        "emissions.",
    ]
    unit = declared_unit(product)
    if version == "v2" and unit.unit_v3 == "piece":
        notes.append(f"PACT 2.3 has no declared unit for pieces: this footprint is per kg "
                     f"of product, one functional unit weighing {text(unit.amount_v2)} kg.")
    unknown = [name for name, value in (("fossil", product.pact.fossil_carbon_kg),
                                        ("biogenic", product.pact.biogenic_carbon_kg))
               if value is None and (name == "fossil" or version == "v2")]
    if unknown:
        notes.append(f"The product's {' and '.join(unknown)} carbon content was not "
                     f"assessed: written as 0, because PACT requires a value.")
    if version == "v2" and not product.pact.cpc:
        notes.append("No UN CPC code was given: productCategoryCpc is \"unclassified\".")
    if version == "v2" and any("2050" in standard for standard in report.standards):
        notes.append("The study also follows PAS 2050, which PACT 2.3's list of standards "
                     "does not name.")
    return " ".join(notes)
