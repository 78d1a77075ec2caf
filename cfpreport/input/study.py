"""Pydantic models of the study file (see the README's "Study file" section).

The keys are a public contract: users keep study files for years. Unknown keys are
rejected (``extra="forbid"``) so that a typo never silently drops data. Rules that
involve the factor set (does the factor exist, does the unit convert) live in
:mod:`cfpreport.input.checks`, because the set is chosen at build time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from cfpreport.calculation.ranges import AMOUNT, ANNUAL_OUTPUT, DENSITY, FACTOR_VALUE, SITE_DAYS
from cfpreport.calculation.stages import StageKey
from cfpreport.input.dates import PartialDate
from cfpreport.input.uncertainty_keys import (
    GridRegion,
    Pedigree,
    StatedUncertainty,
    UncertaintySettings,
)
from cfpreport.revisions.naming import report_stem

FactorKind = Literal["grid_co2", "electricity_footprint", "fuel_combustion", "transport",
                     "material", "other"]

DEFAULT_STANDARDS = [
    "PAS 2050:2011 《商品和服务在生命周期内的温室气体排放评价规范》",
    "GB/T 24067-2024/ISO 14067:2018 《温室气体产品碳足迹 量化要求和指南》",
]

# Printed only when some activity has basis: annual, which is what it says; the study's
# own `allocation:` text says why (the seeds: plant meters are not per product).
DEFAULT_ALLOCATION = "本次评价按产品的年产量（物理产出）将全厂年度活动数据分配至单位产品。"

DEFAULT_RECOMMENDATIONS = [
    "建立文档管理规范，保存、维护有关温室气体年度报告的文档和数据记录，确保相关文档在第三方核查"
    "以及向主管部门汇报时可用。",
    "数据收集与管理，建议采用数字化工具（如 ERP 系统、碳管理软件）实现数据的自动化收集和实时更新；"
    "加强与供应商的合作，确保供应链数据的透明性和完整性。",
    "员工培训与能力建设，组织碳足迹管理相关培训，提升员工的专业能力。",
]

#: The defaults that are words, as a report in English (``report.language: en``) writes
#: them: a field such a study leaves out takes these instead of the Chinese defaults.
ENGLISH_DEFAULTS: dict[str, dict[str, str | list[str]]] = {
    "report": {
        "title": "Product Carbon Footprint Report",
        "standards": [
            "PAS 2050:2011 Specification for the assessment of the life cycle greenhouse "
            "gas emissions of goods and services",
            "GB/T 24067-2024/ISO 14067:2018 Greenhouse gases — Carbon footprint of "
            "products — Requirements and guidelines for quantification",
        ],
    },
    "team_member": {"role": "Member"},
    "study": {
        "allocation": "The plant's annual activity data are allocated to one unit of each "
                      "product in proportion to the products' annual output (physical "
                      "output).",
        "recommendations": [
            "Set up document management rules, and keep and maintain the documents and data "
            "records of the annual greenhouse gas reports, so that they are available for "
            "third-party verification and for reporting to the authorities.",
            "Data collection and management: use digital tools (such as an ERP system or "
            "carbon management software) to collect and update data automatically; work "
            "with suppliers to make supply-chain data transparent and complete.",
            "Staff training and capacity building: organize training in carbon footprint "
            "management to build the staff's expertise.",
        ],
    },
    "product": {"functional_unit": "1 unit"},
}


# A four-digit year, as dates are written (see cfpreport.input.dates).
Year = Annotated[int, Field(ge=1000, le=9999)]


class Model(BaseModel):
    """Base of every study-file section: unknown keys are errors, numbers may be text."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class TeamMember(Model):
    name: str = Field(min_length=1)
    role: str = "组员"
    organization: str | None = None
    certificate: str | None = None


class Issuer(Model):
    name: str = Field(min_length=1)


class ReportInfo(Model):
    number: str = Field(min_length=1, pattern=r"^[^/\\:*?\"<>|\s]+$")
    title: str = "产品碳足迹报告"
    issued: date
    revision: int = Field(default=1, ge=0, le=999)
    revision_reason: str | None = None  # why this revision was issued (2 and later)
    # The issued report this revision replaces: its results JSON or final PDF, relative
    # to the study file; its values fill the revision-history section.
    previous: str | None = None
    status: Literal["draft", "final"] = "final"
    language: Literal["zh", "en"] = "zh"
    style: str | None = None  # a house-style folder, relative to the study file
    standards: list[str] = Field(default_factory=lambda: list(DEFAULT_STANDARDS), min_length=1)
    issuer: Issuer
    prepared_by: str | None = None
    team: list[TeamMember] = Field(default_factory=list)
    site_days: Annotated[float, AfterValidator(SITE_DAYS.check)] | None = None

    @property
    def stem(self) -> str:
        """The name of the report's files: ``T4100013``, ``T4100013-R2``."""
        return report_stem(self.number, self.revision)


