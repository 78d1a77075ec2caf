"""The Word renderer: every block written, real styles and fields, reproducible XML.

One hand-built report (cover, contents, headings on three levels, CO2 in text, a grid
table with two header rows, a colspan and notes, a form table, a chart with a legend,
signatures, draft watermark) is written once per module; the tests reopen it with
python-docx and read its XML.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from cfpreport.render.docx import WRITERS, docx_bytes, write_docx
from cfpreport.report.blocks import (
    BLOCK_TYPES,
    BulletList,
    Cell,
    Cover,
    Figure,
    Heading,
    LegendEntry,
    Metadata,
    PageBreak,
    Paragraph,
    ReportModel,
    SignatureBlock,
    SignatureLine,
    Table,
    TableOfContents,
    TocEntry,
)

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "v": "urn:schemas-microsoft-com:vml"}
HEADER_TEXT = "示例公司 产品碳足迹评价报告  报告编号：T4100013"
WIDTHS = [3, 1, 1, 2]
BODY_TEXT = "本报告依据GB/T 24067-2024核算产品的CO2排放，单位为10^4 kWh。"
THEME_ATTRIBUTES = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


def tiny_png() -> bytes:
    """A valid 2x1 RGB PNG, built by hand so the test needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x4e\x79\xc0\x50\x4d")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


PNG = tiny_png()
HEADINGS = [
    Heading(1, "1", "产品碳足迹（CFP）介绍", "h-1"),
    Heading(2, "1.1", "CO2排放的核算", "h-1-1"),
    Heading(3, "1.1.1", "核算边界", "h-1-1-1"),
    Heading(1, "", "附件", "h-annex"),
]
GRID = Table(
    anchor="t-1", number="表 5.2-1", caption="各阶段CO2排放量",
    header=[[Cell("阶段", align="center"), Cell("排放量", colspan=2, align="center"),
             Cell("占比", align="center")],
            [Cell(""), Cell("tCO2e", align="center"), Cell("kgCO2e", align="center"),
             Cell("%", align="center")]],
    rows=[[Cell("原材料获取"), Cell("0.0382", align="right"), Cell("38.2", align="right"),
           Cell("56.43", align="right")],
          [Cell("合计"), Cell("0.0677", align="right"), Cell("67.7", align="right"),
           Cell("100.00", align="right")]],
    widths=WIDTHS, notes=["注：数据来源于企业台账。", "注：GWP取自IPCC AR6。"])
FORM = Table(
    anchor="t-2", number="", caption="",
    header=[],
    rows=[[Cell("委托单位", header=True), Cell("示例公司", colspan=3)],
          [Cell("产品名称", header=True), Cell("逆变器"), Cell("型号", header=True),
           Cell("BXD-2")]],
    widths=[1, 2, 1, 2], style="form")
FIGURE = Figure(anchor="f-1", number="图 5.2-1", caption="生命周期各阶段碳排放分布",
                picture=PNG, width_mm=80, alt="饼图",
                legend=[LegendEntry("#1f4e79", "原材料获取  0.0382 tCO2e（56.43%）"),
                        LegendEntry("#c0504d", "产品生产  0.0295 tCO2e（43.57%）")])
SIGNATURES = SignatureBlock(lines=[SignatureLine("编制", "张三"), SignatureLine("审核", "李四")],
                            date_label="日期", seal_label="（公章）")


def sample_model(draft: bool = True) -> ReportModel:
    metadata = Metadata(
        title="产品碳足迹评价报告：逆变器", subject="示例公司 逆变器 产品碳足迹",
        author="示例检测机构", keywords=["产品碳足迹", "CFP", "BXD-2"], language="zh-CN",
        created=date(2025, 3, 14), report_number="T4100013", header_text=HEADER_TEXT,
        draft=draft)
    toc = TableOfContents("目  录", [TocEntry(h.level, h.number, h.text, h.anchor)
                                     for h in HEADINGS])
    blocks = [
        Cover("产品碳足迹评价报告", "逆变器 BXD-2",
              [("报告编号", "T4100013"), ("委托单位", "示例公司")]),
        PageBreak(),
        toc,
        PageBreak(),
        HEADINGS[0],
        Paragraph(BODY_TEXT),
        HEADINGS[1],
        BulletList(["收集活动数据", "选择排放因子"], ordered=True),
        BulletList(["CH4按GWP折算"]),
        HEADINGS[2],
        Paragraph("E = AD × EF", style="formula"),
        Paragraph("注：数据修约至四位小数。", style="note"),
        Paragraph("居中的说明", style="center"),
        GRID,
        FORM,
        FIGURE,
        PageBreak(),
        HEADINGS[3],
        SIGNATURES,
    ]
    return ReportModel(metadata, blocks)


