"""Boilerplate report text: Jinja snippets in ``templates/text/zh.yaml`` filled with facts.

The result is plain text; the renderers escape it like any other text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
import yaml

from cfpreport.assets import templates_dir


@cache
def _snippets(language: str) -> dict[str, Any]:
    path = templates_dir() / "text" / f"{language}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _environment() -> jinja2.Environment:
    # Plain text out: no autoescape here; every renderer escapes the finished text.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                              keep_trailing_newline=False)


@cache
def _template(source: str) -> jinja2.Template:
    """Compile a snippet once per process: a report fills the same ones per product."""
    return _environment().from_string(source)


def text(key: str, language: str = "zh", **facts: Any) -> str:
    """Fill one snippet; a missing fact is an error (StrictUndefined)."""
    return _template(_snippets(language)[key]).render(**facts).strip()


def paragraphs(key: str, language: str = "zh", **facts: Any) -> list[str]:
    """Fill a snippet and split it into paragraphs at blank lines."""
    return split_paragraphs(text(key, language, **facts))


def items(key: str, language: str = "zh", **facts: Any) -> list[str]:
    """Fill each entry of a list snippet."""
    return [_template(item).render(**facts).strip() for item in _snippets(language)[key]]


def split_paragraphs(value: str) -> list[str]:
    """Split user or template text into paragraphs at blank lines; join wrapped lines."""
    blocks = [join_lines([line.strip() for line in block.splitlines() if line.strip()])
              for block in value.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: with a space between Latin words, with nothing inside CJK text."""
    joined = ""
    for line in lines:
        if joined and joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined
