"""The two renderers cover the same block types: one HTML template and one Word writer each."""

from __future__ import annotations

from cfpreport.render.docx import WRITERS
from cfpreport.render.html import template_kinds
from cfpreport.report.blocks import BLOCK_TYPES


def test_every_block_type_has_an_html_template_and_a_word_writer():
    kinds = {block_type.kind for block_type in BLOCK_TYPES}
    assert template_kinds() == kinds
    assert set(WRITERS) == kinds


def test_no_renderer_formats_numbers():
    """Numbers are formatted once, in the report model; renderers only lay blocks out."""
    from pathlib import Path

    import cfpreport.render as render
    from cfpreport.assets import templates_dir

    sources = [p.read_text(encoding="utf-8") for p in Path(render.__file__).parent.glob("*.py")]
    sources += [p.read_text(encoding="utf-8") for p in (templates_dir() / "blocks").glob("*.j2")]
    for source in sources:
        # (layout code may round lengths to twips; it may not print numbers of its own)
        for pattern in ("quantity(", "recorded(", "cfpreport.calculation.rounding",
                        "cfpreport.report.facts", "|round", "|format", "float_format"):
            assert pattern not in source, pattern
