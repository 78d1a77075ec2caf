"""Render a chapter template to block markup and parse it into the report model.

Templates live under ``templates/chapters/`` (``01_introduction.zh.j2``), found through a
list of folders searched in turn: a style's folder first, then the built-in one, so a
style shadows any file it holds. The environment is sandboxed and autoescaped: a study's
text reaches the markup only as character data, never as an element, in both formats.
A template's mistake is the user's, reported as one line ``file:line: problem``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from cfpreport.errors import StyleError
from cfpreport.report import texts
from cfpreport.report.facts import Facts
from cfpreport.report.markup import Prepared, Source, parse_chapter
from cfpreport.report.model import ModelWriter

#: What a chapter template receives besides the common context: built from the facts
#: and the chapter's :class:`Prepared` objects (tables and figures numbered in order).
ContextBuilder = Callable[[Facts, Prepared], dict[str, Any]]


@cache
def environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    """One environment per search path, so each template is compiled once per process."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
        auto_reload=False)  # templates do not change while a report is built


@dataclass(frozen=True)
class TemplateChapter:
    """A chapter written by a template: ``chapters/<name>.<language>.j2``."""

    name: str  # "01_introduction"
    context: ContextBuilder

    def __call__(self, writer: ModelWriter, facts: Facts) -> None:
        render_chapter(writer, facts, self.name, self.context)


def render_chapter(writer: ModelWriter, facts: Facts, name: str,
                   context: ContextBuilder) -> None:
    """Render one chapter template, in the report's language and style, with its
    context, and write its blocks."""
    env = environment(facts.style.template_folders())
    template = load(env, f"chapters/{name}.{facts.language}.j2")
    # Numbers of tables and figures are reserved in the chapter its <h1> will open.
    prepared = Prepared(chapter=writer.counters[0] + 1, language=writer.language)
    source = Source(template.filename or name)
    try:
        markup = template.render(**common_context(facts), **context(facts, prepared))
    except jinja2.UndefinedError as error:
        raise StyleError(source.file, template_line(error, template.filename),
                         f"unknown field: {error.message}") from None
    except jinja2.TemplateSyntaxError as error:  # in a template it includes
        raise StyleError(Source(error.filename or source.path).file, error.lineno,
                         f"template syntax error: {error.message}") from None
    except jinja2.TemplateError as error:  # a sandbox refusal, a missing include ...
        raise StyleError(source.file, template_line(error, template.filename),
                         f"template error: {error}") from None
    parse_chapter(markup, writer, prepared, source)


def load(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as error:
        raise StyleError(Source(error.filename or name).file, error.lineno,
                         f"template syntax error: {error.message}") from None
    except jinja2.TemplateNotFound:
        raise StyleError(name, None, "no such chapter template in "
                         + ", ".join(map(str, env.loader.searchpath))) from None


def common_context(facts: Facts) -> dict[str, Any]:
    """What every chapter template may use: the facts and the text snippets, each
    snippet filled with the common facts plus what the template passes."""
    return {
        "facts": facts,
        "study": facts.study,
        "text": facts.text,
        "paragraphs": facts.paragraphs,
        "items": facts.items,
        "split_paragraphs": texts.split_paragraphs,
    }


def template_line(error: Exception, filename: str | None) -> int | None:
    """The template line an error arose at, from the frames Jinja rewrites to point
    into the template (the innermost such frame: where the field was read)."""
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == filename]
    return lines[-1] if lines else None
