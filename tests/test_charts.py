"""The stage pie: matplotlib's PNG for Word, and for the PDF an SVG of the same geometry
whose labels are glyph outlines (no text of its own); matplotlib only when a PNG is drawn."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from cfpreport.assets import font_path
from cfpreport.report import charts
from cfpreport.report.blocks import Figure
from cfpreport.report.glyphs import DATA, ROLE, read_glyphs
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
SLICES = [charts.Slice(227, "33.53%"), charts.Slice(31, ""), charts.Slice(382, "56.43%"),
          charts.Slice(11, ""), charts.Slice(26, "")]


def figure(pie: charts.Pie) -> Figure:
    return Figure("f-1", "图 5-1", "分布图", pie, 54, "分布图")


def test_the_kept_outlines_are_the_shipped_font_s():
    kept = json.loads(DATA.read_text(encoding="utf-8"))
    assert kept == json.loads(json.dumps(read_glyphs(font_path(ROLE))))  # else: regenerate


def test_the_pie_s_svg_has_a_path_per_slice_and_label_and_no_text():
    pie = charts.stage_pie(SLICES)
    root = ElementTree.fromstring(pie.svg())
    paths = list(root.iter(f"{SVG}path"))
    assert [p.get("fill") for p in paths] == [*charts.PALETTE[:5], "white", "black"]
    assert not list(root.iter(f"{SVG}text"))
    assert root.get("viewBox") == "0 0 90 90"
    shown = figure(pie)
    assert shown.svg is None  # not set into the page: an image, laid out as the PNG was
    assert shown.image.startswith(b"<svg") and shown.png.startswith(b"\x89PNG")
    assert struct.unpack(">II", shown.png[16:24]) == (708, 708)  # 90 mm at 200 dpi


def test_a_label_the_outlines_lack_leaves_the_pdf_the_png():
    pie = charts.stage_pie([charts.Slice(1, "约100%")])
    assert pie.svg() is None
    assert figure(pie).image == figure(pie).png


def test_one_slice_is_a_whole_circle_with_no_line_to_the_centre():
    path = ElementTree.fromstring(charts.stage_pie([charts.Slice(5, "100%")]).svg()) \
        .find(f"{SVG}path").get("d")
    assert "L" not in path and path.count("A") == 2


def label_boxes(pie: charts.Pie) -> list[tuple[float, float, float]]:
    """Each label's box as the SVG draws it: from its origin to its advance, and its
    baseline, in mm from the picture's top left (found from its outlines)."""
    glyphs = charts.chart_glyphs()
    scale = charts.LABEL_PT * charts.PT_MM / glyphs.units_per_em
    labels = [s.short for s in pie.slices if s.short]
    paths = list(ElementTree.fromstring(pie.svg()).iter(f"{SVG}path"))[len(pie.slices):]
    boxes = []
    for text, path in zip(labels, paths, strict=True):
        first = glyphs.glyphs[text[0]].commands[0]  # the first glyph's first point
        x, y = (float(n) for n in re.match(r"M(-?[\d.]+),(-?[\d.]+)", path.get("d")).groups())
        origin, baseline = x - first[1] * scale, y + first[2] * scale
        boxes.append((origin, origin + glyphs.advance(text) * scale, baseline))
    return boxes


def test_the_labels_sit_where_matplotlib_puts_them():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    pie = charts.stage_pie([*SLICES, charts.Slice(300, "31.09%")])  # one on each side
    size = pie.size_mm
    plot = MplFigure(figsize=(size * charts.MM, size * charts.MM), dpi=charts.DPI)
    axes = plot.add_axes((0.02, 0.02, 0.96, 0.96))
    _, texts = axes.pie([s.value for s in pie.slices], startangle=90, counterclock=False,
                        labels=[s.short for s in pie.slices],
                        labeldistance=charts.LABEL_DISTANCE,
                        textprops={"fontfamily": charts.chinese_font(),
                                   "fontsize": charts.LABEL_PT})
    axes.set_aspect("equal")
    renderer = FigureCanvasAgg(plot).get_renderer()
    per_mm = charts.DPI / 25.4
    glyphs = charts.chart_glyphs()
    descent = glyphs.descent / glyphs.units_per_em * charts.LABEL_PT * charts.PT_MM
    expected = []
    for text in texts:  # its box: its advance (whole pixels), the font's line height
        if text.get_text():
            box = text.get_window_extent(renderer)
            expected.append((box.x0 / per_mm, box.x1 / per_mm, size - box.y0 / per_mm - descent))
    got = label_boxes(pie)
    assert len(got) == 3
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == pytest.approx(theirs, abs=0.15)  # mm, in a 90 mm picture shown at 54


def test_the_report_model_and_its_html_need_no_matplotlib():
    probe = """
import sys
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.html import render_html
from cfpreport.report.blocks import Figure
from cfpreport.report.model import build_report_model
calculated = load_and_calculate("samples/yuanyu-2024/study.yaml")
model = build_report_model(calculated.study, calculated.results)
render_html(model)
print("matplotlib" in sys.modules)
next(b for b in model.blocks if isinstance(b, Figure)).png
print("matplotlib" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True"]  # only Word's PNG draws with it
