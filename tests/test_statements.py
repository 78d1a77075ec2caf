"""Every sentence is true of its study: a matrix of generated studies, and for each the
statements that must and must not appear in the report model."""

from __future__ import annotations

import copy
import itertools
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cfpreport.calculation.calculate import calculate
from cfpreport.calculation.results_json import results_document
from cfpreport.calculation.stages import STAGE_LABELS, STAGES
from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.study import Study
from cfpreport.report.blocks import Heading, Table
from cfpreport.report.model import build_report_model
from tests.test_report import block_texts

ELECTRICITY = {"stage": "production", "factor": "electricity", "amount": 1200,
               "unit": "kWh", "basis": "annual"}
DIESEL = {"stage": "distribution", "factor": "diesel", "amount": 0.05, "unit": "t",
          "basis": "annual"}
STEEL = {"stage": "raw_material_acquisition", "factor": "steel-x", "amount": 12.5,
         "unit": "kg", "label": "冷轧钢板"}
SF6 = {"stage": "use", "gas": "SF6", "amount": 0.002, "unit": "kg"}
STUDY_FACTOR = {"id": "steel-x", "name": "冷轧钢板（供应商数据）", "value": 2.1,
                "unit": "kgCO2e/kg", "source": "供应商 EPD 2024"}


def generated_study(*, materials: bool, gases: bool, factor_set: str, empty_use: str,
                    products: int) -> Study:
    """A study with the given features. empty_use: 'data' (use has an activity),
    'reason' (empty, with its reason) or 'silent' (empty, no reason)."""
    activities = [{**ELECTRICITY, "stage": "raw_material_acquisition", "amount": 300},
                  ELECTRICITY, DIESEL]
    if materials:
        activities.append(STEEL)
    if gases and empty_use == "data":
        activities.append(SF6)
    elif gases:
        activities.append({**SF6, "stage": "production"})
    if empty_use == "data" and not gases:
        activities.append({**ELECTRICITY, "stage": "use", "basis": "per_unit", "amount": 30})
    stages = {"use": {"excluded": "用户侧用电不在企业控制范围内"}} if empty_use == "reason" else {}
    data = {
        "report": {"number": "T-9", "issued": "2026-03-01", "issuer": {"name": "某认证机构"}},
        "company": {"name": "某电气公司"},
        "study": {"period": {"start": "2025-01-01", "end": "2025-12-31"},
                  "factor_set": factor_set, "unit": "kg", "decimals": 3, "stages": stages},
        "products": [{"id": f"p{index}", "name": f"开关柜{index}", "model": f"KYN-{index}",
                      "annual_output": 40 + index, "activities": copy.deepcopy(activities)}
                     for index in range(1, products + 1)],
        "factors": [STUDY_FACTOR] if materials else [],
    }
    return Study.model_validate(data)


MATRIX = [dict(zip(("materials", "gases", "factor_set", "empty_use", "products"), combo,
                   strict=True))
          for combo in itertools.product((False, True), (False, True), ("cn-2022", "cn-2024"),
                                         ("data", "reason", "silent"), (1, 2))]


def report_of(study: Study):
    results = calculate(study, resolve_factor_set(study))
    return results, build_report_model(study, results)


def everything(model) -> str:
    return "\n".join(text for block in model.blocks for text in block_texts(block))


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_each_statement_follows_its_fact(case):
    study = generated_study(**case)
    _, model = report_of(study)
    text = everything(model)
    # seed sentences that are true of no generated study
    assert "部分近似替代" not in text
    assert "生产的1 台" not in text and "专家名单" not in text
    # study factors are mentioned only when the study defines them
    assert ("及本研究提供的因子" in text) == case["materials"]
    # materials: their absence is a stated limitation
    assert ("原材料本身生产过程的排放未计入" in text) == (not case["materials"])
    # direct releases are explained with GWP100 only when there are any
    assert ("直接排放的 SF6" in text) == case["gases"]
    # electricity: what the factor covers is said for every study
    grid = case["factor_set"] == "cn-2022"
    assert ("为仅含二氧化碳（CO2）的电网平均排放因子" in text) == grid
    assert ("为全生命周期电力碳足迹因子（CO2e）" in text) == (not grid)
    assert ("GB/T 24067-2024 要求电力的碳足迹包括" in text) == grid
    # an empty stage is named with its reason, or with the fact that none was given
    left_out = re.findall(r"([^。：]*)无活动数据，未纳入本次评价", text)
    assert left_out
    if case["empty_use"] == "data":
        assert not any("产品使用阶段" in stages for stages in left_out)
    else:
        assert all("产品使用阶段" in stages for stages in left_out)
        reason = "用户侧用电不在企业控制范围内"
        assert (reason in text) == (case["empty_use"] == "reason")
    # no team named, so no working group was formed and nobody confirms one
    assert "组建了碳足迹评价工作组" not in text and "特此证明" not in text
    assert "评价结果的预期应用：未评估" in text
    # every product is named with its model
    for index in range(1, case["products"] + 1):
        assert f"开关柜{index}（KYN-{index}）" in text


def conformity_statement(model) -> str:
    summary = next(b for b in model.blocks if isinstance(b, Table) and b.style == "form")
    return next(row[1].text for row in summary.rows if row[0].text == "符合性声明")


