"""build_report(): study file -> PDF, DOCX, results JSON (and HTML), written whole.

The recipe, step by step: load and check the study, price it, open its house style (the
command line's, else the study's, else the built-in one), lock its report number in the
output folder, build the report model, render each requested format to memory, then
write the files as one set (:mod:`cfpreport.output`) and the build's record beside them
(:mod:`cfpreport.batch.records`: the hashes of what the report was made from, so that a
rerun skips it while they still match). A failure anywhere before the last step leaves
the output folder as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfpreport.batch.inputs import Fingerprinter, Inputs
from cfpreport.batch.records import RecordBook, new_record
from cfpreport.errors import CfpError, Problem
from cfpreport.output import OutputFolder
from cfpreport.render import DEFAULT_FORMATS, FORMATS, format_of, output_keys
from cfpreport.render.pdf_worker import PdfWorker, warm_up_here
from cfpreport.report.style import Style, chosen_style, load_style

if TYPE_CHECKING:  # the steps import pandas, pydantic and Jinja: only when a build runs
    from cfpreport.input.sources import StudySource
    from cfpreport.pipeline import Calculated

log = logging.getLogger("cfpreport")


@dataclass(frozen=True)
class BuildRecord:
    """What a build produced, for the CLI and for batch summaries."""

    study: Path
    report_number: str
    factor_set: str
    outputs: dict[str, Path]  # format -> file; a pact file's key is its name
    totals: dict[str, str]  # product id -> shown total with unit
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # see cfpreport.input.study_warnings
    skipped: bool = False  # its record matched: the files of an earlier build were kept


@dataclass(frozen=True)
class Rendered:
    """A report rendered in memory: the files of one set, and what they were made from."""

    calculated: Calculated
    document: dict[str, Any]  # the results JSON, also for batch summaries
    files: dict[str, bytes]  # {"T-1.pdf": ...}, in the order of the formats asked for
    seconds: dict[str, float]

    @property
    def number(self) -> str:
        return self.calculated.study.report.number

    @property
    def stem(self) -> str:
        """The name of its files: the number, with ``-R2`` from revision 2 on."""
        return self.calculated.study.report.stem


class InProcessPdf:
    """Render the PDF in this process, when the caller asks for it (a batch worker is
    itself the warm renderer, and may not fork one of its own)."""

    def submit(self, html: str, allowed_roots, stylesheets=(), final=None):
        from cfpreport.render.pdf import pdf_bytes

        return lambda: pdf_bytes(html, allowed_roots=allowed_roots, stylesheets=stylesheets,
                                 final=final)

    def cancel(self) -> None:
        """Nothing runs before it is asked for."""


def build_report(study_path: str | Path | StudySource, out_dir: str | Path | OutputFolder,
                 formats: Iterable[str] = DEFAULT_FORMATS,
                 factor_set: str | None = None, pdf_worker: PdfWorker | None = None,
                 strict: bool = False, style: str | Path | Style | None = None
                 ) -> BuildRecord:
    """Build the report of one study into ``out_dir``; raise CfpError for bad input
    (and, with ``strict``, for warnings) and for an output folder that cannot take the
    files (OutputError). The record carries the study's warnings. It always builds
    (:func:`build_reports` skips the studies whose record still matches).

    ``style``: a house-style folder (or an opened :class:`Style`) to use instead of
    the study's own ``report.style``.
    Pass an open :class:`PdfWorker` to render the PDF in its process (the CLI opens
    one per run, so a batch shares it); without one, a worker is started for the call.
    """
    inputs = Fingerprinter(factor_set, style).inputs(study_path)
    return _build(study_path, out_dir, formats, factor_set, pdf_worker, strict, style, inputs)


def _build(study_path: str | Path | StudySource, out_dir: str | Path | OutputFolder,
           formats: Iterable[str], factor_set: str | None, pdf_worker: PdfWorker | None,
           strict: bool, style: str | Path | Style | None, inputs: Inputs | None
           ) -> BuildRecord:
    """Build one study whose inputs were hashed (before anything was read for the build:
    a file changed meanwhile makes the next run build it again)."""
    if pdf_worker is None and "pdf" in formats:
        warm_up_here()  # once per process; each worker forked from here inherits it
        with PdfWorker() as worker:
            return _build(study_path, out_dir, formats, factor_set, worker, strict, style,
                          inputs)
    formats = checked_formats(formats)
    folder = out_dir if isinstance(out_dir, OutputFolder) else OutputFolder(out_dir)
    seconds: dict[str, float] = {}
    calculated, style = prepare(study_path, factor_set, strict, style, seconds)
    with folder.report(calculated.study.report.stem, study_path) as output:
        rendered = render(calculated, style, formats, seconds, pdf_worker)
        with timed(seconds, "write"):
            written = output.commit(rendered.files)
            if inputs is not None:
                RecordBook(folder.path).write(new_record(
                    inputs, study_path, rendered.number, calculated.study.report.revision,
                    rendered.files, rendered.document, len(calculated.warnings)))
    return build_record(Path(study_path), rendered, written, calculated.warnings)


def render_report(study_path: str | Path, formats: Iterable[str] = DEFAULT_FORMATS,
                  factor_set: str | None = None, pdf_worker: PdfWorker | InProcessPdf | None
                  = None, strict: bool = False, style: str | Path | Style | None = None
                  ) -> Rendered:
    """Render the report of one study to memory, writing nothing: what a batch worker
    does (its files are written by the batch, as one set). Without ``pdf_worker`` the
    PDF is rendered in this process."""
    seconds: dict[str, float] = {}
    calculated, style = prepare(study_path, factor_set, strict, style, seconds)
    return render(calculated, style, checked_formats(formats), seconds,
                  pdf_worker or InProcessPdf())


def prepare(study_path: str | Path, factor_set: str | None, strict: bool,
            style: str | Path | Style | None, seconds: dict[str, float]
            ) -> tuple[Calculated, Style]:
    """Load, check and price the study; open its house style."""
    from cfpreport.pipeline import load_and_calculate

    with timed(seconds, "calculate"):
        calculated = load_and_calculate(study_path, factor_set, strict)
    with timed(seconds, "style"):
        study = calculated.study
        style = style if isinstance(style, Style) else chosen_style(
            style, study.report.style, study.folder)
    return calculated, style


def render(calculated: Calculated, style: Style, formats: tuple[str, ...],
           seconds: dict[str, float], pdf_worker: PdfWorker | InProcessPdf) -> Rendered:
    """Build the report model and render every format to bytes (the results JSON alone
    needs no report model)."""
    from cfpreport.calculation.results_json import results_document

    study, results = calculated.study, calculated.results
    model = None
    if set(formats) - {"json", "pact"}:  # these two are made from the results alone
        from cfpreport.report.model import build_report_model

        with timed(seconds, "model"):
            model = build_report_model(study, results, style)
    document = results_document(study, results)
    contents = render_all(model, calculated, formats, seconds, pdf_worker, style, document)
    stem = study.report.stem
    return Rendered(calculated, document,
                    {f"{stem}.{fmt}": data for fmt, data in contents.items()}, seconds)


def build_record(study_path: Path, rendered: Rendered, written: dict[str, Path],
                 warnings: list[Problem], skipped: bool = False) -> BuildRecord:
    results = rendered.calculated.results
    outputs = {output_keys(written)[name]: path for name, path in written.items()}
    totals = {row.product: f"{row.shown} {results.display_unit}"
              for row in results.products.itertuples()}
    return BuildRecord(study_path, rendered.number, results.factor_set.name, outputs, totals,
                       rendered.seconds, warnings, skipped)


def checked_formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise CfpError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    return formats


def build_reports(studies: Iterable[str | Path | StudySource], out_dir: str | Path,
                  formats: Iterable[str] = DEFAULT_FORMATS, factor_set: str | None = None,
                  pdf_worker: PdfWorker | None = None, strict: bool = False,
                  style: str | Path | Style | None = None, force: bool = False
                  ) -> Iterator[tuple[Path, BuildRecord | CfpError]]:
    """Build several studies, yielding each one's record, or its error: one bad study
    does not stop the others. One PDF worker serves them all.

    A study whose build record in ``out_dir`` still matches (the same inputs, its files
    there as written) is not built again: its record says ``skipped``; ``force`` builds
    every study. An output folder that cannot be written raises OutputError, and a
    ``style`` folder that cannot be used a StyleError, before any study is built; a
    second study with a report number already written in this run is an error.
    """
    formats = tuple(formats)
    if style is not None and not isinstance(style, Style):
        style = load_style(style)  # once for all the studies
    if pdf_worker is None and "pdf" in formats:
        with PdfWorker() as worker:
            yield from build_reports(studies, out_dir, formats, factor_set, worker, strict,
                                     style, force)
        return
    folder = OutputFolder(out_dir)
    book, fingerprinter = RecordBook(folder.path), Fingerprinter(factor_set, style)
    for path in studies:
        try:
            decision = book.decide(fingerprinter.inputs(path, book), formats, strict, force)
            if decision.skip:
                yield Path(path), kept(folder, Path(path), decision.record)
                continue
            yield Path(path), _build(path, folder, formats, factor_set, pdf_worker, strict,
                                     style, decision.inputs)
        except CfpError as error:
            yield Path(path), error


def kept(folder: OutputFolder, study: Path, record: dict) -> BuildRecord:
    """The record of a report not built again, its number claimed for this run."""
    number = record["report_number"]
    folder.claim(record.get("stem", number), study)
    outputs = {key: folder.path / name for name, key in output_keys(record["outputs"]).items()}
    totals = {product["id"]: f"{product['total']} {product['unit']}"
              for product in record["products"]}
    return BuildRecord(study, number, record["factor_set"]["name"], outputs, totals,
                       skipped=True)


def render_all(model, calculated: Calculated, formats: tuple[str, ...],
               seconds: dict[str, float], pdf_worker: PdfWorker | InProcessPdf, style: Style,
               document: dict[str, Any]) -> dict[str, bytes]:
    """Render every requested format to bytes, in memory; the PDF in the worker. The
    PDF may read the study's folder (its images) and the style's (its CSS's fonts).
    A final report's PDF carries the study, its images, factors and results
    (:mod:`cfpreport.final.attachments`)."""
    study = calculated.study
    contents: dict[str, bytes] = {}
    start = time.perf_counter()
    pdf_ready = None
    if "pdf" in formats:
        from cfpreport.render.html import render_html

        roots = [study.folder, *([style.folder] if style.folder else [])]
        stylesheets = style.stylesheets(study.report.language)
        final = None
        if study.report.status == "final":
            from cfpreport.calculation.results_json import dumps
            from cfpreport.final.attachments import final_pdf

            final = final_pdf(calculated, dumps(document).encode("utf-8"))
        pdf_ready = pdf_worker.submit(render_html(model), roots, stylesheets, final)
    try:
        render_in_process(model, study, formats, seconds, contents, style, document)
    except BaseException:
        if pdf_ready is not None:
            pdf_worker.cancel()  # nobody will wait for it: stop the render now
        raise
    if pdf_ready is not None:
        contents["pdf"] = pdf_ready()
        seconds["pdf (until ready)"] = time.perf_counter() - start
    # Keyed by the end of each file's name: "pdf", or "zw32.pact-v2.json" (one per product).
    return {name: data for fmt in formats for name, data in contents.items()
            if format_of(name) == fmt}


def render_in_process(model, study, formats: tuple[str, ...], seconds: dict[str, float],
                      contents: dict[str, bytes], style: Style,
                      document: dict[str, Any]) -> None:
    """Render the formats other than the PDF into ``contents``."""
    from cfpreport.calculation.results_json import dumps

    if "html" in formats:
        from cfpreport.render.html import render_html

        with timed(seconds, "html"):
            stylesheets = style.stylesheets(study.report.language)
            contents["html"] = render_html(model, standalone=True,
                                           stylesheets=stylesheets).encode("utf-8")
    if "json" in formats:
        contents["json"] = dumps(document).encode("utf-8")
    if "pact" in formats:
        from cfpreport.render.pact import pact_files

        contents.update(pact_files(study, document))
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