def expected_texts() -> list[str]:
    """Every text the sample model shows, in order."""
    texts = ["产品碳足迹评价报告", "逆变器 BXD-2", "报告编号", "T4100013", "委托单位", "示例公司",
             "目  录", *(f"{h.number}  {h.text}".strip() for h in HEADINGS[:3])]
    texts += ["1  产品碳足迹（CFP）介绍", BODY_TEXT.replace("10^4", "104"),
              "1.1  CO2排放的核算", "1、收集活动数据", "2、选择排放因子",
              "• CH4按GWP折算", "1.1.1  核算边界", "E = AD × EF", "注：数据修约至四位小数。",
              "居中的说明", "表 5.2-1  各阶段CO2排放量"]
    texts += [cell.text for row in [*GRID.header, *GRID.rows] for cell in row if cell.text]
    texts += GRID.notes + [cell.text for row in FORM.rows for cell in row]
    texts += [entry.text for entry in FIGURE.legend] + ["图 5.2-1  生命周期各阶段碳排放分布"]
    texts += ["附件", "编制", "张三", "签名", "审核", "李四", "签名", "日期", "（公章）"]
    return texts


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    write_docx(sample_model(), path)
    return path


@pytest.fixture(scope="module")
def document(docx_path):
    return docx.Document(str(docx_path))


@pytest.fixture(scope="module")
def body(document):
    return document.element.body


def paragraph_texts(element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]


def paragraph_with_text(document, text: str):
    """The last paragraph showing `text` (a heading, not its TOC entry)."""
    return [p for p in document.paragraphs if p.text == text][-1]


def style_fonts(document, name: str):
    return document.styles[name].element.rPr.rFonts


def test_writers_cover_every_block_type():
    assert set(WRITERS) == {block_type.kind for block_type in BLOCK_TYPES}


def test_every_text_in_document_order(body):
    texts = iter(paragraph_texts(body))
    for expected in expected_texts():
        assert any(expected in text for text in texts), f"missing or out of order: {expected}"


def test_headings_use_word_heading_styles(document):
    for heading in HEADINGS[:3]:
        paragraph = paragraph_with_text(document, f"{heading.number}  {heading.text}")
        assert paragraph.style.name == f"Heading {heading.level}"


def test_unnumbered_heading_is_its_text_alone(document):
    assert paragraph_with_text(document, "附件").style.name == "Heading 1"


def test_chinese_fonts_and_no_theme_fonts(document):
    assert style_fonts(document, "Normal").get(qn("w:eastAsia")) == "宋体"
    assert style_fonts(document, "Normal").get(qn("w:ascii")) == "Times New Roman"
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
        fonts = style_fonts(document, name)
        assert fonts.get(qn("w:eastAsia")) == "黑体"
        assert not [a for a in THEME_ATTRIBUTES if fonts.get(qn(a)) is not None], name
        assert document.styles[name].font.color.rgb == (0, 0, 0)


def test_heading_and_body_sizes(document):
    sizes = {name: document.styles[name].font.size.pt
             for name in ("Normal", "Heading 1", "Heading 2", "Heading 3")}
    assert sizes == {"Normal": 10.5, "Heading 1": 16, "Heading 2": 14, "Heading 3": 12}


def test_default_language_is_chinese(document):
    lang = document.styles.element.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")


def test_body_paragraph_indents_two_characters(document):
    body_style = paragraph_with_text(document, "1、收集活动数据").style
    assert body_style.paragraph_format.first_line_indent.pt == 21


