"""Rules that tie a study to a factor set: every factor exists, every unit converts.

The factor set is known only at build time (a study may be re-priced with another
set), so these rules run after loading. They work on the study's raw data, like the
other cross-field rules, so that they are reported in the same pass as shape
problems; an activity whose own fields are invalid is skipped (its problem is
already reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cfpreport.calculation.factors import Factor, FactorSet, find_factor_set, load_gwp_sets
from cfpreport.calculation.units import UnitError, conversion_factor, parse_factor_unit
from cfpreport.errors import FactorError, FactorSetFileError, Problem, StudyError
from cfpreport.input.loading import LoadedStudy, did_you_mean
from cfpreport.input.study import Activity, Study, StudyFactor, StudyScope

DEFAULT_SET = StudyScope.model_fields["factor_set"].default
DEFAULT_GWP = StudyScope.model_fields["gwp"].default


@dataclass
class StudyFactors:
    """The study's own ``factors:`` entries, as factors, with the problems of their units."""

    factors: list[Factor] = field(default_factory=list)
    unusable: set[str] = field(default_factory=set)  # ids whose entry has a problem
    problems: list[Problem] = field(default_factory=list)


def chosen_factor_set(set_name: str | None) -> FactorSet | None:
    """Load the set named on the command line (a file relative to the working folder)."""
    if not set_name:
        return None
    try:
        return find_factor_set(set_name, Path.cwd())
    except FactorSetFileError:
        raise  # its problems are located in the set file
    except FactorError as err:  # the study file is not at fault: say which option is
        raise FactorError(f"--factor-set {set_name}: {err}") from None


def study_set(loaded: LoadedStudy) -> tuple[FactorSet | None, list[Problem]]:
    """Load the set the study names in ``study.factor_set``, or say why it cannot be."""
    spec = loaded.value("study", "factor_set")
    spec = DEFAULT_SET if spec is None else str(spec)
    try:
        return find_factor_set(spec, loaded.folder), []
    except FactorSetFileError as err:
        return None, err.problems
    except FactorError as err:
        return None, [loaded.problem(("study", "factor_set"), str(err))]


def study_factors(loaded: LoadedStudy) -> StudyFactors:
    """Turn the valid ``factors:`` entries into factors; report units that do not parse."""
    result = StudyFactors()
    for path, entry in loaded.mappings("factors"):
        try:
            factor = study_factor(StudyFactor.model_validate(entry))
        except ValidationError:  # reported as a shape problem
            result.unusable.add(str(entry.get("id")))
            continue
        except UnitError as err:
            result.unusable.add(str(entry.get("id")))
            result.problems.append(loaded.problem((*path, "unit"), str(err)))
            continue
        result.factors.append(factor)
    return result


def study_factor(entry: StudyFactor) -> Factor:
    """A study's factor entry as a Factor (origin "study"); raise UnitError for its unit."""
    parse_factor_unit(entry.unit)
    fields = entry.model_dump(exclude={"density"})
    if entry.density is not None:
        fields["density"] = {"value": entry.density, "source": entry.source}
    return Factor.model_validate({**fields, "origin": "study"})


def resolve_factor_set(study: Study, set_name: str | None = None) -> FactorSet:
    """Load the study's factor set (or ``set_name``) with the study's own factors applied."""
    base = chosen_factor_set(set_name)
    if base is None:
        try:
            base = find_factor_set(study.study.factor_set, study.folder)
        except FactorSetFileError:
            raise
        except FactorError as err:
            line, column = study.position("study", "factor_set")
            raise StudyError.single(study.source_name, str(err), "study.factor_set", line,
                                    column) from None
    overrides, problems = [], []
    for index, entry in enumerate(study.factors):
        try:
            overrides.append(study_factor(entry))
        except UnitError as err:
            line, column = study.position("factors", index, "unit")
            problems.append(Problem(study.source_name, line, column,
                                    f"factors[{index}].unit", str(err)))
    if problems:
        raise StudyError(problems)
    return base.with_overrides(overrides)


def factor_problems(loaded: LoadedStudy, factor_set: FactorSet | None,
                    unusable: set[str] = frozenset()) -> list[Problem]:
    """List every activity whose factor, gas or unit does not fit the factor set.

    Activities that fail their own validation are skipped, as are those whose factor
    is a study factor with a problem, and every factor check when no set could be
    loaded (that problem is reported where the set is named).
    """
    problems: list[Problem] = []
    gwp_name = loaded.value("study", "gwp") or DEFAULT_GWP
    gwp = load_gwp_sets().get(str(gwp_name))
    for product_path, _ in loaded.mappings("products"):
        for path, raw in loaded.mappings(*product_path, "activities"):
            try:
                activity = Activity.model_validate(raw)
            except ValidationError:
                continue

            def add(name: str, message: str, path: tuple = path) -> None:
                problems.append(loaded.problem((*path, name), message))

            if activity.gas is not None:
                if gwp is not None:
                    gas_problem(activity, gwp.name, list(gwp.values), add)
            elif factor_set is not None and activity.factor not in unusable:
                factor_problem(activity, factor_set, add)
    return problems


def gas_problem(activity: Activity, gwp_name: str, gases: list[str], add) -> None:
    if activity.gas not in gases:
        hint = did_you_mean(activity.gas, gases)
        add("gas", f"unknown gas {activity.gas!r};{hint} {gwp_name} has: {', '.join(gases)}")
    else:
        check_unit(activity.unit, "kg", None, add)


def factor_problem(activity: Activity, factor_set: FactorSet, add) -> None:
    ids = factor_set.ids()
    if activity.factor not in ids:
        hint = did_you_mean(activity.factor, ids)
        add("factor", f"unknown factor {activity.factor!r};{hint} set {factor_set.name} and "
                      f"the study's factors: list have {', '.join(shortlist(ids))}")
        return
    factor = factor_set.get(activity.factor)
    check_unit(activity.unit, factor.denominator,
               factor.density.value if factor.density else None, add, factor_unit=factor.unit)


def check_unit(unit: str, denominator: str, density: float | None, add,
               factor_unit: str | None = None) -> None:
    try:
        conversion_factor(unit, denominator, density)
    except UnitError as err:
        target = f"the factor's unit {factor_unit}" if factor_unit else "kg (a gas release)"
        add("unit", f"{err}; the amount must be in a unit convertible to {target}")


def shortlist(ids: list[str], limit: int = 12) -> list[str]:
    """The plain ids first (electricity, diesel, ...), then the named variants, capped."""
    plain = [i for i in ids if "_20" not in i]
    rest = [i for i in ids if "_20" in i]
    chosen = (plain + rest)[:limit]
    return chosen + ([f"... ({len(ids) - limit} more: `cfpreport factors`)"]
                     if len(ids) > limit else [])
