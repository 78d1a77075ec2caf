"""End to end: study file -> PDF, DOCX, JSON; the numbers agree across all of them."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.cli import main
from cfpreport.errors import CfpError
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU

SAMPLES = [YUANYU, XINGYUE, RING_MAIN_UNIT]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build every sample once: {sample folder name: (record, pdf pages, docx text, json)}."""
    out = tmp_path_factory.mktemp("reports")
    builds = {}
    for study in SAMPLES:
        record = build_report(study, out, ["pdf", "docx", "json", "html"])
        pages = [page.extract_text() for page in PdfReader(record.outputs["pdf"]).pages]
        builds[study.parent.name] = (record, pages, docx_text(record.outputs["docx"]),
                                     json.loads(record.outputs["json"].read_text("utf-8")))
    return builds


def docx_text(path: Path) -> str:
    """Paragraph and table text of a Word file, in document order."""
    document = docx.Document(str(path))
    body = document.element.body
    return "\n".join(node.text or "" for node in body.iter()
                     if node.tag.endswith("}t"))


def normalise(text: str) -> str:
    """Drop whitespace so that line wrapping in the PDF does not split numbers."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("sample", [s.parent.name for s in SAMPLES])
def test_pdf_and_docx_carry_every_number_of_the_results(built, sample):
    _, pages, word, results = built[sample]
    pdf = normalise("\n".join(pages))
    word = normalise(word)
    for product in results["products"]:
        display = product["display"]
        unit = display["unit"]
        for text in (pdf, word):
            # summary sheet, abstract, results table: the total at least three times
            assert text.count(display["total"]) >= 3
            for stage in display["stages"].values():
                # abstract and chart legend print "value unit（share%）"
                phrase = normalise(f"{stage['value']} {unit}（{stage['share']}%）")
                assert text.count(phrase) >= 2, phrase
                assert normalise(f"{stage['share']}%") in text


def test_no_unresolved_fields_or_placeholders(built):
    for _, pages, word, _ in built.values():
        for text in ("\n".join(pages), word):
            assert "错误！" not in text and "未定义书签" not in text
            assert "{{" not in text and "None" not in text


def test_pdf_toc_page_numbers_match_heading_pages(built):
    _, pages, _, _ = built["yuanyu-2024"]
    toc_page = next(i for i, text in enumerate(pages) if "目" in text and "录" in text
                    and "摘要" in text)
    entries = re.findall(r"^(\d(?:\.\d)*)\s+(\S[^\n]*?)[ .·…]*?(\d+)\s*$", pages[toc_page],
                         flags=re.MULTILINE)
    assert len(entries) >= 15
    for number, title, page in entries:
        heading = f"{number} {title.strip(' .·…')}"
        landed = [i + 1 for i, text in enumerate(pages) if i > toc_page
                  and any(line.strip().startswith(heading) for line in text.splitlines())]
        assert landed and landed[0] == int(page), (heading, page, landed)


def test_pdf_is_small_and_fonts_are_embedded_sc_subsets(built):
    record, _, _, _ = built["yuanyu-2024"]
    assert record.outputs["pdf"].stat().st_size < 1.5e6
    fonts = set()
    for page in PdfReader(record.outputs["pdf"]).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
    assert fonts
    for name in fonts:
        prefix, _, family = name.lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper(), name  # a subset
        # WeasyPrint names a subset after its @font-face family; test_render_pdf checks
        # that each one's name table is the shipped Noto SC face.
        assert family in {"cfp-serif", "cfp-sans", "cfp-sans-Bold"}, name


def test_same_study_gives_the_same_pdf_and_docx_bytes(tmp_path, monkeypatch):
    first = build_report(XINGYUE, tmp_path / "a", ["pdf", "docx"]).outputs
    # python-docx stamps zip entries with the clock: a build a day later must not differ
    real_localtime = time.localtime
    monkeypatch.setattr(time, "localtime", lambda *a: real_localtime(time.time() + 86_400))
    second = build_report(XINGYUE, tmp_path / "b", ["pdf", "docx"]).outputs
    for fmt in ("pdf", "docx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes(), fmt


def test_pdf_metadata_comes_from_the_study(built):
    record, _, _, _ = built["yuanyu-2024"]
    info = PdfReader(record.outputs["pdf"]).metadata
    assert info.author == "三信国际检测认证有限公司"
    assert "一二次融合成套柱上断路器" in info.title
    assert "20250226" in info["/CreationDate"]


def test_docx_core_properties_and_headings(built):
    record, _, _, _ = built["yuanyu-2024"]
    document = docx.Document(str(record.outputs["docx"]))
    assert document.core_properties.author == "三信国际检测认证有限公司"
    assert document.core_properties.created.date().isoformat() == "2025-02-26"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("碳足迹计算") for h in headings)


def test_draft_is_watermarked_on_every_pdf_page(built):
    _, pages, _, _ = built["ring-main-unit"]
    assert all("草稿" in text for text in pages)
    _, final_pages, _, _ = built["yuanyu-2024"]
    assert not any("草稿" in text for text in final_pages)


def test_user_text_is_data_not_markup(tmp_path):
    study = tmp_path / "study.yaml"
    text = XINGYUE.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(company:\n  name: ).*$",
                  r'\1"<img src=\\"file:///etc/passwd\\"><script>x</script>"', text)
    study.write_text(text, encoding="utf-8")
    record = build_report(study, tmp_path / "out", ["pdf", "html"])
    pdf_text = "".join(page.extract_text() for page in PdfReader(record.outputs["pdf"]).pages)
    assert '<img src="file:///etc/passwd"><script>x</script>' in pdf_text
    html = record.outputs["html"].read_text(encoding="utf-8")
    assert "<img src=\"file:///etc/passwd\">" not in html
    assert "&lt;img src=" in html
    assert "root:x:0" not in pdf_text


def test_failed_build_writes_nothing(tmp_path, monkeypatch):
    import cfpreport.render.docx as docx_renderer

    def broken(model, reference=None):
        raise CfpError("docx writer failed")

    monkeypatch.setattr(docx_renderer, "docx_bytes", broken)
    with pytest.raises(CfpError):
        build_report(XINGYUE, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_batch_build_goes_on_past_a_bad_study(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("report: {}\n", encoding="utf-8")
    good = tmp_path / "good" / "study.yaml"
    shutil.copytree(XINGYUE.parent, good.parent)
    result = CliRunner().invoke(main, ["build", str(bad), str(good), "-o",
                                       str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 1
    assert "not built" in result.output and "1 of 2 studies failed" in result.output
    assert (tmp_path / "out" / "T410086-05.json").is_file()


def test_build_refuses_an_unknown_format(tmp_path):
    result = CliRunner().invoke(main, ["build", str(XINGYUE), "-o", str(tmp_path),
                                       "-f", "pdf,odt"])
    assert result.exit_code == 2
    assert "odt" in result.output


def test_doctor_reports_harfbuzz_fonts_and_pango():
    result = CliRunner().invoke(main, ["doctor"])
    assert "HarfBuzz subset" in result.output
    assert "Pango" in result.output
    assert "Noto Serif SC" in result.output


def chapter(text: str, start: str, stop: str) -> str:
    """The text between two chapter headings (the TOC's lines end in page numbers)."""
    body = text[text.index(start, text.index(stop)):]  # skip the table of contents
    return body[:body.index(stop, len(start))] if stop in body[len(start):] else body


def test_seed_001_shows_one_value_per_quantity_in_pdf_and_word(built):
    # Exact production 9.95654 and distribution 0.15634 kgCO2e: 9.9565 and 0.1563 in
    # chapter 4 and chapter 5 alike; the largest-remainder 9.9566 / 0.1564 nowhere.
    _, pages, word, _ = built["xingyue-bxd2-2025"]
    for text in (normalise("\n".join(pages)), normalise(word)):
        chapter_4 = chapter(text, "4数据收集", "5碳足迹计算")
        chapter_5 = chapter(text, "5碳足迹计算", "6改进建议")
        for value in ("9.9565", "0.1563"):
            assert value in chapter_4 and value in chapter_5
        # (5.3's simulated means and medians are other quantities: a median of 0.1564
        # is no largest-remainder value, so the check leaves that section out)
        uncertainty = chapter(text, "5.3不确定性分析", "5.4结果解释与结论")
        assert "9.9566" not in text.replace(uncertainty, "")
        assert "0.1564" not in text.replace(uncertainty, "")
        assert "17.2348kWh" in chapter_4  # activity data as recorded
        assert "因数值修约，分项之和与合计可能存在微小差异" in chapter_5


def test_units_print_in_canonical_form(built):
    _, pages, word, _ = built["ring-main-unit"]
    for text in (normalise("\n".join(pages)), normalise(word)):
        assert "12m³" in text and "0.32MWh" in text and "226t·km" in text
        assert "m3" not in text.replace("Nm3", "")


# --- the write phase: one set per report number, prompt errors -------------------------

def same_number_study(tmp_path: Path, folder: str, product: str) -> Path:
    """A copy of XINGYUE (report T410086-05) whose product is named ``product``."""
    study = tmp_path / folder / "study.yaml"
    shutil.copytree(XINGYUE.parent, study.parent)
    text = study.read_text(encoding="utf-8").replace("    name: 电能计量箱\n",
                                                     f"    name: {product}\n", 1)
    study.write_text(text, encoding="utf-8")
    return study


def test_two_studies_with_one_report_number_in_one_run(tmp_path):
    first = same_number_study(tmp_path, "a", "甲型电能计量箱")
    second = same_number_study(tmp_path, "b", "乙型电能计量箱")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(first), str(second), "-o", str(out),
                                       "-f", "json"])
    assert result.exit_code == 1
    assert (f"{second}: not built: report number T410086-05 was already written into {out}/ "
            f"by {first} in this run; nothing written (give each study its own report "
            f"number)") in result.output.splitlines()
    assert "1 of 2 studies failed" in result.output
    written = json.loads((out / "T410086-05.json").read_text("utf-8"))
    assert written["products"][0]["name"] == "甲型电能计量箱"
    assert sorted(p.name for p in out.iterdir()) == [".cfpreport", "T410086-05.json"]


