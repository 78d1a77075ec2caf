"""The report's chapters, in the seeds' order; each appends blocks to a ModelWriter.

Boilerplate comes from ``templates/text/zh.yaml`` (via :mod:`cfpreport.texts`) with the
study's facts filled in; numbers come formatted from :mod:`cfpreport.facts`.
Chapters 4 and 5 (data and results) live in :mod:`cfpreport.chapters_results`.
"""

from __future__ import annotations

from cfpreport import charts
from cfpreport.blocks import (
    BulletList,
    Cell,
    Cover,
    PageBreak,
    SignatureBlock,
    SignatureLine,
    Table,
)
from cfpreport.chapters_results import calculation, data_collection
from cfpreport.facts import NOT_APPLICABLE, Facts, chinese_date, quantity
from cfpreport.images import read_image
from cfpreport.report import ModelWriter
from cfpreport.stages import STAGE_LABELS, STAGE_SHORT_LABELS, STAGES
from cfpreport.texts import items, paragraphs, split_paragraphs, text

__all__ = ["abstract", "annex", "calculation", "company_and_product", "cover",
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
        [label("符合性声明"), wide(text("conformity", **facts.common()))],
        [Cell("产品功能单位", colspan=2, header=True, align="center"),
         Cell(f"单位产品碳足迹（{facts.unit}）", colspan=2, header=True, align="center")],
        *[[Cell(f"{p.functional_unit}{p.name}", colspan=2, align="center"),
           Cell(p.total, colspan=2, align="center")] for p in facts.products],
        [label("系统边界"), wide(text("summary_boundary", **facts.common()))],
        [label("特别说明"), wide("\n".join(f"（{i}）{note}" for i, note in enumerate(
            summary_notes(facts), start=1)))],
    ]
    writer.add(Table("summary", "", "", [], rows, [18, 32, 14, 36], style="form"))
    writer.add(SignatureBlock(team_signature_lines(facts)))
    writer.add(PageBreak())


def summary_notes(facts: Facts) -> list[str]:
    electricity_note = ""
    if grid_co2_factor_names(facts):
        electricity_note = ("电力排放因子采用仅含二氧化碳的电网平均排放因子，未包含电力上游及"
                            "输配电损耗排放，详见 3.2.5 节。")
    notes = items("summary_notes", electricity_note=electricity_note, **facts.common())
    return [note for note in notes if note]


def team_signature_lines(facts: Facts) -> list[SignatureLine]:
    report = facts.study.report
    lines = [SignatureLine("编制", report.prepared_by)] if report.prepared_by else []
    lines += [SignatureLine(member.role, member.name) for member in report.team]
    return lines


