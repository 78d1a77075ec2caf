"""Layout, checked on the rendered files: pages read back with pypdf, Word with python-docx.

The summary sheet and its signatures share one page; the boundary diagram is vector
with real text; short tables are never split; Word tables have cell margins and columns
wide enough for their labels; the HTML names no path of the machine that built it.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.columns import column_widths_mm, is_short
from cfpreport.render.html import render_html
from cfpreport.render.pdf import pdf_bytes
from cfpreport.report import charts
from cfpreport.report.blocks import (
    SHORT_TABLE_ROWS,
    Figure,
    ReportModel,
    SignatureBlock,
    Table,
    kept_with_next,
    text_runs,
)
from cfpreport.report.model import build_report_model
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU, make_study, priced

SAMPLES = {path.parent.name: path for path in (YUANYU, XINGYUE, RING_MAIN_UNIT)}
SVG = "{http://www.w3.org/2000/svg}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Built:
    model: ReportModel
    pages: list[str]  # PDF text, one string per page
    reader: PdfReader
    docx_path: Path
    html: str


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    """Every sample built once as PDF, Word and HTML, with its report model."""
    out = tmp_path_factory.mktemp("layout")
    builds = {}
    for name, study in SAMPLES.items():
        record = build_report(study, out / name, ["pdf", "docx", "html"])
        calculated = load_and_calculate(study)
        reader = PdfReader(record.outputs["pdf"])
        builds[name] = Built(build_report_model(calculated.study, calculated.results),
                             [page.extract_text() for page in reader.pages], reader,
                             record.outputs["docx"],
                             record.outputs["html"].read_text(encoding="utf-8"))
    return builds


def squash(text: str) -> str:
    """Drop whitespace, which text extraction puts in unpredictably."""
    return re.sub(r"\s+", "", text)


def plain(text: str) -> str:
    """Model text as it reads in the PDF: 10^4 is set as 10 and a superscript 4."""
    return squash("".join(part for part, _ in text_runs(text)))


def pages_with(pages: list[str], text: str) -> list[int]:
    return [index for index, page in enumerate(pages) if plain(text) in squash(page)]


def tables(model: ReportModel) -> list[Table]:
    return [block for block in model.blocks if isinstance(block, Table)]


# ---- the summary sheet ---------------------------------------------------------------

@pytest.mark.parametrize("sample", SAMPLES)
def test_summary_sheet_and_its_signatures_share_one_pdf_page(built, sample):
    build = built[sample]
    blocks = build.model.blocks
    index = next(i for i, block in enumerate(blocks) if isinstance(block, Table)
                 and block.style == "form")
    sheet, signatures = blocks[index], blocks[index + 1]
    assert isinstance(signatures, SignatureBlock) and kept_with_next(sheet, signatures)
    first_label, last_label = sheet.rows[0][0].text, sheet.rows[-1][0].text
    (page,) = [i for i in pages_with(build.pages, first_label)
               if plain(last_label) in squash(build.pages[i])][:1]
    text = squash(build.pages[page])
    for row in sheet.rows:  # every row, the overview and the results included, whole
        for cell in row:
            assert plain(cell.text) in text, cell.text
    for line in signatures.lines:
        assert plain(f"{line.role}{line.name}{line.label}：") in text
    assert "签名：" not in squash(build.pages[page + 1])


@pytest.mark.parametrize("sample", SAMPLES)
def test_summary_sheet_keeps_with_its_signatures_in_word(built, sample):
    document = docx.Document(str(built[sample].docx_path))
    sheet = next(t for t in document.tables if t.cell(0, 0).text == "企业名称")
    paragraphs = [p for row in sheet.rows for cell in row.cells for p in cell.paragraphs]
    assert all(p.paragraph_format.keep_with_next for p in paragraphs)


# ---- tables --------------------------------------------------------------------------

@pytest.mark.parametrize("sample", SAMPLES)
def test_short_tables_are_not_split_and_keep_their_caption(built, sample):
    build = built[sample]
    checked = 0
    for table in tables(build.model):
        if not table.number:
            continue
        (caption_page,) = pages_with(build.pages, f"{table.number}{table.caption}")[:1]
        text = squash(build.pages[caption_page])
        first_row = "".join(plain(cell.text) for cell in table.rows[0])
        assert first_row in text, f"{table.number}: caption without its first row"
        if len(table.rows) <= SHORT_TABLE_ROWS:
            last_row = "".join(plain(cell.text) for cell in table.rows[-1])
            assert last_row in text, f"{table.number} split across pages"
            for note in table.notes:
                assert plain(note) in text, f"{table.number}: note on another page"
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("sample", SAMPLES)
def test_word_tables_have_cell_margins_fixed_layout_and_cell_widths(built, sample):
    document = docx.Document(str(built[sample].docx_path))
    grids = [t._tbl for t in document.tables if t.style is not None
             and t.style.name == "Table Grid"]
    assert len(grids) == len(tables(built[sample].model))
    for table in grids:
        margins = table.tblPr.find(f"{W}tblCellMar")
        assert {child.tag[len(W):]: int(child.get(qn("w:w"))) for child in margins} == {
            "top": 40, "left": 80, "bottom": 40, "right": 80}
        assert table.tblPr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
        grid = [int(col.get(qn("w:w"))) for col in table.tblGrid.findall(f"{W}gridCol")]
        assert sum(grid) == round(160 / 25.4 * 1440)
        assert all(tc.find(f"{W}tcPr/{W}tcW") is not None for tc in table.iter(f"{W}tc"))


# Advance widths in Word, in ems: 宋体 CJK 1 em; Times New Roman from its metrics
# (lower case and signs below, capitals 0.72, M and W 0.94, digits 0.5, scripts 0.33).
TIMES_EMS = {
    **dict.fromkeys("ijlt/.,:; ·", 0.28), **dict.fromkeys("frs()-", 0.39),
    **dict.fromkeys("acez", 0.44), **dict.fromkeys("mw%", 0.83), **dict.fromkeys("MW", 0.94),
    **dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", 0.33),
}


def word_width_twips(text: str) -> float:
    """The width of a cell's text in Word at 9 pt (1 em = 180 twips), a little generous."""
    ems = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            ems += 1.0
        else:
            ems += TIMES_EMS.get(char, 0.72 if char.isupper() else 0.5)
    return 180 * ems


