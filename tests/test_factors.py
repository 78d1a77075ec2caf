"""Factor sets: contents, derivation of fuel factors, metadata and hashing."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.calculation.factor_export import export_factor_set
from cfpreport.calculation.factors import (
    available_sets,
    find_factor_set,
    load_factor_set,
    load_factor_set_file,
    load_gwp_sets,
)
from cfpreport.calculation.results_json import results_document
from cfpreport.cli import main
from cfpreport.errors import FactorError, FactorSetFileError
from cfpreport.input.dates import PartialDate
from cfpreport.pipeline import load_and_calculate
from cfpreport.report.blocks import Table
from cfpreport.report.model import build_report_model
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU
from tests.test_build import docx_text, normalise

REGIONS = ["north", "northeast", "east", "central", "northwest", "south", "southwest"]


def test_shipped_sets():
    assert {"cn-2022", "cn-2024"} <= set(available_sets())


@pytest.mark.parametrize(("set_name", "value", "unit"), [
    ("cn-2022", 0.5366, "kgCO2/kWh"), ("cn-2024", 0.5777, "kgCO2e/kWh")])
def test_electricity_of_each_set(set_name, value, unit):
    electricity = load_factor_set(set_name).get("electricity")
    assert (electricity.value, electricity.unit) == (value, unit)


@pytest.mark.parametrize(("set_name", "diesel"), [("cn-2022", 3.1451), ("cn-2024", 3.0959)])
def test_diesel_is_derived_from_its_chain(set_name, diesel):
    factor = load_factor_set(set_name).get("diesel")
    chain = factor.chain
    assert factor.value == pytest.approx(
        chain.ncv * chain.carbon_content * chain.oxidation * 44 / 12)
    assert round(factor.value, 4) == diesel
    assert factor.unit == "tCO2/t"
    # The seeds printed 0.0726 next to tonnes of diesel: that is the per-GJ factor.
    assert round(chain.tco2_per_gj, 4) == 0.0726


def test_natural_gas_per_10k_nm3():
    assert round(load_factor_set("cn-2024").get("natural_gas").value, 3) == 21.650


@pytest.mark.parametrize("year", [2022, 2023])
@pytest.mark.parametrize("region", REGIONS)
def test_regional_grid_factors_present(region, year):
    factor = load_factor_set("cn-2024").get(f"electricity_grid_{year}_{region}")
    assert factor.unit == "kgCO2/kWh"
    assert factor.year == year


def test_every_factor_carries_unit_source_and_date_or_a_note_why_not():
    for name in available_sets():
        for factor in load_factor_set(name).factors.values():
            assert factor.unit and factor.source, factor.id
            assert factor.published is not None or factor.note, factor.id


def test_transcribed_values_are_marked_unverified():
    assert load_factor_set("cn-2022").get("diesel").verified is False


def test_sets_differ_in_hash_and_are_stable():
    assert load_factor_set("cn-2022").sha256 != load_factor_set("cn-2024").sha256
    assert len(load_factor_set("cn-2022").sha256) == 64


def test_gwp_tables():
    gwp = load_gwp_sets()
    assert (gwp["AR5"].values["SF6"], gwp["AR6"].values["SF6"]) == (23500, 25200)
    assert (gwp["AR5"].values["CH4"], gwp["AR6"].values["CH4"]) == (28, 27.9)
    assert gwp["AR4"].values["N2O"] == 298


def test_unknown_set_lists_available():
    with pytest.raises(FactorError, match="available: cn-2022, cn-2024"):
        load_factor_set("cn-1999")


# --- dates as precise as they are known ---------------------------------------------

@pytest.mark.parametrize(("given", "shown"), [
    (date(2026, 1, 20), "2026-01-20"), ("2026-01-20", "2026-01-20"), ("2026-01", "2026-01"),
    ("2026-1", "2026-01"), (2025, "2025"), ("2025", "2025")])
def test_partial_date_prints_as_given(given, shown):
    assert str(PartialDate.parse(given)) == shown


@pytest.mark.parametrize(("given", "message"), [
    ("2025-02-30", "'2025-02-30' is not a real date (February 2025 has 28 days)"),
    ("2026-13", "there is no month 13"),
    ("20.1.2026", "'20.1.2026' is not a date; write YYYY-MM-DD, YYYY-MM"),
    (True, "True is not a date")])
def test_partial_date_refuses_what_is_not_a_date(given, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        PartialDate.parse(given)


@pytest.mark.parametrize(("published", "issued", "after"), [
    ("2026-01", date(2026, 1, 31), False), ("2026-01", date(2025, 12, 31), True),
    ("2025", date(2025, 1, 1), False), ("2025", date(2024, 12, 31), True),
    ("2025-09-28", date(2025, 9, 28), False), ("2025-09-28", date(2025, 9, 27), True)])
def test_after_the_issue_date_is_decided_at_the_dates_precision(published, issued, after):
    assert PartialDate.parse(published).is_after(issued) is after


def test_shipped_dates_are_as_precise_as_known_and_never_invented():
    factor_set = load_factor_set("cn-2024")
    assert str(factor_set.get("electricity_grid_2023").published) == "2026-01"
    assert str(factor_set.get("electricity_grid_2023_east").published) == "2026-01"
    assert str(factor_set.get("electricity_footprint_2023").published) == "2025"
    assert str(factor_set.get("electricity_grid_2021").published) == "2024-04"
    assert str(factor_set.get("electricity").published) == "2025-09-28"
    assert factor_set.get("diesel").published is None  # which guideline is not recorded
    for name in available_sets():
        for factor in load_factor_set(name).factors.values():
            assert not str(factor.published or "").endswith("-01-01"), factor.id


def test_fuel_sources_name_the_document_not_an_internal_table_label():
    for name in available_sets():
        for factor in load_factor_set(name).factors.values():
            assert "公开转录" not in factor.source and "表 A" not in factor.source, factor.id
            assert "表 B" not in factor.source, factor.id
        diesel = load_factor_set(name).get("diesel")
        assert "核算方法与报告指南" in diesel.source and "缺省值" in diesel.source
        assert "transcription" in diesel.note and diesel.verified is False


# --- user-named set files: export, reload, validate -------------------------------------

def exported(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"our-{name}.yaml"
    path.write_text(export_factor_set(load_factor_set(name)), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["cn-2022", "cn-2024"])
def test_exported_set_is_self_contained_and_reads_back_the_same(tmp_path, name):
    path = exported(tmp_path, name)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "includes" not in document and document["kind"] == "set"
    diesel = next(row for row in document["factors"] if row["id"] == "diesel")
    assert {"value", "unit", "kind", "source", "publisher", "published", "year", "chain",
            "density", "note", "verified", "verified_by", "verified_on"} <= set(diesel)
    shipped, reloaded = load_factor_set(name), load_factor_set_file(path)
    assert reloaded.factors == shipped.factors
    assert reloaded.aliases == shipped.aliases
    assert (reloaded.name, reloaded.version) == (shipped.name, shipped.version)
    assert reloaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("sample", [YUANYU, XINGYUE, RING_MAIN_UNIT], ids=lambda p: p.parent.name)
def test_an_unchanged_export_prices_every_sample_exactly_as_the_shipped_set(tmp_path, sample):
    shipped = load_and_calculate(sample)
    path = exported(tmp_path, shipped.study.study.factor_set)
    from_file = load_and_calculate(sample, str(path))
    assert list(from_file.results.products["kgco2e"]) == list(shipped.results.products["kgco2e"])
    assert list(from_file.results.activities["kgco2e"]) == list(
        shipped.results.activities["kgco2e"])
    document = results_document(from_file.study, from_file.results)
    assert document["factor_set"] == {"name": shipped.factor_set.name,
                                      "version": shipped.factor_set.version,
                                      "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_a_study_names_a_set_file_relative_to_its_folder(tmp_path):
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "reviewed.yaml").write_text(
        export_factor_set(load_factor_set("cn-2022")), encoding="utf-8")
    study_dir = tmp_path / "study"
    study_dir.mkdir()
    text = YUANYU.read_text(encoding="utf-8")
    for spec in ("../sets/reviewed.yaml", "../sets/reviewed", str(tmp_path / "sets" /
                                                                 "reviewed.yaml")):
        (study_dir / "study.yaml").write_text(
            text.replace("factor_set: cn-2022", f"factor_set: {spec}"), encoding="utf-8")
        calculated = load_and_calculate(study_dir / "study.yaml")
        assert calculated.factor_set.file is not None
        assert list(calculated.results.products["shown"]) == ["0.0677", "0.0508"]


BAD_SET = """\
kind: set
name: bad
version: 1
factors:
  - {id: a, name: A, value: -1, unit: kgCO2/kWh, source: S}
  - {id: b, name: B, value: 1, unit: kgCO2/parsec-ish, source: S}
  - {id: diesel, name: 柴油, value: 3.2, unit: tCO2/t, source: S, chain: {ncv: 42.652,
     ncv_unit: GJ/t, carbon_content: 0.0202, oxidation: 0.98}}
  - {id: c, name: C, value: 1, unit: kgCO2/kWh, source: S, published: 2025-02-30}
  - {id: d, name: D, value: 1, unit: kgCO2/kWh, source: S, verifed: true}
  - {id: e, name: E, value: 1, unit: kgCO2/kWh, source: S}
  - {id: e, name: E2, value: 2, unit: kgCO2/kWh, source: S}
