"""Facts about a study and its results, formatted once, shared by every chapter.

This is where numbers become strings for the report: stage values and shares come
from :mod:`cfpreport.calculation.rounding` via ``Results``; amounts and factor values are written
here with :func:`quantity`. Chapters and renderers never format numbers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np

from cfpreport.calculation.calculate import Results
from cfpreport.calculation.factors import Factor, load_gwp_sets
from cfpreport.calculation.stages import (
    BOUNDARY_LABELS_BY_LANGUAGE,
    BOUNDARY_PHRASES_BY_LANGUAGE,
    BOUNDARY_STAGES,
    STAGES,
    Language,
    stage_label,
    stage_row_label,
)
from cfpreport.input.study import Product, Study
from cfpreport.report import texts
from cfpreport.report.style import BUILTIN, Style
from cfpreport.report.uncertainty_facts import Shown, analysis_of

NOT_APPLICABLE = "/"


DERIVED_SIGNIFICANT_DIGITS = 5


def quantity(value: float, significant: int = DERIVED_SIGNIFICANT_DIGITS) -> str:
    """Write a derived value (per-unit amount, fuel factor) to 5 significant digits.

    Only values cfpreport computes are cut this way, and the report states the rule;
    data a person recorded is printed by :func:`recorded`.
    """
    if value == 0 or not np.isfinite(value):
        return "0"
    return np.format_float_positional(value, precision=significant, unique=True,
                                      fractional=False, trim="-")


def recorded(value: float) -> str:
    """Write a number exactly as recorded: 17.2348 stays 17.2348, 1234567.8 stays 1234567.8.

    The shortest decimal that reads back as the value, in plain positional notation
    (no exponent, no trailing ".0").
    """
    return format(Decimal(repr(float(value))).normalize(), "f")


def recorded_percent(fraction: float) -> str:
    """A recorded fraction as a percentage, exactly: 0.98 -> '98', 0.575 -> '57.5'."""
    return format((Decimal(repr(float(fraction))) * 100).normalize(), "f")


def product_display_name(product: Product, language: Language = "zh") -> str:
    """电能计量箱（BXD2）, "Meter box (BXD2)": the name, with the model when the study
    gives one, in the brackets of the report's language."""
    if not product.model:
        return product.name
    if language == "en":
        return f"{product.name} ({product.model})"
    return f"{product.name}（{product.model}）"


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December")


def english_date(value: date) -> str:
    """18 March 2025: day, month in words, year, the same whatever the machine's locale."""
    return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"


def date_in(value: date, language: Language = "zh") -> str:
    """A date as a report in ``language`` writes it."""
    return english_date(value) if language == "en" else chinese_date(value)


#: What joins the items of a list in running text: 电力、柴油; electricity, diesel.
LIST_SEPARATORS: dict[str, str] = {"zh": "、", "en": ", "}


def period_in(start: date, end: date, language: Language = "zh") -> str:
    """2024年01月01日至2024年12月31日; 1 January 2024 to 31 December 2024."""
    if language == "en":
        return f"{english_date(start)} to {english_date(end)}"
    return f"{chinese_date(start)}至{chinese_date(end)}"


def functional_unit_of(product: Product, language: Language = "zh") -> str:
    """1 台电能计量箱（BXD2）; 1 unit of Meter box (BXD2)."""
    name = product_display_name(product, language)
    if language == "en":
        return f"{product.functional_unit} of {name}"
    return f"{product.functional_unit}{name}"


def unit_word(functional_unit: str) -> str:
    """The counting word of a functional unit: '1 台' -> '台'."""
    word = functional_unit.lstrip("0123456789. ")
    return word or functional_unit


@dataclass(frozen=True)
class StageFact:
    key: str
    label: str
    short: str
    value: str  # shown value, or "/" when the stage has no activity
    share: str  # shown share without "%", or "/"
    magnitude: float  # shown value as a number (for the chart), 0 for "/"
    row_label: str = ""  # as a table row names the stage (stage_row_label)

    @property
    def has_data(self) -> bool:
        return self.value != NOT_APPLICABLE


@dataclass(frozen=True)
class ProductFact:
    product: Product
    total: str
    stages_add_up: bool  # the shown stage values add up to the shown total
    shares_total: str
    shares_add_up: bool
    stages: list[StageFact]  # all seven stages in order
    language: Language = "zh"

    @property
    def name(self) -> str:
        return self.product.name

    @property
    def functional_unit(self) -> str:
        return self.product.functional_unit

    @property
    def unit_word(self) -> str:
        return unit_word(self.product.functional_unit)

    @property
    def display_name(self) -> str:
        """The product's name with its model, so a report never leaves the model out."""
        return product_display_name(self.product, self.language)

    @property
    def stages_with_data(self) -> list[StageFact]:
        return [s for s in self.stages if s.has_data]


