"""Studies in Excel workbooks: the template, reading (every problem at its cell), building."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cfpreport.cli import main
from cfpreport.errors import CfpError, StudyError
from cfpreport.input.conversion import write_template
from cfpreport.input.sources import as_source, find_studies
from cfpreport.input.workbook import instructions
from cfpreport.input.workbook.cells import CellName
from cfpreport.input.workbook.layout import SHEETS
from cfpreport.pipeline import check_study
from cfpreport.report.facts import recorded

# The contract's columns (input-format.md, "The Excel workbook"): at least these.
CONTRACT = {
    "reports": ["report.number", "report.issued", "report.status", "report.revision",
                "report.issuer.name", "report.prepared_by", "report.site_days", "company.name",
                "company.address", "company.legal_representative", "company.contact.name",
                "company.contact.phone", "company.overview", "study.period.start",
                "study.period.end", "study.boundary", "study.gwp", "study.factor_set",
                "study.unit", "study.decimals"],
    "team": ["report.number", "name", "role", "organization", "certificate"],
    "stages": ["report.number", "stage", "included", "excluded"],
    "products": ["report.number", "id", "name", "model", "functional_unit", "annual_output",
                 "functions", "process_flow"],
    "activities": ["report.number", "product", "stage", "factor", "gas", "amount", "unit",
                   "basis", "label", "data_type", "note"],
    "factors": ["report.number", "id", "name", "value", "unit", "source", "publisher",
                "published", "kind"],
}


def report_row(number: str, **fields) -> dict:
    return {"report.number": number, "report.issued": date(2025, 3, 1),
            "report.issuer.name": "检测机构", "company.name": f"{number} 公司",
            "study.period.start": date(2024, 1, 1), "study.period.end": "2024-12-31",
            "study.factor_set": "cn-2022", "study.unit": "kg", "study.decimals": 4,
            "study.gwp": "AR5", **fields}


def two_reports() -> dict[str, list[dict]]:
    """Two reports of three products each; product i: i kg of steel (2 kgCO2e/kg) and
    2i kWh of power (0.5 kgCO2e/kWh), so 3i kgCO2e; T-B gives them per year of 10 units,
    and its p3 also releases 1 g of SF6 (AR5: 23 500), 23.5 kgCO2e more. Activities fill
    rows 2 to 14 of their sheet: row 14 is T-B p3's SF6."""
    rows: dict[str, list[dict]] = {"reports": [report_row("T-A"), report_row(
        "T-B", **{"report.standards": "标准一\n标准二", "company.contact.phone": 13615657277})],
        "products": [], "activities": [], "factors": []}
    for number in ("T-A", "T-B"):
        annual = number == "T-B"
        for i in (1, 2, 3):
            rows["products"].append({"report.number": number, "id": f"p{i}",
                                     "name": f"产品{i}", "annual_output": 10})
            for factor, amount, unit in (("steel", i, "kg"), ("power", 2 * i, "kWh")):
                rows["activities"].append({
                    "report.number": number, "product": f"p{i}", "stage": "production",
                    "factor": factor, "amount": amount * 10 if annual else amount,
                    "unit": unit, "basis": "annual" if annual else "per_unit",
                    "data_type": "primary"})
        rows["factors"] += [
            {"report.number": number, "id": "steel", "name": "钢", "value": 2,
             "unit": "kgCO2e/kg", "source": "供应商"},
            {"report.number": number, "id": "power", "name": "电", "value": 0.5,
             "unit": "kgCO2e/kWh", "source": "供应商"}]
    rows["activities"].append({"report.number": "T-B", "product": "p3", "stage": "use",
                               "gas": "SF6", "amount": 0.001, "unit": "kg"})
    return rows


def fill(path: Path, rows: dict[str, list[dict]], headers: dict[str, list[str]] | None = None
         ) -> Path:
    """Fill a template's sheets with rows (header -> value), from row 2 on."""
    workbook = openpyxl.load_workbook(path)
    for sheet, records in rows.items():
        worksheet = workbook[sheet]
        if headers and sheet in headers:
            for column, header in enumerate(headers[sheet], start=1):
                worksheet.cell(1, column, header)
        columns = {cell.value: cell.column for cell in worksheet[1] if cell.value}
        for number, record in enumerate(records, start=2):
            for header, value in record.items():
                worksheet.cell(number, columns[header], value)
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "template.xlsx")


@pytest.fixture
def book(tmp_path, template, monkeypatch) -> Path:
    """book.xlsx in the working folder (so messages name it so), filled with two reports."""
    monkeypatch.chdir(tmp_path)
    Path("book.xlsx").write_bytes(template.read_bytes())
    return fill(Path("book.xlsx"), two_reports())


