"""The report's chapters, in the seeds' order; each appends blocks to a ModelWriter.

A chapter written as a template (``templates/chapters/``, see ``docs/templates.md``) is a
:class:`TemplateChapter` whose ``*_context`` function here decides what it shows; the
cover, the summary sheet and chapters 4 and 5 are still Python.

Boilerplate comes from ``templates/text/zh.yaml`` (via :mod:`cfpreport.report.texts`) with the
study's facts filled in; numbers come formatted from :mod:`cfpreport.report.facts`.
Chapters 4 and 5 (data and results) live in :mod:`cfpreport.report.chapters_results`.
"""

from __future__ import annotations

from typing import Any

from cfpreport.calculation.stages import STAGE_LABELS
from cfpreport.report import statements
from cfpreport.report.blocks import (
    Cell,
    Cover,
    PageBreak,
    SignatureBlock,
    SignatureLine,
    Table,
)
from cfpreport.report.chapter_templates import TemplateChapter
from cfpreport.report.chapters_data import data_collection
from cfpreport.report.chapters_results import calculation, is_catalogue
from cfpreport.report.chapters_scope import LIMITATIONS_SECTION, goal_and_scope
from cfpreport.report.facts import NOT_APPLICABLE, Facts, ProductFact, chinese_date, recorded
from cfpreport.report.images import read_image
from cfpreport.report.markup import Prepared, Ref
from cfpreport.report.model import ModelWriter
from cfpreport.report.texts import items, split_paragraphs, text

__all__ = ["CHAPTERS", "abstract", "annex", "calculation", "company_and_product", "cover",
           "data_collection", "goal_and_scope", "introduction", "recommendations",
           "summary_sheet"]


def cover(writer: ModelWriter, facts: Facts) -> None:
    study = facts.study
    models = "、".join(p.model for p in study.products if p.model) or NOT_APPLICABLE
    writer.add(Cover(
        title=study.report.title,
        subtitle="（草稿）" if study.report.status == "draft" else "",
        fields=[("产品名称", "、".join(facts.product_names)),
                ("产品规格型号", models),
                ("生产者名称", study.company.name),
                ("报告编号", study.report.number),
                ("机构名称（公章）", study.report.issuer.name),
                ("报告签发日期", chinese_date(study.report.issued))]))
    writer.add(PageBreak())


def summary_sheet(writer: ModelWriter, facts: Facts) -> None:
    """The signed summary table of the seeds' second page."""
    study, company = facts.study, facts.study.company
    contact = company.contact
    label = lambda t: Cell(t, header=True)  # noqa: E731 - a one-word helper reads best here
    wide = lambda t: Cell(t, colspan=3)  # noqa: E731
    rows = [
        [label("企业名称"), Cell(company.name), label("地址"), Cell(company.address or "/")],
        [label("法定代表人"), Cell(company.legal_representative or "/"),
         label("联系人"), Cell(" ".join(x for x in (contact.name, contact.phone) if x) or "/")],
        [label("核算和报告依据"), wide("；".join(study.report.standards))],
        [label("企业概况"), wide((company.overview.strip() and "\n".join(
            split_paragraphs(company.overview))) or "/")],
        [label("符合性声明"), wide(text(
            "conformity", limitations=[item.short for item in statements.limitations(facts)],
            section=LIMITATIONS_SECTION, **facts.common()))],
        [Cell("产品功能单位", colspan=2, header=True, align="center"),
         Cell(f"单位产品碳足迹（{facts.unit}）", colspan=2, header=True, align="center")],
        *[[Cell(f"{p.functional_unit}{p.display_name}", colspan=2, align="center"),
           Cell(p.total, colspan=2, align="center")] for p in facts.products],
        [label("系统边界"), wide(text("summary_boundary", excluded_stage_labels=[
            STAGE_LABELS[key] for key in statements.empty_stages(facts)], **facts.common()))],
        [label("特别说明"), wide("\n".join(f"（{i}）{note}" for i, note in enumerate(
            summary_notes(facts), start=1)))],
    ]
    writer.add(Table("summary", "", "", [], rows, [18, 32, 14, 36], style="form"))
    writer.add(SignatureBlock(team_signature_lines(facts)))
    writer.add(PageBreak())


