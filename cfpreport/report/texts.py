"""Boilerplate report text: Jinja snippets in ``templates/text/<language>.yaml`` filled
with facts.

A house style may give its own ``text/<language>.yaml``: each snippet it gives replaces
the built-in one of the same key, every other snippet comes from the built-in file. The
folders are a style's :meth:`~cfpreport.report.style.Style.template_folders` (the style
first, the built-in folder last), passed as ``folders=``, or else those of the style in
effect (:func:`style_folders`, which chapter templates set while they render), so that
every snippet of a report follows its style without each caller passing it on.

The result is plain text; the renderers escape it. A style's snippet that is not a
snippet (unknown key, wrong kind, bad Jinja, an unknown field) is a StyleError naming
its file and line; a built-in snippet's mistake is a bug.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from cfpreport.assets import templates_dir
from cfpreport.errors import StudyError, StyleError
from cfpreport.input.limits import MAX_FILE_BYTES

Folders = tuple[Path, ...]
_IN_EFFECT: ContextVar[Folders | None] = ContextVar("cfpreport_text_folders", default=None)


@dataclass(frozen=True)
class Snippet:
    """One snippet (a text, or a list of texts for :func:`items`) and where it is written."""

    source: str | list[str]
    file: str = ""  # a style's file; "" for a built-in snippet
    line: int | None = None

    def fail(self, key: str, message: str) -> StyleError:
        return StyleError(self.file, self.line, f"snippet {key!r}: {message}")


@contextmanager
def style_folders(folders: Sequence[Path]) -> Iterator[None]:
    """Fill snippets from ``folders`` (a style's first) within the ``with`` block."""
    token = _IN_EFFECT.set(tuple(folders))
    try:
        yield
    finally:
        _IN_EFFECT.reset(token)


def text(key: str, language: str = "zh", *, folders: Sequence[Path] | None = None,
         **facts: Any) -> str:
    """Fill one snippet; a missing fact is an error (StrictUndefined)."""
    snippet = _snippets(language, _chosen(folders))[key]
    return _render(key, snippet, snippet.source, facts)


def paragraphs(key: str, language: str = "zh", *, folders: Sequence[Path] | None = None,
               **facts: Any) -> list[str]:
    """Fill a snippet and split it into paragraphs at blank lines."""
    return split_paragraphs(text(key, language, folders=folders, **facts))


def items(key: str, language: str = "zh", *, folders: Sequence[Path] | None = None,
          **facts: Any) -> list[str]:
    """Fill each entry of a list snippet."""
    snippet = _snippets(language, _chosen(folders))[key]
    return [_render(key, snippet, item, facts) for item in snippet.source]


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


# --- where snippets come from ----------------------------------------------------------

def _chosen(folders: Sequence[Path] | None) -> Folders:
    if folders is not None:
        return tuple(folders)
    return _IN_EFFECT.get() or (templates_dir(),)


@cache
def _snippets(language: str, folders: Folders) -> dict[str, Snippet]:
    """The snippets of a language: the built-in file's, replaced key by key by those of
    the style folders before it (the first folder wins)."""
    from cfpreport.report.style import confined_file, shown_path

    builtin = templates_dir() / "text" / f"{language}.yaml"
    snippets = {key: Snippet(source)
                for key, source in yaml.safe_load(builtin.read_text(encoding="utf-8")).items()}
    for folder in reversed(folders):
        if folder == templates_dir():
            continue
        path = confined_file(folder, f"text/{language}.yaml")
        if path is not None:
            snippets.update(_style_snippets(path, shown_path(path), snippets))
    return snippets


def _style_snippets(path: Path, shown: str, builtin: dict[str, Snippet]
                    ) -> dict[str, Snippet]:
    """Read a style's snippet file: only keys the built-in file has, each of its kind,
    each a snippet Jinja compiles."""
    from cfpreport.input.yaml_reader import parse_yaml

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise StyleError(shown, None, f"is {size:,} bytes; a text file may be at most "
                         f"{MAX_FILE_BYTES:,}")
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"), shown, kind="a text file",
                            needs="snippets by key, as the built-in one")
    except StudyError as error:
        problem = error.problems[0]
        raise StyleError(shown, problem.line, problem.message) from None
    except UnicodeDecodeError:
        raise StyleError(shown, None, "is not UTF-8 text") from None
    snippets = {}
    for key, value in parsed.data.items():
        line = parsed.positions.get((key,), (None, None))[0]
        value = parsed.written.get((key,), value)
        snippet = Snippet(value, shown, line)
        if key not in builtin:
            raise snippet.fail(key, "no such snippet; a style replaces the built-in "
                               "snippets, keeping their keys")
        expected = type(builtin[key].source)
        if not isinstance(value, expected) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            kind = "a list of texts" if expected is list else "a text"
            raise snippet.fail(key, f"must be {kind}, as the built-in snippet is")
        for source in value if isinstance(value, list) else [value]:
            try:
                _template(source)
            except jinja2.TemplateSyntaxError as error:
                raise snippet.fail(key, f"template syntax error: {error.message}") from None
        snippets[key] = snippet
    return snippets


@cache
def _environment() -> jinja2.Environment:
    # Plain text out: no autoescape here; every renderer escapes the finished text.
    # Sandboxed, as the chapter templates are: a style's snippet is a stranger's code,
    # and an open environment would let it reach Python itself ("".__class__ ...).
    environment = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                       keep_trailing_newline=False)
    environment.filters["series"] = series
    return environment


def series(values: Sequence[str]) -> str:
    """An English series: "A", "A and B", "A, B and C" (the ``series`` filter)."""
    values = [str(value) for value in values]
    return " and ".join(filter(None, [", ".join(values[:-1]), *values[-1:]]))


@cache
def _template(source: str) -> jinja2.Template:
    """Compile a snippet once per process: a report fills the same ones per product."""
    return _environment().from_string(source)


def _render(key: str, snippet: Snippet, source: str, facts: dict[str, Any]) -> str:
    """Fill a snippet; a style's snippet's mistake is the style's error."""
    if "{" not in source:  # plain words (most labels): Jinja would give them back as is
        return source.strip()
    try:
        return _template(source).render(**facts).strip()
    except jinja2.TemplateError as error:
        if not snippet.file:
            raise  # a built-in snippet's mistake is a bug
        reason = ("unknown field: " if isinstance(error, jinja2.UndefinedError)
                  else "template error: ")
        raise snippet.fail(key, reason + str(error)) from None