def test_conformity_names_each_limitation_instead_of_claiming_full_coverage():
    study = generated_study(materials=False, gases=False, factor_set="cn-2022",
                            empty_use="silent", products=1)
    _, model = report_of(study)
    statement = conformity_statement(model)
    assert "电力采用仅含 CO2 的电网排放因子" in statement
    assert "产品使用阶段" in statement and "无活动数据，未纳入评价" in statement
    assert "原材料本身的生产排放未计入" in statement
    assert "生物源碳、土地利用变化、航空运输排放未评估" in statement
    assert "除上述限制外" in statement
    # and chapter 3 states each of them in full
    text = everything(model)
    assert "不满足该要求" in text and "研究未说明" in text


def test_answered_iso_questions_are_printed_unanswered_ones_say_not_assessed():
    study = generated_study(materials=True, gases=False, factor_set="cn-2024",
                            empty_use="data", products=1)
    data = study.model_dump(mode="json")
    data["study"].update(biogenic_carbon="产品不含生物源材料", pcr="无",
                         critical_review="未进行鉴定性评审", intended_audience="国网招标方")
    data["products"][0]["reference_flow"] = "1 台 KYN-1 开关柜（约 850 kg）"
    _, model = report_of(Study.model_validate(data))
    text = everything(model)
    for answer in ("生物源碳：产品不含生物源材料", "产品类别规则（PCR）：无",
                   "鉴定性评审：未进行鉴定性评审", "预期受众：国网招标方",
                   "1 台 KYN-1 开关柜（约 850 kg）", "土地利用变化：未评估",
                   "航空运输排放：未评估"):
        assert answer in text
    assert "生物源碳、" not in conformity_statement(model)  # answered: no longer a gap


def test_recommendations_start_from_the_largest_contributors():
    study = generated_study(materials=True, gases=True, factor_set="cn-2024",
                            empty_use="data", products=1)
    results, model = report_of(study)
    headings = [b for b in model.blocks if isinstance(b, Heading)]
    chapter = next(i for i, h in enumerate(headings) if h.text == "改进建议")
    assert headings[chapter + 1].text == "基于评价结果的改进方向"
    start = model.blocks.index(headings[chapter + 1])
    first = next(b for b in model.blocks[start:] if b.kind == "bullet_list").items[0]
    largest = results.activities.sort_values("kgco2e", ascending=False).iloc[0]
    assert largest["shown"] in first


@pytest.mark.parametrize("case", [MATRIX[5], MATRIX[30], MATRIX[47]],
                         ids=lambda c: "-".join(str(v) for v in c.values()))
def test_every_number_in_chapters_4_and_5_is_the_rounding_of_its_exact_value(case):
    study = generated_study(**case)
    results, model = report_of(study)
    document = results_document(study, results)
    step = Decimal(1).scaleb(-study.study.decimals)

    def rounded(kg: float) -> str:
        return str(Decimal(repr(kg)).quantize(step, ROUND_HALF_UP))

    tables = {b.caption: b for b in model.blocks if isinstance(b, Table)}
    for product in document["products"]:
        name = f"{product['name']}（{product['model']}）"
        inventory = tables[f"{name}生命周期碳排放清单"]
        shown = [row[-1].text for row in inventory.rows if row[-1].text != "/"]
        in_table_order = sorted(product["activities"], key=lambda a: STAGES.index(a["stage"]))
        assert shown == [rounded(a["kgco2e"]) for a in in_table_order]
        stages = tables[f"{name}生命周期各阶段碳排放情况"]
        values = {row[0].text: row[1].text for row in stages.rows}
        assert values["合计"] == rounded(product["total_kgco2e"])
        with_data = {label: value for label, value in values.items()
                     if label != "合计" and value != "/"}
        assert with_data == {STAGE_LABELS[key]: rounded(kg)
                             for key, kg in product["stages"].items()}


def test_a_named_team_is_said_to_have_done_the_work_and_confirmed_by_the_company():
    study = generated_study(materials=False, gases=False, factor_set="cn-2024",
                            empty_use="data", products=1)
    data = study.model_dump(mode="json")
    data["report"]["team"] = [{"name": "张三", "role": "组长"}]
    data["report"]["site_days"] = 1.5
    data["study"]["intended_application"] = ["同类产品对标"]
    text = everything(report_of(Study.model_validate(data))[1])
    assert "某认证机构组建了碳足迹评价工作组（成员见附件 1）" in text
    assert "进行了 1.5 天的数据收集" in text and "特此证明" in text
    assert "评价结果的预期应用如下：" in text and "同类产品对标" in text


def test_a_stage_that_only_declares_processes_is_not_said_to_be_in_the_boundary():
    study = generated_study(materials=False, gases=False, factor_set="cn-2024",
                            empty_use="data", products=1)
    data = study.model_dump(mode="json")
    data["study"]["stages"]["storage"] = {"included": "成品库房照明"}
    _, model = report_of(Study.model_validate(data))
    text = everything(model)
    boundary = next(line for line in text.splitlines() if line.startswith("本次评价的系统边界为"))
    covered = boundary.split("涵盖", 1)[1].split("。", 1)[0]
    assert "仓储阶段" not in covered
    left_out = boundary.split("所示。")[-1]
    assert "仓储阶段" in left_out and "无活动数据，未纳入本次评价" in left_out