def summary_notes(facts: Facts) -> list[str]:
    """The summary sheet's special notes: GWP basis and what the electricity factors cover."""
    coverage = [statements.electricity_coverage(f) for f in statements.electricity_factors(facts)]
    notes = items("summary_notes", electricity_coverage=coverage, **facts.common())
    return [note for note in notes if note]


def team_signature_lines(facts: Facts) -> list[SignatureLine]:
    report = facts.study.report
    lines = [SignatureLine("编制", report.prepared_by)] if report.prepared_by else []
    lines += [SignatureLine(member.role, member.name) for member in report.team]
    return lines


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
        "overview_image": prepare_image(prepared, facts, company.images.overview, "企业概貌"),
        "layout_image": prepare_image(prepared, facts, company.images.layout, "厂区布局图"),
    }
    context["products"] = [{
        "display_name": fact.display_name,
        "name": fact.product.name,
        "functions": split_paragraphs(fact.product.functions),
        "process_flow": split_paragraphs(fact.product.process_flow),
        "process_image": prepare_image(prepared, facts, fact.product.images.process,
                                       f"{fact.product.name}工艺流程图"),
        "photo": prepare_image(prepared, facts, fact.product.images.photo,
                               f"{fact.product.name}产品图片"),
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
    """Chapter 6: the hotspot recommendations, product by product."""
    return {"hotspot_recommendations": [
        item for product in facts.products for item in hotspot_recommendations(facts, product)]}


def hotspot_recommendations(facts: Facts, product) -> list[str]:
    """One recommendation per kind of activity among a product's largest three."""
    by_kind: dict[str, list[statements.Contributor]] = {}
    for activity in statements.largest_activities(facts, product, count=3):
        by_kind.setdefault(advice_kind(activity), []).append(activity)
    return [text("recommendation_hotspot", product=product, activities=activities,
                 advice=text(f"advice_{kind}", gas=activities[0].gas), unit=facts.unit)
            for kind, activities in by_kind.items()]


def advice_kind(activity: statements.Contributor) -> str:
    """Which advice snippet fits an activity: by its gas or the kind of its factor."""
    kind = "gas" if activity.gas else activity.factor_kind
    return kind if kind in ADVICE_KINDS else "other"


ADVICE_KINDS = ("gas", "grid_co2", "electricity_footprint", "fuel_combustion", "transport",
                "material")



def annex_context(facts: Facts, prepared: Prepared) -> dict[str, Any]:
    """附件: the team table and the company's signature, to place by reference."""
    report = facts.study.report
    rows = [[Cell(m.name), Cell(m.role), Cell(m.organization or "/"), Cell(m.certificate or "/")]
            for m in report.team] or [[Cell("/"), Cell("/"), Cell("/"), Cell("/")]]
    team_table = prepared.add(Table(
        "annex-team", "", "产品碳足迹评价组成员名单",
        [[Cell("姓名"), Cell("组内职务"), Cell("工作单位"), Cell("证书编号")]],
        rows, [16, 14, 40, 30]))
    signature = prepared.add(SignatureBlock([SignatureLine("企业代表", "", "签字")],
                                            date_label="日期", seal_label="（企业盖章）"))
    return {"team_table": team_table, "company_signature": signature,
            "site_days": recorded(report.site_days) if report.site_days else ""}


abstract = TemplateChapter("00_abstract", abstract_context)
introduction = TemplateChapter("01_introduction", introduction_context)
company_and_product = TemplateChapter("02_company_and_product", company_and_product_context)
recommendations = TemplateChapter("06_recommendations", recommendations_context)
annex = TemplateChapter("07_annex", annex_context)


def table_of_contents(writer: ModelWriter, facts: Facts) -> None:
    writer.mark_toc()


#: The report's chapters in order; each writes its blocks through the ModelWriter.
CHAPTERS = (cover, summary_sheet, table_of_contents, abstract, introduction,
            company_and_product, goal_and_scope, data_collection, calculation,
            recommendations, annex)
