"""Rules that tie a study to a factor set: every factor exists, every unit converts.

They run after :func:`load_study`, once the factor set is known (a study may be
re-priced with another set at build time), and report every problem with its line.
"""

from __future__ import annotations

from cfpreport.errors import FactorError, Problem, StudyError
from cfpreport.factors import Factor, FactorSet, load_factor_set, load_gwp_sets
from cfpreport.loading import did_you_mean
from cfpreport.study import Study
from cfpreport.units import UnitError, conversion_factor, parse_factor_unit


def resolve_factor_set(study: Study, set_name: str | None = None) -> FactorSet:
    """Load the study's factor set (or ``set_name``) with the study's own factors applied."""
    name = set_name or study.study.factor_set
    try:
        base = load_factor_set(name)
    except FactorError as err:
        if set_name:  # chosen on the command line: the study file is not at fault
            raise FactorError(f"--factor-set {set_name}: {err}") from None
        line, column = study.position("study", "factor_set")
        raise StudyError.single(study.source_name, str(err), "study.factor_set", line,
                                column) from None
    problems = []
    overrides = []
    for index, entry in enumerate(study.factors):
        try:
            parse_factor_unit(entry.unit)
        except UnitError as err:
            line, column = study.position("factors", index, "unit")
            problems.append(Problem(study.source_name, line, column,
                                    f"factors[{index}].unit", str(err)))
            continue
        fields = entry.model_dump(exclude={"density"})
        if entry.density is not None:
            fields["density"] = {"value": entry.density, "source": entry.source}
        overrides.append(Factor.model_validate({**fields, "origin": "study"}))
    if problems:
        raise StudyError(problems)
    return base.with_overrides(overrides)


def check_study_against_factors(study: Study, factor_set: FactorSet) -> None:
    """Raise StudyError listing every activity whose factor, gas or unit does not fit."""
    problems = factor_problems(study, factor_set)
    if problems:
        raise StudyError(problems)


def factor_problems(study: Study, factor_set: FactorSet) -> list[Problem]:
    """List every activity whose factor, gas or unit does not fit the factor set."""
    problems: list[Problem] = []
    gwp = load_gwp_sets()[study.study.gwp]
    for p_index, product in enumerate(study.products):
        for a_index, activity in enumerate(product.activities):
            here = ("products", p_index, "activities", a_index)
            prefix = f"products[{p_index}].activities[{a_index}]"

            def add(field: str, message: str, here: tuple = here, prefix: str = prefix) -> None:
                line, column = study.position(*here, field)
                problems.append(Problem(study.source_name, line, column,
                                        f"{prefix}.{field}", message))

            if activity.gas is not None:
                if activity.gas not in gwp.values:
                    hint = did_you_mean(activity.gas, list(gwp.values))
                    add("gas", f"unknown gas {activity.gas!r};{hint} {study.study.gwp} has: "
                               f"{', '.join(gwp.values)}")
                else:
                    check_unit(activity.unit, "kg", None, add)
                continue
            ids = factor_set.ids()
            if activity.factor not in ids:
                hint = did_you_mean(activity.factor, ids)
                add("factor", f"unknown factor {activity.factor!r};{hint} set "
                              f"{factor_set.name} and the study's factors: list have "
                              f"{', '.join(shortlist(ids))}")
                continue
            factor = factor_set.get(activity.factor)
            check_unit(activity.unit, factor.denominator,
                       factor.density.value if factor.density else None, add,
                       factor_unit=factor.unit)
    return problems


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
