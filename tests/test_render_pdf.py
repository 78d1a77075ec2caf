"""The HTML/PDF renderer: escaping, confinement, fonts, pagination, reproducibility.

One hand-built report (cover, contents, ten headings on three levels, a table long
enough to span two pages, a chart, signatures, draft watermark) is rendered once per
module; the tests read its text and fonts back with pypdf.
"""

from __future__ import annotations

import gc
import io
import logging
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

import jinja2
import pytest
from markupsafe import Markup

from cfpreport import assets
from cfpreport.errors import BuildError
from cfpreport.render.html import render_html, runs, template_kinds
from cfpreport.render.pdf import (
    ForbiddenURL,
    allowed_file,
    check_harfbuzz_subset,
    confined_fetcher,
    file_state,
    font_configuration,
    pdf_bytes,
    write_pdf,
)
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
from cfpreport.report.style import BUILTIN

pypdf = pytest.importorskip("pypdf")

INJECTION = '<img src="file:///etc/passwd">'
SCRIPT = "<script>alert(1)</script>"
HEADER_TEXT = "产品碳足迹报告  T4100013"
LONG_TABLE_HEADER = "物料名称"
LONG_TABLE_ROWS = 50
LEGEND = [LegendEntry("#1f4e79", "原辅料获取  0.0227 tCO2e（33.53%）"),
          LegendEntry("#9dc3e6", "产品生产  0.0382 tCO2e（56.43%）")]

# (level, number, text, anchor): unique texts, so each heading is found by search.
HEADINGS = [
    (1, "", "摘要", "abstract"),
    (1, "1", "产品碳足迹（CFP）介绍", "ch1"),
    (1, "2", "企业及产品介绍", "ch2"),
    (2, "2.1", "企业基本情况", "s2-1"),
    (2, "2.2", "产品基本情况", "s2-2"),
    (3, "2.2.1", "产品功能说明", "s2-2-1"),
    (1, "3", "目标与范围定义", "ch3"),
    (2, "3.1", "评价目的", "s3-1"),
    (3, "3.1.1", "功能单位定义", "s3-1-1"),
    (1, "4", "数据收集与活动水平", "ch4"),
    (2, "4.1", "原辅料消耗清单", "s4-1"),
    (1, "5", "碳足迹计算结果", "ch5"),
    (2, "5.1", "各阶段排放占比", "s5-1"),
]
FILLER = ("本次产品碳足迹评价依据 GB/T 24067-2024 与 ISO 14067:2018 的要求，"
          "采用生命周期评价方法，核算产品从原辅料获取到产品处置各阶段的温室气体排放，"
          "以 kgCO2e 表示，排放因子取自国家公布的数据。")


def chart_png() -> bytes:
    """Draw a small bar chart with matplotlib (no pyplot state), as PNG bytes."""
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(4, 2.6), dpi=100)
    axes = figure.subplots()
    axes.bar(["A1", "A2", "A3", "A4", "C"], [33.5, 4.6, 56.4, 1.6, 3.8], color="#4a6fa5")
    axes.set_ylabel("%")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def heading(index: int) -> Heading:
    level, number, text, anchor = HEADINGS[index]
    return Heading(level=level, number=number, text=text, anchor=anchor)


def long_table() -> Table:
    rows = [[Cell(f"{i}", align="center"), Cell(f"原材料第{i}项"),
             Cell(f"{i * 1.25:.2f}", align="right"), Cell("kg", align="center")]
            for i in range(1, LONG_TABLE_ROWS + 1)]
    return Table(anchor="t4-1", number="表 4.1-1", caption="原辅料消耗量（单位产品）",
                 header=[[Cell("序号", align="center"), Cell(LONG_TABLE_HEADER, align="center"),
                          Cell("消耗量", align="center"), Cell("单位", align="center")]],
                 rows=rows, widths=[1, 4, 2, 1.5], notes=["注：数据来源于企业 2024 年台账。"])


