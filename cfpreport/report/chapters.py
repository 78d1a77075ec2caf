"""The report's chapters, each a template with a function that decides what it shows.

Every chapter is a Jinja template, ``templates/chapters/<name>.<language>.j2`` (see
``docs/templates.md``), whose ``*_context`` function prepares its tables and figures from
the facts; :class:`TemplateChapter` ties the two. The chapter list is read from the
template files themselves (:func:`report_chapters`), so a house style adds a chapter by
adding a file. The front matter lives in :mod:`~cfpreport.report.chapters_front`, the
revision history in :mod:`~cfpreport.report.chapters_revision`, chapter 3 in
:mod:`~cfpreport.report.chapters_scope`, chapter 4 in :mod:`~cfpreport.report.chapters_data`,
chapter 5 in :mod:`~cfpreport.report.chapters_results`;
chapters 1, 2 and 6 and the annex here.

Every word the chapters print comes from a template or a snippet of
``templates/text/<language>.yaml``; numbers come formatted from :mod:`cfpreport.report.facts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfpreport.calculation import rounding
from cfpreport.report import statements
from cfpreport.report.blocks import Cell, SignatureBlock, SignatureLine, Table
from cfpreport.report.chapter_templates import ContextBuilder, TemplateChapter
from cfpreport.report.chapters_data import data_collection_context
from cfpreport.report.chapters_front import (
    abstract_context,
    contents_context,
    cover_context,
    summary_sheet_context,
)
from cfpreport.report.chapters_results import calculation_context
from cfpreport.report.chapters_revision import revision_history_context
from cfpreport.report.chapters_scope import goal_and_scope_context
from cfpreport.report.chapters_uncertainty import HotSpot, hot_spots
from cfpreport.report.facts import Facts, ProductFact, recorded
from cfpreport.report.images import read_image
from cfpreport.report.markup import Prepared, Ref
from cfpreport.report.texts import split_paragraphs

__all__ = ["CONTEXTS", "report_chapters"]


def introduction_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 1 needs nothing beyond the common facts."""
    return {}


def company_and_product_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 2: the company's text and pictures, then each product's; the figures are
    prepared in the order the chapter shows them."""
    company = facts.study.company
    context: dict[str, Any] = {
        "company_introduction": split_paragraphs(company.introduction or company.overview)
        or ["/"],
        "overview_image": prepare_image(prepared, facts, company.images.overview,
                                        facts.text("caption_company_overview")),
        "layout_image": prepare_image(prepared, facts, company.images.layout,
                                      facts.text("caption_site_layout")),
    }
    context["products"] = [{
        "display_name": fact.display_name,
        "name": fact.product.name,
        "functions": split_paragraphs(fact.product.functions),
        "process_flow": split_paragraphs(fact.product.process_flow),
        "process_image": prepare_image(prepared, facts, fact.product.images.process,
                                       facts.text("caption_process_flow",
                                                  product=fact.product.name)),
        "photo": prepare_image(prepared, facts, fact.product.images.photo,
                               facts.text("caption_product_photo", product=fact.product.name)),
    } for fact in facts.products]
    return context


def prepare_image(prepared: Prepared, facts: Facts, relative: str | None,
                  caption: str) -> Ref | None:
    """A study's picture as a numbered figure, or None when the study has none."""
    if not relative:
        return None
    png, width_mm = read_image(facts.study.folder, relative)
    return prepared.figure(caption, png, width_mm, caption)


def recommendations_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """Chapter 6: the recommendations the hot spots point to, product by product."""
    return {"hotspot_recommendations": [
        item for product in facts.products for item in hotspot_recommendations(facts, product)]}


def hotspot_recommendations(facts: Facts, product: ProductFact) -> list[str]:
    """One recommendation per kind of activity among a product's hot spots (5.3), each
    naming its hot spots with their shares of the total. Electricity's adds what a
    zero-emission supply would cut at most: those activities' own emissions, from the
    study's numbers; no other advice names a number the study does not give."""
    by_kind: dict[str, list[HotSpot]] = {}
    for spot in hot_spots(facts, product):
        if spot.kgco2e > 0:  # a credit is no place to cut
            by_kind.setdefault(advice_kind(spot), []).append(spot)
    recommendations = []
    for kind, spots in by_kind.items():
        cut = None
        if kind in statements.ELECTRICITY_KINDS:
            value = facts.shown(sum(spot.kgco2e for spot in spots))
            cut = {"value": value, "share": rounding.running_shares([value], product.total)[0][0]}
        recommendations.append(facts.text(
            "recommendation_hotspot", product=product, activities=spots,
            advice=facts.text(f"advice_{kind}", gas=spots[0].gas), cut=cut))
    return recommendations


def advice_kind(spot: HotSpot) -> str:
    """Which advice snippet fits a hot spot: by its gas or the kind of its factor."""
    kind = "gas" if spot.gas else spot.kind
    return kind if kind in ADVICE_KINDS else "other"


ADVICE_KINDS = ("gas", "grid_co2", "electricity_footprint", "fuel_combustion", "transport",
                "material")


def annex_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """附件: the team table and the company's signature, to place by reference."""
    report = facts.study.report
    rows = [[Cell(m.name), Cell(m.role), Cell(m.organization or "/"), Cell(m.certificate or "/")]
            for m in report.team] or [[Cell("/"), Cell("/"), Cell("/"), Cell("/")]]
    header = [[Cell(facts.text(key)) for key in (
        "head_member_name", "head_member_role", "head_member_organization",
        "head_member_certificate")]]
    team_table = prepared.add(Table("annex-team", "", facts.text("caption_team"), header,
                                    rows, [16, 14, 40, 30]))
    representative = SignatureLine(facts.text("role_company_representative"), "",
                                   facts.text("signature_signed"))
    signature = prepared.add(SignatureBlock(
        [representative], date_label=facts.text("signature_date"),
        seal_label=facts.text("signature_company_seal")))
    return {"team_table": team_table, "company_signature": signature,
            "site_days": recorded(report.site_days) if report.site_days else ""}


#: The context function of each built-in chapter, by the name of its template. A chapter
#: template of any other name (one a house style adds) gets the common context only.
CONTEXTS: dict[str, ContextBuilder] = {
    "00a_cover": cover_context,
    "00b_summary_sheet": summary_sheet_context,
    "00c_contents": contents_context,
    "00d_abstract": abstract_context,
    "00e_revision_history": revision_history_context,
    "01_introduction": introduction_context,
    "02_company_and_product": company_and_product_context,
    "03_goal_and_scope": goal_and_scope_context,
    "04_data_collection": data_collection_context,
    "05_calculation": calculation_context,
    "06_recommendations": recommendations_context,
    "07_annex": annex_context,
}


def report_chapters(facts: Facts) -> list[TemplateChapter]:
    """The report's chapters: each chapter template of the report's language found in
    the style's folders (the first folder holding a name wins), in the order of their
    file names. An empty template leaves its chapter out."""
    suffix = f".{facts.language}.j2"
    found: dict[str, Path] = {}
    for folder in facts.style.template_folders():
        for path in (folder / "chapters").glob(f"*{suffix}"):
            found.setdefault(path.name.removesuffix(suffix), path)
    return [TemplateChapter(name, CONTEXTS.get(name, common_context_only))
            for name, path in sorted(found.items())
            if path.read_text(encoding="utf-8").strip()]


def common_context_only(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """A chapter Python knows nothing of sees the common context alone."""
    return {}
