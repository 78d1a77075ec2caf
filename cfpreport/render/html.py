"""Render a :class:`~cfpreport.blocks.ReportModel` to HTML with Jinja.

One template per block kind (``templates/blocks/<kind>.html.j2``), included by
``templates/report.html.j2``. The environment autoescapes and uses StrictUndefined,
so user text is never markup and a missing field is an error, never a blank.
The CSS stays in ``templates/report.css``: the PDF writer passes it to WeasyPrint as a
stylesheet, and only the standalone HTML inlines it (as Markup, never autoescaped).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from cfpreport import assets
from cfpreport.blocks import ReportModel, text_runs

CSS_FILE = "report.css"
BLOCK_SUFFIX = ".html.j2"
# url(../fonts/NotoSerifSC-Regular.otf) in report.css, relative to templates/.
_FONT_URL = re.compile(r"""url\((["']?)\.\./fonts/([^"')]+)\1\)""")
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def render_html(model: ReportModel, *, standalone: bool = False) -> str:
    """Render the report model to an HTML document.

    With ``standalone`` the stylesheet is inlined, its fonts pointing at the shipped
    font files, so the file opens as-is in a browser; otherwise the caller supplies
    ``report.css`` (the PDF writer does).
    """
    template = environment().get_template("report.html.j2")
    inline_css = Markup(standalone_css()) if standalone else None
    return template.render(model=model, meta=model.metadata, inline_css=inline_css)


def template_kinds() -> set[str]:
    """List the block kinds that have a template in ``templates/blocks/``."""
    folder = assets.templates_dir() / "blocks"
    return {path.name.removesuffix(BLOCK_SUFFIX) for path in folder.glob("*" + BLOCK_SUFFIX)}


def stylesheet_path() -> Path:
    """Path of the report's stylesheet."""
    return assets.templates_dir() / CSS_FILE


def standalone_css() -> str:
    """Return report.css with its font URLs made absolute ``file://`` URIs."""
    css = stylesheet_path().read_text(encoding="utf-8")
    fonts = assets.fonts_dir()
    return _FONT_URL.sub(lambda m: f'url("{(fonts / m.group(2)).as_uri()}")', css)


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
    env.filters.update(runs=runs, data_uri=png_data_uri, percentages=percentages,
                       mm=millimetres, colour=css_colour)
    return env


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


def png_data_uri(png: bytes) -> str:
    """Return a ``data:`` URI carrying the PNG bytes (images are always inlined)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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


