"""Factor sets: versioned, dated emission factors, shipped as data or named as a file.

A shipped *set* file (``data/factors/cn-2024.yaml``) names the libraries it includes
and maps plain ids such as ``electricity`` to a concrete factor. A user's set file
(``factor_set: ./our-cn-2024.yaml``, written by ``cfpreport factors export``) lists
every factor itself. Both are validated like study files: a bad row is reported with
its file, line and field. Fuel factors are derived from their chain (NCV x carbon
content x oxidation x 44/12), so the numbers a report prints can always be traced
back. A study's own ``factors:`` entries override or extend the set.

Every human-readable text (a factor's name, source and publisher, a set's title) is
written in Chinese, the original, and may also be given in English under ``en:``
beside it; :meth:`Bilingual.text` picks a language and falls back to the original.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from cfpreport.calculation.ranges import CHAIN_VALUE, DENSITY, FACTOR_VALUE, GWP
from cfpreport.calculation.stages import Language
from cfpreport.calculation.units import UnitError, parse_factor_unit
from cfpreport.errors import FactorError, FactorSetFileError, Problem, StudyError
from cfpreport.input.dates import PartialDate
from cfpreport.input.loading import (
    FieldPath,
    Parsed,
    Positions,
    format_path,
    locate,
    parse_yaml,
    read_fields,
    read_text,
)
from cfpreport.input.scalars import read_as
from cfpreport.input.study import FactorEnglish, FactorKind, Year
from cfpreport.input.uncertainty_keys import StatedUncertainty

CO2_PER_C = 44 / 12  # molar mass ratio CO2 / C
SET_NEEDS = "kind:, name:, version: and factors:"

# Numbers in the supported range (README, "Limits"), refused with the range in words.
FactorValue = Annotated[float, AfterValidator(FACTOR_VALUE.check)]
ChainValue = Annotated[float, AfterValidator(CHAIN_VALUE.check)]
EnglishText = Annotated[str | None, Field(min_length=1)]


class Bilingual:
    """A model whose texts are written in Chinese and may also be given in English (``en``).

    ``TRANSLATED`` names the texts; the ``en`` model has a field of the same name for each.
    """

    TRANSLATED: ClassVar[tuple[str, ...]]  # each subclass also has the field en: ... | None

    def text(self, field: str, language: Language = "zh") -> str | None:
        """Return a text in ``language``, or as originally written if it has none there."""
        if field not in self.TRANSLATED:
            raise KeyError(f"{field!r} is not a translated text of {type(self).__name__}")
        original = getattr(self, field)
        if language == "zh" or self.en is None:
            return original
        english = getattr(self.en, field)
        return original if english is None else english

    def missing_english(self) -> tuple[str, ...]:
        """The texts given in the original but not in English (printed as written)."""
        return tuple(field for field in self.TRANSLATED if getattr(self, field) is not None
                     and (self.en is None or getattr(self.en, field) is None))


class FuelChain(BaseModel):
    """The default-value chain a fuel's CO2 factor is computed from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ncv: ChainValue = Field(description="net calorific value, GJ per ncv_unit denominator")
    ncv_unit: str
    carbon_content: ChainValue = Field(description="tC/GJ")
    oxidation: float = Field(gt=0, le=1)

    @property
    def tco2_per_unit(self) -> float:
        return self.ncv * self.carbon_content * self.oxidation * CO2_PER_C

    @property
    def tco2_per_gj(self) -> float:
        return self.carbon_content * self.oxidation * CO2_PER_C


