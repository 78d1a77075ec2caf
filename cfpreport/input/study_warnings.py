"""Warnings: what the client's report will print as "/", leave out, or flag.

A warning does not stop a build (``--strict`` makes it an error). Each rule is a
small function ``rule(study, factor_set) -> list[Problem]`` that returns warnings
located like errors (``study.yaml:LINE:COL field.path: warning: message``); to add a
rule, write one with :func:`warning` and list it in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable

from cfpreport.calculation.factors import Factor, FactorSet
from cfpreport.errors import Problem
from cfpreport.input.loading import FieldPath, format_path
from cfpreport.input.study import Study

Rule = Callable[[Study, FactorSet], list[Problem]]


def study_warnings(study: Study, factor_set: FactorSet) -> list[Problem]:
    """Run every rule on a valid study priced with ``factor_set``: those of :data:`RULES`
    (what prints as "/", the factors), then those about the report's statements."""
    from cfpreport.input.content_warnings import RULES as CONTENT_RULES  # it imports this module
    from cfpreport.input.glyph_warnings import RULES as GLYPH_RULES  # so does this one

    return [problem for rule in [*RULES, *CONTENT_RULES, *GLYPH_RULES]
            for problem in rule(study, factor_set)]


def warning(study: Study, field_path: FieldPath, message: str) -> Problem:
    """A warning at a field; a field that is not in the file is located at its parent."""
    line, column = where(study, field_path)
    return Problem(study.source_name, line, column, format_path(field_path), message,
                   severity="warning")


def where(study: Study, field_path: FieldPath) -> tuple[int | None, int | None]:
    """The field's position, or else its nearest written parent's: the parent's key
    (``company:``) for a mapping, the item itself for a list item."""
    for end in range(len(field_path), 0, -1):
        path = field_path[:end]
        if written(study, *path):
            if end < len(field_path) and isinstance(path[-1], str):
                return study.position("#key", *path)
            return study.position(*path)
    return None, None


def written(study: Study, *field_path: str | int) -> bool:
    """Whether the file states a field (rather than relying on its default)."""
    return tuple(field_path) in study._positions


# --- what the summary sheet and the annex print as "/" or leave out -----------------

def company_details_given(study: Study, factor_set: FactorSet) -> list[Problem]:
    """Address, legal representative, contact and overview fill the summary sheet."""
    company = study.company
    blanks = [
        ("address", not company.address, "地址 (address)"),
        ("legal_representative", not company.legal_representative,
         "法定代表人 (legal representative)"),
        ("contact", not (company.contact.name or company.contact.phone), "联系人 (contact)"),
        ("overview", not company.overview.strip(), "企业概况 (company overview)"),
    ]
    return [warning(study, ("company", key), f"not given: the summary sheet prints “/” "
                                             f"for {label}")
            for key, blank, label in blanks if blank]


def team_named(study: Study, factor_set: FactorSet) -> list[Problem]:
    """The team signs the summary sheet and is listed in annex 1."""
    if study.report.team:
        return []
    return [warning(study, ("report", "team"), "no team members: annex 1 lists the team as "
                                               "“/” and the summary sheet has no signature "
                                               "lines for them")]


def prepared_by_named(study: Study, factor_set: FactorSet) -> list[Problem]:
    if study.report.prepared_by:
        return []
    return [warning(study, ("report", "prepared_by"), "not given: the summary sheet has no "
                                                      "编制 (prepared by) signature line")]


def site_days_given(study: Study, factor_set: FactorSet) -> list[Problem]:
    if study.report.site_days:
        return []
    return [warning(study, ("report", "site_days"), "not given: annex 1 does not say how many "
                                                    "days the team spent on site")]


def data_type_stated(study: Study, factor_set: FactorSet) -> list[Problem]:
    """An activity without ``data_type`` is counted as primary (measured on site) data."""
    problems = []
    for p_index, product in enumerate(study.products):
        for a_index in range(len(product.activities)):
            here = ("products", p_index, "activities", a_index)
            if not written(study, *here, "data_type"):
                problems.append(warning(study, (*here, "data_type"), (
                    "not stated: the report counts this activity as primary data (measured "
                    "on site); write data_type: primary or data_type: secondary")))
    return problems


# --- the factors the report cites ----------------------------------------------------

def unverified_factors_in_final_report(study: Study, factor_set: FactorSet) -> list[Problem]:
    """A final report should not rest on factors nobody checked against their source."""
    if study.report.status != "final":
        return []
    return [warning(study, where, (
        f"factor {describe(factor, factor_set)} is not verified (verified: false) in a "
        "final report: the factor table marks it “*” as not checked against its source; "
        "once it is, record verified: true, verified_by and verified_on (`cfpreport "
        "factors export` writes a set for review)"))
        for factor, where in used_factors(study, factor_set) if not factor.verified]


def verifier_named(study: Study, factor_set: FactorSet) -> list[Problem]:
    """``verified: true`` is a claim the report attributes: it needs ``verified_by``."""
    return [warning(study, where, (
        f"factor {describe(factor, factor_set)} says verified: true but not verified_by: "
        "the report cannot say who checked it; add verified_by and verified_on"))
        for factor, where in used_factors(study, factor_set)
        if factor.verified and not factor.verified_by]


def factors_published_by_issue_date(study: Study, factor_set: FactorSet) -> list[Problem]:
    """A report cannot have used a factor that was published after it was issued."""
    issued = study.report.issued
    return [warning(study, where, (
        f"factor {factor.id} ({factor.name}) published {factor.published}, after the "
        f"report's issue date {issued}; check report.issued or the factor set"))
        for factor, where in used_factors(study, factor_set)
        if factor.published is not None and factor.published.is_after(issued)]


def used_factors(study: Study, factor_set: FactorSet) -> list[tuple[Factor, FieldPath]]:
    """The factors the activities use, in order of first use, each with where to point:
    the study's own entry for a study factor, else the first activity that uses it."""
    known = set(factor_set.ids())
    own = {entry.id: index for index, entry in enumerate(study.factors)}
    found: dict[str, FieldPath] = {}
    for p_index, product in enumerate(study.products):
        for a_index, activity in enumerate(product.activities):
            if activity.factor in known and activity.factor not in found:
                found[activity.factor] = ("products", p_index, "activities", a_index, "factor")
    for factor_id in found:
        if factor_id in own and factor_set.get(factor_id).origin == "study":
            found[factor_id] = ("factors", own[factor_id])
    return [(factor_set.get(factor_id), where) for factor_id, where in found.items()]


def describe(factor: Factor, factor_set: FactorSet) -> str:
    """'diesel (柴油, set cn-2022)' or 'steel (钢板, the study's factors:)'."""
    where = "the study's factors:" if factor.origin == "study" else (
        f"set {factor_set.file or factor_set.name}")
    return f"{factor.id} ({factor.name}, {where})"


RULES: list[Rule] = [
    company_details_given,
    team_named,
    prepared_by_named,
    site_days_given,
    data_type_stated,
    unverified_factors_in_final_report,
    verifier_named,
    factors_published_by_issue_date,
]