@dataclass(frozen=True)
class Facts:
    study: Study
    results: Results
    unit: str  # "tCO2e"
    products: list[ProductFact]
    included_stages: list[str]  # stage keys with data in any product
    gwp_source: str
    boundary_label: str
    boundary_phrase: str
    style: Style = BUILTIN

    @property
    def language(self) -> str:
        """The language the report is written in: "zh" (the default) or "en"."""
        return self.study.report.language

    def text(self, key: str, **more) -> str:
        """A boilerplate snippet in the report's language, filled with the common facts
        and ``more``."""
        return texts.text(key, self.language, **{**self.common(), **more})

    def paragraphs(self, key: str, **more) -> list[str]:
        return texts.paragraphs(key, self.language, **{**self.common(), **more})

    def items(self, key: str, **more) -> list[str]:
        return texts.items(key, self.language, **{**self.common(), **more})

    def date(self, value: date) -> str:
        """A date as the report's language writes it: 2025年03月18日, 18 March 2025."""
        return date_in(value, self.language)

    def join(self, values) -> str:
        """Join the items of a list as running text in the report's language."""
        return LIST_SEPARATORS[self.language].join(values)

    def display_name(self, product: Product) -> str:
        """A product's name with its model, in the brackets of the report's language."""
        return product_display_name(product, self.language)

    @property
    def product_names(self) -> list[str]:
        return [p.name for p in self.study.products]

    @property
    def functional_units(self) -> list[str]:
        return [functional_unit_of(p, self.language) for p in self.study.products]

    def activities_of(self, product: ProductFact) -> list[tuple]:
        """The priced activity rows of one product, in study order (named tuples with the
        columns of ``Results.activities``)."""
        return self.activity_rows.get(product.product.id, [])

    @cached_property
    def activity_rows(self) -> dict[str, list[tuple]]:
        """Every product's activity rows, split in one pass: looking them up by filtering
        the whole frame for each product made a report quadratic in its products."""
        by_product: dict[str, list[tuple]] = {}
        for row in self.results.activities.itertuples(index=False):
            by_product.setdefault(row.product, []).append(row)
        return by_product

    @cached_property
    def analysis(self) -> dict[str, dict]:
        """Each product's uncertainty analysis by id: the very data the results JSON
        carries (its ``uncertainty``, ``dqr``, ``hot_spots``, ``sensitivity``,
        ``scenarios``), computed once per report."""
        return analysis_of(self.study, self.results)

    @property
    def shown(self) -> Shown:
        """Writes an emission in kg CO2e as the report shows emissions (unit, decimals)."""
        return Shown(self.results.settings.unit, self.results.settings.decimals)

    def factor_value_text(self, factor_id: str) -> str:
        """A factor's value as its source gives it; derived fuel factors to 5 digits."""
        factor = self.results.factor_set.get(factor_id)
        return quantity(factor.value) if factor.chain else recorded(factor.value)

    @cached_property
    def used_factors(self) -> list[Factor]:
        """The factors the activities use, by id (aliases resolved), sorted by id."""
        ids = sorted(self.results.activities["factor"].dropna().unique())
        return [self.results.factor_set.get(factor_id) for factor_id in ids]

    @property
    def included_stage_labels(self) -> list[str]:
        return [stage_label(key, self.language) for key in self.included_stages]

    @property
    def empty_stage_labels(self) -> list[str]:
        """Stages the declared boundary covers that have no data (left out)."""
        return [stage_label(key, self.language)
                for key in BOUNDARY_STAGES[self.study.study.boundary]
                if key not in self.included_stages]

    def common(self) -> dict:
        """The facts every text snippet may use."""
        study = self.study
        return {
            "standards": study.report.standards,
            "product_names": self.product_names,
            "functional_units": self.functional_units,
            "boundary_label": self.boundary_label,
            "boundary_phrase": self.boundary_phrase,
            "included_stage_labels": self.included_stage_labels,
            "empty_stage_labels": self.empty_stage_labels,
            "gwp_report": study.study.gwp,
            "gwp_source": self.gwp_source,
            "unit": self.unit,
            "company": study.company.name,
            "issuer": study.report.issuer.name,
            "period": period_in(study.study.period.start, study.study.period.end,
                                self.language),
        }


def gather_facts(study: Study, results: Results, style: Style = BUILTIN) -> Facts:
    """Collect the formatted facts of a study's results."""
    language = study.report.language
    stages = results.stages
    rows_of: dict[str, dict[str, tuple]] = {}  # product -> stage -> row, in one pass
    for row in stages.itertuples(index=False):
        rows_of.setdefault(row.product, {})[row.stage] = row
    totals = {row.product: row for row in results.products.itertuples(index=False)}
    products = []
    for product in study.products:
        rows = rows_of.get(product.id, {})
        stage_facts = []
        for key in STAGES:
            label, short = stage_label(key, language), stage_label(key, language, short=True)
            row_label = stage_row_label(key, language)
            if key in rows:
                row = rows[key]
                stage_facts.append(StageFact(key, label, short, row.shown, row.share,
                                             float(row.shown_value), row_label))
            else:
                stage_facts.append(StageFact(key, label, short, NOT_APPLICABLE,
                                             NOT_APPLICABLE, 0.0, row_label))
        total = totals[product.id]
        products.append(ProductFact(product, total.shown, bool(total.stages_add_up),
                                    total.shares_total, bool(total.shares_add_up),
                                    stage_facts, language))
    # A stage is in the boundary when it has data; one that only declares included
    # processes is still empty, and the report says so (validate warns about it).
    with_data = set(stages["stage"])
    included = [key for key in STAGES if key in with_data]
    return Facts(study=study, results=results, unit=results.display_unit, products=products,
                 included_stages=included,
                 gwp_source=f"IPCC {load_gwp_sets()[study.study.gwp].text('title', language)}",
                 boundary_label=BOUNDARY_LABELS_BY_LANGUAGE[language][study.study.boundary],
                 boundary_phrase=BOUNDARY_PHRASES_BY_LANGUAGE[language][study.study.boundary],
                 style=style)
