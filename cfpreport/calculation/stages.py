"""The life-cycle stages of a product system, in report order, and the fixed vocabulary a
report prints for them (stages, boundaries, data types, allocation bases) in each language.

The Chinese words are those of the seed reports; the English ones are the terms of
ISO 14067, PAS 2050 and the GHG Protocol Product Standard. Full stage labels are for
running text (in English lower case, as a sentence writes them); short labels are for
table cells, chart labels and formulas (in English with a capital, as a cell starts).
"""

from __future__ import annotations

from typing import Literal

StageKey = Literal[
    "raw_material_acquisition",
    "raw_material_transport",
    "production",
    "distribution",
    "storage",
    "use",
    "end_of_life",
]

#: The languages a report can be written in; Chinese is the default and the original.
Language = Literal["zh", "en"]
LANGUAGES: tuple[str, ...] = Language.__args__

#: Stage keys in the order a report lists them.
STAGES: tuple[str, ...] = StageKey.__args__

#: Labels as the seed reports print them (原辅料获取阶段, ...).
STAGE_LABELS: dict[str, str] = {
    "raw_material_acquisition": "原辅料获取阶段",
    "raw_material_transport": "原辅料运输阶段",
    "production": "产品生产阶段",
    "distribution": "成品运输阶段",
    "storage": "仓储阶段",
    "use": "产品使用阶段",
    "end_of_life": "产品处置阶段",
}

#: Short labels for charts and narrow table cells.
STAGE_SHORT_LABELS: dict[str, str] = {
    "raw_material_acquisition": "原辅料获取",
    "raw_material_transport": "原辅料运输",
    "production": "产品生产",
    "distribution": "成品运输",
    "storage": "仓储",
    "use": "产品使用",
    "end_of_life": "产品处置",
}

STAGE_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": STAGE_LABELS,
    "en": {
        "raw_material_acquisition": "raw material acquisition stage",
        "raw_material_transport": "raw material transport stage",
        "production": "production stage",
        "distribution": "distribution stage",
        "storage": "storage stage",
        "use": "use stage",
        "end_of_life": "end-of-life stage",
    },
}

STAGE_SHORT_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": STAGE_SHORT_LABELS,
    "en": {
        "raw_material_acquisition": "Raw material acquisition",
        "raw_material_transport": "Raw material transport",
        "production": "Production",
        "distribution": "Distribution",
        "storage": "Storage",
        "use": "Use",
        "end_of_life": "End-of-life",
    },
}

#: The stages a boundary of each kind is expected to cover; one of them without data is
#: a stage left out, which the report names with its reason.
BOUNDARY_STAGES: dict[str, tuple[str, ...]] = {
    "cradle-to-grave": STAGES,
    "cradle-to-gate": ("raw_material_acquisition", "raw_material_transport", "production"),
}

#: A boundary's name, as the report quotes it ("系统边界为“摇篮到坟墓”").
BOUNDARY_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": {"cradle-to-grave": "摇篮到坟墓", "cradle-to-gate": "摇篮到大门"},
    "en": {"cradle-to-grave": "cradle-to-grave", "cradle-to-gate": "cradle-to-gate"},
}

#: What a boundary spans, as a phrase qualifying the footprint ("...的生命周期碳足迹").
BOUNDARY_PHRASES_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": {"cradle-to-grave": "从原材料获取到产品处置阶段",
           "cradle-to-gate": "从原材料获取到产品出厂"},
    "en": {"cradle-to-grave": "from raw material acquisition to end-of-life",
           "cradle-to-gate": "from raw material acquisition to the factory gate"},
}

#: An activity's data type (ISO 14067: primary data measured on site, secondary data
#: from databases and literature), as a table cell prints it.
DATA_TYPE_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": {"primary": "初级", "secondary": "次级"},
    "en": {"primary": "Primary", "secondary": "Secondary"},
}

#: What an activity's amount is given for: the plant's year (allocated to a unit by the
#: annual output) or one unit of product, as a table cell prints it.
BASIS_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "zh": {"annual": "年度总量", "per_unit": "单位产品"},
    "en": {"annual": "Annual total", "per_unit": "Per unit"},
}


def stage_label(key: str, language: Language = "zh", short: bool = False) -> str:
    """Return a stage's label in a language: full for running text, short for cells."""
    table = STAGE_SHORT_LABELS_BY_LANGUAGE if short else STAGE_LABELS_BY_LANGUAGE
    return table[language][key]


def stage_row_label(key: str, language: Language = "zh") -> str:
    """Return a stage as a table's row names it: the full label in Chinese, as the seed
    reports print it (原辅料获取阶段); in English the short one, which starts with a
    capital as a cell does (Raw material acquisition), not the lower-case running text."""
    return stage_label(key, language, short=language == "en")
