"""The English edition (``report.language: en``): every sample builds in English, prints
no Chinese but the study's own text, and shows the same numbers as the Chinese edition."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.calculation.calculate import calculate
from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.loading import load_study
from cfpreport.report.blocks import Table
from cfpreport.report.facts import english_date, period_in, product_display_name
from cfpreport.report.model import build_report_model
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU

SAMPLES = [YUANYU, XINGYUE, RING_MAIN_UNIT]

# CJK punctuation (、。「」), CJK ideographs, and full-width forms (（）：；).
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def english_copy(study: Path, folder: Path) -> Path:
    """The sample's folder copied (its pictures too), its study set to English."""
    shutil.copytree(study.parent, folder)
    copy = folder / study.name
    text, count = re.subn(r"^report:\n", "report:\n  language: en\n",
                          copy.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    assert count == 1
    copy.write_text(text, encoding="utf-8")
    return copy


def study_strings(study: Path) -> list[str]:
    """Every text the study file holds, as written (these print as they are)."""
    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
    return list(walk(yaml.safe_load(study.read_text(encoding="utf-8"))))


def docx_text(path: Path) -> str:
    """Every text of a Word file: body, header and footer, in document order."""
    document = docx.Document(str(path))
    parts = [document.element.body, *(s.header._element for s in document.sections),
             *(s.footer._element for s in document.sections)]
    return "\n".join(node.text or "" for part in parts for node in part.iter()
                     if node.tag.endswith("}t"))


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Each sample built in English, and its Chinese results (JSON only: the numbers to
    compare): {name: {"en": (record, pdf pages, word text, results json), "zh": results
    json, "study": the English copy}}."""
    out = tmp_path_factory.mktemp("editions")
    builds = {}
    for study in SAMPLES:
        english = english_copy(study, out / "studies" / study.parent.name)
        builds[study.parent.name] = {"study": english}
        chinese = build_report(study, out / "zh" / study.parent.name, ["json"])
        builds[study.parent.name]["zh"] = json.loads(
            chinese.outputs["json"].read_text("utf-8"))
        record = build_report(english, out / "en" / study.parent.name, ["pdf", "docx", "json"])
        pages = [page.extract_text() for page in PdfReader(record.outputs["pdf"]).pages]
        builds[study.parent.name]["en"] = (
            record, pages, docx_text(record.outputs["docx"]),
            json.loads(record.outputs["json"].read_text("utf-8")))
    return builds


def foreign_runs(text: str, own: list[str]) -> set[str]:
    """CJK runs of the text that are not part of the study's own strings (a run broken
    by a line end is still part of one)."""
    joined = "\n".join(own)
    return {run for run in CJK.findall(text) if run not in joined}


@pytest.mark.parametrize("sample", [s.parent.name for s in SAMPLES])
def test_english_edition_prints_no_chinese_but_the_study_s_own(editions, sample):
    own = study_strings(editions[sample]["study"])
    _, pages, word, _ = editions[sample]["en"]
    assert foreign_runs("\n".join(pages), own) == set()
    assert foreign_runs(word, own) == set()


@pytest.mark.parametrize("sample", [s.parent.name for s in SAMPLES])
def test_english_edition_shows_the_chinese_edition_s_numbers(editions, sample):
    _, pages, word, en_results = editions[sample]["en"]
    assert en_results["products"] == editions[sample]["zh"]["products"]
    squashed = [re.sub(r"\s+", "", text) for text in ("\n".join(pages), word)]
    for product in en_results["products"]:
        display = product["display"]
        for text in squashed:
            assert text.count(display["total"]) >= 3  # summary sheet, abstract, results
            for stage in display["stages"].values():
                # the abstract and the chart legend print "value unit (share%)"
                phrase = f"{stage['value']}{display['unit']}({stage['share']}%)"
                assert text.count(phrase) >= 2, phrase


def numbers_of_tables(study: Path) -> list[list[str]]:
    """The right-aligned (number) cells of each table of a study's report model."""
    loaded = load_study(study)
    model = build_report_model(loaded, calculate(loaded, resolve_factor_set(loaded)))
    return [[cell.text for row in block.rows for cell in row if cell.align == "right"]
            for block in model.blocks if isinstance(block, Table)]


@pytest.mark.parametrize("study", SAMPLES, ids=lambda s: s.parent.name)
def test_every_table_number_is_the_chinese_edition_s(editions, study):
    english = numbers_of_tables(editions[study.parent.name]["study"])
    assert english == numbers_of_tables(study)
    assert any(english)


def test_english_pages_words_and_properties(editions):
    record, pages, word, _ = editions["yuanyu-2024"]["en"]
    pdf, count = "\n".join(pages), len(pages)
    assert f"Page 2 of {count}" in pages[1] and f"Page {count} of {count}" in pages[-1]
    assert "Contents" in pages[2]
    assert "Table 3-1" in pdf and "Figure 3-1" in pdf and "表 3-1" not in pdf
    flat = re.sub(r"\s+", " ", pdf.replace("\u2010\n", ""))  # rejoin hyphenated words
    assert "26 February 2025" in flat  # the date of issue on the cover
    assert "from 1 January 2024 to 31 December 2024" in flat
    assert "No. T4100013" in pages[1]
    assert PdfReader(record.outputs["pdf"]).metadata.title.startswith(
        "Product Carbon Footprint Report: ")
    document = docx.Document(str(record.outputs["docx"]))
    properties = document.core_properties
    assert properties.language == "en"
    assert "product carbon footprint" in properties.keywords
    footer = "".join(node.text or "" for node in document.sections[0].footer._element.iter()
                     if node.tag.endswith("}t"))
    assert footer.startswith("Page ") and " of " in footer
    assert "Table 3-1" in word and "Contents" in word


def test_draft_watermark_in_english(editions):
    record, pages, _, _ = editions["ring-main-unit"]["en"]  # a draft
    assert all("DRAFT" in text and "草稿" not in text for text in pages)
    assert "(Draft)" in pages[0]
    header = docx.Document(str(record.outputs["docx"])).sections[0].header._element.xml
    assert 'string="DRAFT"' in header


def test_english_facts_words():
    study = load_study(XINGYUE)
    product = study.products[0]
    assert product_display_name(product, "en") == f"{product.name} ({product.model})"
    assert product_display_name(product) == f"{product.name}（{product.model}）"
    assert english_date(date(2025, 3, 8)) == "8 March 2025"
    assert period_in(date(2024, 1, 1), date(2024, 12, 31), "en") == \
        "1 January 2024 to 31 December 2024"
    assert period_in(date(2024, 1, 1), date(2024, 12, 31)) == "2024年01月01日至2024年12月31日"



def test_an_english_series_joins_its_last_item_with_and():
    from cfpreport.report.texts import series

    assert [series(v) for v in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "", "A", "A and B", "A, B and C"]


@pytest.mark.parametrize("sample", [s.parent.name for s in SAMPLES])
def test_no_page_is_left_blank_before_a_long_summary_sheet(editions, sample):
    """The English summary sheet of xingyue is taller than a page: kept whole, it moved
    to page 3 and left page 2 with nothing but its running header and number."""
    _, pages, _, results = editions[sample]["en"]
    header_and_number = 120  # characters: a page with nothing else is blank
    blank = [number for number, text in enumerate(pages, start=1)
             if len(text.strip()) < header_and_number]
    assert blank == []
    assert results["report_number"] in pages[1] and "Legal representative" in pages[1]