@pytest.mark.parametrize("sample", SAMPLES)
def test_word_columns_hold_short_labels_and_numbers_on_one_line(built, sample):
    document = docx.Document(str(built[sample].docx_path))
    seen = set()
    for table in document.tables:
        if table.style is None or table.style.name != "Table Grid":
            continue
        for tc in table._tbl.iter(f"{W}tc"):
            text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
            if "\n" in text or not is_short(text):
                continue
            width = int(tc.find(f"{W}tcPr/{W}tcW").get(qn("w:w")))
            assert width - 160 >= word_width_twips(text), text  # less the cell margins
            seen.add(text)
    assert ("年度总量" if sample == "yuanyu-2024" else "单位产品") in seen
    assert any(re.fullmatch(r"[\d.]+ kgCO2e?/kWh", text) for text in seen)  # a factor


def test_columns_widen_for_a_number_with_its_unit_and_still_fill_the_line():
    from cfpreport.report.blocks import Cell

    table = Table("t", "表 1", "x", [[Cell("活动"), Cell("数据"), Cell("说明")]],
                  [[Cell("电力"), Cell("17.2348 kWh"), Cell("年度总量" * 10)]], [10, 5, 85])
    widths = column_widths_mm(table)
    assert sum(widths) == pytest.approx(160)
    assert widths[1] > 160 * 5 / 100  # "17.2348 kWh" would not fit 8 mm
    assert widths[1] >= 17.5  # ~15.5 mm of text at 9 pt, plus the padding