def form_table() -> Table:
    return Table(anchor="", number="", caption="", header=[], style="form", widths=[1, 2, 1, 2],
                 rows=[[Cell("企业名称", header=True), Cell(INJECTION),
                        Cell("法定代表人", header=True), Cell("袁素娟")],
                       [Cell("核算依据", header=True), Cell("PAS 2050:2011", colspan=3)]])


def chart(width_mm: float, colour: str = "#1f4e79") -> Figure:
    legend = [replace(LEGEND[0], colour=colour), LEGEND[1]]
    return Figure(anchor="f5-1", number="图 5.1-1", caption="各阶段排放占比", picture=chart_png(),
                  width_mm=width_mm, alt="各阶段排放占比柱状图", legend=legend)


def sample_model(draft: bool = True) -> ReportModel:
    """A small but complete report: every block kind, several pages."""
    metadata = Metadata(title="一二次融合成套柱上断路器产品碳足迹报告", subject="产品碳足迹评价",
                        author="三信国际检测认证有限公司", keywords=["产品碳足迹", "ISO 14067"],
                        language="zh-CN", created=date(2025, 2, 26), report_number="T4100013",
                        header_text=HEADER_TEXT, draft=draft)
    toc = TableOfContents(title="目录", entries=[
        TocEntry(level=level, number=number, text=text, anchor=anchor)
        for level, number, text, anchor in HEADINGS])
    cover = Cover(title="产品碳足迹报告", subtitle="一二次融合成套柱上断路器",
                  fields=[("产品名称", "一二次融合成套柱上断路器"), ("生产者名称", INJECTION),
                          ("报告编号", "T4100013"), ("报告签发日期", "2025年02月26日")])
    body = [
        cover, form_table(),
        SignatureBlock(lines=[SignatureLine("编制", "穆相龙"), SignatureLine("组长", "穆相龙")]),
        toc, heading(0), Paragraph(FILLER), Paragraph(INJECTION), Paragraph(SCRIPT),
        heading(1), Paragraph(FILLER * 2), heading(2), heading(3), Paragraph(FILLER),
        heading(4), Paragraph(FILLER), heading(5),
        BulletList(items=["断路器开断与关合", "图像与视频在线监测"], ordered=True),
        PageBreak(), heading(6), heading(7), Paragraph(FILLER), heading(8),
        Paragraph("E = Σ AD × EF", style="formula"),
        Paragraph("式中：AD 为活动水平数据。", style="note"),
        heading(9), heading(10), long_table(),
        heading(11), heading(12),
        chart(width_mm=80),
        BulletList(items=["提高能源效率", "使用可再生电力"]),
        Paragraph("本报告结论仅对所评价的产品有效。", style="center"),
        SignatureBlock(lines=[SignatureLine("企业代表", "")], date_label="日期",
                       seal_label="（公章）"),
    ]
    return ReportModel(metadata=metadata, blocks=body)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    reader: object
    pages: list[str]  # extracted text, one string per page
    log: list[str]  # WeasyPrint warnings and errors during the render


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        data = pdf_bytes(render_html(sample_model()), allowed_roots=[])
    finally:
        logger.removeHandler(handler)
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    return Rendered(data, reader, pages, handler.messages)


def squash(text: str) -> str:
    """Drop whitespace, which text extraction puts in unpredictably."""
    return re.sub(r"\s+", "", text)


def page_of(pages: list[str], text: str, after: int) -> int:
    """The 1-based number of the first page after page `after` that contains text."""
    for number, page in enumerate(pages, start=1):
        if number > after and squash(text) in squash(page):
            return number
    raise AssertionError(f"{text!r} not found after page {after}")


# ---- HTML ----------------------------------------------------------------------------


def test_every_block_type_has_a_template():
    assert template_kinds() == {block_type.kind for block_type in BLOCK_TYPES}


def test_runs_escapes_text_and_marks_sub_and_superscripts():
    assert runs("<b>CO2</b> & 10^4 t") == Markup(
        "&lt;b&gt;CO<sub>2</sub>&lt;/b&gt; &amp; 10<sup>4</sup> t")


