"""Render a chapter template to block markup and parse it into the report model.

Templates live under ``templates/chapters/`` (``01_introduction.zh.j2``), found through a
list of folders searched in turn: a style's folder first, then the built-in one, so a
style shadows any file it holds. The environment is sandboxed and autoescaped: a study's
text reaches the markup only as character data, never as an element, in both formats.
A template's mistake is the user's, reported as one line ``file:line: problem``: each
element a template writes carries the file and line it was written at (:class:`LineMarks`),
so a mistake found in the rendered markup is located in the template.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.ext import Extension
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing
from markupsafe import escape

from cfpreport.assets import templates_dir
from cfpreport.errors import StyleError
from cfpreport.input.limits import MAX_FILE_BYTES
from cfpreport.report import texts
from cfpreport.report.facts import Facts
from cfpreport.report.markup import MARK, Prepared, Source, parse_chapter
from cfpreport.report.model import ModelWriter
from cfpreport.report.style import confined_file, shown_path

#: What a chapter template receives besides the common context: built from the facts
#: and the chapter's :class:`Prepared` objects (tables and figures numbered in order).
ContextBuilder = Callable[[Facts, Prepared], dict[str, Any]]


@cache
def environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    """One environment per search path, so each template is compiled once per process."""
    return SandboxedEnvironment(
        loader=StyleLoader(folders), extensions=[LineMarks],
        autoescape=True, undefined=FieldUndefined,
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
    context, and write its blocks. Text snippets come from the same style."""
    folders = facts.style.template_folders()
    env = environment(folders)
    template = load(env, f"chapters/{name}.{facts.language}.j2")
    # Numbers of tables and figures are reserved in the chapter its <h1> will open.
    prepared = Prepared(chapter=writer.counters[0] + 1, language=writer.language)
    source = Source(template.filename or name)
    with texts.style_folders(folders):
        variables = {**common_context(facts), **context(facts, prepared)}
        try:
            markup = template.render(**variables)
        except UnknownField as error:
            file, line = template_line(error, folders) or (source.path, None)
            raise StyleError(shown_path(file), line,
                             f"unknown field: {error.describe(file, line, variables)}") from None
        except jinja2.TemplateNotFound as error:  # an include or import
            file, line = template_line(error, folders) or (source.path, None)
            raise StyleError(shown_path(file), line, f"no template {error.name!r} to include "
                             "or import in the style's folder or the built-in one (names are "
                             "relative to the folder; '..' is refused)") from None
        except jinja2.TemplateSyntaxError as error:  # in a template it includes
            raise StyleError(shown_path(error.filename or source.path), error.lineno,
                             f"template syntax error: {error.message}") from None
        except jinja2.TemplateError as error:  # a sandbox refusal, a missing include ...
            file, line = template_line(error, folders) or (source.path, None)
            raise StyleError(shown_path(file), line, f"template error: {error}") from None
    parse_chapter(markup, writer, prepared, source)


def load(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as error:
        raise StyleError(shown_path(error.filename or name), error.lineno,
                         f"template syntax error: {error.message}") from None
    except jinja2.TemplateNotFound:
        raise StyleError(name, None, "no such chapter template in " + ", ".join(
            shown_path(folder) for folder in env.loader.searchpath)) from None


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


def template_line(error: Exception, folders: tuple[Path, ...]) -> tuple[str, int] | None:
    """The template file and line an error arose at, from the frames Jinja rewrites to
    point into templates (the innermost such frame: where the field was read)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.lineno and any(Path(frame.filename).is_relative_to(folder)
                                      for folder in folders)]
    return (frames[-1].filename, frames[-1].lineno) if frames else None


# --- loading: only files inside the folders ------------------------------------------

class StyleLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads a style's templates only from inside its folder.

    ``..`` in a name is refused by Jinja; a link, or a path leading out of a style's
    folder, is refused here, each time a template is read (a StyleError naming it)."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        super().__init__([str(folder) for folder in folders])
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(split_template_path(template))
        for folder in self.folders:
            if folder == templates_dir():  # the package's own
                path = folder / name
                if path.is_file():
                    return path.read_text(encoding="utf-8"), str(path), lambda: True
                continue
            path = confined_file(folder, name)
            if path is not None:
                return read_style_template(path), str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


def read_style_template(path: Path) -> str:
    """A style's template as text: UTF-8, of a template's size."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise StyleError(shown_path(path), None, "is larger than a template may be "
                         f"({MAX_FILE_BYTES:,} bytes)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StyleError(shown_path(path), None, "is not UTF-8 text") from None


# --- locating mistakes -----------------------------------------------------------------

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_START_TAG = re.compile(r"<([A-Za-z_][\w.-]*)(?=[\s/>]|$)")


class LineMarks(Extension):
    """Mark every start tag a template writes with the file and line it is written at
    (``<p _at="path:12">``), before Jinja compiles it; the markup parser reads the mark
    to locate a mistake, and the model never sees it."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        # Escaped for an attribute, and "-" too: "--" may not stand in an XML comment,
        # where a commented-out element's mark would put it.
        where = str(escape(filename or name or "template")).replace("-", "&#45;")
        parts, position = [], 0
        for construct in _JINJA.finditer(source):
            parts.append(marked(source, position, construct.start(), where))
            parts.append(construct.group())
            position = construct.end()
        parts.append(marked(source, position, len(source), where))
        return "".join(parts)


def marked(source: str, start: int, end: int, where: str) -> str:
    """The template's literal text between ``start`` and ``end``, its start tags marked."""
    line = source.count("\n", 0, start) + 1
    text = source[start:end]

    def mark(match: re.Match) -> str:
        at = line + text.count("\n", 0, match.start())
        return f'{match.group()} {MARK}="{where}:{at}"'

    return _START_TAG.sub(mark, text)


class UnknownField(jinja2.UndefinedError):
    """A template read a field that is not there: ``owner.name``, or a name alone."""

    def __init__(self, message: str | None = None, owner: Any = missing,
                 name: Any = None) -> None:
        super().__init__(message)
        self.owner, self.name = owner, name

    def describe(self, file: str, line: int | None, variables: dict[str, Any]) -> str:
        """Say it as the template wrote it: ``facts has no field 'x'``."""
        if self.owner is missing or not isinstance(self.name, str):
            return self.message or "undefined"
        return f"{self.owner_name(file, line, variables)} has no field {self.name!r}"

    def owner_name(self, file: str, line: int | None, variables: dict[str, Any]) -> str:
        """The expression the field was read from, on the template's line; else the
        variable holding the object; else its type."""
        if line is not None:
            with_name = re.compile(r"([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*"
                                   rf"(?:\.\s*{re.escape(self.name)}\b|\[\s*['\"]"
                                   rf"{re.escape(self.name)}['\"]\s*\])")
            lines = Path(file).read_text(encoding="utf-8").splitlines()
            found = with_name.search(lines[line - 1]) if line <= len(lines) else None
            if found:
                return found.group(1)
        for key, value in variables.items():
            if value is self.owner:
                return key
        return f"a {type(self.owner).__name__}"


class FieldUndefined(jinja2.StrictUndefined):
    """StrictUndefined raising :class:`UnknownField`, which knows the object and the
    name read, to say the mistake in the template's words rather than Python's."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type[jinja2.UndefinedError] = jinja2.UndefinedError) -> None:
        if exc is jinja2.UndefinedError:  # not the sandbox's SecurityError
            exc = functools.partial(UnknownField, owner=obj, name=name)
        super().__init__(hint, obj, name, exc)
