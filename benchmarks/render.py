"""Benchmark the report: chart, HTML -> PDF, DOCX and end to end, plus a cold CLI build.

Uses the two-product sample (samples/yuanyu-2024). Warm figures are medians of 5 runs
in one process after a warm-up; the cold figure is one `cfpreport build` process
(median of 3), with its peak memory (ru_maxrss of the child).
Run: python benchmarks/render.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cfpreport.build import build_report
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.docx import docx_bytes
from cfpreport.render.html import render_html
from cfpreport.render.pdf import pdf_bytes
from cfpreport.report import charts
from cfpreport.report.model import build_report_model

ROOT = Path(__file__).resolve().parent.parent
STUDY = ROOT / "samples" / "yuanyu-2024" / "study.yaml"
RUNS = 5


def median_seconds(step, runs: int = RUNS) -> float:
    step()  # warm-up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def cold_build(out: Path) -> tuple[float, float]:
    """One fresh `cfpreport build` process: wall seconds and peak memory in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cfpreport", "build", str(STUDY), "-o", str(out)],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak / 1024


def main() -> None:
    calculated = load_and_calculate(STUDY)
    model = build_report_model(calculated.study, calculated.results)
    html = render_html(model)
    slices = [charts.Slice(value, "") for value in (227, 31, 382, 11, 26)]
    figures = {
        "chart (one pie PNG)": median_seconds(lambda: charts.stage_pie(slices)),
        "report model (chapter templates)": median_seconds(
            lambda: build_report_model(calculated.study, calculated.results)),
        "calculate + report model": median_seconds(
            lambda: build_report_model(calculated.study, load_and_calculate(STUDY).results)),
        "HTML render": median_seconds(lambda: render_html(model)),
        "HTML -> PDF": median_seconds(lambda: pdf_bytes(html, allowed_roots=[STUDY.parent])),
        "DOCX": median_seconds(lambda: docx_bytes(model)),
    }
    with tempfile.TemporaryDirectory() as out:
        figures["end to end (build_report, pdf+docx+json)"] = median_seconds(
            lambda: build_report(STUDY, out))
        colds = [cold_build(Path(out)) for _ in range(3)]
    pdf_size = len(pdf_bytes(html, allowed_roots=[STUDY.parent]))
    print(f"report: {STUDY.relative_to(ROOT)} (2 products), warm medians of {RUNS}:")
    for name, seconds in figures.items():
        print(f"  {name:<42} {seconds:6.3f} s")
    cold_seconds = statistics.median(c[0] for c in colds)
    print(f"  {'cold CLI `cfpreport build` (median of 3)':<42} {cold_seconds:6.3f} s")
    print(f"  {'peak memory of the cold build process':<42} {max(c[1] for c in colds):6.0f} MB")
    print(f"  {'PDF size':<42} {pdf_size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