def test_an_error_after_the_pdf_job_starts_ends_the_build_at_once(tmp_path, monkeypatch):
    import multiprocessing

    import cfpreport.render.docx as docx_renderer

    def broken(model, reference=None):
        raise CfpError("the Word writer failed")

    monkeypatch.setattr(docx_renderer, "docx_bytes", broken)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(XINGYUE), "-o", str(tmp_path / "out")])
    assert time.monotonic() - started < 5  # it waited 10 s for the PDF worker
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"{XINGYUE}: not built: the Word writer failed"
    assert not multiprocessing.active_children()
    assert not (tmp_path / "out").exists()


def test_a_failed_study_s_pdf_never_reaches_the_next_report(tmp_path, monkeypatch):
    import cfpreport.render.docx as docx_renderer

    first = same_number_study(tmp_path, "a", "甲型电能计量箱")
    second = same_number_study(tmp_path, "b", "乙型电能计量箱")
    (second.parent / "study.yaml").write_text(
        second.read_text("utf-8").replace("T410086-05", "T410086-06"), encoding="utf-8")
    real_docx_bytes, calls = docx_renderer.docx_bytes, []

    def fails_first(model, reference=None):
        calls.append(model)
        if len(calls) == 1:  # while the worker lays out the first study's PDF
            raise CfpError("the Word writer failed")
        return real_docx_bytes(model, reference)

    monkeypatch.setattr(docx_renderer, "docx_bytes", fails_first)
    result = CliRunner().invoke(main, ["build", str(first), str(second), "-o",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    pdf = PdfReader(tmp_path / "out" / "T410086-06.pdf")
    assert pdf.metadata.title.endswith("乙型电能计量箱")