def abstract(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(1, "摘要", numbered=False)
    writer.paragraphs(paragraphs("abstract_purpose", **facts.common()))
    for product in facts.products:
        writer.paragraph(text("abstract_result", product=product, **facts.common()))
    writer.paragraph(text("abstract_quality", **facts.common()))


def introduction(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(1, "产品碳足迹（CFP）介绍")
    writer.paragraphs(paragraphs("cfp_introduction", **facts.common()))
    writer.add(BulletList(list(facts.study.report.standards)))
    writer.paragraph(text("cfp_outro", **facts.common()))


def company_and_product(writer: ModelWriter, facts: Facts) -> None:
    study = facts.study
    company = study.company
    writer.heading(1, "企业及产品介绍")
    writer.heading(2, "企业介绍")
    writer.paragraphs(split_paragraphs(company.introduction or company.overview) or ["/"])
    add_image(writer, facts, company.images.overview, "企业概貌")
    if company.images.layout:
        writer.heading(2, "厂区布局")
        add_image(writer, facts, company.images.layout, "厂区布局图")
    writer.heading(2, "产品介绍")
    for product in study.products:
        title = f"{product.name}（{product.model}）" if product.model else product.name
        writer.heading(3, title)
        writer.paragraphs(split_paragraphs(product.functions))
        if product.process_flow.strip():
            writer.paragraph(f"{product.name}的工艺流程如下：")
            writer.paragraphs(split_paragraphs(product.process_flow))
        add_image(writer, facts, product.images.process, f"{product.name}工艺流程图")
        add_image(writer, facts, product.images.photo, f"{product.name}产品图片")


def add_image(writer: ModelWriter, facts: Facts, relative: str | None, caption: str) -> None:
    if relative:
        png, width_mm = read_image(facts.study.folder, relative)
        writer.figure(caption, png, width_mm, caption)


def goal_and_scope(writer: ModelWriter, facts: Facts) -> None:
    common = facts.common()
    writer.heading(1, "目标与范围定义")
    writer.heading(2, "评价目的")
    writer.paragraphs(paragraphs("goal_purpose", **common))
    writer.add(BulletList(items("goal_uses", **common), ordered=True))
    writer.heading(2, "评价范围")
    writer.paragraph(text("scope_intro", **common))
    writer.heading(3, "功能单位")
    writer.paragraph(text("functional_unit", **common))
    system_boundary(writer, facts)
    writer.heading(3, "分配原则")
    writer.paragraph(text("allocation_intro", **common))
    writer.paragraphs(split_paragraphs(facts.study.study.allocation))
    annual = [p.name for p in facts.study.products
              if any(a.basis == "annual" for a in p.activities)]
    if annual:
        writer.paragraph(text("allocation_annual", annual_products=annual, **common))
    writer.heading(3, "取舍准则")
    writer.add(BulletList(items("cutoff", **common), ordered=True))
    writer.heading(3, "相关假设和限制")
    writer.paragraph(text("assumptions", grid_co2=grid_co2_factor_names(facts), **common))
    impact_method(writer, facts)
    writer.heading(3, "数据来源")
    writer.paragraph(text("data_sources", **activity_counts(facts), **common))
    writer.heading(3, "数据质量要求")
    writer.add(BulletList(items("data_quality", **common)))
    writer.paragraphs(paragraphs("data_quality_outro", **common))


def system_boundary(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(3, "系统边界")
    table_number = writer.reserve_table_number()
    figure_number = writer.reserve_figure_number()
    writer.paragraph(text("boundary", boundary_table=table_number,
                          boundary_figure=figure_number, **facts.common()))
    scopes = facts.study.study.stages
    rows = []
    for key in STAGES:
        scope = scopes.get(key)
        included = scope.included if scope else ("本阶段的活动" if key in facts.included_stages
                                                 else NOT_APPLICABLE)
        excluded = scope.excluded if scope else NOT_APPLICABLE
        rows.append([Cell(STAGE_LABELS[key]), Cell(included), Cell(excluded)])
    header = [[Cell("阶段"), Cell("包含的过程"), Cell("未包含的过程")]]
    products = "、".join(facts.product_names)
    writer.table(f"{products}各阶段包含的过程", header, rows, [22, 44, 34])
    diagram = charts.boundary_diagram(
        [charts.BoundaryStage(STAGE_SHORT_LABELS[key], row[1].text, key in facts.included_stages)
         for key, row in zip(STAGES, rows, strict=True)],
        f"系统边界：{facts.boundary_label}")
    writer.figure("产品系统边界示意图", diagram, 160, "产品系统边界示意图")


def grid_co2_factor_names(facts: Facts) -> list[str]:
    """The CO2-only grid factors the study uses, with value and unit (to flag them)."""
    return [f"{factor.name} {quantity(factor.value)} {factor.unit}"
            for factor in facts.used_factors if factor.kind == "grid_co2"]


def impact_method(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(3, "影响类型和评价方法")
    gases = sorted(facts.results.activities["gas"].dropna().unique())
    writer.paragraph(text("impact_method", gases=gases, **facts.common()))
    if gases:
        gwp = facts.results.activities
        rows = []
        for gas in gases:
            value = gwp.loc[gwp["gas"] == gas, "factor_value"].iloc[0]
            rows.append([Cell(gas), Cell(quantity(float(value)), align="right"),
                         Cell("kgCO2e/kg", align="center")])
        writer.table(f"全球变暖潜势（GWP100，IPCC {facts.study.study.gwp}）",
                     [[Cell("温室气体"), Cell("GWP100"), Cell("单位")]], rows, [40, 30, 30])


def activity_counts(facts: Facts) -> dict[str, int]:
    activities = facts.results.activities
    primary = int((activities["data_type"] == "primary").sum())
    return {"activity_count": len(activities), "primary_count": primary,
            "secondary_count": len(activities) - primary}


def recommendations(writer: ModelWriter, facts: Facts) -> None:
    writer.heading(1, "改进建议")
    writer.heading(2, "改进建议")
    writer.paragraph(text("recommendations_intro", **facts.common()))
    writer.add(BulletList(list(facts.study.study.recommendations), ordered=True))


def annex(writer: ModelWriter, facts: Facts) -> None:
    report = facts.study.report
    writer.heading(1, "附件", numbered=False)
    writer.heading(2, "附件 1：产品碳足迹评价组成员名单", numbered=False)
    rows = [[Cell(m.name), Cell(m.role), Cell(m.organization or "/"), Cell(m.certificate or "/")]
            for m in report.team] or [[Cell("/"), Cell("/"), Cell("/"), Cell("/")]]
    writer.add(Table("annex-team", "", "评价组成员名单",
                     [[Cell("姓名"), Cell("组内职务"), Cell("工作单位"), Cell("证书编号")]],
                     rows, [16, 14, 40, 30]))
    site_days = quantity(report.site_days) if report.site_days else ""
    writer.paragraph(text("annex_team_intro", site_days=site_days))
    writer.add(SignatureBlock([SignatureLine("企业代表", "", "签字")], date_label="日期",
                              seal_label="（企业盖章）"))