# ---- the boundary diagram ------------------------------------------------------------

def boundary_figure(model: ReportModel) -> Figure:
    return next(b for b in model.blocks if isinstance(b, Figure) and "系统边界" in b.caption)


def svg_lines(svg: str) -> list[str]:
    """The text of each <text> line of an SVG, in drawing order."""
    root = ElementTree.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_boundary_diagram_is_vector_text_in_the_pdf(built):
    build = built["yuanyu-2024"]
    figure = boundary_figure(build.model)
    assert figure.svg and figure.png.startswith(b"\x89PNG")
    (page,) = pages_with(build.pages, f"{figure.number}{figure.caption}")[:1]
    pictures = {image.name for page in build.reader.pages for image in page.images}
    raster = [b for b in build.model.blocks
              if isinstance(b, Figure) and not b.svg and b.image.startswith(b"\x89PNG")]
    assert len(pictures) == len(raster)  # the diagram is drawn, not a picture (nor a pie)
    text = squash(build.pages[page])
    for line in svg_lines(figure.svg):
        assert squash(line) in text
    assert "…" not in text
    # Alone, the figure's text reads back whole: every stage and its processes.
    alone = replace(build.model, blocks=[figure])
    reader = PdfReader(io.BytesIO(pdf_bytes(render_html(alone))))
    text = squash("".join(page.extract_text() for page in reader.pages))
    study = load_and_calculate(YUANYU).study
    for key, scope in study.study.stages.items():
        if scope.included.strip() not in ("", "/"):
            assert squash(scope.included) in text, key
    for label in ("原辅料获取", "原辅料运输", "产品生产", "成品运输", "仓储", "产品使用",
                  "产品处置", "系统边界：", "未纳入系统边界"):
        assert label in text
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[1]
             for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert {"cfp-sans", "cfp-sans-Bold"} <= fonts  # the report's embedded fonts


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_word_gets_a_png_twin_of_the_same_shape(built):
    figure = boundary_figure(built["yuanyu-2024"].model)
    root = ElementTree.fromstring(figure.svg)
    ratio = float(root.get("width").removesuffix("mm")) / float(root.get("height")
                                                               .removesuffix("mm"))
    width, height = png_size(figure.png)
    assert width / height == pytest.approx(ratio, rel=0.01)


def stage(detail: str, included: bool = True, reason: str = "") -> charts.BoundaryStage:
    return charts.BoundaryStage("产品生产", detail, included, reason)


def test_diagram_never_breaks_inside_a_word_and_drops_no_text():
    detail = ("厂区内生产电能计量箱（BXD2）阶段，SF6气体充装、CO2保护焊与ZW32-12/630-20"
              "断路器装配，") * 6  # long: the box grows
    # One box as narrow as each of seven across the page.
    drawing = charts.boundary_diagram([stage(detail)], "边界", width_mm=160 / 7)
    title, *box, legend = svg_lines(drawing.svg())
    assert (title, legend) == ("边界", "系统边界")
    assert "".join(box) == "产品生产" + detail  # every character, in order, no "…"
    assert len(box) > 10 and drawing.height > 60  # the box grew to hold it
    for token in ("BXD2", "SF6", "CO2", "ZW32-12/630-20"):
        assert sum(line.count(token) for line in box) == detail.count(token), token


def test_diagram_sets_subscripts_as_subscripts():
    svg = charts.boundary_diagram([stage("SF6泄漏与CO2排放")], "边界").svg()
    spans = ElementTree.fromstring(svg).iter(f"{SVG}tspan")
    shifted = [span.text for span in spans if span.get("dy") and float(span.get("dy")) > 0]
    assert shifted == ["6", "2"]