def test_a4_page_with_25mm_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.top_margin.mm) == 25


def grid_table(document):
    return next(t for t in document.tables if t.cell(0, 0).text == "阶段")


def test_header_rows_repeat_and_rows_do_not_split(document):
    rows = grid_table(document)._tbl.tr_lst
    assert [tr.find("w:trPr/w:tblHeader", NS) is not None for tr in rows] == [
        True, True, False, False]
    assert all(tr.find("w:trPr/w:cantSplit", NS) is not None for tr in rows)


def test_column_widths_follow_the_model(document):
    table = grid_table(document)._tbl
    grid = [int(col.get(qn("w:w"))) for col in table.tblGrid.findall("w:gridCol", NS)]
    total = sum(grid)
    assert total == pytest.approx(160 / 25.4 * 1440, abs=2)  # the text width, 160 mm
    for width, relative in zip(grid, WIDTHS, strict=True):
        assert width == pytest.approx(total * relative / sum(WIDTHS), abs=1)
    assert table.tblPr.find("w:tblLayout", NS).get(qn("w:type")) == "fixed"
    first_row_widths = [int(w.get(qn("w:w"))) for w in table.tr_lst[0].iter(qn("w:tcW"))]
    assert first_row_widths == [grid[0], grid[1] + grid[2], grid[3]]


def test_colspan_is_a_merged_cell(document):
    spans = [tc.find("w:tcPr/w:gridSpan", NS) for tc in grid_table(document)._tbl.tr_lst[0].tc_lst]
    assert [None if s is None else s.get(qn("w:val")) for s in spans] == [None, "2", None]


def test_table_caption_above_and_notes_below(body):
    texts = paragraph_texts(body)
    caption = texts.index("表 5.2-1  各阶段CO2排放量")
    assert texts.index("阶段") > caption
    assert texts.index(GRID.notes[0]) > texts.index("100.00")


def test_form_label_cells_are_shaded_and_bold(document):
    form = next(t for t in document.tables if t.cell(0, 0).text == "委托单位")
    label, value = form.rows[0].cells[0], form.rows[0].cells[1]
    assert label._tc.find("w:tcPr/w:shd", NS).get(qn("w:fill")) == "F0F0F0"
    assert value._tc.find("w:tcPr/w:shd", NS) is None
    assert label.paragraphs[0].style.font.bold is True
    assert form.style.name == "Table Grid"


def test_chemical_formulas_get_subscripts(body):
    runs = [(r.findtext("w:t", "", NS), r.find("w:rPr/w:vertAlign", NS))
            for r in body.iter(qn("w:r"))]
    index = next(i for i, (text, _) in enumerate(runs) if text.endswith("产品的CO"))
    text, vertical = runs[index + 1]
    assert (text, vertical.get(qn("w:val"))) == ("2", "subscript")
    powers = [text for text, vertical in runs
              if vertical is not None and vertical.get(qn("w:val")) == "superscript"]
    assert powers == ["4"]


def test_toc_field_prefilled_and_updated_on_open(document, body):
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert instructions == [r' TOC \o "1-3" \h \z \u ']
    paragraphs = document.paragraphs
    start = [p.text for p in paragraphs].index("目  录") + 1
    entries = [(p.text, p.style.name) for p in paragraphs[start:start + 4]]
    assert entries == [("1  产品碳足迹（CFP）介绍", "toc 1"), ("1.1  CO2排放的核算", "toc 2"),
                       ("1.1.1  核算边界", "toc 3"), ("附件", "toc 1")]
    links = {link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))}
    bookmarks = {mark.get(qn("w:name")) for mark in body.iter(qn("w:bookmarkStart"))}
    assert links == {"h_1", "h_1_1", "h_1_1_1", "h_annex"} and links <= bookmarks
    update = document.settings.element.find("w:updateFields", NS)
    assert update.get(qn("w:val")) == "true"


