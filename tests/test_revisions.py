"""Revisions: file names, the results JSON's factors, the revision-history section in the
PDF and the Word file, and `diff` giving the same numbers.

The sample T4100013 (cn-2022, electricity 0.5366 kgCO2/kWh) is re-issued with cn-2024
(electricity 0.5777 kgCO2e/kWh): every stage driven by electricity alone scales by
exactly 0.5777 / 0.5366.
"""

from __future__ import annotations

import json
import re
import shutil

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cfpreport.cli import main
from cfpreport.revisions.naming import report_stem
from cfpreport.revisions.yaml_edit import Change, edit_study
from tests.conftest import YUANYU

OLD, NEW = 0.5366, 0.5777  # kgCO2/kWh (cn-2022), kgCO2e/kWh (cn-2024)
ZW32_OUTPUT, AIMV_OUTPUT = 406, 203  # annual output, units


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    header = document.sections[0].header.paragraphs[0].text
    return "\n".join([header, *(p.text for p in document.paragraphs), *cells])


def invoke(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def revision_2(folder, previous: str | None = "T4100013.json") -> str:
    """The sample as its revision 2, priced with cn-2024, written into ``folder``."""
    changes = [Change("report", "revision", 2, ("number",)),
               Change("report", "revision_reason", "全国电力碳足迹因子更新", ("revision",)),
               Change("study", "factor_set", "cn-2024")]
    if previous:
        changes.append(Change("report", "previous", previous, ("revision",)))
    text = edit_study(YUANYU.read_text(encoding="utf-8"), changes, "study.yaml")
    (folder / "study-r2.yaml").write_text(text, encoding="utf-8")
    return text


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Revision 1 and revision 2 of T4100013 built into one folder."""
    folder = tmp_path_factory.mktemp("revisions")
    shutil.copy(YUANYU, folder / "study.yaml")
    out = folder / "out"
    first = invoke("build", folder / "study.yaml", "-o", out)
    assert first.exit_code == 0, first.output
    revision_2(folder, previous="out/T4100013.json")
    second = invoke("build", folder / "study-r2.yaml", "-o", out)
    assert second.exit_code == 0, second.output
    return folder, out


def test_the_file_stem_marks_revisions_from_2_on():
    assert report_stem("T4100013", 1) == "T4100013"
    assert report_stem("T4100013", 0) == "T4100013"
    assert report_stem("T4100013", None) == "T4100013"
    assert report_stem("T4100013", 2) == "T4100013-R2"
    assert report_stem("T4100013", 12) == "T4100013-R12"


def test_results_json_records_revision_and_the_factors_used():
    document = json.loads(invoke("calc", YUANYU, "--json").output)
    assert document["revision"] == 1
    factors = {factor["id"]: factor for factor in document["factors"]}
    assert sorted(factors) == ["diesel", "electricity"]
    electricity = factors["electricity"]
    assert (electricity["value"], electricity["unit"]) == (OLD, "kgCO2/kWh")
    assert electricity["set_id"] == "electricity_grid_2022"
    assert electricity["published"] == "2024-12-20"
    assert electricity["kind"] == "grid_co2" and electricity["derived"] is False
    # diesel, table B: 43.330 GJ/t x 0.0202 tC/GJ x 0.98 x 44/12
    assert factors["diesel"]["value"] == pytest.approx(43.330 * 0.0202 * 0.98 * 44 / 12)
    assert factors["diesel"]["derived"] is True


def test_both_revisions_coexist_in_one_folder_and_rerun_keeps_them(issued):
    folder, out = issued
    names = sorted(path.name for path in out.iterdir() if not path.name.startswith("."))
    assert names == ["T4100013-R2.docx", "T4100013-R2.json", "T4100013-R2.pdf",
                     "T4100013.docx", "T4100013.json", "T4100013.pdf"]
    records = sorted(path.name for path in (out / ".cfpreport").iterdir())
    assert records == ["T4100013-R2.json", "T4100013.json"]
    assert json.loads((out / "T4100013-R2.json").read_text())["revision"] == 2
    rerun = invoke("build", folder / "study.yaml", folder / "study-r2.yaml", "-o", out)
    assert rerun.exit_code == 0, rerun.output
    assert rerun.output.count("unchanged, kept") == 2


def test_electricity_stages_scale_by_the_ratio_of_the_factors(issued):
    _, out = issued
    old = {p["id"]: p for p in json.loads((out / "T4100013.json").read_text())["products"]}
    new = {p["id"]: p for p in json.loads((out / "T4100013-R2.json").read_text())["products"]}
    # zw32: raw material acquisition 17175 kWh and end of life 1967 kWh a year, electricity
    # only; yy-aimv also production, 14011 kWh.
    assert old["zw32"]["stages"]["raw_material_acquisition"] == pytest.approx(
        17175 / ZW32_OUTPUT * OLD)
    assert new["zw32"]["stages"]["raw_material_acquisition"] == pytest.approx(
        17175 / ZW32_OUTPUT * NEW)
    for product, stage in [("zw32", "raw_material_acquisition"), ("zw32", "end_of_life"),
                           ("yy-aimv", "raw_material_acquisition"),
                           ("yy-aimv", "production"), ("yy-aimv", "end_of_life")]:
        ratio = new[product]["stages"][stage] / old[product]["stages"][stage]
        assert ratio == pytest.approx(NEW / OLD, rel=1e-12), (product, stage)


def test_the_revision_is_marked_on_cover_summary_and_header(issued):
    _, out = issued
    original, revised = pdf_text(out / "T4100013.pdf"), pdf_text(out / "T4100013-R2.pdf")
    assert "版次" not in original and "第 2 版" not in original
    assert "版本变更说明" not in original
    cover = PdfReader(out / "T4100013-R2.pdf").pages[0].extract_text()
    assert "版次" in cover and "第 2 版" in cover
    assert "第 2 版；换版原因：全国电力碳足迹因子更新" in revised  # the summary sheet
    assert revised.count("报告编号：T4100013（第 2 版）") >= 10  # the running header
    words = docx_text(out / "T4100013-R2.docx")
    assert "报告编号：T4100013（第 2 版）" in words
    assert "第 2 版；换版原因：全国电力碳足迹因子更新" in words


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_history_lists_the_factor_and_every_products_totals(issued, kind):
    _, out = issued
    text = (pdf_text if kind == "pdf" else docx_text)(out / f"T4100013-R2.{kind}")
    section = text[text.rindex("版本变更说明"):]
    joined = re.sub(r"\s+", "", section)  # the PDF breaks lines inside sentences
    assert "本报告为报告T4100013（第1版，排放因子集cn-20222022.3）的第2版" in joined
    assert "换版原因：全国电力碳足迹因子更新" in section
    assert "electricity" in section
    assert "0.5366 kgCO2/kWh" in section and "0.5777 kgCO2e/kWh" in section
    assert "本版：关于发布2024年电力碳足迹因子的公告（2025-09-28）" in joined
    assert "原报告：关于发布2022年电力二氧化碳排放因子的公告（2024-12-20）" in joined
    # 0.5777 / 0.5366 - 1 = +7.66 %; totals as each report prints them
    change = f"{(NEW / OLD - 1) * 100:+.2f}%"
    assert change == "+7.66%" and change in section
    for old, new in [("0.0677 tCO2e", "0.0724 tCO2e"), ("0.0508 tCO2e", "0.0547 tCO2e")]:
        assert old in section and new in section


def test_diff_json_gives_the_numbers_the_section_prints(issued):
    folder, out = issued
    result = invoke("diff", YUANYU, "--from", "cn-2022", "--to", "cn-2024", "--json")
    assert result.exit_code == 0, result.output
    compared = json.loads(result.output)
    built = json.loads((out / "T4100013-R2.json").read_text())
    products = {p["id"]: p for p in compared["products"]}
    for product in built["products"]:
        total = products[product["id"]]["total"]
        assert total["new"] == product["display"]["total"]
        assert total["new_kgco2e"] == pytest.approx(product["total_kgco2e"], rel=1e-15)
    electricity = next(f for f in compared["factors"] if f["id"] == "electricity")
    assert (electricity["old"]["value"], electricity["new"]["value"]) == (OLD, NEW)
    assert set(electricity["changed"]) == {"value", "unit", "source", "published"}
    stage = products["zw32"]["stages"]["end_of_life"]
    assert stage["change_percent"] == pytest.approx((NEW / OLD - 1) * 100, rel=1e-12)
    words = docx_text(out / "T4100013-R2.docx")
    for product in products.values():
        assert f"{product['total']['change_percent']:+.2f}%" in words
    # The issued report's JSON against the study now: the same comparison.
    from_json = json.loads(invoke("diff", out / "T4100013.json", folder / "study-r2.yaml",
                                  "--json").output)
    assert from_json["products"] == compared["products"]
    assert from_json["factors"] == compared["factors"]
    assert from_json["new"]["revision"] == 2 and from_json["activities"] == []


def test_diff_text_lists_factor_stages_and_totals():
    result = invoke("diff", YUANYU, "--from", "cn-2022", "--to", "cn-2024")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("T4100013 revision 1 (factor set cn-2022 2022.3, GWP AR5) -> "
                        "T4100013 revision 1 (factor set cn-2024 2024.2, GWP AR5)")
    electricity = next(line for line in lines if line.startswith("electricity "))
    assert "0.5366 kgCO2/kWh" in electricity and "0.5777 kgCO2e/kWh" in electricity
    totals = [line.split() for line in lines if line.startswith("total ")]
    assert totals == [["total", "0.0677", "tCO2e", "0.0724", "tCO2e", "+6.93%"],
                      ["total", "0.0508", "tCO2e", "0.0547", "tCO2e", "+7.53%"]]


def test_diff_of_an_issued_report_finds_amounts_and_products(tmp_path):
    old = tmp_path / "T4100013.json"
    old.write_text(invoke("calc", YUANYU, "--json").output, encoding="utf-8")
    text = YUANYU.read_text(encoding="utf-8")
    assert text.count("amount: 17175,") == 1
    edited = text.replace("amount: 17175,", "amount: 18000,")
    (tmp_path / "study.yaml").write_text(edited, encoding="utf-8")
    compared = json.loads(invoke("diff", old, tmp_path / "study.yaml", "--json").output)
    assert compared["factors"] == []
    assert compared["activities"] == [{"product": "zw32", "position": 1, "field": "amount",
                                       "old": 17175, "new": 18000}]
    stage = {p["id"]: p for p in compared["products"]}["zw32"]["stages"][
        "raw_material_acquisition"]
    assert stage["new_kgco2e"] - stage["old_kgco2e"] == pytest.approx(
        (18000 - 17175) / ZW32_OUTPUT * OLD)
    assert stage["change_percent"] == pytest.approx((18000 / 17175 - 1) * 100)
    # A product the issued report had and the study has not any more.
    document = json.loads(old.read_text())
    document["products"].append({**document["products"][1], "id": "gone", "name": "旧产品"})
    old.write_text(json.dumps(document), encoding="utf-8")
    compared = json.loads(invoke("diff", old, tmp_path / "study.yaml", "--json").output)
    statuses = {p["id"]: p["status"] for p in compared["products"]}
    assert statuses == {"zw32": "changed", "yy-aimv": "unchanged", "gone": "removed"}


def test_a_revision_without_its_previous_results_has_no_history(tmp_path):
    revision_2(tmp_path, previous=None)
    result = invoke("build", tmp_path / "study-r2.yaml", "-o", tmp_path / "out", "-f",
                    "docx,json")
    assert result.exit_code == 0, result.output
    words = docx_text(tmp_path / "out" / "T4100013-R2.docx")
    assert "第 2 版" in words and "版本变更说明" not in words


@pytest.mark.parametrize("args, message", [
    (["diff", "nowhere.json", YUANYU], "nowhere.json: no such file"),
    (["diff", YUANYU, "--from", "cn-1999"], "cn-1999"),
    (["diff", YUANYU], "diff STUDY needs --from SET and/or --to SET"),
])
def test_diff_errors_are_one_line(args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_a_missing_previous_report_names_the_study_field(tmp_path):
    revision_2(tmp_path, previous="old/T4100013.json")
    result = invoke("build", tmp_path / "study-r2.yaml", "-o", tmp_path / "out", "-f", "docx")
    assert result.exit_code == 1
    assert "report.previous: old/T4100013.json: no such file" in result.output
    assert str(tmp_path) not in result.output.replace(f"{tmp_path}/study-r2.yaml", "")


def test_an_english_revision_prints_the_factors_english_names(issued, tmp_path):
    folder, out = issued
    text = edit_study((folder / "study-r2.yaml").read_text(encoding="utf-8"),
                      [Change("report", "language", "en", ("number",)),
                       Change("report", "previous", str(out / "T4100013.json"))], "study")
    (folder / "study-en.yaml").write_text(text, encoding="utf-8")
    result = invoke("build", folder / "study-en.yaml", "-o", tmp_path, "-f", "docx")
    assert result.exit_code == 0, result.output
    words = docx_text(tmp_path / "T4100013-R2.docx")
    section = words[words.index("Revision history\n"):]
    assert "No. T4100013, revision 2" in words  # the running header
    assert "2024 national average electricity carbon footprint factor" in section
    assert "This revision: Announcement on the release of the 2024 electricity carbon " \
           "footprint factors (2025-09-28)" in section
    assert "0.5366 kgCO2/kWh" in section and "+7.66%" in section


def test_a_new_previous_report_rebuilds_the_revision(tmp_path):
    (tmp_path / "T4100013.json").write_text(invoke("calc", YUANYU, "--json").output,
                                            encoding="utf-8")
    revision_2(tmp_path)
    study, out = tmp_path / "study-r2.yaml", tmp_path / "out"
    assert invoke("build", study, "-o", out, "-f", "json").exit_code == 0
    assert "unchanged, kept" in invoke("build", study, "-o", out, "-f", "json").output
    previous = json.loads((tmp_path / "T4100013.json").read_text())
    previous["revision"] = 1
    (tmp_path / "T4100013.json").write_text(json.dumps(previous), encoding="utf-8")
    rebuilt = invoke("build", study, "-o", out, "-f", "json")
    assert rebuilt.exit_code == 0 and "kept" not in rebuilt.output
