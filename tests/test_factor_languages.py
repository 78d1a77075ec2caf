"""The factor sets and the fixed vocabulary in Chinese (the original) and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cfpreport.calculation import stages
from cfpreport.calculation.factor_export import export_factor_set
from cfpreport.calculation.factors import (
    Bilingual,
    available_sets,
    load_factor_set,
    load_factor_set_file,
    load_gwp_sets,
)
from cfpreport.errors import FactorSetFileError, StudyError
from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.loading import load_study
from tests.conftest import BASE_STUDY

CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def shipped_texts() -> list[tuple[str, Bilingual]]:
    """Every model of the shipped data that has texts: sets, factors, densities, GWP tables."""
    found: list[tuple[str, Bilingual]] = []
    for name in available_sets():
        factor_set = load_factor_set(name)
        found.append((name, factor_set))
        for factor in factor_set.factors.values():
            found.append((f"{name}:{factor.id}", factor))
            if factor.density is not None:
                found.append((f"{name}:{factor.id}.density", factor.density))
    found += [(f"gwp:{name}", table) for name, table in load_gwp_sets().items()]
    return found


SHIPPED = shipped_texts()


@pytest.mark.parametrize(("where", "model"), SHIPPED, ids=[where for where, _ in SHIPPED])
def test_every_shipped_text_is_given_in_english_without_chinese_characters(where, model):
    assert model.missing_english() == ()
    for field in model.TRANSLATED:
        english = model.text(field, "en")
        assert english and not CJK.search(english), (field, english)
        assert model.text(field, "zh") == getattr(model, field)  # the original, as written


def test_the_chinese_texts_are_unchanged():
    cn_2024, cn_2022 = load_factor_set("cn-2024"), load_factor_set("cn-2022")
    assert cn_2024.text("title") == "中国 2024 年电力碳足迹因子及燃料缺省值（表 A）"
    grid = cn_2022.get("electricity")
    assert (grid.text("name"), grid.text("source"), grid.text("publisher")) == (
        "2022年全国电网平均二氧化碳排放因子", "关于发布2022年电力二氧化碳排放因子的公告",
        "生态环境部、国家统计局")
    assert cn_2024.get("diesel").name == "柴油"
    assert load_gwp_sets()["AR5"].text("title") == "第五次评估报告（AR5）"


def test_the_english_of_a_shipped_factor():
    grid = load_factor_set("cn-2022").get("electricity")
    assert grid.text("name", "en") == "2022 national grid average CO2 emission factor"
    assert grid.text("source", "en") == ("Announcement on the release of the 2022 electricity "
                                         "CO2 emission factors")
    assert grid.text("publisher", "en") == ("Ministry of Ecology and Environment (MEE), "
                                            "National Bureau of Statistics (NBS)")
    diesel = load_factor_set("cn-2024").get("diesel")  # its en.name, the library's en.source
    assert diesel.text("name", "en") == "Diesel"
    assert diesel.text("publisher", "en") == "National Development and Reform Commission (NDRC)"


def test_an_unknown_text_is_refused():
    with pytest.raises(KeyError, match="'value' is not a translated text of Factor"):
        load_factor_set("cn-2024").get("diesel").text("value", "en")


# --- sets written without English ----------------------------------------------------

PLAIN_SET = """\
kind: set
name: ours
version: "1"
title: 我们的因子集
factors:
  - {id: steel, name: 钢材, value: 2.1, unit: kgCO2e/kg, source: 供应商 EPD, publisher: 某钢厂}
  - {id: glass, name: 玻璃, value: 0.9, unit: kgCO2e/kg, source: 供应商 EPD,
     en: {name: Glass}}