def test_cover_page_has_no_header_and_one_page_break(document, body):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert HEADER_TEXT not in "".join(paragraph_texts(section.first_page_header._element))
    assert "".join(paragraph_texts(section.first_page_footer._element)) == ""
    elements = list(body)
    title = next(i for i, e in enumerate(elements) if "目  录" in "".join(paragraph_texts(e)))
    breaks = [e for e in elements[:title] if e.find(".//w:pageBreakBefore", NS) is not None]
    assert len(breaks) == 1
    assert not body.findall(".//w:br[@w:type='page']", NS)  # never a break character


def test_chapters_start_a_new_page_once(document):
    assert document.styles["Heading 1"].paragraph_format.page_break_before is True
    after_page_break = paragraph_with_text(document, "1  产品碳足迹（CFP）介绍")
    assert after_page_break.paragraph_format.page_break_before is False
    assert paragraph_with_text(document, "附件").paragraph_format.page_break_before is False


def test_header_text_and_draft_watermark_on_every_page(document):
    section = document.sections[0]
    assert HEADER_TEXT in paragraph_texts(section.header._element)
    for header in (section.header, section.first_page_header):
        marks = header._element.findall(".//v:shape/v:textpath", NS)
        assert [mark.get("string") for mark in marks] == ["草稿 DRAFT"]


def test_final_report_has_no_watermark(tmp_path):
    path = tmp_path / "final.docx"
    write_docx(sample_model(draft=False), path)
    with zipfile.ZipFile(path) as package:
        headers = [package.read(n) for n in package.namelist() if "header" in n]
    assert headers and not any(b"textpath" in header for header in headers)


def test_footer_counts_pages(document):
    footer = document.sections[0].footer._element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "".join(paragraph_texts(footer)) == "第 1 页 共 1 页"


def test_core_properties_come_from_the_metadata(document):
    properties = document.core_properties
    stamp = datetime(2025, 3, 14, tzinfo=UTC)
    assert (properties.title, properties.subject, properties.author) == (
        "产品碳足迹评价报告：逆变器", "示例公司 逆变器 产品碳足迹", "示例检测机构")
    assert properties.keywords == "产品碳足迹; CFP; BXD-2"
    assert (properties.language, properties.last_modified_by) == ("zh-CN", "示例检测机构")
    assert properties.created == properties.modified == properties.last_printed == stamp
    assert properties.revision == 1


def test_figure_image_is_embedded_with_alt_text(document, docx_path):
    with zipfile.ZipFile(docx_path) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/")]
        assert [package.read(n) for n in images] == [PNG]
    (shape,) = document.inline_shapes
    assert round(shape.width.mm) == 80
    assert shape._inline.docPr.get("descr") == "饼图"


def test_figure_legend_is_text_beside_the_chart(document):
    figure = next(t for t in document.tables if t.rows[0].cells[0]._tc.xpath(".//w:drawing"))
    legend = figure.rows[0].cells[1].paragraphs
    assert [p.text for p in legend] == [f"■ {entry.text}" for entry in FIGURE.legend]
    assert [p.runs[0].font.color.rgb for p in legend] == [(0x1F, 0x4E, 0x79), (0xC0, 0x50, 0x4D)]


def test_same_model_gives_the_same_document_xml(tmp_path, docx_path):
    again = tmp_path / "again.docx"
    write_docx(sample_model(), again)
    parts = ["word/document.xml", "word/styles.xml", "docProps/core.xml"]
    with zipfile.ZipFile(docx_path) as first, zipfile.ZipFile(again) as second:
        assert [first.read(p) for p in parts] == [second.read(p) for p in parts]


def test_bytes_are_the_same_document(docx_path):
    with zipfile.ZipFile(io.BytesIO(docx_bytes(sample_model()))) as in_memory, \
            zipfile.ZipFile(docx_path) as on_disk:
        assert in_memory.read("word/document.xml") == on_disk.read("word/document.xml")


def test_row_that_does_not_fill_the_columns_is_an_error(tmp_path):
    bad = Table(anchor="t-9", number="表 1", caption="坏表", header=[],
                rows=[[Cell("a"), Cell("b")]], widths=[1, 1, 1])
    model = ReportModel(sample_model().metadata, [bad])
    with pytest.raises(ValueError, match="spans 2 columns, not 3"):
        write_docx(model, tmp_path / "bad.docx")
