"""build_report(): study file -> PDF, DOCX, results JSON (and HTML), written whole.

The recipe, step by step: load and check the study, price it, open its house style (the
command line's, else the study's, else the built-in one), lock its report number in the
output folder, build the report model, render each requested format to memory, then
write the files as one set (:mod:`cfpreport.output`). A failure anywhere before the
last step leaves the output folder as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cfpreport.calculation.results_json import dumps, results_document
from cfpreport.errors import CfpError, Problem
from cfpreport.output import OutputFolder
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.pdf_worker import PdfWorker, warm_up_here
from cfpreport.report.model import build_report_model
from cfpreport.report.style import Style, chosen_style, load_style

FORMATS = ("pdf", "docx", "json", "html")
DEFAULT_FORMATS = ("pdf", "docx", "json")

log = logging.getLogger("cfpreport")


@dataclass(frozen=True)
class BuildRecord:
    """What a build produced, for the CLI and for batch summaries."""

    study: Path
    report_number: str
    factor_set: str
    outputs: dict[str, Path]
    totals: dict[str, str]  # product id -> shown total with unit
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # see cfpreport.input.study_warnings


def build_report(study_path: str | Path, out_dir: str | Path | OutputFolder,
                 formats: Iterable[str] = DEFAULT_FORMATS,
                 factor_set: str | None = None, pdf_worker: PdfWorker | None = None,
                 strict: bool = False, style: str | Path | Style | None = None
                 ) -> BuildRecord:
    """Build the report of one study into ``out_dir``; raise CfpError for bad input
    (and, with ``strict``, for warnings) and for an output folder that cannot take the
    files (OutputError). The record carries the study's warnings.

    ``style``: a house-style folder (or an opened :class:`Style`) to use instead of
    the study's own ``report.style``.
    Pass an open :class:`PdfWorker` to render the PDF in its process (the CLI opens
    one per run, so a batch shares it); without one, a worker is started for the call.
    """
    if pdf_worker is None and "pdf" in formats:
        warm_up_here()  # once per process; each worker forked from here inherits it
        with PdfWorker() as worker:
            return build_report(study_path, out_dir, formats, factor_set, worker, strict,
                                style)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise CfpError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    folder = out_dir if isinstance(out_dir, OutputFolder) else OutputFolder(out_dir)
    seconds: dict[str, float] = {}
    with timed(seconds, "calculate"):
        calculated = load_and_calculate(study_path, factor_set, strict)
    study, results = calculated.study, calculated.results
    with timed(seconds, "style"):
        style = style if isinstance(style, Style) else chosen_style(
            style, study.report.style, study.folder)
    number = study.report.number
    with folder.report(number, study_path) as output:
        with timed(seconds, "model"):
            model = build_report_model(study, results, style)
        contents = render_all(model, study, results, formats, seconds, pdf_worker, style)
        with timed(seconds, "write"):
            written = output.commit({f"{number}.{fmt}": data for fmt, data in contents.items()})
    outputs = {fmt: written[f"{number}.{fmt}"] for fmt in formats}
    totals = {row.product: f"{row.shown} {results.display_unit}"
              for row in results.products.itertuples()}
    return BuildRecord(Path(study_path), number, results.factor_set.name, outputs, totals,
                       seconds, calculated.warnings)


def build_reports(studies: Iterable[str | Path], out_dir: str | Path,
                  formats: Iterable[str] = DEFAULT_FORMATS, factor_set: str | None = None,
                  pdf_worker: PdfWorker | None = None, strict: bool = False,
                  style: str | Path | Style | None = None
                  ) -> Iterator[tuple[Path, BuildRecord | CfpError]]:
    """Build several studies, yielding each one's record, or its error: one bad study
    does not stop the others. One PDF worker serves them all.

    An output folder that cannot be written raises OutputError, and a ``style`` folder
    that cannot be used a StyleError, before any study is built; a second study with a
    report number already written in this run is an error.
    """
    formats = tuple(formats)
    if style is not None and not isinstance(style, Style):
        style = load_style(style)  # once for all the studies
    if pdf_worker is None and "pdf" in formats:
        with PdfWorker() as worker:
            yield from build_reports(studies, out_dir, formats, factor_set, worker, strict,
                                     style)
        return
    folder = OutputFolder(out_dir)
    for path in studies:
        try:
            yield Path(path), build_report(path, folder, formats, factor_set, pdf_worker,
                                           strict, style)
        except CfpError as error:
            yield Path(path), error


def render_all(model, study, results, formats: tuple[str, ...], seconds: dict[str, float],
               pdf_worker: PdfWorker | None, style: Style) -> dict[str, bytes]:
    """Render every requested format to bytes, in memory; the PDF in the worker. The
    PDF may read the study's folder (its images) and the style's (its CSS's fonts)."""
    from cfpreport.render.html import render_html

    contents: dict[str, bytes] = {}
    start = time.perf_counter()
    pdf_ready = None
    if "pdf" in formats:
        roots = [study.folder, *([style.folder] if style.folder else [])]
        stylesheets = style.stylesheets(study.report.language)
        pdf_ready = pdf_worker.submit(render_html(model), roots, stylesheets)
    try:
        render_in_process(model, study, results, formats, seconds, contents, style)
    except BaseException:
        if pdf_ready is not None:
            pdf_worker.cancel()  # nobody will wait for it: stop the render now
        raise
    if pdf_ready is not None:
        contents["pdf"] = pdf_ready()
        seconds["pdf (until ready)"] = time.perf_counter() - start
    return {fmt: contents[fmt] for fmt in formats}


def render_in_process(model, study, results, formats: tuple[str, ...],
                      seconds: dict[str, float], contents: dict[str, bytes],
                      style: Style) -> None:
    """Render the formats other than the PDF into ``contents``."""
    from cfpreport.render.html import render_html

    if "html" in formats:
        with timed(seconds, "html"):
            stylesheets = style.stylesheets(study.report.language)
            contents["html"] = render_html(model, standalone=True,
                                           stylesheets=stylesheets).encode("utf-8")
    if "json" in formats:
        contents["json"] = dumps(results_document(study, results)).encode("utf-8")
    if "docx" in formats:
        from cfpreport.render.docx import docx_bytes

        with timed(seconds, "docx"):
            contents["docx"] = docx_bytes(model, reference=style.reference_document())


class timed:
    """Context manager that records how long a step took."""

    def __init__(self, seconds: dict[str, float], step: str) -> None:
        self.seconds, self.step = seconds, step

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.seconds[self.step] = time.perf_counter() - self.start
        log.debug("%s: %.3f s", self.step, self.seconds[self.step])
