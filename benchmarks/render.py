"""Benchmark the report: its steps, the CPU time of a whole report in a warm worker, and
a cold `cfpreport build` against the bare `weasyprint` command on the same HTML.

Uses the two-product sample (samples/yuanyu-2024), or --study FILE
(benchmarks/large_report.py writes larger ones).
- Steps: medians of 5 runs in one process, after a warm-up.
- Warm CPU per report: what a batch worker spends on one full report (PDF laid out in
  its own process, DOCX, JSON; ``render_report``) once warmed up (``warm_up_here``,
  ``freeze_heap``): the median of 5 reports' process CPU time.
- Cold: one `python -m cfpreport build STUDY` process, and one `weasyprint` process on
  the HTML that build's PDF is made from (with the same stylesheet), in turn, --runs
  times each: the medians of their wall time and CPU time (user + system, with the
  processes each waited for: the PDF worker, WeasyPrint's library searches), the median
  of the ratio of each pair, and the build's peak memory.
Run: python benchmarks/render.py [--study FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cfpreport.build import render_report
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.docx import docx_bytes
from cfpreport.render.html import render_html
from cfpreport.render.pdf import pdf_bytes
from cfpreport.render.pdf_worker import freeze_heap, warm_up_here
from cfpreport.report import charts
from cfpreport.report.model import build_report_model
from cfpreport.report.style import chosen_style

ROOT = Path(__file__).resolve().parent.parent
STUDY = ROOT / "samples" / "yuanyu-2024" / "study.yaml"
RUNS = 5


def median_seconds(step, runs: int = RUNS, clock=time.perf_counter) -> float:
    step()  # warm-up
    timings = []
    for _ in range(runs):
        start = clock()
        step()
        timings.append(clock() - start)
    return statistics.median(timings)


def timed_process(command: list[str], **options) -> tuple[float, float, float]:
    """Run a command: its wall seconds, CPU seconds (with its waited-for children) and
    peak memory in MB (the largest of them)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **options)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def cold_figures(study: Path, html: str, stylesheets, runs: int) -> dict[str, float]:
    """A cold `cfpreport build` and a bare `weasyprint` on its HTML, in turn."""
    weasyprint = shutil.which("weasyprint", path=str(Path(sys.executable).parent))
    builds, bares = [], []
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        bare = [weasyprint, "-u", (ROOT / "templates").as_uri() + "/",
                *(f"--stylesheet={path}" for path in stylesheets), str(page),
                str(Path(folder) / "bare.pdf")]
        for run in range(runs):
            out = Path(folder) / f"out-{run}"  # a new folder: nothing is kept from a run
            builds.append(timed_process([sys.executable, "-m", "cfpreport", "build",
                                         str(study), "-o", str(out)], cwd=folder))
            bares.append(timed_process(bare, cwd=folder))
    return {
        "cold `cfpreport build`, wall": statistics.median(b[0] for b in builds),
        "cold `cfpreport build`, CPU": statistics.median(b[1] for b in builds),
        "bare `weasyprint` on its HTML, wall": statistics.median(b[0] for b in bares),
        "bare `weasyprint` on its HTML, CPU": statistics.median(b[1] for b in bares),
        "ratio build / weasyprint, wall": statistics.median(
            b[0] / w[0] for b, w in zip(builds, bares, strict=True)),
        "ratio build / weasyprint, CPU": statistics.median(
            b[1] / w[1] for b, w in zip(builds, bares, strict=True)),
        "peak memory of the cold build (MB)": max(b[2] for b in builds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=STUDY)
    parser.add_argument("--runs", type=int, default=7, help="cold runs of each command")
    args = parser.parse_args()
    study = args.study.resolve()
    calculated = load_and_calculate(study)
    style = chosen_style(None, calculated.study.report.style, calculated.study.folder)
    stylesheets = style.stylesheets(calculated.study.report.language)
    model = build_report_model(calculated.study, calculated.results, style)
    html = render_html(model)
    roots = [calculated.study.folder]
    slices = [charts.Slice(value, "") for value in (227, 31, 382, 11, 26)]
    steps = {
        "pie chart as SVG (for the PDF)": median_seconds(
            lambda: charts.stage_pie(slices).svg()),
        "pie chart as PNG (for Word)": median_seconds(lambda: charts.stage_pie(slices).png()),
        "report model (chapter templates)": median_seconds(
            lambda: build_report_model(calculated.study, calculated.results, style)),
        "calculate + report model": median_seconds(lambda: build_report_model(
            calculated.study, load_and_calculate(study).results, style)),
        "HTML render": median_seconds(lambda: render_html(model)),
        "HTML -> PDF": median_seconds(
            lambda: pdf_bytes(html, allowed_roots=roots, stylesheets=stylesheets)),
        "DOCX": median_seconds(lambda: docx_bytes(model, reference=style.reference_document())),
    }
    warm_up_here()
    freeze_heap()
    steps["warm CPU per report (PDF + DOCX + JSON)"] = median_seconds(
        lambda: render_report(study), clock=time.process_time)
    size = len(pdf_bytes(html, allowed_roots=roots, stylesheets=stylesheets))
    cold = cold_figures(study, html, stylesheets, args.runs)
    products = len(calculated.study.products)
    print(f"report: {os.path.relpath(study, ROOT)} ({products} products), "
          f"warm medians of {RUNS}:")
    for name, seconds in steps.items():
        print(f"  {name:<44} {seconds:6.3f} s")
    print(f"cold, medians of {args.runs} runs of each, in turn:")
    for name, value in cold.items():
        unit = "" if name.startswith(("ratio", "peak")) else " s"
        print(f"  {name:<44} {value:6.2f}{unit}")
    print(f"  {'PDF size':<44} {size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
