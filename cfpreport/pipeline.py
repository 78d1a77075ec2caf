"""The steps from a study file to results, each returning a value (see README)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from cfpreport.calculation.calculate import Results, calculate
from cfpreport.calculation.factors import FactorSet
from cfpreport.errors import Problem, StudyError, in_order
from cfpreport.input.checks import chosen_factor_set, factor_problems, study_factors, study_set
from cfpreport.input.final_report import final_or_draft
from cfpreport.input.loading import cross_field_problems, image_problems
from cfpreport.input.sources import StudySource, read_source
from cfpreport.input.study import Study
from cfpreport.input.study_warnings import study_warnings


@dataclass(frozen=True)
class Calculated:
    """A validated study with the factor set it was priced with, its results, and what
    its report will lack."""

    study: Study
    factor_set: FactorSet
    results: Results
    warnings: list[Problem] = field(default_factory=list)


def load_and_calculate(study_path: str | Path | StudySource, factor_set: str | None = None,
                       strict: bool = False) -> Calculated:
    """Load and check a study, then price it with its own or the given factor set."""
    return check_study(study_path, factor_set, strict)


def check_study(study_path: str | Path | StudySource, factor_set: str | None = None,
                strict: bool = False) -> Calculated:
    """Load a study, check it against its factor set and price it; raise every problem.

    Shape problems, cross-field problems (ids, bases, images) and factor problems are
    found in one pass; a study without any is priced, so that a result outside the
    supported range fails ``validate`` too. Warnings come back with the study; with
    ``strict`` they are errors. When the study has errors, its warnings are listed
    after them. A study from a workbook (a path to one that holds one report, or a
    :class:`StudySource`) has each problem named by its cell.
    """
    chosen = chosen_factor_set(factor_set)
    loaded = read_source(study_path)
    base, set_problems = (chosen, []) if chosen else study_set(loaded)
    own = study_factors(loaded)
    priced_with = base.with_overrides(own.factors) if base else None
    problems = [*loaded.problems, *set_problems, *own.problems,
                *cross_field_problems(loaded), *image_problems(loaded),
                *factor_problems(loaded, priced_with, own.unusable)]
    study, warnings = loaded.study, []
    if study is not None:  # a final report's fields; a study silent on status may be a draft
        study, final_problems = final_or_draft(study)
        problems += [p for p in final_problems if not p.is_warning]
        warnings += [p for p in final_problems if p.is_warning]
    if study is not None and priced_with is not None:
        warnings = in_order([*warnings, *study_warnings(study, priced_with)])
    results = None
    if not problems:
        try:
            results = calculate(study, priced_with)
        except StudyError as err:  # a result outside the supported range
            problems = err.problems
    if strict:
        problems += [dataclasses.replace(w, severity="error") for w in warnings]
    if problems:
        raise StudyError(loaded.located(problems + ([] if strict else warnings)))
    return Calculated(study, priced_with, results, loaded.located(warnings))