class Contact(Model):
    name: str | None = None
    phone: str | None = None


class CompanyImages(Model):
    overview: str | None = None
    layout: str | None = None


class Company(Model):
    name: str = Field(min_length=1)
    address: str | None = None
    legal_representative: str | None = None
    contact: Contact = Field(default_factory=Contact)
    founded: date | None = None
    # For machine-readable footprints (--format pact): the unified social credit code
    # (统一社会信用代码) identifies the company; the country is where its plant is.
    credit_code: str | None = Field(default=None, pattern=r"^[0-9A-Z]{18}$")
    country: str = Field(default="CN", pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    overview: str = ""
    introduction: str = ""
    images: CompanyImages = Field(default_factory=CompanyImages)


class Period(Model):
    start: date
    end: date

    @model_validator(mode="after")
    def end_not_before_start(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class StageScope(Model):
    included: str = "/"
    excluded: str = "/"


class StudyScope(Model):
    period: Period
    boundary: Literal["cradle-to-grave", "cradle-to-gate"] = "cradle-to-grave"
    gwp: Literal["AR4", "AR5", "AR6"] = "AR5"
    factor_set: str = "cn-2024"
    unit: Literal["t", "kg"] = "kg"
    decimals: int = Field(default=4, ge=0, le=8)
    shares: Literal["shown-values", "largest-remainder"] = "shown-values"
    allocation: str = DEFAULT_ALLOCATION
    stages: dict[StageKey, StageScope] = Field(default_factory=dict)
    recommendations: list[str] = Field(default_factory=lambda: list(DEFAULT_RECOMMENDATIONS))
    # What ISO 14067 clause 7.3 asks a CFP study report to state. A question left
    # unanswered (None) prints as 未评估, never as an invented claim.
    intended_application: list[str] | None = None
    intended_audience: str | None = None
    pcr: str | None = None  # the product category rules used, or 无
    critical_review: str | None = None  # by whom, or 未进行鉴定性评审
    biogenic_carbon: str | None = None
    land_use_change: str | None = None
    aircraft_emissions: str | None = None
    electricity: str | None = None  # more on the treatment of electricity (e.g. 绿电)
    value_choices: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    conclusions: list[str] = Field(default_factory=list)
    # The Monte Carlo simulation (runs, seed, exceed) and the plant's regional grid, for
    # the uncertainty analysis and its scenarios (README, "Uncertainty and data quality").
    uncertainty: UncertaintySettings = Field(default_factory=UncertaintySettings)
    grid_region: GridRegion | None = None


class ProductImages(Model):
    photo: str | None = None
    process: str | None = None


class Activity(Model):
    stage: StageKey
    factor: str | None = None
    gas: str | None = None
    amount: float
    unit: str = Field(min_length=1)
    basis: Literal["annual", "per_unit"] = "per_unit"
    label: str | None = None
    data_type: Literal["primary", "secondary"] = "primary"
    source: str | None = None  # the document the amount was taken from
    note: str | None = None
    pedigree: Pedigree | None = None  # data-quality scores, 1 best to 5 worst
    uncertainty: StatedUncertainty | None = None  # the amount's spread, in its unit

    @field_validator("amount")
    @classmethod
    def amount_is_not_negative_and_in_range(cls, amount: float) -> float:
        if amount < 0:
            raise ValueError(
                f"must be >= 0 (got {amount:g}); report recycling credits separately, "
                "not as negative amounts"
            )
        return AMOUNT.check(amount)

    @model_validator(mode="after")
    def factor_or_gas(self) -> Activity:
        if (self.factor is None) == (self.gas is None):
            found = "neither `factor:` nor `gas:`" if self.factor is None else (
                f"both `factor: {self.factor}` and `gas: {self.gas}`")
            raise ValueError(
                f"has {found}; give either `factor:` (an emission factor id) or `gas:` (a "
                "direct release such as SF6, converted with the study's GWP set)"
            )
        return self


class ProductPact(Model):
    """Facts a WBCSD PACT footprint (``--format pact``) needs that a report does not
    (its mass is the product's ``mass_kg``)."""

    cpc: str | None = Field(default=None, pattern=r"^[0-9]{1,5}$")  # UN CPC code
    fossil_carbon_kg: Annotated[float, Field(ge=0)] | None = None  # kgC per functional unit
    biogenic_carbon_kg: Annotated[float, Field(ge=0)] | None = None
    packaging_included: bool = False  # whether the activities include packaging


class Product(Model):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1)
    model: str | None = None
    functional_unit: str = "1 台"
    reference_flow: str | None = None  # ISO 14067 3.1.3.7; None prints 未评估
    annual_output: float | None = None
    mass_kg: float | None = Field(default=None, gt=0, le=1e9)  # for the allocation scenario
    functions: str = ""
    process_flow: str = ""
    images: ProductImages = Field(default_factory=ProductImages)
    pact: ProductPact = Field(default_factory=ProductPact)
    activities: list[Activity] = Field(min_length=1)

    @field_validator("annual_output")
    @classmethod
    def output_is_positive_and_in_range(cls, output: float | None) -> float | None:
        if output is None:
            return None
        if output <= 0:
            raise ValueError(f"must be a positive number of units (got {output:g})")
        return ANNUAL_OUTPUT.check(output)


class FactorEnglish(Model):
    """A factor's texts in English (``en:``), for the English edition of a report; a text
    not given is printed as the factor writes it."""

    name: str | None = Field(default=None, min_length=1)
    source: str | None = Field(default=None, min_length=1)
    publisher: str | None = Field(default=None, min_length=1)


class StudyFactor(Model):
    """A factor defined in the study itself; overrides a set factor with the same id."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    value: Annotated[float, AfterValidator(FACTOR_VALUE.check)]
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    publisher: str | None = None
    published: PartialDate | None = None  # 2025-09-28, 2026-01 or 2025: as precise as known
    year: Year | None = None
    kind: FactorKind = "other"
    verified: bool = False  # checked against its source document ...
    verified_by: str | None = None  # ... by whom (printed in the report) ...
    verified_on: PartialDate | None = None  # ... and when
    density: Annotated[float, AfterValidator(DENSITY.check)] | None = Field(
        default=None, description="kg/L, for fuels in litres")
    note: str | None = None
    en: FactorEnglish | None = None
    uncertainty: StatedUncertainty | None = None  # the value's spread, in its unit


class Study(Model):
    report: ReportInfo
    company: Company
    study: StudyScope
    products: list[Product] = Field(min_length=1)
    factors: list[StudyFactor] = Field(default_factory=list)

    # Where the study came from: set by the loader, used for messages and image paths.
    _path: Path | None = PrivateAttr(default=None)
    _name: str = PrivateAttr(default="<study>")
    _positions: dict[tuple, tuple[int, int]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def defaults_in_its_language(cls, data: object, handler) -> Study:
        """A study written in English takes the English defaults for the words it leaves
        out (title, standards, team role, allocation, recommendations, functional unit)."""
        study = handler(data)
        return with_english_defaults(study) if study.report.language == "en" else study

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def source_name(self) -> str:
        """The file name as the user gave it, for messages."""
        return self._name

    @property
    def folder(self) -> Path:
        return self._path.parent if self._path else Path.cwd()

    def position(self, *field_path: str | int) -> tuple[int | None, int | None]:
        """Return (line, column) of a field in the source file, or of its nearest parent."""
        path = tuple(field_path)
        while path not in self._positions and path:
            path = path[:-1]
        return self._positions.get(path, (None, None))


def with_english_defaults(study: Study) -> Study:
    """The study with the English default of every word-valued field it leaves out."""
    report = study.report.model_copy(update={
        **_left_out(study.report, ENGLISH_DEFAULTS["report"]),
        "team": [member.model_copy(update=_left_out(member, ENGLISH_DEFAULTS["team_member"]))
                 for member in study.report.team]})
    scope = study.study.model_copy(update=_left_out(study.study, ENGLISH_DEFAULTS["study"]))
    products = [product.model_copy(update=_left_out(product, ENGLISH_DEFAULTS["product"]))
                for product in study.products]
    return study.model_copy(update={"report": report, "study": scope, "products": products})


def _left_out(model: Model, defaults: dict[str, str | list[str]]) -> dict[str, object]:
    """The defaults of the fields a study did not give (lists copied, never shared)."""
    return {name: list(value) if isinstance(value, list) else value
            for name, value in defaults.items() if name not in model.model_fields_set}