class DensityEnglish(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: EnglishText = None


class Density(Bilingual, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    TRANSLATED: ClassVar[tuple[str, ...]] = ("source",)
    value: Annotated[float, AfterValidator(DENSITY.check)] = Field(description="kg/L")
    source: str
    en: DensityEnglish | None = None


class FactorFields(Bilingual, BaseModel):
    """The fields a factor-set file may give a factor (a row of ``factors:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    TRANSLATED: ClassVar[tuple[str, ...]] = ("name", "source", "publisher")
    id: str
    name: str
    value: FactorValue
    unit: str
    kind: FactorKind = "other"
    source: str
    publisher: str | None = None
    published: PartialDate | None = None  # as precise as known: 2025-09-28, 2026-01, 2025
    year: Year | None = None
    verified: bool = False  # checked against the source document by a named person
    verified_by: str | None = None
    verified_on: PartialDate | None = None
    chain: FuelChain | None = None
    density: Density | None = None
    note: str | None = None
    en: FactorEnglish | None = None  # name, source and publisher in English
    uncertainty: StatedUncertainty | None = None  # the value's spread; else its kind's


class Factor(FactorFields):
    """One emission factor with everything a report needs to cite it."""

    origin: Literal["set", "study"] = "set"  # from a factor set, or the study's factors:

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


class GwpEnglish(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: EnglishText = None
    source: EnglishText = None


class GwpSet(Bilingual, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    TRANSLATED: ClassVar[tuple[str, ...]] = ("title", "source")
    name: str
    title: str  # the assessment report, as a sentence names it: 第五次评估报告（AR5）
    source: str
    published: date
    en: GwpEnglish | None = None
    values: dict[str, Annotated[float, AfterValidator(GWP.check)]]


class SetEnglish(BaseModel):
    """A set's texts in English (``en:`` beside ``title:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: EnglishText = None


class FactorSet(Bilingual, BaseModel):
    """A named, versioned collection of factors, plus the hash of the files it came from."""

    model_config = ConfigDict(frozen=True)
    TRANSLATED: ClassVar[tuple[str, ...]] = ("title",)
    name: str
    version: str
    title: str
    en: SetEnglish | None = None
    published: PartialDate | None
    sha256: str
    factors: dict[str, Factor]
    aliases: dict[str, str] = Field(default_factory=dict)
    file: str | None = None  # the set file a user named, as shown in messages

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


class SetFile(BaseModel):
    """The keys of a factor-set or library file; its rows are validated one by one."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    kind: Literal["set", "library"]
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str | None = None
    en: SetEnglish | None = None
    published: PartialDate | None = None
    includes: list[str] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    factors: list[dict[str, Any]] = Field(default_factory=list)
    exported_from: dict[str, str] | None = None


def data_dir() -> Path:
    return Path(str(resources.files("cfpreport") / "data" / "factors"))


def available_sets() -> list[str]:
    """Names of the factor sets shipped with cfpreport."""
    names = []
    for path in sorted(data_dir().glob("*.yaml")):
        if read_data_file(path).get("kind") == "set":
            names.append(path.stem)
    return names


def is_set_file(spec: str) -> bool:
    """Whether a factor_set value names a file (or DIR/NAME) rather than a shipped set."""
    return ("/" in spec or "\\" in spec or spec.startswith(".")
            or spec.endswith((".yaml", ".yml")) or Path(spec).is_absolute())


def find_factor_set(spec: str, folder: Path) -> FactorSet:
    """Load a shipped set by name, or a set file (or DIR/NAME) relative to ``folder``.

    Set files are read by cfpreport itself, never by the renderer, so an absolute
    path is allowed: a verification body's reviewed set may live in a shared folder.
    """
    if not is_set_file(spec):
        return load_factor_set(spec)
    candidate = Path(spec) if Path(spec).is_absolute() else folder / spec
    for path in (candidate, candidate.with_name(candidate.name + ".yaml")):
        if path.is_file():
            return load_factor_set_file(path)
    if candidate.is_dir():
        names = ", ".join(sorted(p.stem for p in candidate.glob("*.yaml"))) or "no .yaml files"
        raise FactorError(f"{spec!r} is a folder; name one set in it as "
                          f"{spec.rstrip('/')}/NAME (it has: {names})")
    raise FactorError(f"factor set file {spec!r} not found in {folder}")


@cache
def load_factor_set(name: str) -> FactorSet:
    """Load a shipped factor set by name, deriving fuel factors from their chains."""
    path = data_dir() / f"{name}.yaml"
    if not path.is_file() or read_data_file(path).get("kind") != "set":
        raise FactorError(f"unknown factor set {name!r}; available: "
                          f"{', '.join(available_sets())} (or name a set file: "
                          "factor_set: ./my-set.yaml)")
    spec, rows = read_set_file(path, str(path))
    digest = hashlib.sha256(path.read_bytes())
    factors: dict[str, Factor] = {}
    for library in spec.includes:
        library_path = data_dir() / f"{library}.yaml"
        if not library_path.is_file():
            raise FactorError(f"{path}: includes unknown library {library!r}")
        digest.update(library_path.read_bytes())
        _, library_rows = read_set_file(library_path, str(library_path))
        factors.update(library_rows)
    factors.update(rows)
    return make_set(spec, factors, digest.hexdigest(), str(path))


def load_factor_set_file(path: Path) -> FactorSet:
    """Load a self-contained set file a user named; its sha256 identifies it."""
    shown = str(path.resolve().relative_to(Path.cwd())) if path.resolve().is_relative_to(
        Path.cwd()) else str(path)
    return _load_set_bytes(path.read_bytes(), path, shown)


@cache
def _load_set_bytes(raw: bytes, path: Path, shown: str) -> FactorSet:
    spec, rows = read_set_file(path, shown)
    problems = []
    if spec.kind != "set":
        problems.append(Problem(shown, 1, 1, "kind", f"is a factor {spec.kind}, not a set; "
                                                     "a set file says kind: set"))
    if spec.includes:
        problems.append(Problem(shown, None, None, "includes", "a set file lists every "
                                "factor itself; includes: is only for the sets shipped with "
                                "cfpreport (`cfpreport factors export NAME` writes a "
                                "self-contained copy)"))
    if problems:
        raise FactorSetFileError(problems)
    factor_set = make_set(spec, rows, hashlib.sha256(raw).hexdigest(), shown)
    return factor_set.model_copy(update={"file": shown})


def make_set(spec: SetFile, factors: dict[str, Factor], sha256: str, shown: str) -> FactorSet:
    """Build a FactorSet, checking that every alias points at a factor."""
    missing = [Problem(shown, None, None, f"aliases.{alias}", f"-> {target!r}: no such factor")
               for alias, target in spec.aliases.items() if target not in factors]
    if missing:
        raise FactorSetFileError(missing)
    return FactorSet(name=spec.name, version=spec.version, title=spec.title or spec.name,
                     en=spec.en, published=spec.published, sha256=sha256, factors=factors,
                     aliases=spec.aliases)


def read_set_file(path: Path, shown: str) -> tuple[SetFile, dict[str, Factor]]:
    """Parse a set or library file with positions; raise FactorSetFileError for every
    bad key and row, each located as ``file:LINE:COL factors[3].value: message``."""
    try:
        text = read_text(path, shown, "a factor set", SET_NEEDS)
        parsed = parse_yaml(text, shown, "a factor set", SET_NEEDS)
    except StudyError as err:
        raise FactorSetFileError(err.problems) from None
    data, problems = read_fields(parsed, shown, SetFile)
    if problems:
        raise FactorSetFileError(problems)
    spec = SetFile.model_validate(data)
    rows, problems = read_factor_rows(spec.factors, spec.defaults, parsed, shown)
    if problems:
        raise FactorSetFileError(problems)
    return spec, rows


def read_factor_rows(rows: list[dict], defaults: dict, parsed: Parsed, shown: str
                     ) -> tuple[dict[str, Factor], list[Problem]]:
    """Validate factor rows like user input: a bad row names the file, row and field."""
    positions = parsed.positions
    factors: dict[str, Factor] = {}
    defaults, refused = read_as(FactorFields, defaults, parsed.written, ("defaults",))
    problems = [located(positions, shown, path, message) for path, message in refused]
    for index, row in enumerate(rows):
        here: FieldPath = ("factors", index)
        typed, row_problems = read_fields(parsed, shown, FactorFields,
                                          with_chain_value(with_defaults(defaults, row)), here)
        if row_problems:
            problems += row_problems
            continue
        factor = Factor.model_validate(typed)
        message = row_problem(factor, row)
        if message:
            field, text = message
            problems.append(located(positions, shown, (*here, field), text))
        elif factor.id in factors:
            problems.append(located(positions, shown, (*here, "id"),
                                    f"duplicate factor id {factor.id!r}"))
        else:
            factors[factor.id] = factor
    return factors, problems


def with_defaults(defaults: dict, row: dict) -> dict:
    """A row with the file's defaults for what it does not give, ``en:`` text by text (a
    library gives every fuel one source in ``defaults.en`` and each its own ``en.name``)."""
    fields = {**defaults, **row}
    if isinstance(defaults.get("en"), dict) and isinstance(row.get("en"), dict):
        fields["en"] = {**defaults["en"], **row["en"]}
    return fields


def with_chain_value(fields: dict) -> dict:
    """Give a fuel row without a value the value its chain derives (if the chain is valid)."""
    chain = fields.get("chain")
    if chain is None or "value" in fields:
        return fields
    try:
        return {**fields, "value": FuelChain.model_validate(chain).tco2_per_unit}
    except ValidationError:
        return fields  # the chain's own error is reported when the row is validated


def row_problem(factor: Factor, row: dict) -> tuple[str, str] | None:
    """The field and message of what a well-typed row gets wrong, or None."""
    try:
        parse_factor_unit(factor.unit)
    except UnitError as err:
        return "unit", str(err)
    if factor.chain is not None and "value" in row:
        derived = factor.chain.tco2_per_unit
        if abs(factor.value - derived) > half_last_digit(row["value"]):
            chain = factor.chain
            return "value", (f"{row['value']} does not follow from its chain ({chain.ncv} x "
                             f"{chain.carbon_content} x {chain.oxidation} x 44/12 = "
                             f"{derived:.6g}); correct the value or the chain")
    return None


def half_last_digit(value: object) -> float:
    """Half a unit of the last decimal written: 3.0959 agrees with 3.09592 (and a full
    repr such as 3.0959163466666665 only with itself)."""
    text = repr(float(value)) if isinstance(value, int | float) else str(value)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    return 0.5 * 10**-decimals * (1 + 1e-9)


def located(positions: Positions, shown: str, path: FieldPath, message: str) -> Problem:
    line, column = locate(path, positions)
    return Problem(shown, line, column, format_path(path), message)


@cache
def load_gwp_sets() -> dict[str, GwpSet]:
    """Return the GWP100 tables (AR4, AR5, AR6) keyed by report name."""
    spec = read_data_file(data_dir() / "gwp.yaml")
    return {name: GwpSet(name=name, **fields) for name, fields in spec["sets"].items()}


@cache
def read_data_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
