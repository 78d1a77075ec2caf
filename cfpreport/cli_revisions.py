"""The command line of revisions: ``cfpreport diff`` and ``cfpreport reissue``.

Registered on the main group by :mod:`cfpreport.cli`; like it, each command parses its
arguments, makes one library call (:mod:`cfpreport.revisions`) and prints.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from cfpreport.errors import CfpError

PATH = click.Path(path_type=Path, dir_okay=False)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATH)
@click.option("--from", "old_set", help="Price STUDY with this factor set for the old side "
                                        "(default: the study's own).")
@click.option("--to", "new_set", help="Price STUDY with this factor set for the new side "
                                      "(default: the study's own).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON "
                                                      "(cfpreport.diff/1).")
def diff(paths: tuple[Path, ...], old_set: str | None, new_set: str | None,
         as_json: bool) -> None:
    """Compare without rendering: `diff STUDY --from SET --to SET` re-prices a study;
    `diff OLD.pdf|OLD.json STUDY` compares an issued report (its results JSON, or a final
    PDF's embedded results) with the study as it is now (priced with its own set, or
    --to SET).

    Lists the factors that changed (value, unit, source, date), the activity data that
    changed, and each product's stages and total, old -> new with the change in per
    cent: what a revision's history section prints.
    """
    from cfpreport.calculation.results_json import dumps
    from cfpreport.revisions.diff_text import comparison_text
    from cfpreport.revisions.diffs import compare_issued, compare_sets

    if len(paths) == 1:
        if old_set is None and new_set is None:
            raise CfpError("diff STUDY needs --from SET and/or --to SET (or give an issued "
                           "report first: diff OLD.pdf|OLD.json STUDY)")
        comparison = compare_sets(paths[0], old_set, new_set)
    elif len(paths) == 2:
        if old_set is not None:
            raise CfpError("--from applies to diff STUDY only: the issued report's own "
                           "factors are the old side")
        comparison = compare_issued(paths[0], paths[1], new_set)
    else:
        raise CfpError("diff takes STUDY, or OLD.pdf|OLD.json and STUDY")
    click.echo(dumps(comparison.as_dict()) if as_json else comparison_text(comparison),
               nl=not as_json)


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None
             ) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2026-03-18") from None


@click.command()
@click.argument("old", type=PATH)
@click.option("--factor-set", required=True, help="Price the new revision with this factor "
                                                  "set (a name such as cn-2024, or a set file).")
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the issued study (previous/), the new study and its reports.")
@click.option("--reason", help="Why the report is re-issued (report.revision_reason).")
@click.option("--issued", callback=iso_date, help="The new revision's issue date (ISO, "
              "2026-03-18). Without it the issued study's report.issued is kept: today's "
              "date is never used unasked.")
def reissue(old: Path, factor_set: str, out_dir: Path, reason: str | None,
            issued: datetime.date | None) -> None:
    """Re-issue a report with other factors, as its next revision.

    OLD is a final PDF made by cfpreport (its embedded study, images, factor set and
    results are used, bytes unchanged) or a study file (its old values are the study
    priced with its own factor set). OUTPUT receives previous/ (the issued study byte for
    byte, its images and results JSON), the new study (revision + 1, the factor set,
    report.previous and the reason changed; everything else as written) and the new
    revision's reports, NUMBER-R2.pdf/.docx/.json, with a revision-history section.
    """
    from cfpreport.revisions.reissue import reissue as reissue_report

    done = reissue_report(old, factor_set, out_dir, reason, issued)
    files = ", ".join(str(path) for path in done.record.outputs.values())
    totals = "; ".join(f"{pid} {total}" for pid, total in done.record.totals.items())
    click.echo(f"{done.previous_study}: issued study kept")
    click.echo(f"{done.study}: revision {done.revision}: {files}  ({totals})")
