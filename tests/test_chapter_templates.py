"""Chapter templates: the block markup they write, and their mistakes as one-line errors.

Each test writes a chapter template into a style folder of its own (searched before the
built-in one) and renders it with a small context; the facts are a stand-in, since the
markup does not depend on them.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from cfpreport.errors import StyleError
from cfpreport.report.blocks import BulletList, Heading, PageBreak, Paragraph, Table
from cfpreport.report.chapter_templates import environment, render_chapter
from cfpreport.report.markup import Prepared
from cfpreport.report.model import ModelWriter
from cfpreport.report.style import Style


def stand_in_facts(style_folder: Path) -> SimpleNamespace:
    """What render_chapter reads of the facts: language, style and the snippet helpers."""
    return SimpleNamespace(study=None, language="zh", style=Style(style_folder),
                           text=lambda key, **more: key, paragraphs=lambda key, **more: [key],
                           items=lambda key, **more: [key])


def render(tmp_path: Path, source: str, context=None, writer: ModelWriter | None = None):
    """Render ``source`` as chapter ``test`` and return the writer that received it."""
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "test.zh.j2").write_text(source, encoding="utf-8")
    writer = writer or ModelWriter()
    render_chapter(writer, stand_in_facts(tmp_path), "test",
                   context or (lambda facts, prepared: {}))
    return writer


def one_table(facts, prepared: Prepared) -> dict:
    return {"t": prepared.table("功能单位", [], [], [1.0])}


def test_markup_becomes_numbered_blocks(tmp_path):
    writer = render(tmp_path, """
<h1>目标与范围定义</h1>
<h2>评价目的</h2>
<h3 numbered="no">说明</h3>
<p>如{{ t.number }}所示。</p>
<table ref="{{ t }}"/>
<p style="note">注：</p>
<list ordered="yes"><item> 一 </item><item>二</item></list>
<pagebreak/>
""", one_table)
    heading, section, unnumbered, cite, table, note, items, page = writer.blocks
    assert (heading.number, heading.text, heading.anchor) == ("1", "目标与范围定义", "h-1")
    assert section.number == "1.1"
    assert isinstance(unnumbered, Heading) and unnumbered.number == ""
    assert cite == Paragraph("如表 1-1所示。")
    assert isinstance(table, Table) and (table.number, table.anchor) == ("表 1-1", "t-4")
    assert note == Paragraph("注：", "note")
    assert items == BulletList(["一", "二"], ordered=True)
    assert isinstance(page, PageBreak)


def test_a_study_string_stays_text(tmp_path):
    writer = render(tmp_path, "<p>{{ name }}</p>",
                    lambda facts, prepared: {"name": '<h1>A&B "x"</h1></p><pagebreak/>'})
    assert writer.blocks == [Paragraph('<h1>A&B "x"</h1></p><pagebreak/>')]


def test_a_template_is_compiled_once_per_search_path(tmp_path):
    folders = Style(tmp_path).template_folders()
    assert environment(folders) is environment(folders)


def test_a_syntax_error_names_file_and_line(tmp_path):
    with pytest.raises(StyleError) as error:
        render(tmp_path, "<h1>x</h1>\n{% if %}\n")
    assert str(error.value).endswith("test.zh.j2:2: template syntax error: "
                                     "Expected an expression, got 'end of statement block'")
    assert "\n" not in str(error.value)


def test_an_unknown_field_names_the_template_line(tmp_path):
    with pytest.raises(StyleError) as error:
        render(tmp_path, "<h1>x</h1>\n\n<p>{{ study_title }}</p>\n")
    assert str(error.value).endswith("test.zh.j2:3: unknown field: "
                                     "'study_title' is undefined")


def test_an_unknown_element_names_the_template_line(tmp_path):
    with pytest.raises(StyleError) as error:
        render(tmp_path, "<h1>x</h1>\n<p>a</p>\n<bold>b</bold>\n")
    assert "test.zh.j2:3: unknown element <bold>" in str(error.value)


def test_a_wrong_attribute_value_is_refused(tmp_path):
    with pytest.raises(StyleError, match=r"test.zh.j2:2: <list ordered=\"true\">"):
        render(tmp_path, "<h1>x</h1>\n<list ordered=\"true\"><item>a</item></list>")


def test_text_outside_an_element_is_refused(tmp_path):
    with pytest.raises(StyleError, match=r"test.zh.j2:2: text outside any element: '正文'"):
        render(tmp_path, "<h1>x</h1>\n正文\n")


def test_markup_that_is_not_well_formed_is_refused(tmp_path):
    with pytest.raises(StyleError, match=r"test.zh.j2:2: the markup is not well-formed: "
                                         r"<p> is not closed before the end of the chapter"):
        render(tmp_path, "<h1>x</h1>\n<p>a\n")


def test_a_prepared_table_must_be_placed(tmp_path):
    with pytest.raises(StyleError, match="表 1-1 is prepared but never placed"):
        render(tmp_path, "<h1>x</h1>\n<p>{{ t.number }}</p>\n", one_table)


def test_tables_are_placed_in_the_order_they_are_numbered(tmp_path):
    def two(facts, prepared):
        return {"a": prepared.table("a", [], [], [1.0]), "b": prepared.table("b", [], [], [1.0])}

    with pytest.raises(StyleError, match="表 1-2 is placed where 表 1-1 comes"):
        render(tmp_path, '<h1>x</h1>\n<table ref="{{ b }}"/>\n<table ref="{{ a }}"/>', two)


def test_a_ref_must_name_a_prepared_object(tmp_path):
    with pytest.raises(StyleError, match=r"test.zh.j2:2: <figure ref=\"t9\"> names no figure"):
        render(tmp_path, '<h1>x</h1>\n<figure ref="t9"/>')
