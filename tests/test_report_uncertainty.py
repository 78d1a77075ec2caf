"""Section 5.3 and chapter 6 print the uncertainty analysis of the results JSON (issue 11):
the same interval, DQR, hot-spot shares and scenarios in the PDF and in the Word file,
in Chinese and in English; a study without spread prints a zero-width interval equal to
its result; a scenario not made prints its reason."""

from __future__ import annotations

import copy
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from cfpreport.build import build_report
from tests.conftest import BASE_STUDY, YUANYU
from tests.test_build import docx_text
from tests.test_english_edition import english_copy


def normalise(text: str) -> str:
    """Drop whitespace so that line wrapping in the PDF does not split numbers."""
    return re.sub(r"\s+", "", text)


def built_texts(study: Path, out: Path) -> tuple[str, str, dict]:
    record = build_report(study, out, ["pdf", "docx", "json"])
    pdf = "\n".join(page.extract_text() for page in PdfReader(record.outputs["pdf"]).pages)
    return (normalise(pdf), normalise(docx_text(record.outputs["docx"])),
            json.loads(record.outputs["json"].read_text("utf-8")))


def tonnes(kgco2e: float, decimals: int = 4) -> str:
    """By hand: kg CO2e to tCO2e, half-up to the study's decimals (yuanyu: t, 4)."""
    return str((Decimal(repr(kgco2e)) / 1000).quantize(Decimal(1).scaleb(-decimals),
                                                        rounding=ROUND_HALF_UP))


