"""The chapters' Python prints no words of its own: every word comes from a template or a
text snippet of the report's language, so another edition cannot inherit Chinese ones.

The check reads the string constants of each ``chapters*.py`` module (docstrings aside:
they may quote what the report prints) and looks for CJK characters and full-width
punctuation.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT

CHAPTER_MODULES = sorted((ROOT / "cfpreport" / "report").glob("chapters*.py"))

# CJK punctuation (、。「」), CJK ideographs, and full-width forms (（）：；).
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def docstring_nodes(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (of the module, a class or a
    function)."""
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, owners) and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
            and isinstance(node.body[0].value.value, str)}


def words_in(source: str) -> list[tuple[int, str]]:
    """Each string constant (f-string parts included) holding CJK text, with its line."""
    tree = ast.parse(source)
    docstrings = docstring_nodes(tree)
    found = [node for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in docstrings and CJK.search(node.value)]
    return [(node.lineno, node.value)
            for node in sorted(found, key=lambda node: (node.lineno, node.col_offset))]


def test_the_check_finds_words_in_strings_and_f_strings_but_not_docstrings():
    source = ('"""模块。"""\n'
              'def f(x):\n'
              '    """函数：说明。"""\n'
              '    # 注释\n'
              '    return [f"{x}合计", "、", "(a)", "（草稿）"]\n')
    assert words_in(source) == [(5, "合计"), (5, "、"), (5, "（草稿）")]


def test_the_chapter_modules_are_all_checked():
    names = {path.name for path in CHAPTER_MODULES}
    assert {"chapters.py", "chapters_front.py", "chapters_scope.py", "chapters_data.py",
            "chapters_results.py"} <= names


@pytest.mark.parametrize("path", CHAPTER_MODULES, ids=lambda path: path.name)
def test_chapter_python_prints_no_words_of_its_own(path):
    assert words_in(path.read_text(encoding="utf-8")) == []
