"""The command line: parse arguments, call the library, print. No logic here."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from cfpreport import __version__
from cfpreport.errors import CfpError

STUDY = click.Path(path_type=Path, dir_okay=False)
OWN_PROCESS = object()  # the context's obj when the command line is this process's own


class CfpGroup(click.Group):
    """Print user errors (CfpError) as plain messages with exit status 1, no traceback."""

    def main(self, args=None, **extra):
        """Run the command line. Without ``args`` it is this process's own (``cfpreport``,
        ``python -m cfpreport``; tests pass theirs): a command may then end the process
        as soon as its work is done (:func:`exit_now`)."""
        if args is None:
            extra.setdefault("obj", OWN_PROCESS)
        return super().main(args, **extra)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CfpError as err:
            click.echo(f"error: {err}" if "\n" not in str(err) else str(err), err=True)
            sys.exit(err.exit_code)


@click.group(cls=CfpGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cfpreport")
def main() -> None:
    """Product carbon footprint (产品碳足迹) reports from YAML study files."""


def add_revision_commands() -> None:
    """`diff` and `reissue` live in their own module (imports nothing heavy)."""
    from cfpreport.cli_revisions import diff, reissue

    main.add_command(diff)
    main.add_command(reissue)


add_revision_commands()


def exit_now(status: int) -> None:
    """End the process with ``status`` now that the command's files are written and its
    lines printed (they are flushed here), skipping the interpreter's teardown: freeing
    the objects of every module a build imports takes ~0.3 s. Only in a process of its
    own: under a test's CliRunner this returns, and the command ends as usual."""
    if click.get_current_context().obj is not OWN_PROCESS:
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


@main.command()
@click.argument("studies", nargs=-1, required=True, type=STUDY)
@click.option("--factor-set", help="Check against this factor set (a name, a set file, or "
                                   "DIR/NAME) instead of the study's.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@click.option("--style", type=click.Path(path_type=Path),
              help="Check with this house-style folder instead of the study's report.style.")
def validate(studies: tuple[Path, ...], factor_set: str | None, strict: bool,
             style: Path | None) -> None:
    """Check study files and workbooks; list every problem, with its line or cell.

    A workbook's reports are checked one by one; each problem names its cell
    (book.xlsx!activities!D14 amount: ...).

    Errors fail (exit status 1). Warnings say what the client's report will print as
    "/" or flag (unverified factors in a final report, a factor published after the
    issue date, ...); they do not fail unless --strict. The report's chapters are
    written too (without rendering a PDF or Word file), so a mistake in the house
    style's templates or files is found here rather than at build.
    """
    from cfpreport.errors import StudyError, StyleError
    from cfpreport.input.sources import find_studies
    from cfpreport.pipeline import check_study
    from cfpreport.report.model import build_report_model
    from cfpreport.report.style import chosen_style

    failed = 0
    for path in find_studies(studies):  # each report of a workbook
        try:  # a study's own errors; an unknown --factor-set ends the run (exit 1)
            checked = check_study(path, factor_set, strict)
            build_report_model(checked.study, checked.results, chosen_style(
                style, checked.study.report.style, checked.study.folder))
        except (StudyError, StyleError) as err:
            failed += 1
            click.echo(str(err), err=True)
            continue
        for problem in checked.warnings:
            click.echo(str(problem), err=True)
        study = checked.study
        activities = sum(len(p.activities) for p in study.products)
        warnings = f", {len(checked.warnings)} warnings" if checked.warnings else ""
        click.echo(f"{path}: ok ({len(study.products)} products, {activities} activities"
                   f"{warnings})")
    if failed:
        raise SystemExit(1)


@main.command()
@click.argument("study", type=STUDY)
@click.option("--factor-set", help="Price the study with this factor set (a name such as "
                                   "cn-2024, a set file, or DIR/NAME).")
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON instead.")
@click.option("--scenarios", "as_scenarios", is_flag=True,
              help="Print each product's total under the alternative scenarios instead.")
