"""`cfpreport convert`: study files to a workbook and back, losing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cfpreport.calculation.results_json import results_document
from cfpreport.cli import main
from cfpreport.errors import OutputExistsError, StudyError
from cfpreport.input.conversion import convert_studies
from cfpreport.input.sources import find_studies
from cfpreport.pipeline import check_study
from tests.conftest import RING_MAIN_UNIT, SAMPLES, XINGYUE, YUANYU

ALL_SAMPLES = [RING_MAIN_UNIT, XINGYUE, YUANYU]


def with_images(folder: Path) -> Path:
    """The samples' images beside a converted study, so that it checks as the sample."""
    for sample in ALL_SAMPLES:
        if (sample.parent / "images").is_dir():
            shutil.copytree(sample.parent / "images", folder / "images", dirs_exist_ok=True)
    return folder


def same_study(first, second) -> None:
    """Two checked studies are the same study, priced the same."""
    assert first.study.model_dump() == second.study.model_dump()
    assert (results_document(first.study, first.results)
            == results_document(second.study, second.results))


@pytest.fixture(scope="module")
def samples_book(tmp_path_factory) -> Path:
    """All three samples in one workbook."""
    book = with_images(tmp_path_factory.mktemp("book")) / "samples.xlsx"
    convert_studies(ALL_SAMPLES, book)
    return book


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda path: path.parent.name)
def test_a_sample_in_a_workbook_is_the_same_study(sample, samples_book):
    original = check_study(sample)
    number = original.study.report.number
    same_study(original, check_study(f"{samples_book}#{number}"))


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda path: path.parent.name)
def test_yaml_to_workbook_to_yaml_changes_nothing(sample, samples_book, tmp_path):
    convert_studies([samples_book], tmp_path / "studies")
    number = check_study(sample).study.report.number
    written = tmp_path / "studies" / number / "study.yaml"
    with_images(written.parent)
    same_study(check_study(sample), check_study(written))


def test_written_yaml_keeps_the_study_file_order(samples_book, tmp_path):
    convert_studies([f"{samples_book}#T4100013"], tmp_path)
    text = (tmp_path / "T4100013" / "study.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert list(document) == ["report", "company", "study", "products"]
    assert list(document["report"])[:3] == ["number", "issued", "status"]
    assert list(document["study"]["stages"]) == [
        "raw_material_acquisition", "raw_material_transport", "production", "distribution",
        "end_of_life"]
    assert "- {stage: raw_material_acquisition, factor: electricity, amount: 17175, " in text
    assert "  overview: |\n" in text  # paragraphs as literal blocks


def test_convert_refuses_to_overwrite_and_writes_nothing(tmp_path):
    (tmp_path / "T4100013").mkdir()
    (tmp_path / "T4100013" / "study.yaml").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="exists; nothing written"):
        convert_studies([YUANYU, XINGYUE], tmp_path)
    assert not (tmp_path / "T410086-05").exists()  # not even the study that was free
    assert (tmp_path / "T4100013" / "study.yaml").read_text(encoding="utf-8") == "mine"
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"mine")
    result = CliRunner().invoke(main, ["convert", str(YUANYU), "-o", str(book)])
    assert result.exit_code == 1 and "exists" in result.output
    assert book.read_bytes() == b"mine"
    result = CliRunner().invoke(main, ["convert", str(YUANYU), "-o", str(book), "--force"])
    assert result.exit_code == 0, result.output
    assert [source.report for source in find_studies([book])] == ["T4100013"]
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_convert_refuses_two_studies_with_one_report_number(tmp_path):
    shutil.copy(YUANYU, tmp_path / "copy.study.yaml")
    with pytest.raises(StudyError, match="report T4100013 is also"):
        convert_studies([YUANYU, tmp_path / "copy.study.yaml"], tmp_path / "book.xlsx")
    assert not (tmp_path / "book.xlsx").exists()


def test_convert_lists_the_problems_of_every_study_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.study.yaml"
    bad.write_text(YUANYU.read_text(encoding="utf-8").replace("amount: 17175", "amount: -1")
                   .replace("unit: t\n", "unit: tonnes\n"), encoding="utf-8")
    with pytest.raises(StudyError) as caught:
        convert_studies([bad], tmp_path / "book.xlsx")
    assert {problem.field for problem in caught.value.problems} == {
        "study.unit", "products[0].activities[0].amount"}
    assert not (tmp_path / "book.xlsx").exists()


def test_convert_notes_paths_that_now_resolve_elsewhere(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(SAMPLES), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "images/process-flow.png" in result.output
    assert sorted(path.name for path in (tmp_path / "s").iterdir()) == [
        "CFP-DEMO-001", "T4100013", "T410086-05"]