"""


def write(tmp_path: Path, text: str, name: str = "ours.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_set_without_english_prints_its_texts_as_written_and_says_what_is_missing(tmp_path):
    factor_set = load_factor_set_file(write(tmp_path, PLAIN_SET))
    assert factor_set.text("title", "en") == "我们的因子集"
    assert factor_set.missing_english() == ("title",)
    steel, glass = factor_set.get("steel"), factor_set.get("glass")
    assert (steel.text("name", "en"), steel.text("source", "en")) == ("钢材", "供应商 EPD")
    assert steel.missing_english() == ("name", "source", "publisher")
    assert (glass.text("name", "en"), glass.text("source", "en")) == ("Glass", "供应商 EPD")
    assert glass.missing_english() == ("source",)  # no publisher at all: nothing to miss


def test_a_row_takes_the_english_of_the_defaults_text_by_text(tmp_path):
    text = ("kind: set\nname: ours\nversion: 1\n"
            "defaults: {unit: kgCO2e/kg, source: 指南, en: {source: Guidelines}}\n"
            "factors:\n"
            "  - {id: a, name: 甲, value: 1, en: {name: A}}\n"
            "  - {id: b, name: 乙, value: 1}\n")
    factor_set = load_factor_set_file(write(tmp_path, text))
    assert [factor_set.get(i).text(f, "en") for i in "ab" for f in ("name", "source")] == [
        "A", "Guidelines", "乙", "Guidelines"]


@pytest.mark.parametrize("name", ["cn-2022", "cn-2024"])
def test_an_export_keeps_the_english(tmp_path, name):
    path = write(tmp_path, export_factor_set(load_factor_set(name)), f"our-{name}.yaml")
    reloaded, shipped = load_factor_set_file(path), load_factor_set(name)
    assert reloaded.en == shipped.en and reloaded.factors == shipped.factors
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["factors"][0]["en"]["name"] == shipped.factors[
        document["factors"][0]["id"]].text("name", "en")


BAD_ENGLISH = """\
kind: set
name: bad
version: "1"
en: {title: Ours, subtitle: x}
factors:
  - {id: a, name: 甲, value: 1, unit: kgCO2e/kg, source: s, en: {nmae: A}}
  - {id: b, name: 乙, value: 1, unit: kgCO2e/kg, source: s, en: {name: ""}}
  - {id: c, name: 丙, value: 1, unit: kgCO2e/kg, source: s, en: {name: "C\\nD"}}
  - {id: d, name: 丁, value: 1, unit: kgCO2e/kg, source: s, en: {publisher: PUBLISHER}}
  - {id: e, name: 戊, value: 1, unit: kgCO2e/kg, source: s, en: Diesel}
