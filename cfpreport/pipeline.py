"""The steps from a study file to results, each returning a value (see README)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cfpreport.calculate import Results, calculate
from cfpreport.checks import factor_problems, resolve_factor_set
from cfpreport.errors import StudyError
from cfpreport.factors import FactorSet
from cfpreport.loading import load_study_with_problems
from cfpreport.study import Study


@dataclass(frozen=True)
class Calculated:
    """A validated study with the factor set it was priced with and its results."""

    study: Study
    factor_set: FactorSet
    results: Results


def load_and_calculate(study_path: str | Path, factor_set: str | None = None) -> Calculated:
    """Load and check a study, then price it with its own or the given factor set."""
    study = check_study(study_path, factor_set)
    factors = resolve_factor_set(study, factor_set)
    return Calculated(study, factors, calculate(study, factors))


def check_study(study_path: str | Path, factor_set: str | None = None) -> Study:
    """Load a study and check it against its factor set; raise every problem at once."""
    study, problems = load_study_with_problems(study_path)
    factors = resolve_factor_set(study, factor_set)
    problems += factor_problems(study, factors)
    if problems:
        raise StudyError(problems)
    return study
