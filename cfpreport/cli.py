"""The command line: parse arguments, call the library, print. No logic here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cfpreport import __version__
from cfpreport.errors import CfpError

STUDY = click.Path(path_type=Path, dir_okay=False)


class CfpGroup(click.Group):
    """Print user errors (CfpError) as plain messages with exit status 1, no traceback."""

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


@main.command()
@click.argument("studies", nargs=-1, required=True, type=STUDY)
@click.option("--factor-set", help="Check against this factor set instead of the study's.")
def validate(studies: tuple[Path, ...], factor_set: str | None) -> None:
    """Check study files and list every problem, with file, line and field."""
    from cfpreport.errors import StudyError
    from cfpreport.pipeline import check_study

    failed = 0
    for path in studies:
        try:
            study = check_study(path, factor_set)
        except StudyError as err:
            failed += 1
            click.echo(str(err), err=True)
            continue
        activities = sum(len(p.activities) for p in study.products)
        click.echo(f"{path}: ok ({len(study.products)} products, {activities} activities)")
    if failed:
        raise SystemExit(1)


@main.command()
@click.argument("study", type=STUDY)
@click.option("--factor-set", help="Price the study with this factor set (e.g. cn-2024).")
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON instead.")
def calc(study: Path, factor_set: str | None, as_json: bool) -> None:
    """Calculate the footprint of every product in a study."""
    from cfpreport.pipeline import load_and_calculate
    from cfpreport.results_json import dumps, results_document
    from cfpreport.text_tables import results_text

    calculated = load_and_calculate(study, factor_set)
    if as_json:
        click.echo(dumps(results_document(calculated.study, calculated.results)), nl=False)
    else:
        click.echo(results_text(calculated.study, calculated.results))


@main.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the set as JSON.")
def factors(name: str | None, as_json: bool) -> None:
    """List the shipped factor sets, or the factors of one set with units and sources."""
    from cfpreport.factors import available_sets, load_factor_set
    from cfpreport.text_tables import factor_set_json, factor_set_text, factor_sets_text

    if name is None:
        sets = [load_factor_set(n) for n in available_sets()]
        click.echo(factor_sets_text(sets))
        return
    factor_set = load_factor_set(name)
    click.echo(factor_set_json(factor_set) if as_json else factor_set_text(factor_set))


def split_formats(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
                  ) -> tuple[str, ...]:
    """Accept --format pdf --format docx as well as --format pdf,docx."""
    from cfpreport.build import DEFAULT_FORMATS, FORMATS

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
              help="pdf, docx, json, html (repeat or comma-separate; default pdf,docx,json).")
@click.option("--factor-set", help="Price the studies with this factor set instead.")
def build(studies: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...],
          factor_set: str | None) -> None:
    """Build each study's report into OUTPUT as <report number>.pdf/.docx/.json.

    With several studies, one that fails is reported and the others are still built.
    """
    from cfpreport.render.pdf_worker import PdfWorker

    failed = 0
    # The PDF worker starts before the heavy imports, so WeasyPrint loads meanwhile.
    with PdfWorker() as pdf_worker:
        from cfpreport.build import build_reports

        for path, outcome in build_reports(studies, out_dir, formats, factor_set, pdf_worker):
            if isinstance(outcome, CfpError):
                failed += 1
                click.echo(f"{path}: not built\n{outcome}", err=True)
                continue
            files = ", ".join(str(p) for p in outcome.outputs.values())
            totals = "; ".join(f"{pid} {total}" for pid, total in outcome.totals.items())
            click.echo(f"{path}: {files}  ({totals})")
    if failed:
        click.echo(f"{failed} of {len(studies)} studies failed", err=True)
        raise SystemExit(1)


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