def test_excluded_stage_is_drawn_outside_the_boundary_with_its_reason():
    stages = [stage("电力", True), stage("/", False, "产品使用阶段不消耗能源"), stage("回收", True)]
    root = ElementTree.fromstring(charts.boundary_diagram(stages, "边界").svg())
    rects = [r for r in root.iter(f"{SVG}rect")]
    boxes = [r for r in rects if r.get("rx")]
    frames = [r for r in rects if not r.get("rx") and r.get("fill") == "none"
              and float(r.get("width")) > 10]
    excluded = boxes[1]
    assert excluded.get("stroke-dasharray") and excluded.get("stroke") != boxes[0].get("stroke")
    left, right = float(excluded.get("x")), float(excluded.get("x")) + float(excluded.get("width"))
    assert len(frames) == 2  # one frame around each run of included stages
    for frame in frames:
        frame_left = float(frame.get("x"))
        frame_right = frame_left + float(frame.get("width"))
        assert frame_right <= left or frame_left >= right  # the excluded box is outside
    assert "未纳入系统边界：产品使用阶段不消耗能源" in "".join(svg_lines(ElementTree.tostring(
        root, encoding="unicode")))


def test_user_text_in_the_diagram_is_data_not_markup():
    hostile = '<script>alert("x")</script> & <tspan dy="9">SF6</tspan> ]]>\x07'
    study = make_study([{"stage": "production", "factor": "electricity", "amount": 100,
                         "unit": "kWh"}], stages={"production": {"included": hostile}})
    model = build_report_model(study, priced(study))
    svg = boundary_figure(model).svg
    root = ElementTree.fromstring(svg)  # well-formed
    tags = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert tags <= {"svg", "title", "rect", "line", "polygon", "text", "tspan"}
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<script>alert("x")</script>&<tspandy="9">SF6</tspan>]]>' in squash(
        "".join(root.itertext()))
    html = render_html(model, standalone=True)
    assert "<script" not in html


# ---- HTML ----------------------------------------------------------------------------

@pytest.mark.parametrize("sample", SAMPLES)
def test_html_is_self_contained_with_no_local_path(built, sample):
    html = built[sample].html
    for local in ("/work", "/tmp", "/root", "/home", "file:", str(Path.cwd())):
        assert local not in html
    sources = re.findall(r'<img[^>]* src="([^"]*)"', html)
    assert all(source.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,"))
               for source in sources)  # pictures; and charts (pies), as vector images
    assert re.search(r"<svg [^>]*>", html)  # the boundary diagram, inline
    assert "@font-face" not in html and '"Noto Serif SC"' in html


@pytest.mark.parametrize("sample", SAMPLES)
def test_first_stage_chart_shares_the_page_of_its_results_table(built, sample):
    """Chapter 5 begins a page; its first results table and pie fit on it together, so
    no half-empty page stands before the chart."""
    pages = built[sample].pages
    table = next(p for p in pages_with(pages, "表 5-1") if "碳排放情况" in squash(pages[p]))
    figure = next(p for p in pages_with(pages, "图 5-1") if "分布图" in squash(pages[p]))
    assert table == figure


def test_a_formula_breaks_between_terms_only(built):
    html = built["ring-main-unit"].html
    formula = html.split('<p class="formula">', 1)[1].split("</p>", 1)[0]
    assert '<span class="term">E产品处置</span>' in formula


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_paragraph_introducing_a_short_table_shares_its_page(built, sample):
    model, pages = built[sample].model, built[sample].pages
    blocks = model.blocks
    checked = 0
    for before, block in itertools.pairwise(blocks):
        if isinstance(block, Table) and block.keep_together and block.number and \
                getattr(before, "kind", "") == "paragraph" and before.style == "body":
            ending = plain(before.text)[-12:]
            paragraph_pages = [i for i, page in enumerate(pages) if ending in squash(page)]
            caption_pages = pages_with(pages, f"{block.number}{block.caption}")
            assert set(paragraph_pages) & set(caption_pages), block.caption
            checked += 1
    assert checked >= 3
