"""Write a factor set as one self-contained YAML file for a verification body to review.

The export flattens a shipped set's libraries into one list, writes every factor
with all its fields (fuel factors with their value *and* the chain it follows from),
and reads back as exactly the same factors: a study priced with the unchanged file
gets the same results as with the shipped set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cfpreport.calculation.factors import Factor, FactorSet
from cfpreport.errors import OutputExistsError
from cfpreport.output import replace_file  # whole or not at all; errors as one line

FIELDS = ("id", "name", "value", "unit", "kind", "source", "publisher", "en", "published",
          "year", "chain", "density", "note", "verified", "verified_by", "verified_on",
          "uncertainty")

HEADER = """\
# Factor set {name} {version}, exported by cfpreport from {origin}
# (sha256 {sha256}).
#
# Self-contained: every factor the set holds is listed below. To use it in a study:
#   study:
#     factor_set: ./{file_hint}      # relative to the study file's folder
# or build with --factor-set FILE. The sha256 of this file identifies it in every
# results JSON.
#
# To verify it: check each factor against its source document, then write
#   verified: true
#   verified_by: 张三（某机构）
#   verified_on: 2026-03-01
# The report prints who verified the factors and marks the others "*". Dates may be
# written as 2025-09-28, 2026-01 (month known) or 2025 (year known); they print as given.
# A fuel factor's value must follow from its chain (NCV x carbon content x oxidation x
# 44/12) to the digits written.
"""


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors, empty values left blank (``verified_by:``)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Flow(dict):
    """A mapping written on one line (chains and densities)."""


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar(
    "tag:yaml.org,2002:null", ""))
_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))


def export_factor_set(factor_set: FactorSet, file_hint: str = "our-set.yaml") -> str:
    """The YAML text of a self-contained set file holding every factor of ``factor_set``."""
    document: dict[str, Any] = {
        "kind": "set",
        "name": factor_set.name,
        "version": factor_set.version,
        "title": factor_set.title,
        **({"en": factor_set.en.model_dump(exclude_none=True)} if factor_set.en else {}),
        "published": factor_set.published.yaml_value() if factor_set.published else None,
        "exported_from": {"name": factor_set.name, "version": factor_set.version,
                          "sha256": factor_set.sha256},
        "aliases": dict(factor_set.aliases),
        "factors": [factor_entry(factor) for factor in factor_set.factors.values()],
    }
    origin = (f"the set file {factor_set.file}" if factor_set.file
              else "the factor set shipped with cfpreport")
    header = HEADER.format(name=factor_set.name, version=factor_set.version, origin=origin,
                           sha256=factor_set.sha256, file_hint=file_hint)
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    return header + body


def write_factor_set(factor_set: FactorSet, path: Path, force: bool = False) -> None:
    """Write the export to ``path``; never overwrite a (possibly reviewed) file unasked."""
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it")
    replace_file(path, export_factor_set(factor_set, path.name).encode("utf-8"))


def factor_entry(factor: Factor) -> dict[str, Any]:
    """Every field of a factor, in review order; chain, density and the English texts (en)
    only where they exist."""
    entry: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(factor, name)
        if name in ("chain", "density", "uncertainty"):
            if value is not None:
                entry[name] = _Flow(value.model_dump(exclude_none=True))
            continue
        if name == "en":
            if value is not None:
                entry[name] = value.model_dump(exclude_none=True)
            continue
        if name in ("published", "verified_on") and value is not None:
            value = value.yaml_value()
        entry[name] = value
    return entry