def problems_of(path: Path | str) -> list[str]:
    lines = []
    for source in find_studies([path]):
        with pytest.raises(StudyError) as caught:
            check_study(source)
        lines += [str(problem) for problem in caught.value.problems if not problem.is_warning]
    return lines


# --- the template ---------------------------------------------------------------------

def test_template_has_the_contracts_sheets_and_columns(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames[0] == "instructions"
    assert workbook["lists"].sheet_state == "hidden"
    for sheet, columns in CONTRACT.items():
        headers = [cell.value for cell in workbook[sheet][1]]
        assert set(columns) <= set(headers), sheet
        if sheet != "reports":
            assert headers[0] == "report.number"
        assert workbook[sheet].freeze_panes.endswith("2")  # the header row stays in view
        assert workbook[sheet]["A1"].comment is not None  # each header explains itself
        assert workbook[sheet].column_dimensions["A"].width >= 10


def test_template_offers_lists_for_stage_basis_data_type_unit_and_factor(template):
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["activities"]
    columns = {cell.value: cell.column_letter for cell in sheet[1]}
    listed = {str(validation.sqref).split(":")[0]: validation.formula1
              for validation in sheet.data_validations.dataValidation}
    lists = workbook["lists"]
    for header, expected in (("stage", "end_of_life"), ("basis", "per_unit"),
                             ("data_type", "secondary"), ("unit", "kWh"),
                             ("factor", "electricity")):
        reference = listed[f"{columns[header]}2"]
        column = reference.split("$")[1]
        assert expected in [cell.value for cell in lists[column]], header


def test_every_column_is_explained_in_both_languages(template):
    for sheet in SHEETS:
        for column in sheet.columns:
            zh, en = instructions.COLUMNS[(sheet.name, column.header)]
            assert zh and en
    assert len(instructions.COLUMNS) == sum(len(sheet.columns) for sheet in SHEETS)
    text = " ".join(str(cell.value) for row in openpyxl.load_workbook(template)[
        "instructions"].iter_rows() for cell in row if cell.value)
    assert "每行一项" in text and "one item per line" in text
    assert text.index("每行一项") < text.index("one item per line")  # Chinese first


def test_template_refuses_to_overwrite(template):
    with pytest.raises(Exception, match="exists"):
        write_template(template)


# --- reading and building -------------------------------------------------------------

def test_each_report_of_a_workbook_is_a_study_with_hand_calculated_totals(book):
    sources = find_studies([book])
    assert [source.name for source in sources] == ["book.xlsx#T-A", "book.xlsx#T-B"]
    totals = {}
    for source in sources:
        checked = check_study(source)
        for row in checked.results.products.itertuples():
            totals[(source.report, row.product)] = row.kgco2e
    assert totals == pytest.approx({("T-A", "p1"): 3, ("T-A", "p2"): 6, ("T-A", "p3"): 9,
                                    ("T-B", "p1"): 3, ("T-B", "p2"): 6, ("T-B", "p3"): 32.5})


def test_a_workbook_study_reads_as_the_same_study_written_as_yaml(book, tmp_path):
    result = CliRunner().invoke(main, ["convert", "book.xlsx", "-o", "studies"])
    assert result.exit_code == 0, result.output
    for source in find_studies([book]):
        from_book = check_study(source)
        from_yaml = check_study(f"studies/{source.report}/study.yaml")
        assert from_book.study.model_dump() == from_yaml.study.model_dump()
        assert (from_book.results.products.kgco2e.tolist()
                == from_yaml.results.products.kgco2e.tolist())


def test_build_and_validate_take_a_workbook(book):
    result = CliRunner().invoke(main, ["build", "book.xlsx", "-o", "out", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "book.xlsx#T-A: " in result.output and "book.xlsx#T-B: " in result.output
    document = json.loads(Path("out/T-B.json").read_text(encoding="utf-8"))
    assert [p["total_kgco2e"] for p in document["products"]] == pytest.approx([3, 6, 32.5])
    result = CliRunner().invoke(main, ["validate", "book.xlsx"])
    assert result.exit_code == 0, result.output
    assert "book.xlsx#T-B: ok (3 products, 7 activities" in result.output


def test_texts_lists_and_numbers_read_as_typed(book):
    study = check_study("book.xlsx#T-B").study
    assert study.report.standards == ["标准一", "标准二"]  # one item per line
    assert study.company.contact.phone == "13615657277"  # a number in a text field
    assert study.report.issued == date(2025, 3, 1) and study.study.period.end == date(
        2024, 12, 31)  # an Excel date and ISO text


def test_a_number_stays_as_typed_as_from_yaml(book):
    workbook = openpyxl.load_workbook(book)
    workbook["activities"]["D2"] = 17.2348
    workbook["activities"]["D3"] = "0.3570"  # a number typed as text
    workbook.save(book)
    study = check_study("book.xlsx#T-A").study
    amounts = [activity.amount for activity in study.products[0].activities]
    assert [recorded(amount) for amount in amounts] == ["17.2348", "0.357"]


def test_a_negative_amount_names_its_cell(book):
    workbook = openpyxl.load_workbook(book)
    workbook["activities"]["D14"] = -1
    workbook.save(book)
    result = CliRunner().invoke(main, ["validate", "book.xlsx"])
    assert result.exit_code == 1
    assert "book.xlsx!activities!D14 amount: must be >= 0 (got -1)" in result.output
    assert "book.xlsx#T-A: ok" in result.output  # the other report is fine


def test_bad_cells_are_each_named(book):
    workbook = openpyxl.load_workbook(book)
    reports, activities = workbook["reports"], workbook["activities"]
    columns = {cell.value: cell.column_letter for cell in reports[1]}
    reports[f"{columns['study.period.end']}2"] = "2024-02-30"
    reports[f"{columns['study.decimals']}3"] = "four"
    activities["D5"] = "12 kWh"
    activities["N1"] = "colour"
    workbook.save(book)
    found = problems_of("book.xlsx")
    letter = columns["study.period.end"]
    assert (f"book.xlsx!reports!{letter}2 study.period.end: '2024-02-30' is not a real date "
            "(February 2024 has 29 days); write YYYY-MM-DD") in found
    assert (f"book.xlsx!reports!{columns['study.decimals']}3 study.decimals: 'four' is not "
            "a number; write a whole number such as 4") in found
    assert ("book.xlsx!activities!D5 amount: '12 kWh' is not a number; write a decimal "
            "number such as 0.15") in found
    assert any(line.startswith("book.xlsx!activities!N1 colour: unknown column 'colour'")
               for line in found)


def test_rows_that_belong_nowhere_are_named(book):
    workbook = openpyxl.load_workbook(book)
    workbook["activities"]["A3"] = "T-C"
    workbook["activities"]["B4"] = "p9"
    workbook.save(book)
    found = problems_of("book.xlsx")
    assert ("book.xlsx!activities!A3 report.number: no report 'T-C' in the reports sheet; "
            "did you mean 'T-B'?") in found
    assert any(line.startswith("book.xlsx!activities!B4 product: no product 'p9'")
               for line in found)


def test_a_required_cell_left_empty_is_named(book):
    workbook = openpyxl.load_workbook(book)
    columns = {cell.value: cell.column_letter for cell in workbook["products"][1]}
    workbook["products"][f"{columns['name']}3"] = None
    workbook.save(book)
    assert (f"book.xlsx!products!{columns['name']}3 name: is required, but the cell is empty"
            in problems_of("book.xlsx#T-A"))


def test_problems_list_in_sheet_order():
    names = [CellName(f"b!activities!D{row}", ("b", 4, row, 4)) for row in (14, 9, 100)]
    assert [str(name) for name in sorted(names)] == ["b!activities!D9", "b!activities!D14",
                                                     "b!activities!D100"]


def test_images_resolve_in_the_workbooks_folder(book):
    workbook = openpyxl.load_workbook(book)
    columns = {cell.value: cell.column_letter for cell in workbook["products"][1]}
    workbook["products"][f"{columns['images.photo']}2"] = "images/p1.png"
    workbook.save(book)
    assert as_source(Path("book.xlsx#T-A")).folder == Path.cwd()
    assert any("image file 'images/p1.png' not found in" in line
               for line in problems_of("book.xlsx#T-A"))


def test_what_is_not_a_workbook_says_so(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("report: {}", encoding="utf-8")
    with pytest.raises(StudyError, match="is not an Excel workbook"):
        check_study(path)


def test_a_workbook_of_several_reports_must_name_one_where_one_study_is_meant(book):
    with pytest.raises(StudyError, match=r"holds 2 reports \(T-A, T-B\); name one as "):
        check_study("book.xlsx")
    assert check_study("book.xlsx#T-A").study.report.number == "T-A"


def test_find_studies_in_folders(tmp_path, template):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "study.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "b.study.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "factors.yaml").write_text("x", encoding="utf-8")  # not a study
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "study.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "book.xlsx").write_bytes(template.read_bytes())
    fill(tmp_path / "book.xlsx", {"reports": [report_row("T-A")]})
    openpyxl.Workbook().save(tmp_path / "summary.xlsx")  # no reports sheet: not a study
    found = find_studies([tmp_path])
    assert [source.name for source in found] == [
        str(tmp_path / "a" / "study.yaml"), str(tmp_path / "b.study.yaml"),
        f"{tmp_path / 'book.xlsx'}#T-A"]
    assert find_studies([tmp_path / "a" / "study.yaml", tmp_path]) == found  # each once
    (tmp_path / "empty").mkdir()
    with pytest.raises(CfpError, match="no studies in this folder"):
        find_studies([tmp_path / "empty"])