def test_user_text_never_becomes_markup():
    html = render_html(sample_model())
    assert '<img src="file:' not in html
    assert "<script>" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_carries_metadata_and_language():
    html = render_html(sample_model())
    assert '<html lang="zh-CN">' in html
    assert "<title>一二次融合成套柱上断路器产品碳足迹报告</title>" in html
    assert '<meta name="author" content="三信国际检测认证有限公司">' in html
    assert '<meta name="dcterms.created" content="2025-02-26">' in html


def test_watermark_only_in_drafts():
    assert "草稿 DRAFT" in render_html(sample_model(draft=True))
    assert "草稿" not in render_html(sample_model(draft=False))


def test_pdf_html_has_no_inline_css_and_standalone_inlines_it_with_browser_fonts():
    assert "<style" not in render_html(sample_model())
    html = render_html(sample_model(), standalone=True)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '"Noto Serif SC", "Noto Serif CJK SC"' in style  # not autoescaped to &#34;
    assert "@font-face" not in style and "url(" not in style and '"cfp-' not in style
    english = render_html(sample_model(), standalone=True, stylesheets=BUILTIN.stylesheets("en"))
    assert '"Noto Serif", "Georgia"' in english  # the English edition's Latin face
    assert "@font-face" not in english and '"cfp-' not in english
    assert str(assets.fonts_dir()) not in html


@dataclass(frozen=True)
class Incomplete:
    kind: ClassVar[str] = "heading"
    level: int = 1


def test_figure_legend_beside_a_narrow_chart_and_below_a_wide_one():
    def html(figure: Figure) -> str:
        return render_html(replace(sample_model(), blocks=[figure]))

    assert '<ul class="legend beside">' in html(chart(width_mm=80))
    wide = html(chart(width_mm=120))
    assert '<ul class="legend below">' in wide and "figure-layout" not in wide
    assert "tCO<sub>2</sub>e（33.53%）" in wide


def test_legend_colour_must_be_a_hex_colour():
    model = replace(sample_model(), blocks=[chart(80, colour="red; background: url(x)")])
    with pytest.raises(ValueError, match="colour"):
        render_html(model)


def test_a_missing_field_is_an_error_not_a_blank():
    model = replace(sample_model(), blocks=[Incomplete()])
    with pytest.raises(jinja2.UndefinedError):
        render_html(model)


def test_a_block_without_template_is_an_error():
    @dataclass(frozen=True)
    class Unknown:
        kind: ClassVar[str] = "no_such_kind"

    with pytest.raises(jinja2.TemplateNotFound):
        render_html(replace(sample_model(), blocks=[Unknown()]))


# ---- URL fetcher ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://example.com/logo.png",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    "file://otherhost/etc/passwd",
])
def test_fetcher_refuses_urls_outside(url):
    with pytest.raises(ForbiddenURL):
        confined_fetcher([]).fetch(url)


def test_fetcher_refuses_paths_that_leave_an_allowed_folder(tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (study / "link.png").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ForbiddenURL):
        allowed_file(f"{study.as_uri()}/../secret.txt", [study])
    with pytest.raises(ForbiddenURL):
        allowed_file(f"{study.as_uri()}/link.png", [study])
    with pytest.raises(ForbiddenURL):
        allowed_file(f"{assets.templates_dir().as_uri()}/../../../etc/passwd",
                     [assets.templates_dir()])


