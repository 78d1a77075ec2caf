"""The life-cycle stages of a product system, in report order, with their Chinese labels."""

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

#: The stages a boundary of each kind is expected to cover; one of them without data is
#: a stage left out, which the report names with its reason.
BOUNDARY_STAGES: dict[str, tuple[str, ...]] = {
    "cradle-to-grave": STAGES,
    "cradle-to-gate": ("raw_material_acquisition", "raw_material_transport", "production"),
}
