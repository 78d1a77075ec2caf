"""The report's front matter: the cover, the signed summary sheet, the table of contents
and the abstract.

The cover, the summary form and its signatures are prepared here; their templates
(``templates/chapters/00a_cover`` … ``00d_abstract``) place them, and every label they
print is a snippet of ``templates/text/<language>.yaml``.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import stage_label
from cfpreport.report import statements
from cfpreport.report.blocks import Cell, Cover, SignatureBlock, SignatureLine, Table
from cfpreport.report.chapters_results import is_catalogue
from cfpreport.report.facts import NOT_APPLICABLE, Facts, ProductFact, functional_unit_of
from cfpreport.report.markup import Prepared
from cfpreport.report.texts import split_paragraphs
from cfpreport.revisions.naming import is_revised


def cover_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """The cover: the report's title and the fields that identify it."""
    study = facts.study
    models = facts.join(p.model for p in study.products if p.model) or NOT_APPLICABLE
    cover = Cover(
        title=study.report.title,
        subtitle=facts.text("cover_draft") if study.report.status == "draft" else "",
        fields=[(facts.text("cover_product_name"), facts.join(facts.product_names)),
                (facts.text("cover_product_model"), models),
                (facts.text("cover_producer"), study.company.name),
                (facts.text("cover_report_number"), study.report.number),
                *revision_field(facts),
                (facts.text("cover_issuer"), study.report.issuer.name),
                (facts.text("cover_issued"), facts.date(study.report.issued))])
    return {"cover": prepared.add(cover)}


def revision_field(facts: Facts) -> list[tuple[str, str]]:
    """The cover's revision line: none for the original (revision 1)."""
    revision = facts.study.report.revision
    return ([(facts.text("cover_revision"), facts.text("revision_mark", revision=revision))]
            if is_revised(revision) else [])


def summary_sheet_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """The signed summary form of the seeds' second page, and its signatures."""
    company = facts.study.company
    contact = company.contact
    label = lambda key: Cell(facts.text(key), header=True)  # noqa: E731 - reads best here
    wide = lambda text: Cell(text, colspan=3)  # noqa: E731
    centred = {"colspan": 2, "align": "center"}
    excluded = [stage_label(key, facts.language) for key in statements.empty_stages(facts)]
    notes = [facts.text("summary_note", number=number, note=note)
             for number, note in enumerate(summary_notes(facts), start=1)]
    rows = [
        [label("summary_company"), Cell(company.name), label("summary_address"),
         Cell(company.address or "/")],
        [label("summary_legal_representative"), Cell(company.legal_representative or "/"),
         label("summary_contact"),
         Cell(" ".join(x for x in (contact.name, contact.phone) if x) or "/")],
        [label("summary_standards"), wide(facts.text("summary_standards_list"))],
        [label("summary_overview"), wide((company.overview.strip() and "\n".join(
            split_paragraphs(company.overview))) or "/")],
        [label("summary_conformity"), wide(facts.text(
            "conformity", limitations=[item.short for item in statements.limitations(facts)],
            section=facts.text("section_limitations")))],
        [Cell(facts.text("summary_functional_unit"), header=True, **centred),
         Cell(facts.text("summary_footprint"), header=True, **centred)],
        *[[Cell(functional_unit_of(p.product, facts.language), **centred),
           Cell(p.total, **centred)] for p in facts.products],
        [label("summary_boundary_head"),
         wide(facts.text("summary_boundary", excluded_stage_labels=excluded))],
        [label("summary_notes_head"), wide("\n".join(notes))],
        *revision_row(facts, label, wide),
    ]
    form = Table("summary", "", "", [], rows, [18, 32, 14, 36], style="form")
    return {"summary_table": prepared.add(form),
            "signatures": prepared.add(SignatureBlock(
                team_signature_lines(facts),
                signature_box=facts.study.report.status == "final"))}


def revision_row(facts: Facts, label, wide) -> list[list[Cell]]:
    """The summary sheet's revision and its reason: none for the original."""
    report = facts.study.report
    if not is_revised(report.revision):
        return []
    return [[label("summary_revision"), wide(facts.text(
        "summary_revision_text", revision=report.revision, reason=report.revision_reason))]]


def summary_notes(facts: Facts) -> list[str]:
    """The summary sheet's special notes: GWP basis and what the electricity factors cover."""
    coverage = [statements.electricity_coverage(f, facts.language)
                for f in statements.electricity_factors(facts)]
    return [note for note in facts.items("summary_notes", electricity_coverage=coverage)
            if note]


def team_signature_lines(facts: Facts) -> list[SignatureLine]:
    """Who signs the summary sheet: whoever prepared the report, then the team."""
    report = facts.study.report
    sign = facts.text("signature_sign")
    lines = ([SignatureLine(facts.text("role_prepared_by"), report.prepared_by, sign)]
             if report.prepared_by else [])
    lines += [SignatureLine(member.role, member.name, sign) for member in report.team]
    return lines


def contents_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """The table of contents needs nothing: ``<toc/>`` marks where it goes."""
    return {}


def abstract_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """摘要: a catalogue names its range; otherwise each product's result."""
    return {"catalogue": is_catalogue(facts), "product_count": len(facts.products),
            "catalogue_range": catalogue_range(facts),
            "primary_data": statements.has_primary_data(facts),
            "set_factors": bool(statements.set_factors_used(facts)),
            "study_factors": bool(statements.study_factors_used(facts))}


def catalogue_range(facts: Facts) -> tuple[ProductFact, ProductFact] | None:
    """The products of the lowest and highest footprint (by exact total), when all are
    counted per the same unit word; totals per 台 and per 套 are not comparable."""
    if len({product.unit_word for product in facts.products}) > 1:
        return None
    exact = dict(zip(facts.results.products["product"], facts.results.products["kgco2e"],
                     strict=True))
    ordered = sorted(facts.products, key=lambda product: exact[product.product.id])
    return ordered[0], ordered[-1]
