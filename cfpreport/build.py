"""build_report(): study file -> PDF, DOCX, results JSON (and HTML), written whole.

The recipe, step by step: load and check the study, price it, build the report
model, render each requested format to memory, then move every file into place.
A failure anywhere before the last step leaves the output folder untouched.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cfpreport.calculation.results_json import dumps, results_document
from cfpreport.errors import CfpError, Problem
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.pdf_worker import PdfWorker, warm_up_here
from cfpreport.report.model import build_report_model

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


def build_report(study_path: str | Path, out_dir: str | Path,
                 formats: Iterable[str] = DEFAULT_FORMATS,
                 factor_set: str | None = None, pdf_worker: PdfWorker | None = None,
                 strict: bool = False) -> BuildRecord:
    """Build the report of one study into ``out_dir``; raise CfpError for bad input
    (and, with ``strict``, for warnings). The record carries the study's warnings.

    Pass an open :class:`PdfWorker` to render the PDF in its process (the CLI opens
    one per run, so a batch shares it); without one, a worker is started for the call.
    """
    if pdf_worker is None and "pdf" in formats:
        warm_up_here()  # once per process; each worker forked from here inherits it
        with PdfWorker() as worker:
            return build_report(study_path, out_dir, formats, factor_set, worker, strict)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise CfpError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    seconds: dict[str, float] = {}
    with timed(seconds, "calculate"):
        calculated = load_and_calculate(study_path, factor_set, strict)
    study, results = calculated.study, calculated.results
    with timed(seconds, "model"):
        model = build_report_model(study, results)
    contents = render_all(model, study, results, formats, seconds, pdf_worker)
    number = study.report.number
    out_dir = Path(out_dir)
    outputs = {fmt: out_dir / f"{number}.{fmt}" for fmt in formats}
    write_all({outputs[fmt]: data for fmt, data in contents.items()})
    totals = {row.product: f"{row.shown} {results.display_unit}"
              for row in results.products.itertuples()}
    return BuildRecord(Path(study_path), number, results.factor_set.name, outputs, totals,
                       seconds, calculated.warnings)


def build_reports(studies: Iterable[str | Path], out_dir: str | Path,
                  formats: Iterable[str] = DEFAULT_FORMATS, factor_set: str | None = None,
                  pdf_worker: PdfWorker | None = None, strict: bool = False
                  ) -> Iterator[tuple[Path, BuildRecord | CfpError]]:
    """Build several studies, yielding each one's record, or its error: one bad study
    does not stop the others. One PDF worker serves them all.
    """
    formats = tuple(formats)
    if pdf_worker is None:
        with PdfWorker() as worker:
            yield from build_reports(studies, out_dir, formats, factor_set, worker, strict)
        return
    for path in studies:
        try:
            yield Path(path), build_report(path, out_dir, formats, factor_set, pdf_worker,
                                           strict)
        except CfpError as error:
            yield Path(path), error


def render_all(model, study, results, formats: tuple[str, ...], seconds: dict[str, float],
               pdf_worker: PdfWorker | None) -> dict[str, bytes]:
    """Render every requested format to bytes, in memory; the PDF in the worker."""
    from cfpreport.render.html import render_html

    contents: dict[str, bytes] = {}
    start = time.perf_counter()
    pdf_ready = None
    if "pdf" in formats:
        pdf_ready = pdf_worker.submit(render_html(model), [study.folder])
    if "html" in formats:
        with timed(seconds, "html"):
            contents["html"] = render_html(model, standalone=True).encode("utf-8")
    if "json" in formats:
        contents["json"] = dumps(results_document(study, results)).encode("utf-8")
    if "docx" in formats:
        from cfpreport.render.docx import docx_bytes

        with timed(seconds, "docx"):
            contents["docx"] = docx_bytes(model)
    if pdf_ready is not None:
        contents["pdf"] = pdf_ready()
        seconds["pdf (until ready)"] = time.perf_counter() - start
    return {fmt: contents[fmt] for fmt in formats}


def write_all(files: dict[Path, bytes]) -> None:
    """Write each file to a temporary name beside it, then rename it into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temp, 0o666 & ~current_umask())  # mkstemp makes files private
            staged.append((Path(temp), path))
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class timed:
    """Context manager that records how long a step took."""

    def __init__(self, seconds: dict[str, float], step: str) -> None:
        self.seconds, self.step = seconds, step

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.seconds[self.step] = time.perf_counter() - self.start
        log.debug("%s: %.3f s", self.step, self.seconds[self.step])