def calc(study: Path, factor_set: str | None, as_json: bool, as_scenarios: bool) -> None:
    """Calculate the footprint of every product in a study."""
    from cfpreport.calculation.results_json import dumps, results_document
    from cfpreport.pipeline import load_and_calculate
    from cfpreport.text_tables import results_text, scenarios_text

    calculated = load_and_calculate(study, factor_set)
    if as_json:
        click.echo(dumps(results_document(calculated.study, calculated.results)), nl=False)
    elif as_scenarios:
        click.echo(scenarios_text(calculated.study, calculated.results))
    else:
        click.echo(results_text(calculated.study, calculated.results))


class FactorsGroup(click.Group):
    """`cfpreport factors NAME` is short for `cfpreport factors show NAME`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


@main.group(cls=FactorsGroup, invoke_without_command=True)
@click.pass_context
def factors(ctx: click.Context) -> None:
    """List the shipped factor sets; `factors SET` shows one, `factors export SET` writes one."""
    if ctx.invoked_subcommand is None:
        from cfpreport.calculation.factors import available_sets, load_factor_set
        from cfpreport.text_tables import factor_sets_text

        click.echo(factor_sets_text([load_factor_set(n) for n in available_sets()]))


@factors.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the set as JSON.")
def factors_show(name: str, as_json: bool) -> None:
    """Show a set's factors with units, sources, dates, verification and fuel chains.

    NAME is a shipped set (cn-2024), a set file (./our-cn-2024.yaml) or DIR/NAME.
    """
    from cfpreport.calculation.factors import find_factor_set
    from cfpreport.text_tables import factor_set_json, factor_set_text

    factor_set = find_factor_set(name, Path.cwd())
    click.echo(factor_set_json(factor_set) if as_json else factor_set_text(factor_set))


@factors.command("export")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of printing.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def factors_export(name: str, output: Path | None, force: bool) -> None:
    """Write a set as one self-contained YAML file, for review and for `factor_set: FILE`.

    Every factor is listed with value, unit, kind, source, publisher, publication date,
    year, fuel chain, density, note and verified / verified_by / verified_on.
    """
    from cfpreport.calculation.factor_export import export_factor_set, write_factor_set
    from cfpreport.calculation.factors import find_factor_set

    factor_set = find_factor_set(name, Path.cwd())
    if output is None:
        click.echo(export_factor_set(factor_set), nl=False)
        return
    write_factor_set(factor_set, output, force)
    click.echo(f"{output}: {len(factor_set.factors)} factors of {factor_set.name} "
               f"{factor_set.version}")


def split_formats(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
                  ) -> tuple[str, ...]:
    """Accept --format pdf --format docx as well as --format pdf,docx."""
    from cfpreport.render import DEFAULT_FORMATS, FORMATS  # not cfpreport.build: see build()

    chosen = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    return tuple(chosen) or DEFAULT_FORMATS


@main.command()
@click.argument("studies", nargs=-1, required=True, type=STUDY)
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder for the reports.")
@click.option("-f", "--format", "formats", multiple=True, callback=split_formats,
              help="pdf, docx, json, html, pact (repeat or comma-separate; default "
                   "pdf,docx,json; pact: a PACT footprint per product).")
@click.option("--factor-set", help="Price the studies with this factor set instead (a name, "
                                   "a set file, or DIR/NAME).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: build nothing for a "
                                             "study that has any.")
@click.option("--style", type=click.Path(path_type=Path),
              help="A house-style folder (see `style init`) to use instead of the study's "
                   "report.style.")
@click.option("--force", is_flag=True, help="Build every study, also those whose build "
                                            "record says nothing changed.")
def build(studies: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...],
          factor_set: str | None, strict: bool, style: Path | None, force: bool) -> None:
    """Build each study's report into OUTPUT as <report number>.pdf/.docx/.json.

    Warnings (see `validate`) go to stderr; the report is still built unless --strict.
    With several studies, one that fails is reported and the others are still built.
    A report's files are written as one set, locked against another build of the same
    report number into OUTPUT (see README, "The report"). A report whose inputs and files
    are unchanged since its last build (OUTPUT/.cfpreport/ records their hashes) is kept
    as it is, unless --force.
    """
    import contextlib

    from cfpreport.render.pdf_worker import PdfWorker

    failed = 0
    # The PDF worker is forked first, from a process that has imported little more than
    # click: it imports WeasyPrint while this one imports pandas, prices the study and
    # writes the HTML. No warm-up page: measured, it made a build no faster.
    with PdfWorker(warm_up=False) if "pdf" in formats else contextlib.nullcontext() \
            as pdf_worker:
        from cfpreport.build import build_reports
        from cfpreport.input.sources import find_studies

        sources = find_studies(studies)  # each report of a workbook is a study
        outcomes = build_reports(sources, out_dir, formats, factor_set, pdf_worker, strict,
                                 style, force)
        for path, (_, outcome) in zip(sources, outcomes, strict=True):
            if isinstance(outcome, CfpError):
                failed += 1
                message = str(outcome)
                click.echo(f"{path}: not built" + ("\n" if "\n" in message else ": ") + message,
                           err=True)
                continue
            for problem in outcome.warnings:
                click.echo(str(problem), err=True)
            files = ", ".join(str(p) for p in outcome.outputs.values())
            totals = "; ".join(f"{pid} {total}" for pid, total in outcome.totals.items())
            kept = "unchanged, kept: " if outcome.skipped else ""
            click.echo(f"{path}: {kept}{files}  ({totals})")
    if failed and len(sources) > 1:
        click.echo(f"{failed} of {len(sources)} studies failed", err=True)
    exit_now(1 if failed else 0)  # the worker has ended; every file is written
    if failed:
        raise SystemExit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the reports and the summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes (default: one per core).")
@click.option("-f", "--format", "formats", multiple=True, callback=split_formats,
              help="pdf, docx, json, html, pact (repeat or comma-separate; default "
                   "pdf,docx,json; pact: a PACT footprint per product).")
@click.option("--factor-set", help="Price every study with this factor set instead (a name, "
                                   "a set file, or DIR/NAME).")
@click.option("--style", type=click.Path(path_type=Path),
              help="A house-style folder to use instead of each study's report.style.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: build nothing for a "
                                             "study that has any.")
@click.option("--force", is_flag=True, help="Build every study, also those whose build "
                                            "record says nothing changed.")
@click.option("--dask", metavar="ADDRESS", help="Build on the Dask cluster whose scheduler is "
              "at ADDRESS (tcp://host:8786) instead of worker processes here; needs "
              "cfpreport[dask] here and on the workers.")
def batch(paths: tuple[Path, ...], out_dir: Path, jobs: int | None, formats: tuple[str, ...],
          factor_set: str | None, style: Path | None, strict: bool, force: bool,
          dask: str | None) -> None:
    """Build many studies at once into OUTPUT, with summary.csv and summary.xlsx.

    PATHS are study files, workbooks (each report a study) or folders searched for
    them (study.yaml, *.study.yaml, workbooks with a reports sheet). Worker processes
    build them side by side; a study whose inputs and files are unchanged since its last
    build is kept (unless --force). One failing study does not stop the others: the
    failures are listed at the end (exit status 1). Ctrl-C stops cleanly, keeping the
    reports written and writing the summary of what was done.
    """
    import time

    from cfpreport.batch.progress import Progress, counts_lines, failure_lines
    from cfpreport.batch.runner import Batch, sigterm_interrupts

    run = Batch(paths, out_dir, jobs=jobs, formats=formats, factor_set=factor_set,
                style=style, strict=strict, force=force, dask=dask)
    progress, started = Progress(len(run.studies)), time.monotonic()
    try:
        with sigterm_interrupts():
            for outcome in run.run():
                progress.update(outcome)
    except KeyboardInterrupt as stop:
        progress.close()
        click.echo(f"interrupted; the reports written are kept; summary of what was done: "
                   f"{', '.join(map(str, run.summary_paths))}", err=True)
        raise SystemExit(128 + getattr(stop, "signum", 2)) from None
    finally:
        progress.close()  # also before the one line of an error that stops the batch
    outcomes = [run.outcomes[index] for index in sorted(run.outcomes)]
    for line in failure_lines(outcomes):
        click.echo(line, err=True)
    for line in counts_lines(outcomes, len(run.studies), time.monotonic() - started,
                             map(str, run.summary_paths)):
        click.echo(line)
    if any(outcome.status == "failed" for outcome in outcomes):
        raise SystemExit(1)


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite the workbook if it exists.")
def template(workbook: Path, force: bool) -> None:
    """Write an empty study workbook (.xlsx) to fill in: one sheet per kind of record.

    Sheets reports, team, stages, products, activities and factors, their headers the
    study-file keys; an instructions sheet (Chinese, then English) explains each sheet
    and column; drop-down lists offer the stages, bases, data types, units and factors.
    One workbook holds many reports. Build it with `build`, check it with `validate`.
    """
    from cfpreport.input.conversion import write_template

    write_template(workbook, force)
    click.echo(f"{workbook}: the study workbook to fill in (see its instructions sheet)")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="A workbook (.xlsx) to write, or a folder for NUMBER/study.yaml files.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def convert(inputs: tuple[Path, ...], output: Path, force: bool) -> None:
    """Convert studies between study files and workbooks.

    INPUTS are study files, workbooks and folders of them. An OUTPUT ending in .xlsx
    is written as one workbook holding every study; any other OUTPUT is a folder, each
    study written as OUTPUT/<report number>/study.yaml. The written studies read as the
    same studies (comments are not carried over). Nothing is written if a study has a
    problem, or if an output file exists (unless --force).
    """
    from cfpreport.input.conversion import convert_studies

    converted = convert_studies(inputs, output, force)
    for note in converted.notes:
        click.echo(f"note: {note}", err=True)
    for source in converted.studies:
        click.echo(f"{source}: converted")
    click.echo(f"{output}: {len(converted.files)} file(s) written")


@main.group()
def style() -> None:
    """House styles: a folder of templates, texts, CSS, Word reference and logo."""


@style.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
def style_init(folder: Path) -> None:
    """Write a starting house style into FOLDER (new or empty).

    It holds the built-in chapter templates and text snippets, a report.css of commented
    starting rules, a reference.docx of cfpreport's Word styles and a README saying what
    each file controls. Delete what you do not change.
    """
    from cfpreport.style_init import init_style

    files = init_style(folder)
    click.echo(f"{folder}: {len(files)} files; see {folder / 'README.md'}")


@main.command()
def doctor() -> None:
    """Check this machine: HarfBuzz font subsetting, the shipped fonts, Pango, WeasyPrint."""
    from cfpreport.doctor import run_checks

    ok = True
    for check in run_checks():
        click.echo(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
        ok &= check.ok
    if not ok:
        raise SystemExit(1)


@main.command()
@click.argument("report", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--p12", "p12", required=True,
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="PKCS#12 file (.p12/.pfx) with the signer's key and certificate.")
@click.option("--passphrase", help="The PKCS#12 file's passphrase; `prompt` asks for it "
                                   "(not echoed). Without it the file must have none.")
@click.option("--seal", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="An image (PNG) the signature field shows: the issuer's seal.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the signed report here (default: REPORT, replaced).")
def sign(report: Path, p12: Path, passphrase: str | None, seal: Path | None,
         output: Path | None) -> None:
    """Sign a final report (PAdES B-B) in the summary sheet's signature box.

    A draft cannot be signed. The signed file is written whole.
    """
    from cfpreport.final.signing import sign_report

    if passphrase == "prompt":
        passphrase = click.prompt("passphrase", hide_input=True, err=True)
    written = sign_report(report, p12, passphrase, output or report, seal)
    click.echo(f"{written}: signed")


@main.command()
@click.argument("report", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--trust", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A certificate (PEM or DER) the signer must chain to.")
def verify(report: Path, trust: Path | None) -> None:
    """Check a signed final report: its signature, that nothing changed after signing,
    and that its embedded study, priced with its embedded factors, gives every total it
    prints. Exit status 0 only when all three hold; each failure on its own line."""
    from cfpreport.final.verification import verify_report

    verdict = verify_report(report, trust)
    for line in verdict.passed:
        click.echo(f"[ok] {line}")
    for line in verdict.notes:
        click.echo(f"[note] {line}")
    for line in verdict.failed:
        click.echo(f"[FAIL] {line}")
    if not verdict.ok:
        raise SystemExit(1)
