"""`cfpreport style init DIR`: write a house style's starting folder.

The folder holds copies of the built-in chapter templates and text snippets, a
stylesheet of commented starting rules and a README saying what each file controls
(both from ``templates/new_style/``), and a Word reference document made from
cfpreport's own Word styles (so that editing it in Word is how Word styles change).
See :mod:`cfpreport.report.style` for how a build uses it.
"""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

from cfpreport.assets import templates_dir
from cfpreport.errors import CfpError

#: A new style's stylesheet of commented rules and its README (templates/new_style/).
STARTERS = ("report.css", "README.md")
SAMPLE_TEXT = "产品碳足迹报告 Product carbon footprint 0.0677 tCO2e"


def init_style(folder: str | Path) -> list[Path]:
    """Write a starting house style into ``folder`` (new or empty); return its files."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CfpError(f"{folder} is not an empty folder; a style starts in a new one")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, pattern in (("chapters", "*.j2"), ("text", "*.yaml")):
        (folder / kind).mkdir()
        for source in sorted((templates_dir() / kind).glob(pattern)):
            written.append(Path(shutil.copyfile(source, folder / kind / source.name)))
    for name in STARTERS:
        written.append(Path(shutil.copyfile(templates_dir() / "new_style" / name, folder / name)))
    (folder / "reference.docx").write_bytes(reference_document())
    written.append(folder / "reference.docx")
    return sorted(written)


def reference_document() -> bytes:
    """A reference document holding cfpreport's own Word styles and A4 page, with one
    sample paragraph in each style (a report's body replaces them)."""
    import docx

    from cfpreport.render.docx_setup import STYLES, define_styles, set_a4_page

    document = docx.Document()
    define_styles(document, "zh-CN")
    set_a4_page(document.sections[0])
    for name in STYLES:
        document.add_paragraph(f"{name}：{SAMPLE_TEXT}", style=name)
    properties = document.core_properties
    properties.title, properties.author = "cfpreport reference document", "cfpreport"
    properties.created = properties.modified = datetime(2025, 1, 1, tzinfo=UTC)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
