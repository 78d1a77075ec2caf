"""What a final report needs before anyone can sign it, and the draft rule.

A signed report names who issued it and when, who prepared it, the team leader with the
certificate that qualifies them, and the client's legal representative. A study that
says ``status: final`` and lacks any of these is refused, every missing field on its own
line. A study that does not say ``status`` at all was written before this rule: it still
builds, but as a draft (watermarked, not PDF/A, unsignable), with one warning naming what
it lacks, so that an old study never breaks and never passes for a signed-off report.
"""

from __future__ import annotations

from cfpreport.errors import Problem
from cfpreport.input.loading import FieldPath, format_path
from cfpreport.input.study import Study, TeamMember
from cfpreport.input.study_warnings import warning, where, written

#: The roles that make a team member the team leader (compared lower-cased, trimmed).
LEADER_ROLES = ("组长", "审核组长", "核查组长", "team leader", "leader", "lead verifier")


def is_leader(member: TeamMember) -> bool:
    """Whether the member's role names the team leader (组长 / team leader)."""
    return member.role.strip().lower() in LEADER_ROLES


def missing_for_final(study: Study) -> list[tuple[FieldPath, str]]:
    """Each field a final report needs and the study lacks, with what to write there."""
    report, missing = study.report, []
    if not report.issuer.name.strip():
        missing.append((("report", "issuer", "name"), "the issuing body's name"))
    if not report.prepared_by or not report.prepared_by.strip():
        missing.append((("report", "prepared_by"), "who prepared the report (编制人)"))
    leaders = [(index, member) for index, member in enumerate(report.team) if is_leader(member)]
    if not leaders:
        missing.append((("report", "team"), (
            "a team member whose role is the team leader (role: 组长, or team leader), with "
            "a certificate number")))
    elif not any(member.certificate and member.certificate.strip() for _, member in leaders):
        index = leaders[0][0]
        missing.append((("report", "team", index, "certificate"), (
            f"the team leader {report.team[index].name}'s certificate number")))
    if not study.company.legal_representative or not study.company.legal_representative.strip():
        missing.append((("company", "legal_representative"),
                        "the company's legal representative (法定代表人)"))
    return missing


def final_or_draft(study: Study) -> tuple[Study, list[Problem]]:
    """Apply the final-report rule: the study as it builds, and its problems.

    ``status: final`` written and something missing: one error per field. ``status`` not
    written and something missing: the study as a draft, and one warning naming the
    fields. Otherwise the study as it is, and nothing.
    """
    if study.report.status != "final":
        return study, []
    missing = missing_for_final(study)
    if not missing:
        return study, []
    if written(study, "report", "status"):
        return study, [problem_at(study, path, f"a final report needs {what}; give it, or "
                                  "write status: draft")
                       for path, what in missing]
    fields = ", ".join(format_path(path) for path, _ in missing)
    draft = study.model_copy(update={"report": study.report.model_copy(
        update={"status": "draft"})})
    return draft, [warning(study, ("report", "status"), (
        f"not stated, and the study lacks what a final (signed) report needs: {fields}; it is "
        "built as a draft (watermarked); give them, or write status: draft or status: "
        "final"))]


def problem_at(study: Study, field_path: FieldPath, message: str) -> Problem:
    """An error at a field, located at its nearest written parent when it is missing."""
    line, column = where(study, field_path)
    return Problem(study.source_name, line, column, format_path(field_path), message)