"""


def test_bad_english_is_reported_with_file_line_and_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, BAD_ENGLISH.replace("PUBLISHER", "P" * 201), "bad.yaml")
    with pytest.raises(FactorSetFileError) as caught:
        load_factor_set_file(tmp_path / "bad.yaml")
    lines = str(caught.value).splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        ["bad.yaml:8:71", "factors[2].en.name:"],
        ["bad.yaml:9:76", "factors[3].en.publisher:"],
    ]  # one line, at most 200 characters: checked as the file is read, before the fields
    assert "line break" in lines[0] and "at most 200 characters" in lines[1]
    write(tmp_path, BAD_ENGLISH.replace("PUBLISHER", "P").replace('"C\\nD"', "C"), "bad.yaml")
    with pytest.raises(FactorSetFileError) as caught:
        load_factor_set_file(tmp_path / "bad.yaml")
    lines = str(caught.value).splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        ["bad.yaml:4:19", "en.subtitle:"],
    ]  # the set's keys are checked before its rows
    write(tmp_path, BAD_ENGLISH.replace("PUBLISHER", "P").replace('"C\\nD"', "C").replace(
        ", subtitle: x", ""), "bad.yaml")
    with pytest.raises(FactorSetFileError) as caught:
        load_factor_set_file(tmp_path / "bad.yaml")
    lines = str(caught.value).splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        ["bad.yaml:6:65", "factors[0].en.nmae:"],
        ["bad.yaml:7:71", "factors[1].en.name:"],
        ["bad.yaml:10:64", "factors[4].en:"],
    ]


# --- a study's own factors -------------------------------------------------------------

def study_with_factors(tmp_path: Path, factors: list[dict]) -> Path:
    data = {**BASE_STUDY, "factors": factors}
    data["products"] = [{"id": "p1", "name": "产品", "activities": [
        {"stage": "production", "label": "用电", "amount": 1, "unit": "kWh",
         "factor": "green"}]}]
    return write(tmp_path, yaml.safe_dump(data, allow_unicode=True), "study.yaml")


def test_a_study_factor_may_carry_english_and_is_printed_as_written_without(tmp_path):
    green = {"id": "green", "name": "绿电", "value": 0.1, "unit": "kgCO2e/kWh",
             "source": "供应商 EPD"}
    study = load_study(study_with_factors(tmp_path, [{**green, "en": {"name": "Green power"}}]))
    factor = resolve_factor_set(study).get("green")
    assert (factor.origin, factor.text("name", "en"), factor.text("source", "en")) == (
        "study", "Green power", "供应商 EPD")
    assert factor.missing_english() == ("source",)
    study = load_study(study_with_factors(tmp_path, [green]))
    assert resolve_factor_set(study).get("green").text("name", "en") == "绿电"


def test_bad_english_in_a_study_factor_is_located(tmp_path):
    green = {"id": "green", "name": "绿电", "value": 0.1, "unit": "kgCO2e/kWh",
             "source": "供应商 EPD", "en": {"name": "G" * 201, "titel": "x"}}
    with pytest.raises(StudyError) as caught:
        load_study(study_with_factors(tmp_path, [green]))
    fields = sorted(problem.field for problem in caught.value.problems)
    assert fields == ["factors[0].en.name"]  # texts are checked as the file is read
    assert all(problem.line for problem in caught.value.problems)
    green["en"]["name"] = "Green power"
    with pytest.raises(StudyError) as caught:
        load_study(study_with_factors(tmp_path, [green]))
    assert [problem.field for problem in caught.value.problems] == ["factors[0].en.titel"]


# --- the fixed vocabulary ----------------------------------------------------------------

VOCABULARY = {
    "stage labels": (stages.STAGE_LABELS_BY_LANGUAGE, stages.STAGES),
    "short stage labels": (stages.STAGE_SHORT_LABELS_BY_LANGUAGE, stages.STAGES),
    "boundary labels": (stages.BOUNDARY_LABELS_BY_LANGUAGE, tuple(stages.BOUNDARY_STAGES)),
    "boundary phrases": (stages.BOUNDARY_PHRASES_BY_LANGUAGE, tuple(stages.BOUNDARY_STAGES)),
    "data types": (stages.DATA_TYPE_LABELS_BY_LANGUAGE, ("primary", "secondary")),
    "bases": (stages.BASIS_LABELS_BY_LANGUAGE, ("annual", "per_unit")),
}


@pytest.mark.parametrize("what", VOCABULARY)
def test_every_term_is_given_in_every_language_and_english_has_no_chinese(what):
    by_language, keys = VOCABULARY[what]
    assert set(by_language) == set(stages.LANGUAGES)
    for language, terms in by_language.items():
        assert tuple(terms) == keys, language
    assert not any(CJK.search(term) for term in by_language["en"].values())


def test_the_chinese_stage_labels_are_those_every_module_imports():
    assert stages.STAGE_LABELS_BY_LANGUAGE["zh"] is stages.STAGE_LABELS
    assert stages.STAGE_SHORT_LABELS_BY_LANGUAGE["zh"] is stages.STAGE_SHORT_LABELS
    assert list(stages.STAGE_LABELS.values()) == [
        "原辅料获取阶段", "原辅料运输阶段", "产品生产阶段", "成品运输阶段", "仓储阶段",
        "产品使用阶段", "产品处置阶段"]
    assert stages.stage_label("end_of_life") == "产品处置阶段"
    assert stages.stage_label("end_of_life", "en") == "end-of-life stage"
    assert stages.stage_label("raw_material_acquisition", "en", short=True) == (
        "Raw material acquisition")
