"""Factor sets: versioned, dated emission factors shipped as data.

A *set* file (``data/factors/cn-2024.yaml``) names the libraries it includes and maps
plain ids such as ``electricity`` to a concrete factor. Fuel factors are derived at
load time from their chain (NCV x carbon content x oxidation x 44/12), so the
numbers a report prints can always be traced back. A study's own ``factors:`` entries
override or extend the set.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cfpreport.errors import FactorError
from cfpreport.study import FactorKind
from cfpreport.units import UnitError, parse_factor_unit

CO2_PER_C = 44 / 12  # molar mass ratio CO2 / C



class FuelChain(BaseModel):
    """The default-value chain a fuel's CO2 factor is computed from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ncv: float = Field(gt=0, description="net calorific value, GJ per ncv_unit denominator")
    ncv_unit: str
    carbon_content: float = Field(gt=0, description="tC/GJ")
    oxidation: float = Field(gt=0, le=1)

    @property
    def tco2_per_unit(self) -> float:
        return self.ncv * self.carbon_content * self.oxidation * CO2_PER_C

    @property
    def tco2_per_gj(self) -> float:
        return self.carbon_content * self.oxidation * CO2_PER_C


class Density(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float = Field(gt=0, description="kg/L")
    source: str


class Factor(BaseModel):
    """One emission factor with everything a report needs to cite it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    value: float = Field(ge=0, allow_inf_nan=False)
    unit: str
    kind: FactorKind = "other"
    source: str
    publisher: str | None = None
    published: date | None = None
    year: int | None = None
    verified: bool = False
    chain: FuelChain | None = None
    density: Density | None = None
    note: str | None = None
    origin: str = "set"  # "set" or "study"

    @property
    def kg_per_denominator(self) -> float:
        """The factor in kg CO2(e) per one denominator unit (e.g. per kWh)."""
        return self.value * parse_factor_unit(self.unit).kg_per_mass_unit

    @property
    def denominator(self) -> str:
        return parse_factor_unit(self.unit).denominator

    @property
    def gas_basis(self) -> str:
        return parse_factor_unit(self.unit).gas_basis


class GwpSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    source: str
    published: date
    values: dict[str, float]


class FactorSet(BaseModel):
    """A named, versioned collection of factors, plus the hash of the files it came from."""

    model_config = ConfigDict(frozen=True)
    name: str
    version: str
    title: str
    published: date | None
    sha256: str
    factors: dict[str, Factor]
    aliases: dict[str, str] = Field(default_factory=dict)

    def get(self, factor_id: str) -> Factor:
        """Return a factor by id (following aliases such as electricity -> ..._2024)."""
        target = self.aliases.get(factor_id, factor_id)
        factor = self.factors.get(target)
        if factor is None:
            raise FactorError(f"factor set {self.name} has no factor {factor_id!r}")
        return factor.model_copy(update={"id": factor_id}) if target != factor_id else factor

    def ids(self) -> list[str]:
        return sorted({*self.factors, *self.aliases})

    def with_overrides(self, overrides: list[Factor]) -> FactorSet:
        """Return this set with study factors added, replacing set factors of the same id."""
        if not overrides:
            return self
        factors = dict(self.factors)
        aliases = dict(self.aliases)
        for factor in overrides:
            factors[factor.id] = factor
            aliases.pop(factor.id, None)
        return self.model_copy(update={"factors": factors, "aliases": aliases})


def data_dir() -> Path:
    return Path(str(resources.files("cfpreport") / "data" / "factors"))


def available_sets() -> list[str]:
    """Names of the factor sets shipped with cfpreport."""
    names = []
    for path in sorted(data_dir().glob("*.yaml")):
        if read_data_file(path).get("kind") == "set":
            names.append(path.stem)
    return names


@cache
def load_factor_set(name: str) -> FactorSet:
    """Load a shipped factor set by name, deriving fuel factors from their chains."""
    path = data_dir() / f"{name}.yaml"
    if not path.is_file() or read_data_file(path).get("kind") != "set":
        raise FactorError(f"unknown factor set {name!r}; available: "
                          f"{', '.join(available_sets())}")
    spec = read_data_file(path)
    digest = hashlib.sha256(path.read_bytes())
    factors: dict[str, Factor] = {}
    for library in spec.get("includes", []):
        library_path = data_dir() / f"{library}.yaml"
        if not library_path.is_file():
            raise FactorError(f"{path}: includes unknown library {library!r}")
        digest.update(library_path.read_bytes())
        factors.update(read_library(library_path))
    factors.update(read_factor_rows(path, spec.get("factors", []), spec.get("defaults", {})))
    aliases = spec.get("aliases", {})
    for alias, target in aliases.items():
        if target not in factors:
            raise FactorError(f"{path}: alias {alias} -> {target!r}: no such factor")
    return FactorSet(name=name, version=str(spec["version"]), title=spec.get("title", name),
                     published=spec.get("published"), sha256=digest.hexdigest(),
                     factors=factors, aliases=aliases)


def read_library(path: Path) -> dict[str, Factor]:
    spec = read_data_file(path)
    return read_factor_rows(path, spec.get("factors", []), spec.get("defaults", {}))


def read_factor_rows(path: Path, rows: list[dict], defaults: dict) -> dict[str, Factor]:
    """Validate factor rows like user input: a bad row names the file, row and field."""
    factors: dict[str, Factor] = {}
    for index, row in enumerate(rows):
        fields = {**defaults, **row}
        chain = fields.get("chain")
        if chain is not None and "value" not in fields:
            fields["value"] = FuelChain.model_validate(chain).tco2_per_unit
        try:
            factor = Factor.model_validate(fields)
            parse_factor_unit(factor.unit)
        except (ValidationError, UnitError) as err:
            raise FactorError(f"{path}: factors[{index}] ({row.get('id', '?')}): {err}") from None
        if factor.id in factors:
            raise FactorError(f"{path}: factors[{index}]: duplicate id {factor.id!r}")
        factors[factor.id] = factor
    return factors


@cache
def load_gwp_sets() -> dict[str, GwpSet]:
    """Return the GWP100 tables (AR4, AR5, AR6) keyed by report name."""
    spec = read_data_file(data_dir() / "gwp.yaml")
    return {name: GwpSet(name=name, **fields) for name, fields in spec["sets"].items()}


@cache
def read_data_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
