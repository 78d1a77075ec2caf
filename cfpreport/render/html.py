"""Render a :class:`~cfpreport.report.blocks.ReportModel` to HTML with Jinja.

One template per block kind (``templates/blocks/<kind>.html.j2``), included by
``templates/report.html.j2``. The environment autoescapes and uses StrictUndefined,
so user text is never markup and a missing field is an error, never a blank.
The CSS stays in files, ``templates/report.css`` and a house style's ``report.css`` after
it (:meth:`~cfpreport.report.style.Style.stylesheets`): the PDF writer passes them to
WeasyPrint as stylesheets, and only the standalone HTML inlines them (as Markup, never
autoescaped).

The standalone HTML is one self-contained file: pictures are ``data:`` URIs or inline
SVG, and its text is set in the reader's own Chinese fonts (a font-family list in
place of the shipped fonts, which are 8-12 MB each and took seconds to subset), so
no path of the machine that built it appears in it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import jinja2
from markupsafe import Markup, escape

from cfpreport import assets
from cfpreport.errors import StyleError
from cfpreport.render.columns import column_widths_mm
from cfpreport.render.properties import document_properties
from cfpreport.report.blocks import (
    Block,
    Figure,
    Heading,
    ReportModel,
    Table,
    kept_with_next,
    seal_field,
    text_runs,
)
from cfpreport.report.style import shown_path

CSS_FILE = "report.css"
BLOCK_SUFFIX = ".html.j2"
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
# In a browser: the shipped families' nearest equivalents, most common first.
BROWSER_FONTS = {
    '"cfp-serif"': '"Noto Serif SC", "Noto Serif CJK SC", "Source Han Serif SC", '
                   '"Songti SC", "SimSun"',
    '"cfp-sans"': '"Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", '
                  '"PingFang SC", "Microsoft YaHei", "SimHei"',
    '"cfp-latin-serif"': '"Noto Serif", "Georgia", "Times New Roman"',
    '"cfp-latin-sans"': '"Noto Sans", "Arial", "Helvetica"',
}
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# What a figure's SVG may contain: shapes and text (cfpreport.report.drawing writes them).
_SVG = "{http://www.w3.org/2000/svg}"
_SVG_TAGS = {_SVG + tag for tag in ("svg", "title", "g", "rect", "line", "polygon", "path",
                                    "text", "tspan")}


def render_html(model: ReportModel, *, standalone: bool = False,
                stylesheets: Sequence[Path] = ()) -> str:
    """Render the report model to an HTML document.

    With ``standalone`` the stylesheets (the built-in ``report.css`` unless given) are
    inlined, with the browser's Chinese fonts in place of the shipped ones, so the file
    opens as-is anywhere; otherwise the caller supplies them (the PDF writer does).
    """
    template = environment().get_template("report.html.j2")
    inline_css = Markup(standalone_css(stylesheets)) if standalone else None
    return template.render(model=model, meta=document_properties(model.metadata),
                           inline_css=inline_css)


def template_kinds() -> set[str]:
    """List the block kinds that have a template in ``templates/blocks/``."""
    folder = assets.templates_dir() / "blocks"
    return {path.name.removesuffix(BLOCK_SUFFIX) for path in folder.glob("*" + BLOCK_SUFFIX)}


def stylesheet_path() -> Path:
    """Path of the report's stylesheet."""
    return assets.templates_dir() / CSS_FILE


def standalone_css(stylesheets: Sequence[Path] = ()) -> str:
    """Return the stylesheets for a browser: no @font-face (no file paths), font lists
    instead."""
    parts = []
    for path in stylesheets or [stylesheet_path()]:
        text = path.read_text(encoding="utf-8")
        if "</" in text:  # it would end the <style> element it is inlined in
            raise StyleError(shown_path(path), text.count("\n", 0, text.index("</")) + 1,
                             "'</' would end the standalone HTML's <style> element; "
                             "write '<\\/' in a string")
        parts.append(_FONT_FACE.sub("", text))
    css = "\n".join(parts)
    for family, fallbacks in BROWSER_FONTS.items():
        css = css.replace(family, fallbacks)
    return css


@cache
def environment() -> jinja2.Environment:
    """Build the Jinja environment over the templates folder (once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(assets.templates_dir()),
        autoescape=jinja2.select_autoescape(enabled_extensions=("j2", "html"), default=True,
                                           default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(runs=runs, data_uri=data_uri, percentages=percentages,
                       mm=millimetres, colour=css_colour, svg=inline_svg,
                       column_widths=column_widths_mm, keep_groups=keep_groups,
                       seal_field=seal_field)
    return env


def keep_groups(blocks: list[Block]) -> list[list[Block]]:
    """Split the blocks into groups that share a page (most groups are one block)."""
    groups: list[list[Block]] = []
    for index, block in enumerate(blocks):
        if index and (kept_with_next(blocks[index - 1], block)
                      or heads_a_group(blocks[index - 1], blocks[index:])):
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def heads_a_group(block: Block, following: list[Block]) -> bool:
    """Whether ``block`` is a section heading whose next blocks must share a page (a
    paragraph with the table or figure it introduces): the heading joins them. Its
    ``break-after: avoid`` alone does not hold when WeasyPrint moves the whole group to
    the next page, which left "4.4 Emission factors" alone on a page. A chapter heading
    (level 1) starts its own page anyway."""
    if not isinstance(block, Heading) or block.level < 2 or not following:
        return False
    first = following[0]
    if isinstance(first, Figure) or (isinstance(first, Table) and first.keep_together):
        return True
    return len(following) > 1 and kept_with_next(first, following[1])


def runs(text: str) -> Markup:
    """Escape text, setting chemical subscripts and powers in <sub> and <sup>.

    Line breaks inside a text (a table cell of numbered notes) become <br>, as they
    become w:br in Word.
    """
    parts = []
    for part, vertical in text_runs(text):
        escaped = Markup(str(escape(part)).replace("\n", "<br>"))
        parts.append(Markup(f"<{vertical}>{escaped}</{vertical}>") if vertical else escaped)
    return Markup("").join(parts)


def data_uri(image: bytes) -> str:
    """Return a ``data:`` URI carrying an image (images are always inlined): an SVG
    document (a chart, see Figure.image), else PNG bytes."""
    kind = "svg+xml" if image.startswith(b"<svg") else "png"
    return f"data:image/{kind};base64," + base64.b64encode(image).decode("ascii")


def inline_svg(svg: str) -> Markup:
    """Let a figure's SVG into the HTML as markup, once checked to be well-formed XML
    made only of shapes and text (its text was escaped when it was drawn)."""
    root = ElementTree.fromstring(svg)
    for element in root.iter():
        unsafe = [name for name in element.attrib if name.startswith("on") or "href" in name]
        if element.tag not in _SVG_TAGS or unsafe:
            raise ValueError(f"a figure's SVG may hold only shapes and text, not {element.tag}")
    return Markup(svg)


def percentages(widths: list[float]) -> list[str]:
    """Turn relative column widths into CSS percentages that add up to 100 %."""
    total = sum(widths)
    if total <= 0:
        raise ValueError(f"table column widths must add up to more than 0: {widths}")
    return [f"{100 * width / total:.3f}%" for width in widths]


def millimetres(value: float) -> str:
    """Format a length in millimetres for CSS."""
    return f"{value:.2f}mm"


def css_colour(value: str) -> str:
    """Pass a #rgb / #rrggbb colour through; refuse anything else (it lands in CSS)."""
    if not _HEX_COLOUR.fullmatch(value):
        raise ValueError(f"not a #rrggbb colour: {value!r}")
    return value


