"""The report model: every number from the one calculation, no stray facts."""

from __future__ import annotations

import pytest

from cfpreport.calculation.results_json import results_document
from cfpreport.pipeline import load_and_calculate
from cfpreport.report.blocks import (
    BLOCK_TYPES,
    Cover,
    Figure,
    Heading,
    Paragraph,
    Table,
    TableOfContents,
    text_runs,
)
from cfpreport.report.model import build_report_model
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU

SAMPLES = [YUANYU, XINGYUE, RING_MAIN_UNIT]


def model_of(path):
    calculated = load_and_calculate(path)
    model = build_report_model(calculated.study, calculated.results)
    return calculated, model


def block_texts(block) -> list[str]:
    """All text a block shows."""
    if isinstance(block, Table):
        return [cell.text for row in [*block.header, *block.rows] for cell in row] + [
            block.caption, *block.notes]
    if isinstance(block, Figure):
        return [block.caption, *(entry.text for entry in block.legend)]
    if isinstance(block, Cover):
        return [block.title, *(value for _, value in block.fields)]
    return [getattr(block, "text", ""), *getattr(block, "items", [])]


def section_texts(model, start: str, stop: str | None) -> str:
    """Text between the heading `start` and the next heading `stop`."""
    texts, inside = [], False
    for block in model.blocks:
        if isinstance(block, Heading):
            if block.text == start:
                inside = True
            elif stop and block.text == stop:
                inside = False
        if inside:
            texts += block_texts(block)
    return "\n".join(texts)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_every_shown_number_is_in_summary_abstract_table_and_legend(path):
    calculated, model = model_of(path)
    document = results_document(calculated.study, calculated.results)
    summary = "\n".join(t for b in model.blocks[:4] for t in block_texts(b))
    abstract = section_texts(model, "摘要", "产品碳足迹（CFP）介绍")
    results = section_texts(model, "计算结果", "不确定性分析")
    legends = "\n".join(e.text for b in model.blocks if isinstance(b, Figure) for e in b.legend)
    for product in document["products"]:
        display = product["display"]
        assert display["total"] in summary
        assert display["total"] in abstract
        assert display["total"] in results
        for stage in display["stages"].values():
            assert f"{stage['value']} {display['unit']}（{stage['share']}%）" in abstract
            assert f"{stage['value']} {display['unit']}（{stage['share']}%）" in legends
            assert stage["value"] in results and f"{stage['share']}%" in results


def test_seed_000_monitor_table_notes_shares_missing_100():
    _, model = model_of(YUANYU)
    monitor = next(b for b in model.blocks if isinstance(b, Table)
                   and b.caption.startswith("图像与视频在线监测装置") and "各阶段" in b.caption)
    assert [c.text for c in monitor.rows[-1]] == ["合计", "0.0508", "99.98%"]
    assert any("99.98%" in note and "四舍五入" in note for note in monitor.notes)
    # the stage without data is shown as "/" rather than hidden
    assert [c.text for c in monitor.rows[5]] == ["产品使用阶段", "/", "/"]


def test_nothing_names_a_product_the_study_does_not():
    _, model = model_of(XINGYUE)
    everything = "\n".join(t for b in model.blocks for t in block_texts(b))
    for stray in ("电线电缆", "断路器", "钢一二次", "源宇", "2022年全国电网"):
        assert stray not in everything
    assert "2024年全国电力平均碳足迹因子" in everything


def test_factors_are_printed_with_units():
    _, model = model_of(YUANYU)
    factor_table = next(b for b in model.blocks if isinstance(b, Table)
                        and b.caption == "排放因子及来源")
    values = {row[0].text: (row[1].text, row[2].text) for row in factor_table.rows}
    assert values["柴油"] == ("3.1451 *", "tCO2/t")
    assert values["2022年全国电网平均二氧化碳排放因子"] == ("0.5366 *", "kgCO2/kWh")
    chain = next(b for b in model.blocks if isinstance(b, Table)
                 and b.caption == "化石燃料排放因子的推导")
    assert [c.text for c in chain.rows[0]] == [
        "柴油", "43.33 GJ/t", "0.0202 tC/GJ", "98%", "0.072585 tCO2/GJ", "3.1451 tCO2/t"]


def test_grid_co2_factor_is_flagged():
    _, model = model_of(YUANYU)
    everything = "\n".join(t for b in model.blocks for t in block_texts(b))
    assert "仅含二氧化碳" in everything


def test_table_of_contents_lists_every_heading():
    _, model = model_of(YUANYU)
    toc = next(b for b in model.blocks if isinstance(b, TableOfContents))
    headings = [b for b in model.blocks if isinstance(b, Heading)]
    assert [(e.number, e.text) for e in toc.entries] == [(h.number, h.text) for h in headings]
    assert len({h.anchor for h in headings}) == len(headings)


def test_numbers_of_tables_and_figures_are_unique_and_referenced():
    _, model = model_of(RING_MAIN_UNIT)
    numbers = [b.number for b in model.blocks if isinstance(b, Table | Figure) and b.number]
    assert len(numbers) == len(set(numbers))
    paragraphs = "\n".join(b.text for b in model.blocks if isinstance(b, Paragraph))
    assert "表 5-1" in paragraphs and "图 5-1" in paragraphs


def test_draft_status_reaches_the_metadata():
    _, model = model_of(RING_MAIN_UNIT)
    assert model.metadata.draft
    _, final = model_of(YUANYU)
    assert not final.metadata.draft
    assert final.metadata.created.isoformat() == "2025-02-26"
    assert final.metadata.author == "三信国际检测认证有限公司"


def test_model_uses_every_block_type():
    _, model = model_of(YUANYU)
    assert model.kinds() == {block_type.kind for block_type in BLOCK_TYPES}


def test_text_runs_subscripts_chemistry_only():
    assert text_runs("tCO2e") == [("tCO", None), ("2", "sub"), ("e", None)]
    assert text_runs("10^4 Nm3") == [("10", None), ("4", "sup"), (" Nm3", None)]
    assert text_runs("ZW32-12/630-20") == [("ZW32-12/630-20", None)]