"""


def test_a_bad_set_file_names_file_row_and_field_of_every_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(BAD_SET, encoding="utf-8")
    with pytest.raises(FactorSetFileError) as caught:
        find_factor_set("./bad.yaml", tmp_path)
    lines = str(caught.value).splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        ["bad.yaml:5:29", "factors[0].value:"],
        ["bad.yaml:6:38", "factors[1].unit:"],
        ["bad.yaml:7:35", "factors[2].value:"],
        ["bad.yaml:9:71", "factors[3].published:"],
        ["bad.yaml:10:60", "factors[4].verifed:"],
        ["bad.yaml:12:10", "factors[6].id:"],
    ]
    assert "3.2 does not follow from its chain (42.652 x 0.0202 x 0.98 x 44/12 = 3.09591)" in (
        lines[2])
    assert "'2025-02-30' is not a real date (February 2025 has 28 days)" in lines[3]
    assert "unknown key 'verifed'; did you mean 'verified'?" in lines[4]
    assert "origin" not in lines[4]  # internal, not a key a set file may give
    assert "duplicate factor id 'e'" in lines[5]


def test_a_value_written_to_fewer_digits_may_follow_its_chain(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text(BAD_SET.split("  - {id: a")[0] + (
        "  - {id: diesel, name: 柴油, value: 3.0959, unit: tCO2/t, source: S, chain: {ncv: "
        "42.652, ncv_unit: GJ/t, carbon_content: 0.0202, oxidation: 0.98}}\n"),
        encoding="utf-8")
    assert load_factor_set_file(path).get("diesel").value == 3.0959


@pytest.mark.parametrize(("extra", "message"), [
    ("includes: [cn-electricity]\n", "includes: a set file lists every factor itself"),
    ("", "kind: is a factor library, not a set"),
])
def test_set_files_are_self_contained_sets(tmp_path, extra, message):
    text = "kind: set\nname: x\nversion: 1\n" + extra if extra else (
        "kind: library\nname: x\nversion: 1\n")
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FactorSetFileError, match=re.escape(message)):
        load_factor_set_file(tmp_path / "x.yaml")


def test_a_folder_of_sets_needs_a_name(tmp_path):
    (tmp_path / "sets").mkdir()
    exported(tmp_path / "sets", "cn-2024")
    assert find_factor_set("sets/our-cn-2024", tmp_path).name == "cn-2024"
    with pytest.raises(FactorError, match=re.escape(
            "'./sets' is a folder; name one set in it as ./sets/NAME (it has: our-cn-2024)")):
        find_factor_set("./sets", tmp_path)
    with pytest.raises(FactorError, match=re.escape("factor set file './nope.yaml' not found")):
        find_factor_set("./nope.yaml", tmp_path)


# --- what the report says about the factors -------------------------------------------

def factor_table(study_path: Path, factor_set: str | None = None):
    calculated = load_and_calculate(study_path, factor_set)
    model = build_report_model(calculated.study, calculated.results)
    return next(block for block in model.blocks
                if isinstance(block, Table) and block.caption == "排放因子及来源"), model


def model_text(model) -> str:
    texts = []
    for block in model.blocks:
        if isinstance(block, Table):
            texts += [cell.text for row in [*block.header, *block.rows] for cell in row]
            texts += block.notes
        texts.append(getattr(block, "text", ""))
    return "\n".join(texts)


def test_a_month_only_date_prints_the_month(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(YUANYU.read_text(encoding="utf-8").replace(
        "factor: electricity,", "factor: electricity_grid_2023,"), encoding="utf-8")
    table, model = factor_table(study)
    row = next(row for row in table.rows if row[0].text == "2023年全国电网平均二氧化碳排放因子")
    assert row[5].text == "2026-01"
    assert next(row for row in table.rows if row[0].text == "柴油")[5].text == "/"
    assert "2026-01-01" not in model_text(model)
    output = CliRunner().invoke(main, ["factors", "cn-2024"]).output
    assert "2026-01 " in output and "2026-01-01" not in output
    document = json.loads(CliRunner().invoke(main, ["factors", "cn-2024", "--json"]).output)
    assert document["factors"]["electricity_grid_2023"]["published"] == "2026-01"
    assert document["factors"]["electricity_footprint_2023"]["published"] == "2025"


def test_unverified_footnote_says_why_per_origin():
    table, _ = factor_table(RING_MAIN_UNIT)  # cn-2024 factors and the study's own factors
    [note] = [n for n in table.notes if "标注“*”" in n]
    set_part, study_part = note.split("；")
    assert "取自因子集 cn-2024，数值来自公开资料转录，尚未与官方原文核对" in set_part
    assert "冷轧/镀锌钢板" in study_part and "由本研究提供" in study_part
    assert "公开资料转录" not in study_part and "官方" not in study_part


def verified_copy(tmp_path: Path, name: str) -> Path:
    """An export of ``name`` with every factor marked verified, as a reviewer would."""
    path = exported(tmp_path, name)
    text = path.read_text(encoding="utf-8")
    assert "  verified: false\n  verified_by:\n  verified_on:\n" in text
    path.write_text(text.replace("  verified: false\n  verified_by:\n  verified_on:\n",
                                 "  verified: true\n  verified_by: 张三（某机构）\n"
                                 "  verified_on: 2026-03-01\n"), encoding="utf-8")
    return path


def test_a_verified_set_prints_who_verified_it_in_pdf_and_docx(tmp_path):
    study = tmp_path / "study.yaml"
    verified_copy(tmp_path, "cn-2022").rename(tmp_path / "reviewed.yaml")
    study.write_text(YUANYU.read_text(encoding="utf-8").replace(
        "factor_set: cn-2022", "factor_set: ./reviewed.yaml"), encoding="utf-8")
    record = build_report(study, tmp_path / "out", ["pdf", "docx"])
    pdf = normalise("".join(p.extract_text() for p in PdfReader(record.outputs["pdf"]).pages))
    word = normalise(docx_text(record.outputs["docx"]))
    for text in (pdf, word):
        assert normalise("注：排放因子经 张三（某机构）于 2026-03-01 核对。") in text
        assert "尚未与官方原文核对" not in text
        assert "0.5366*" not in text and "3.1451*" not in text
    assert record.warnings == [w for w in record.warnings if "not verified" not in w.message]


def test_unverified_factors_keep_the_asterisk_and_the_footnote():
    table, _ = factor_table(YUANYU)
    assert [row[1].text for row in table.rows] == ["3.1451 *", "0.5366 *"]
    assert table.notes == ["注：标注“*”的因子（柴油、2022年全国电网平均二氧化碳排放因子）"
                           "取自因子集 cn-2022，数值来自公开资料转录，尚未与官方原文核对。"]