def test_fetcher_serves_fonts_study_files_and_data_uris(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG fake")
    fetcher = confined_fetcher([tmp_path])
    font = fetcher.fetch(assets.font_path("sans-bold").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # TrueType
    assert fetcher.fetch((tmp_path / "logo.png").as_uri()).read() == b"\x89PNG fake"
    assert fetcher.fetch("data:text/plain;base64,5Lit").read() == "中".encode()


def test_pdf_render_stops_on_a_forbidden_resource():
    with pytest.raises(BuildError, match="outside the folders"):
        pdf_bytes('<p>x</p><img src="file:///etc/passwd">', allowed_roots=[])


def test_pdf_render_reads_images_inside_the_study_folder(tmp_path):
    (tmp_path / "logo.png").write_bytes(chart_png())
    data = pdf_bytes(f'<p>图</p><img src="{(tmp_path / "logo.png").as_uri()}">',
                     allowed_roots=[tmp_path])
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1


def test_write_pdf_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    write_pdf("<p>碳足迹</p>", target, allowed_roots=[])
    assert target.read_bytes().startswith(b"%PDF-")
    assert [path.name for path in tmp_path.iterdir()] == ["report.pdf"]


def test_missing_harfbuzz_subset_is_warned_about(monkeypatch):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    with pytest.warns(RuntimeWarning, match="libharfbuzz-subset0"):
        assert check_harfbuzz_subset.__wrapped__() is False


def test_harfbuzz_subset_is_present_here():
    assert check_harfbuzz_subset.__wrapped__() is True


# ---- PDF --------------------------------------------------------------------------------


def test_weasyprint_reports_no_problem(rendered):
    assert rendered.log == []


def toc_lines(page: str) -> dict[str, int]:
    """Map each contents line's label ("2.1 企业基本情况") to its page number."""
    lines = (re.fullmatch(r"(.+?)\s*\.{3,}\s*(\d+)", line) for line in page.splitlines())
    return {match.group(1): int(match.group(2)) for match in lines if match}


def test_toc_page_numbers_are_the_pages_headings_land_on(rendered):
    toc_page = page_of(rendered.pages, "目录", after=0)
    listed = toc_lines(rendered.pages[toc_page - 1])
    landed = {f"{number} {text}".strip(): page_of(rendered.pages, text, after=toc_page)
              for _, number, text, _ in HEADINGS}
    assert listed == landed
    assert len(set(landed.values())) >= 5  # the headings are spread over several pages


def test_chapters_start_a_page_and_no_page_is_blank(rendered):
    toc_page = page_of(rendered.pages, "目录", after=0)
    for level, number, text, _ in HEADINGS:
        page = rendered.pages[page_of(rendered.pages, text, after=toc_page) - 1]
        if level == 1:
            assert page.splitlines()[0] == f"{number} {text}".strip()
    furniture = re.compile(r"草稿 DRAFT|" + re.escape(HEADER_TEXT) + r"|第 \d+ 页 共 \d+ 页")
    assert all(furniture.sub("", page).strip() for page in rendered.pages)


def embedded_fonts(reader) -> dict[str, bytes]:
    """Map each font's BaseFont to its embedded font program (every font must have one)."""
    programs = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            (key,) = [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
            programs[str(font["/BaseFont"])] = descriptor[key].get_object().get_data()
    return programs


def font_identity(font) -> tuple[str, str]:
    """A font's PostScript name and version string, from its name table."""
    return font["name"].getDebugName(6), font["name"].getDebugName(5)


def test_fonts_are_subsets_of_the_shipped_fonts(rendered):
    from fontTools.ttLib import TTFont

    shipped = {font_identity(TTFont(assets.font_path(role), lazy=True))
               for role in assets.FONT_FILES}
    programs = embedded_fonts(rendered.reader)
    for base_font in programs:
        assert re.fullmatch(r"/[A-Z]{6}\+cfp-(serif|sans|sans-Bold)", base_font)  # subset tag
    embedded = {font_identity(TTFont(io.BytesIO(data))) for data in programs.values()}
    assert embedded == shipped  # serif body, sans Regular (contents), sans Bold; nothing else
    assert all(len(data) < 600_000 for data in programs.values())  # subsets, not whole fonts


def test_chinese_text_comes_back_exactly(rendered):
    text = squash("".join(rendered.pages))
    for expected in ("一二次融合成套柱上断路器", "原辅料消耗量（单位产品）", "表4.1-1",
                     "图5.1-1各阶段排放占比", "式中：AD为活动水平数据。", "3.1.1功能单位定义",
                     "本报告结论仅对所评价的产品有效。", "断路器开断与关合", "图像与视频在线监测",
                     "原辅料获取0.0227tCO2e（33.53%）", "产品生产0.0382tCO2e（56.43%）"):
        assert expected in text
    list_page = rendered.pages[page_of(rendered.pages, "断路器开断与关合", after=0) - 1]
    assert "1、" in list_page and "2、" in list_page  # markers come last in the text
    assert "\ufffd" not in text and "\x00" not in text


def test_running_header_and_page_footer(rendered):
    pages = rendered.pages
    total = len(pages)
    assert total >= 8
    assert squash(HEADER_TEXT) not in squash(pages[0])  # the cover has no header
    assert "第1页" not in squash(pages[0])
    for number, page in enumerate(pages[1:], start=2):
        assert squash(HEADER_TEXT) in squash(page)
        assert f"第{number}页共{total}页" in squash(page)
    assert f"第 2 页 共 {total} 页" in pages[1]


def test_long_table_repeats_its_header_on_the_next_page(rendered):
    first = page_of(rendered.pages, "原材料第1项", after=0)
    last = page_of(rendered.pages, f"原材料第{LONG_TABLE_ROWS}项", after=0)
    assert last == first + 1
    for number in (first, last):
        assert LONG_TABLE_HEADER in squash(rendered.pages[number - 1])


def test_draft_watermark_on_every_page(rendered):
    assert all("草稿" in page for page in rendered.pages)


def test_user_markup_prints_literally(rendered):
    text = squash("".join(rendered.pages))
    assert squash(INJECTION) in text
    assert squash(SCRIPT) in text


def test_pdf_metadata(rendered):
    info = rendered.reader.metadata
    assert info.title == "一二次融合成套柱上断路器产品碳足迹报告"
    assert info.author == "三信国际检测认证有限公司"
    assert info.subject == "产品碳足迹评价"
    assert "ISO 14067" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20250226")


def test_pdf_is_small(rendered):
    assert len(rendered.pdf) < 1_500_000


def test_same_model_gives_identical_bytes(rendered):
    assert pdf_bytes(render_html(sample_model()), allowed_roots=[]) == rendered.pdf


def test_the_fonts_a_process_keeps_change_no_byte_of_a_later_pdf():
    html = render_html(sample_model())
    font_configuration.cache_clear()
    fresh = pdf_bytes(html, allowed_roots=[])
    english = [assets.templates_dir() / name for name in ("report.css", "report.en.css")]
    pdf_bytes("<p>Product carbon footprint 产品碳足迹</p>", allowed_roots=[], stylesheets=english)
    pdf_bytes("<h1>另一份报告</h1><p>鳞 齉 ℃ ≤ μg</p>", allowed_roots=[])
    assert pdf_bytes(html, allowed_roots=[]) == fresh
    assert font_configuration.cache_info().currsize == 2  # one per list of stylesheets


def test_an_edited_stylesheet_gets_a_font_configuration_of_its_own(tmp_path):
    css = tmp_path / "report.css"
    css.write_text("p { color: #111111 }", encoding="utf-8")
    first = font_configuration((file_state(css),))
    assert font_configuration((file_state(css),)) is first
    css.write_text("p { color: #222222; }", encoding="utf-8")
    assert font_configuration((file_state(css),)) is not first


def test_the_garbage_collector_only_collects_the_pdf_s_own_objects_after_it():
    generations = []

    def record(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        pdf_bytes("<h1>产品碳足迹</h1>" + "<p>0.0677 tCO<sub>2</sub>e</p>" * 300, allowed_roots=[])
        assert gc.isenabled()
        assert set(generations) == {0}  # none while it was made; the youngest after
        with pytest.raises(BuildError):
            pdf_bytes('<img src="file:///etc/passwd">', allowed_roots=[])
        assert gc.isenabled()
        gc.disable()  # the caller's pause is the caller's to end
        generations.clear()
        pdf_bytes("<p>碳足迹</p>", allowed_roots=[])
        assert not gc.isenabled() and generations == []
    finally:
        gc.enable()
        gc.callbacks.remove(record)