def hundredths(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def yuanyu(tmp_path_factory) -> dict[str, tuple[str, str, dict]]:
    """The yuanyu sample built in Chinese and in English: {language: (pdf, word, json)}."""
    out = tmp_path_factory.mktemp("uncertainty")
    english = english_copy(YUANYU, out / "en-study")
    return {"zh": built_texts(YUANYU, out / "zh"), "en": built_texts(english, out / "en")}


INTERVAL = {"zh": "{low}~{high}", "en": "{low}to{high}"}
RATED = {"zh": "DQR为{}", "en": "isDQR{}"}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_interval_dqr_and_hot_spot_shares_are_those_of_the_results_json(yuanyu, language):
    pdf, word, results = yuanyu[language]
    for product in results["products"]:
        spread, dqr = product["uncertainty"], product["dqr"]
        interval = INTERVAL[language].format(low=tonnes(spread["p2_5"]),
                                             high=tonnes(spread["p97_5"]))
        # as the JSON displays them: the shown value over the shown total, as stage shares
        shares = [spot["display"]["share"] + "%" for spot in product["hot_spots"]]
        cumulative = [s["display"]["cumulative_share"] + "%" for s in product["hot_spots"]]
        for text in (pdf, word):
            assert interval in text
            assert RATED[language].format(hundredths(dqr["rating"])) in text  # 5.3's sentence
            assert f"DQR={hundredths(dqr['rating'])}" in text  # the table's rating row
            for share in shares + cumulative:
                assert share in text
            for stage in spread["stages"].values():  # the stage rows of the table
                assert INTERVAL[language].format(low=tonnes(stage["p2_5"]),
                                                 high=tonnes(stage["p97_5"])) in text


def test_the_numbers_by_hand_for_the_sample(yuanyu):
    """The yuanyu switchgear (zw32), from its JSON by hand: 61.619 .. 74.368 kg is
    0.0616 ~ 0.0744 t; production electricity, shown 0.0370 t of the shown 0.0677 t, is
    54.65 % (the rule of the stage shares; unrounded, 37.036 of 67.68 kg is 54.72 %)."""
    pdf, word, results = yuanyu["zh"]
    zw32 = results["products"][0]
    assert tonnes(zw32["uncertainty"]["p2_5"]) == "0.0616"
    assert tonnes(zw32["uncertainty"]["p97_5"]) == "0.0744"
    assert hundredths(100 * zw32["hot_spots"][0]["share"]) == "54.72"
    assert zw32["hot_spots"][0]["display"] == {"value": "0.0370", "share": "54.65",
                                               "cumulative_share": "54.65"}
    assert zw32["hot_spots"][1]["display"] == {"value": "0.0227", "share": "33.53",
                                               "cumulative_share": "88.18"}  # 0.0597 t
    for text in (pdf, word):
        assert "0.0616~0.0744" in text
        assert "产品生产阶段的电力（0.0370tCO2e，占总量的54.65%）" in text
        # 10 000 runs from seed 14067, the defaults, said in the method
        assert "共模拟10000次（随机数种子14067" in text


@pytest.mark.parametrize("language, reasons", [
    ("zh", ["未计算：本次评价已采用该因子", "未计算：部分产品未给出质量（products[].mass_kg）"]),
    ("en", ["Notcalculated:thisstudyalreadyusesthisfactor",
            "Notcalculated:someproductshavenomass(products[].mass_kg)"]),
])
def test_scenarios_print_totals_and_changes_and_the_reason_of_those_not_made(
        yuanyu, language, reasons):
    pdf, word, results = yuanyu[language]
    for product in results["products"]:
        scenarios = product["scenario_details"]
        assert not scenarios["electricity_grid_co2"]["made"]
        assert not scenarios["allocation_mass"]["made"]
        for text in (pdf, word):
            for reason in reasons:
                assert reason in text
            for name in ("electricity_footprint", "regional_grid"):
                made = scenarios[name]
                change = hundredths(made["change_percent"])
                assert f"{tonnes(made['total_kgco2e'])}+{change}%" in text


@pytest.mark.parametrize("language, cut", [("zh", "最多可减少0.0597tCO2e/台，即总量的88.18%"),
                                           ("en", "wouldcutatmost0.0597tCO2e/台,88.18%")])
def test_recommendations_start_from_the_electricity_hot_spots(yuanyu, language, cut):
    """zw32's hot spots are its production and raw-material electricity, 37.036 + 22.700 kg
    = 59.736 kg, 0.0597 t: what a zero-emission supply cuts at most."""
    pdf, word, results = yuanyu[language]
    spots = results["products"][0]["hot_spots"]
    assert tonnes(sum(spot["kgco2e"] for spot in spots)) == "0.0597"
    for text in (pdf, word):
        assert cut in text


def flat_study(folder: Path) -> Path:
    """A study whose amounts and factors all have zero spread, asking P(total > 60 kg):
    20 kWh x 0.5 + 25 kg x 2.0, priced by its own factors: 60.0 kg in all."""
    def zero() -> dict:  # a fresh dict each time: YAML would write a shared one as an alias
        return {"distribution": "normal", "sd": 0}

    data = copy.deepcopy(BASE_STUDY)
    data["study"]["uncertainty"] = {"runs": 500, "exceed": [60]}
    data["factors"] = [
        {"id": "fuel", "name": "燃料", "value": 2.0, "unit": "kgCO2e/kg", "source": "测试",
         "uncertainty": {"distribution": "lognormal", "gsd": 1}},
        {"id": "power", "name": "电", "value": 0.5, "unit": "kgCO2e/kWh", "source": "测试",
         "uncertainty": zero()}]
    data["products"][0]["activities"] = [
        {"stage": "production", "factor": "power", "amount": 20, "unit": "kWh",
         "uncertainty": zero()},
        {"stage": "distribution", "factor": "fuel", "amount": 25, "unit": "kg",
         "uncertainty": {"gsd": 1}}]
    folder.mkdir(parents=True)
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_study_without_spread_prints_a_zero_width_interval_equal_to_its_result(tmp_path):
    """20 kWh x 0.5 = 10 kg and 25 kg x 2.0 = 50 kg: 60.0000 kg, every draw; the chance
    of exceeding 60 kg is nil; the largest hot spot is fuel, so no electricity cut."""
    pdf, word, results = built_texts(flat_study(tmp_path / "flat"), tmp_path / "out")
    product = results["products"][0]
    assert product["total_kgco2e"] == 60.0
    assert product["uncertainty"]["p2_5"] == product["uncertainty"]["p97_5"] == 60.0
    for text in (pdf, word):
        assert "95%区间为60.0000~60.0000kgCO2e/" in text
        assert "区间宽度为零" in text
        assert "60.0000~60.0000" in text  # the total's row of the table
        assert "超过60kgCO2e/" in text and "的概率为0.00%" in text
        assert "模拟结果的分布" not in text  # no histogram of a single value
        assert "可再生能源电力替代" not in text  # fuel, not electricity, comes first
        assert "成品运输阶段的燃料（50.0000kgCO2e，占总量的83.33%）" in text


def dqr_table(model):
    from cfpreport.report.blocks import Table

    return next(block for block in model.blocks
                if isinstance(block, Table) and "数据质量评分" in block.caption)


def test_the_data_quality_table_never_shows_a_default_as_an_assessment():
    """Scored by the study: its scores; partly scored: the defaults in brackets; not
    scored: one cell saying so. 100 and 300 kWh x 0.5: 50 and 150 kg of 200, weights
    25.00 % and 75.00 %;
    DQR by hand: TeR 0.25x3 + 0.75x1 = 1.5, GeR 0.25x2 + 0.75x1 = 1.25, TiR 0.25x1 +
    0.75x1 = 1, P 0.25x4 + 0.75x2 = 2.5; (1.5 + 1.25 + 1 + 2.5) / 4 = 1.5625 -> 1.56."""
    from cfpreport.report.model import build_report_model
    from tests.conftest import make_study, priced

    factor = {"id": "power", "name": "电", "value": 0.5, "unit": "kgCO2e/kWh",
              "source": "测试"}
    study = make_study([
        {"stage": "production", "factor": "power", "amount": 100, "unit": "kWh",
         "pedigree": {"reliability": 4, "completeness": 3, "temporal": 1,
                      "geographical": 2, "technological": 3}},
        {"stage": "distribution", "factor": "power", "amount": 300, "unit": "kWh"},
    ], factors=[factor], uncertainty={"runs": 200})
    model = build_report_model(study, priced(study))
    rows = [[cell.text for cell in row] for row in dqr_table(model).rows]
    assert rows[0][2:] == ["4", "3", "1", "2", "3", "25.00%"]
    assert rows[1][2:] == ["未评定，采用初级数据缺省值（2、2、1、1、1）", "75.00%"]
    assert rows[2][1].startswith("DQR = 1.56（优秀）")

    partly = make_study([{"stage": "production", "factor": "power", "amount": 100,
                          "unit": "kWh", "pedigree": {"reliability": 4}}],
                        factors=[factor], uncertainty={"runs": 200})
    model = build_report_model(partly, priced(partly))
    table = dqr_table(model)
    assert [cell.text for cell in table.rows[0]][2:] == [
        "4", "（2）", "（1）", "（1）", "（1）", "100.00%"]
    assert "括号内的评分为研究未给出、按数据类型取的缺省值" in table.notes[0]


def test_the_histogram_draws_a_bar_per_bin_darker_inside_the_interval_and_its_labels():
    from cfpreport.report import analysis_charts
    from cfpreport.report.drawing import Rect

    labels = analysis_charts.HistogramLabels("1.0", "3.0", "2.0", "kgCO2e/台", "t")
    drawing = analysis_charts.histogram([0, 1, 2, 3, 4], [1, 4, 4, 1], 1.0, 3.0, 2.0, labels)
    bars = [shape for shape in drawing.shapes if isinstance(shape, Rect)]
    # bins 0-1 and 3-4 lie outside 1.0 .. 3.0; the two tallest bars are full height
    assert [bar.fill for bar in bars] == [analysis_charts.OUTSIDE, analysis_charts.INSIDE,
                                          analysis_charts.INSIDE, analysis_charts.OUTSIDE]
    assert bars[1].height == bars[2].height == 4 * bars[0].height
    svg = drawing.svg()
    for label in ("1.0", "3.0", "2.0"):
        assert f">{label}</tspan>" in svg
    assert drawing.png().startswith(b"\x89PNG")


def test_the_tornado_draws_two_bars_per_entry_scaled_to_the_largest_change():
    from cfpreport.report import analysis_charts
    from cfpreport.report.drawing import Rect

    bars = [analysis_charts.Bar("a", -8.0, 8.0, "-8.00%", "+8.00%"),
            analysis_charts.Bar("b", -2.0, 4.0, "-2.00%", "+4.00%")]
    drawing = analysis_charts.tornado(bars, "t")
    rects = [shape for shape in drawing.shapes if isinstance(shape, Rect)]
    assert len(rects) == 4
    assert rects[0].width == rects[1].width == 2 * rects[3].width == 4 * rects[2].width
    assert rects[0].x + rects[0].width == rects[1].x  # low to the left of the centre
    assert ">+4.00%</tspan>" in drawing.svg()
