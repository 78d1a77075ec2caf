"""A report of many products (a catalogue): results side by side, no page per product.

From CATALOGUE_FROM products on, 5.2 gives one table of every product's stage values and
total and one of their shares (no pie per product), and the abstract names the lowest
and highest footprint instead of one paragraph per product. Below that, each product
keeps its own table and chart.
"""

from __future__ import annotations

import copy

import pytest

from cfpreport.calculation.calculate import calculate
from cfpreport.calculation.results_json import results_document
from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.study import Study
from cfpreport.render.docx import docx_bytes
from cfpreport.render.html import render_html
from cfpreport.report.blocks import Figure, Heading, Table
from cfpreport.report.chapters_results import CATALOGUE_FROM
from cfpreport.report.model import build_report_model
from tests.conftest import BASE_STUDY
from tests.test_report import section_texts


def catalogue_study(count: int, units: tuple[str, ...] = ("1 台",)) -> Study:
    """``count`` products; product i uses (i + 1) kWh and 2 kg of SF6 released in use,
    its functional unit taken in turn from ``units``."""
    data = copy.deepcopy(BASE_STUDY)
    data["products"] = [{
        "id": f"p{index:02d}", "name": f"开关柜{index:02d}", "model": f"KYN-{index:02d}",
        "functional_unit": units[index % len(units)],
        "activities": [
            {"stage": "production", "factor": "electricity", "amount": index + 1,
             "unit": "kWh", "basis": "per_unit", "label": "生产用电"},
            {"stage": "use", "gas": "SF6", "amount": 0.002 * (count - index), "unit": "kg",
             "basis": "per_unit", "label": "六氟化硫泄漏"},
        ]} for index in range(count)]
    return Study.model_validate(data)


def model_and_document(study: Study):
    results = calculate(study, resolve_factor_set(study, None))
    return build_report_model(study, results), results_document(study, results)


def results_section(model) -> list:
    """The blocks between 5.2 计算结果 and 5.3."""
    blocks, inside = [], False
    for block in model.blocks:
        if isinstance(block, Heading):
            inside = block.text == "计算结果"
        elif inside:
            blocks.append(block)
    return blocks


def test_below_the_threshold_each_product_keeps_its_table_and_chart():
    model, _ = model_and_document(catalogue_study(CATALOGUE_FROM - 1))
    section = results_section(model)
    assert sum(isinstance(block, Figure) for block in section) == CATALOGUE_FROM - 1
    assert sum(isinstance(block, Table) for block in section) == CATALOGUE_FROM - 1


def test_a_catalogue_shows_all_products_in_one_value_and_one_share_table():
    model, document = model_and_document(catalogue_study(CATALOGUE_FROM + 2))
    section = results_section(model)
    assert not any(isinstance(block, Figure) for block in section)
    intro, values, shares = section[0], *[block for block in section
                                          if isinstance(block, Table)]
    assert values.caption == "各产品生命周期各阶段碳排放情况"
    # The text cites each table by its own number.
    assert (values.number, shares.number) == ("表 5-1", "表 5-2")
    assert "排放量如表 5-1 所示，各阶段排放占比如表 5-2 所示" in intro.text
    assert shares.caption == "各产品生命周期各阶段碳排放占比"
    # Only the stages with data are columns: production and use, then the total.
    assert [cell.text for cell in values.header[0]] == ["产品", "产品生产", "产品使用", "合计"]
    assert values.notes[0].startswith("注：单位为 kgCO2e/台；")
    for product, value_row, share_row in zip(document["products"], values.rows, shares.rows,
                                             strict=True):
        display = product["display"]
        stages = display["stages"]
        assert value_row[0].text == f"{product['name']}（{product['model']}）"
        assert [cell.text for cell in value_row[1:]] == [
            stages["production"]["value"], stages["use"]["value"], display["total"]]
        assert [cell.text for cell in share_row[1:3]] == [
            f"{stages['production']['share']}%", f"{stages['use']['share']}%"]


def test_the_catalogue_abstract_names_the_lowest_and_highest_footprint():
    count = CATALOGUE_FROM + 2
    model, document = model_and_document(catalogue_study(count))
    abstract = section_texts(model, "摘要", "产品碳足迹（CFP）介绍")
    assert f"本评价共 {count} 个产品" in abstract
    # By hand: electricity (i + 1) kWh x 0.5366 kg + SF6 0.002 (count - i) kg x 23 500
    # falls with i (47 kg per step against 0.54 kg), so the last product is the lowest.
    by_id = {p["id"]: p for p in document["products"]}
    lowest, highest = by_id[f"p{count - 1:02d}"], by_id["p00"]
    assert (f"碳足迹最低的是开关柜{count - 1:02d}（KYN-{count - 1:02d}）"
            f"（{lowest['display']['total']} kgCO2e/台）") in abstract
    assert f"最高的是开关柜00（KYN-00）（{highest['display']['total']} kgCO2e/台）" in abstract
    # One paragraph, not one per product.
    assert abstract.count("的碳足迹为") == 0


def test_products_of_different_units_are_not_ranked_against_each_other():
    model, _ = model_and_document(catalogue_study(CATALOGUE_FROM, units=("1 台", "1 套")))
    abstract = section_texts(model, "摘要", "产品碳足迹（CFP）介绍")
    assert "最低" not in abstract and "最高" not in abstract
    values = next(block for block in results_section(model) if isinstance(block, Table))
    assert "单位为 kgCO2e/功能单位，各产品的功能单位见第 3 章" in values.notes[0]


def test_the_data_quality_table_names_each_factor_and_points_to_their_sources():
    model, _ = model_and_document(catalogue_study(2))
    tables = [block for block in model.blocks if isinstance(block, Table)
              and block.caption.endswith("活动数据的类型与来源")]
    assert len(tables) == 2
    assert tables[0].header[0][-1].text == "排放因子"
    factor_names = [row[-1].text for row in tables[0].rows]
    assert factor_names[1] == "SF6（GWP100, IPCC AR5）"
    assert "电" in factor_names[0]
    assert tables[0].notes == ["注：各排放因子的数值、单位与来源见本章“排放因子数据”。"]


@pytest.mark.parametrize("render", ["html", "docx"])
def test_both_renderings_carry_the_catalogue_tables(render):
    model, document = model_and_document(catalogue_study(CATALOGUE_FROM))
    if render == "html":
        shown = render_html(model)
    else:
        import io
        import zipfile

        shown = zipfile.ZipFile(io.BytesIO(docx_bytes(model))).read(
            "word/document.xml").decode("utf-8")
    assert "各产品生命周期各阶段碳排放占比" in shown
    for product in document["products"]:
        assert product["display"]["total"] in shown
