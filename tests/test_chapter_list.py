"""The report's chapters are the chapter templates found, in the order of their names.

A house style adds a chapter by adding a template to its ``chapters/`` folder, replaces
one by a file of the same name, and leaves one out with an empty file of that name.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cfpreport.pipeline import load_and_calculate
from cfpreport.report.blocks import Heading, Paragraph
from cfpreport.report.chapters import CONTEXTS, common_context_only, report_chapters
from cfpreport.report.model import build_report_model
from cfpreport.report.style import BUILTIN, Style
from tests.conftest import YUANYU

BUILT_IN = ["00a_cover", "00b_summary_sheet", "00c_contents", "00d_abstract",
            "00e_revision_history", "01_introduction", "02_company_and_product",
            "03_goal_and_scope", "04_data_collection", "05_calculation",
            "06_recommendations", "07_annex"]


def style_with(folder: Path, files: dict[str, str]) -> Style:
    """A style whose ``chapters/`` folder holds ``files`` (name -> template text)."""
    (folder / "chapters").mkdir()
    for name, source in files.items():
        (folder / "chapters" / name).write_text(source, encoding="utf-8")
    return Style(folder)


def chapter_names(style: Style, language: str = "zh") -> list[str]:
    return [chapter.name for chapter in
            report_chapters(SimpleNamespace(language=language, style=style))]


def headings(style: Style) -> list[tuple[str, str]]:
    calculated = load_and_calculate(YUANYU)
    model = build_report_model(calculated.study, calculated.results, style)
    return [(block.number, block.text) for block in model.blocks
            if isinstance(block, Heading) and block.level == 1]


def test_the_built_in_chapters_are_its_template_files_each_with_its_context():
    chapters = report_chapters(SimpleNamespace(language="zh", style=BUILTIN))
    assert [chapter.name for chapter in chapters] == BUILT_IN
    assert all(chapter.context is CONTEXTS[chapter.name] for chapter in chapters)


def test_a_style_adds_a_chapter_where_its_name_sorts(tmp_path):
    style = style_with(tmp_path, {"03a_pcr.zh.j2": "<h1>产品类别规则</h1>\n"
                                  "<p>{{ study.company.name }}：{{ text('not_assessed') }}</p>"})
    names = chapter_names(style)
    assert names == [*BUILT_IN[:8], "03a_pcr", *BUILT_IN[8:]]
    assert report_chapters(SimpleNamespace(language="zh", style=style))[8].context \
        is common_context_only
    numbered = [heading for heading in headings(style) if heading[0]]
    assert numbered[2:5] == [("3", "目标与范围定义"), ("4", "产品类别规则"), ("5", "数据收集")]


def test_the_added_chapter_gets_the_common_context(tmp_path):
    style = style_with(tmp_path, {"03a_pcr.zh.j2": "<h1>产品类别规则</h1>\n"
                                  "<p>{{ study.company.name }}：{{ text('not_assessed') }}</p>"})
    calculated = load_and_calculate(YUANYU)
    model = build_report_model(calculated.study, calculated.results, style)
    at = next(i for i, block in enumerate(model.blocks)
              if isinstance(block, Heading) and block.text == "产品类别规则")
    assert model.blocks[at + 1] == Paragraph(f"{calculated.study.company.name}：未评估")


def test_an_empty_template_leaves_its_chapter_out(tmp_path):
    style = style_with(tmp_path, {"06_recommendations.zh.j2": "\n"})
    assert chapter_names(style) == [name for name in BUILT_IN if name != "06_recommendations"]
    texts = [text for _, text in headings(style)]
    assert "改进建议" not in texts and texts[-1] == "附件"


def test_a_style_template_replaces_the_built_in_one_of_its_name(tmp_path):
    style = style_with(tmp_path, {"01_introduction.zh.j2": "<h1>碳足迹简介</h1>\n"})
    assert chapter_names(style) == BUILT_IN
    assert ("1", "碳足迹简介") in headings(style)


def test_templates_of_another_language_are_not_chapters_of_this_one(tmp_path):
    style = style_with(tmp_path, {"03a_pcr.en.j2": "<h1>PCR</h1>\n", "notes.txt": "x"})
    assert chapter_names(style) == BUILT_IN
