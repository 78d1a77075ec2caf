"""Broken study files: each is refused with exit status 1, no traceback, and a message
located as ``study.yaml:LINE:COL field.path: ...`` that says what to fix.

Most cases break one thing in :data:`BASE`, a small valid study; the line numbers in
the expectations are those of BASE, printed numbered in the comment above it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cfpreport.calculation.ranges import ResultRangeError
from cfpreport.calculation.results_json import dumps
from cfpreport.cli import main

#  1 report:
#  2   number: T-001
#  3   issued: 2025-02-26
#  4   issuer: {name: 示例认证有限公司}
#  5 company:
#  6   name: 示例电气有限公司
#  7 study:
#  8   period: {start: 2024-01-01, end: 2024-12-31}
#  9   factor_set: cn-2022
# 10 products:
# 11   - id: p1
# 12     name: 柱上断路器
# 13     annual_output: 400
# 14     activities:
# 15       - {stage: production, factor: electricity, amount: 28022, unit: kWh, basis: annual}
# 16       - {stage: distribution, factor: diesel, amount: 0.14, unit: t, basis: annual}
# 17       - {stage: use, gas: SF6, amount: 0.01, unit: kg}
BASE = """\
report:
  number: T-001
  issued: 2025-02-26
  issuer: {name: 示例认证有限公司}
company:
  name: 示例电气有限公司
study:
  period: {start: 2024-01-01, end: 2024-12-31}
  factor_set: cn-2022
products:
  - id: p1
    name: 柱上断路器
    annual_output: 400
    activities:
      - {stage: production, factor: electricity, amount: 28022, unit: kWh, basis: annual}
      - {stage: distribution, factor: diesel, amount: 0.14, unit: t, basis: annual}
      - {stage: use, gas: SF6, amount: 0.01, unit: kg}
"""

SECOND_PRODUCT = """\
  - id: p1
    name: 箱式变电站
    activities:
      - {stage: use, gas: SF6, amount: 0.02, unit: kg}
"""


def broken(old: str, new: str) -> str:
    """Return BASE with the one occurrence of ``old`` replaced by ``new``."""
    assert BASE.count(old) == 1, f"{old!r} must occur exactly once in BASE"
    return BASE.replace(old, new)


def with_factor(fields: str) -> str:
    """Return BASE with a study factor (line 19) whose ``fields`` replace ``value: 0.1``."""
    return BASE + ("factors:\n  - {id: green, name: 绿电, unit: kgCO2e/kWh, source: 供应商 EPD, "
                   f"{fields}}}\n")


def with_images(images: str) -> str:
    """Return BASE with an ``images:`` line (line 14) added to the product."""
    return broken("    annual_output: 400\n", f"    annual_output: 400\n    images: {images}\n")


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, study: str | bytes,
        *args: str, command: str = "validate") -> Result:
    """Write ``study`` to tmp_path/study.yaml and run the CLI on it from tmp_path."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "study.yaml"
    if isinstance(study, bytes):
        path.write_bytes(study)
    else:
        path.write_text(study, encoding="utf-8")
    return CliRunner().invoke(main, [command, "study.yaml", *args])


def assert_refused(result: Result) -> None:
    """A user error: status 1, a message, and no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))


def located_lines(output: str) -> list[str]:
    """The located errors of the output (warnings, listed after them, left out)."""
    lines = [line.removeprefix("error: ") for line in output.splitlines()]
    return [line for line in lines
            if line.startswith("study.yaml:") and ": warning: " not in line]


def line_numbers(output: str) -> list[int]:
    return [int(line.split(":")[1]) for line in located_lines(output)]


@pytest.mark.parametrize("command", ["validate", "calc"])
def test_base_study_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             command: str) -> None:
    """Each case below breaks one thing; that only means something if BASE is sound."""
    result = run(tmp_path, monkeypatch, BASE, command=command)
    assert result.exit_code == 0, result.output


# (study text, command, location "study.yaml:LINE:COL field:", message fragment; id)
CASES = [
    # In GBK, 示 is CA BE, which happens to be valid UTF-8 (one character); 例 is C0 FD,
    # and C0 is never valid UTF-8: the file goes wrong at the tenth character of line 6.
    pytest.param(
        BASE.encode("utf-8").replace("示例电气有限公司".encode(), "示例电气有限公司".encode("gbk")),
        "validate", "study.yaml:6:10", "is not UTF-8 (byte 0xc0); save the file as UTF-8",
        id="gbk-bytes"),
    pytest.param(
        "report:\n  number: T-001\n   issued: 2025-02-26\n", "validate",
        "study.yaml:3:10", "YAML syntax error: mapping values are not allowed here",
        id="yaml-syntax-error"),
    pytest.param(
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "validate",
        "study.yaml:1:4", "YAML anchors and aliases (&name, *name) are not allowed",
        id="billion-laughs-anchor"),
    pytest.param(
        broken("amount: 0.01", "amount: *dose"), "validate",
        "study.yaml:17:40", "YAML anchors and aliases", id="alias-without-anchor"),
    pytest.param(
        "- report: {number: T-001}\n- company: {name: x}\n", "validate",
        "study.yaml:1:1", "must be a mapping with report:, company:, study: and products:",
        id="top-level-list"),
    pytest.param(
        "[" * 150 + "]" * 150 + "\n", "validate",
        "study.yaml:1:101", "lists and mappings are nested more than 100 levels deep",
        id="deep-nesting"),
    pytest.param(
        broken("  number: T-001\n", "  number: !!int T-001\n"), "validate",
        "study.yaml:2:11 report.number:", "'T-001' is not a valid !!int", id="bad-explicit-int"),
    pytest.param(
        broken("products:", "prodcts:"), "validate",
        "study.yaml:10:1 prodcts:", "unknown key 'prodcts'; did you mean 'products'?",
        id="unknown-top-level-key"),
    pytest.param(
        broken("amount: 0.14", "ammount: 0.14"), "validate",
        "study.yaml:16:47 products[0].activities[1].ammount:",
        "unknown key 'ammount'; did you mean 'amount'?", id="unknown-activity-key"),
    pytest.param(
        broken("  number: T-001\n", ""), "validate",
        "study.yaml:2:3 report.number:", "missing required key 'number'",
        id="missing-report-number"),
    pytest.param(
        broken("  name: 示例电气有限公司\n", "  name: 示例电气有限公司\n  name: 另一家公司\n"),
        "validate", "study.yaml:7:3 company.name:", "duplicate key; each key may appear once",
        id="duplicate-key"),
    pytest.param(
        BASE + SECOND_PRODUCT, "calc",
        "study.yaml:18:9 products[1].id:", "duplicate product id 'p1' (also products[0])",
        id="duplicate-product-id"),
    pytest.param(
        broken("stage: production", "stage: prodution"), "validate",
        "study.yaml:15:17 products[0].activities[0].stage:",
        "unknown stage 'prodution'; did you mean 'production'?", id="unknown-stage"),
    pytest.param(
        broken("factor: diesel", "factor: diesl"), "validate",
        "study.yaml:16:39 products[0].activities[1].factor:",
        "unknown factor 'diesl'; did you mean 'diesel'?", id="unknown-factor"),
    pytest.param(
        broken("amount: 0.14, unit: t,", "amount: 0.14, unit: kWh,"), "calc",
        "study.yaml:16:67 products[0].activities[1].unit:",
        "'kWh' cannot be converted to 't'; the amount must be in a unit convertible to "
        "the factor's unit tCO2/t", id="unit-does-not-convert"),
    pytest.param(
        broken("amount: 0.14, unit: t,", "amount: 0.14, unit: 吨,"), "validate",
        "study.yaml:16:67 products[0].activities[1].unit:", "unknown unit '吨'",
        id="unknown-unit"),
    pytest.param(
        broken("amount: 0.14", "amount: -0.14"), "calc",
        "study.yaml:16:55 products[0].activities[1].amount:", "must be >= 0 (got -0.14)",
        id="negative-amount"),
    pytest.param(
        broken("amount: 0.14", "amount: .nan"), "validate",
        "study.yaml:16:55 products[0].activities[1].amount:", "'.nan' is not a finite number",
        id="nan-amount"),
    pytest.param(
        broken("amount: 0.14", "amount: .inf"), "calc",
        "study.yaml:16:55 products[0].activities[1].amount:", "'.inf' is not a finite number",
        id="infinite-amount"),
    pytest.param(
        broken("amount: 0.14", "amount: lots"), "validate",
        "study.yaml:16:55 products[0].activities[1].amount:", "'lots' is not a number",
        id="text-amount"),
    pytest.param(
        broken("    annual_output: 400\n", ""), "validate",
        "study.yaml:14:83 products[0].activities[0].basis:",
        "basis: annual divides by the product's annual_output, which is missing",
        id="annual-basis-without-output"),
    pytest.param(
        broken("annual_output: 400", "annual_output: 0"), "validate",
        "study.yaml:13:20 products[0].annual_output:", "must be a positive number of units",
        id="annual-output-zero"),
    pytest.param(
        broken("gas: SF6,", "factor: diesel, gas: SF6,"), "validate",
        "study.yaml:17:9 products[0].activities[2]:",
        "has both `factor: diesel` and `gas: SF6`", id="factor-and-gas"),
    pytest.param(
        broken("gas: SF6, ", ""), "validate",
        "study.yaml:17:9 products[0].activities[2]:", "has neither `factor:` nor `gas:`",
        id="neither-factor-nor-gas"),
    pytest.param(
        broken("gas: SF6", "gas: SF7"), "calc",
        "study.yaml:17:27 products[0].activities[2].gas:",
        "unknown gas 'SF7'; did you mean 'SF6'?", id="unknown-gas"),
    pytest.param(
        broken("issued: 2025-02-26", "issued: 2025-13-45"), "validate",
        "study.yaml:3:11 report.issued:",
        "'2025-13-45' is not a real date (there is no month 13); write YYYY-MM-DD",
        id="impossible-month"),
    pytest.param(
        broken("issued: 2025-02-26", "issued: 2025-02-30"), "validate",
        "study.yaml:3:11 report.issued:",
        "'2025-02-30' is not a real date (February 2025 has 28 days); write YYYY-MM-DD",
        id="impossible-day"),
    pytest.param(
        broken("start: 2024-01-01", "start: 2024-02-30"), "validate",
        "study.yaml:8:19 study.period.start:",
        "'2024-02-30' is not a real date (February 2024 has 29 days); write YYYY-MM-DD",
        id="impossible-day-in-leap-year"),
    pytest.param(
        broken("issued: 2025-02-26", "issued: 2025/02/26"), "validate",
        "study.yaml:3:11 report.issued:", "'2025/02/26' is not a date; write it as YYYY-MM-DD",
        id="slashed-date"),
    pytest.param(
        broken("end: 2024-12-31", "end: 2023-12-31"), "validate",
        "study.yaml:8:11 study.period:", "period ends (2023-12-31) before it starts (2024-01-01)",
        id="period-ends-before-start"),
    pytest.param(
        broken("factor_set: cn-2022", "factor_set: cn-2099"), "calc",
        "study.yaml:9:15 study.factor_set:",
        "unknown factor set 'cn-2099'; available: cn-2022, cn-2024", id="unknown-factor-set"),
    pytest.param(
        with_images("{photo: ../secret.png}"), "validate",
        "study.yaml:14:21 products[0].images.photo:", "'../secret.png' leaves the study's folder",
        id="image-escapes-folder"),
    pytest.param(
        with_images("{photo: /etc/passwd}"), "validate",
        "study.yaml:14:21 products[0].images.photo:", "'/etc/passwd' is an absolute path",
        id="image-absolute-path"),
    pytest.param(
        with_images("{photo: 'file:///etc/passwd'}"), "validate",
        "study.yaml:14:21 products[0].images.photo:", "'file:///etc/passwd' is a URL",
        id="image-url"),
    pytest.param(
        with_images("{process: images/p1-flow.png}"), "calc",
        "study.yaml:14:23 products[0].images.process:",
        "image file 'images/p1-flow.png' not found", id="image-missing"),
    pytest.param(
        broken("id: p1", "id: a/b"), "validate",
        "study.yaml:11:9 products[0].id:", "'a/b' cannot be used in a file name",
        id="product-id-not-a-file-name"),
    # Text (README, "Text"): characters a report cannot print are refused where they are
    # written, whether escaped in a quoted value ("\x00", "\e") or raw in the file;
    # bidirectional controls too. Lengths over the limits (README, "Limits") likewise.
    pytest.param(
        broken("  name: 示例电气有限公司\n", '  name: "示例电气\\x00有限公司"\n'), "validate",
        "study.yaml:6:9 company.name:",
        "contains the control character U+0000 (NUL) at position 5; remove it",
        id="text-escaped-nul"),
    pytest.param(
        broken("name: 柱上断路器", 'name: "柱上\\e断路器"'), "calc",
        "study.yaml:12:11 products[0].name:",
        "contains the control character U+001B (ESC) at position 3; remove it",
        id="text-escaped-esc"),
    pytest.param(
        broken("name: 柱上断路器", "name: 柱上\x1b断路器"), "validate",
        "study.yaml:12:13 products[0].name:",
        "contains the control character U+001B (ESC); remove it", id="text-raw-esc"),
    pytest.param(
        broken("  name: 示例电气有限公司\n", "  name: 示例\x00电气有限公司\n"), "validate",
        "study.yaml:6:11 company.name:",
        "contains the control character U+0000 (NUL); remove it", id="text-raw-nul"),
    pytest.param(
        broken("{name: 示例认证有限公司}", "{name: 示例\x7f认证有限公司}"), "validate",
        "study.yaml:4:20 report.issuer.name:",
        "contains the control character U+007F (DEL); remove it", id="text-raw-del"),
    pytest.param(
        broken("unit: kg}", 'unit: kg, note: "a\\Nb"}'), "validate",
        "study.yaml:17:62 products[0].activities[2].note:",
        "contains the control character U+0085 (NEL) at position 2; remove it",
        id="text-c1-control"),
    pytest.param(
        BASE + 'factors:\n  - {id: steel, name: "钢\\a材", value: 2.1, unit: tCO2e/t, '
               "source: 供应商声明}\n", "validate",
        "study.yaml:19:23 factors[0].name:",
        "contains the control character U+0007 (BEL) at position 2; remove it",
        id="text-control-in-study-factor"),
    pytest.param(
        broken("  factor_set: cn-2022\n", '  factor_set: cn-2022\n  "un\\x07it": kg\n'),
        "validate", "study.yaml:10:3 study:",
        "the key 'un\\x07it' contains the control character U+0007 (BEL) at position 3",
        id="text-control-in-key"),
    pytest.param(
        "report:\n  number: T-001\n".encode("utf-16-le"), "validate",
        "study.yaml:1:1", "is full of NUL characters: it looks like a UTF-16 file; save it "
        "as UTF-8", id="text-utf16-file"),
    pytest.param(
        broken("name: 柱上断路器", "name: 柱上\u202e断路器"), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE, RLO) at "
        "position 3; remove it: it is invisible, and can make the report print text in "
        "another order than it is written", id="text-bidi-override"),
    pytest.param(
        broken("  name: 示例电气有限公司\n", '  name: "\\u2066示例电气有限公司\\u2069"\n'),
        "validate", "study.yaml:6:9 company.name:",
        "contains the bidirectional control U+2066 (LEFT-TO-RIGHT ISOLATE, LRI) at "
        "position 1 (and 1 more); remove it", id="text-bidi-isolates"),
    pytest.param(
        broken("number: T-001", 'number: "T-001\\u200f"'), "validate",
        "study.yaml:2:11 report.number:",
        "contains the bidirectional control U+200F (RIGHT-TO-LEFT MARK, RLM) at position 6",
        id="text-bidi-mark"),
    pytest.param(
        broken("name: 柱上断路器", 'name: "柱上\\ud83d\\ude00"'), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains U+D83D (half of a surrogate pair) at position 3 (and 1 more); write the "
        "character itself (or \\U0001F600 for a character above U+FFFF), not two \\u halves",
        id="text-surrogate-halves"),
    pytest.param(
        broken("name: 柱上断路器", 'name: "柱上\\uffff"'), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains the noncharacter U+FFFF at position 3; remove it", id="text-noncharacter"),
    pytest.param(
        broken("name: 柱上断路器", 'name: "柱上\\L断路器"'), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains the line separator U+2028 at position 3; use a space",
        id="text-line-separator"),
    pytest.param(
        broken("name: 柱上断路器", 'name: "柱上\\n断路器"'), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains a line break (U+000A) at position 3; this field is printed on one line: "
        "write it without line breaks", id="text-line-break-in-name"),
    pytest.param(
        broken("    name: 柱上断路器\n", "    name: |\n      柱上断路器\n"), "validate",
        "study.yaml:12:11 products[0].name:",
        "contains a line break (U+000A) at position 6; this field is printed on one line: "
        "write it without line breaks (a `|` or `>` block ends with one: write `>-` or a "
        "plain value)", id="text-block-scalar-name"),
    pytest.param(
        broken("  name: 示例电气有限公司\n", '  name: "示例\\t电气有限公司"\n'), "validate",
        "study.yaml:6:9 company.name:",
        "contains a tab (U+0009) at position 3; this field is printed on one line: use "
        "spaces, not tabs", id="text-tab-in-name"),
    pytest.param(
        broken("name: 柱上断路器", "name: " + "柱" * 201), "validate",
        "study.yaml:12:11 products[0].name:",
        "is 201 characters long; a name or other one-line text may have at most 200 "
        "characters (it is printed on the cover, in headings and in table cells); shorten it",
        id="text-name-201-characters"),
    pytest.param(
        broken("name: 柱上断路器", "name: " + "A" * 10_000), "validate",
        "study.yaml:12:11 products[0].name:", "is 10000 characters long; a name",
        id="text-name-10000-characters"),
    pytest.param(
        broken("  name: 示例电气有限公司\n", "  name: " + "电" * 300 + "\n"), "validate",
        "study.yaml:6:9 company.name:", "is 300 characters long; a name",
        id="text-company-name-300-characters"),
    pytest.param(
        broken("{name: 示例认证有限公司}", "{name: " + "认" * 240 + "}"), "validate",
        "study.yaml:4:18 report.issuer.name:", "is 240 characters long; a name",
        id="text-issuer-name-240-characters"),
    pytest.param(
        broken("number: T-001", "number: T-" + "1" * 63), "validate",
        "study.yaml:2:11 report.number:",
        "is 65 characters long; an id, report number, unit or other code may have at most "
        "64 characters; shorten it", id="text-report-number-65-characters"),
    pytest.param(
        broken("    annual_output: 400\n",
               "    model: " + "M" * 101 + "\n    annual_output: 400\n"), "validate",
        "study.yaml:13:12 products[0].model:",
        "is 101 characters long; a title or model may have at most 100 characters (it is "
        "printed large on the cover); shorten it", id="text-model-101-characters"),
    pytest.param(
        broken("  name: 示例电气有限公司\n",
               "  name: 示例电气有限公司\n  overview: " + "概况。" * 6667 + "\n"), "validate",
        "study.yaml:7:13 company.overview:",
        "is 20001 characters long; a text of paragraphs may have at most 20000 characters",
        id="text-overview-20001-characters"),
    pytest.param(
        broken("unit: kg}", "unit: kg, note: " + "注" * 2001 + "}"), "validate",
        "study.yaml:17:62 products[0].activities[2].note:",
        "is 2001 characters long; a statement, note or source may have at most 2000",
        id="text-note-2001-characters"),
    # Sizes beyond the supported limits (README, "Limits"; cfpreport/input/limits.py),
    # refused right after parsing. Products and activities appended to BASE, one a line.
    pytest.param(
        BASE + "".join(f"  - {{id: q{i}, name: 产品{i}, activities: [{{stage: use, gas: SF6, "
                       "amount: 1, unit: kg}]}\n" for i in range(100)), "validate",
        "study.yaml:10:1 products:",
        "101 products; a report may have at most 100 (split the study into several reports)",
        id="limit-101-products"),
    pytest.param(
        broken("      - {stage: use, gas: SF6, amount: 0.01, unit: kg}\n",
               "      - {stage: use, gas: SF6, amount: 0.01, unit: kg}\n" * 299), "validate",
        "study.yaml:14:5 products[0].activities:",
        "301 activities; a product may have at most 300", id="limit-301-activities-in-a-product"),
    pytest.param(
        BASE + "".join(f"  - id: q{i}\n    name: 产品{i}\n    activities:\n" + "      - {stage: "
                       "use, gas: SF6, amount: 1, unit: kg}\n" * (299 if i < 4 else 2)
                       for i in range(5)), "calc",
        "study.yaml:10:1 products:",
        "1201 activities in all; a report may have at most 1200 (split the study into several "
        "reports)", id="limit-1201-activities-in-all"),
    pytest.param(
        BASE + "".join(f"  - {{id: q{i}, name: 产品{i}, functions: {'说' * 18000}, activities: "
                       "[{stage: use, gas: SF6, amount: 1, unit: kg}]}\n" for i in range(6)),
        "validate", f"study.yaml:23:{len('  - {id: q5, name: 产品5, functions: ') + 1} "
                    "products[6].functions:",
        "the study's text passes 100000 characters here; a study may have at most 100000 "
        "characters of text", id="limit-text-budget"),
    pytest.param(
        broken("      - {stage: use, gas: SF6, amount: 0.01, unit: kg}\n", "".join(
            f"      - {{stage: use, gas: SF6, amount: 0.01, unit: kg, label: L{i:03d}{'x' * 36}}}"
            "\n" for i in range(251))), "validate",
        f"study.yaml:267:{len('      - {stage: use, gas: SF6, amount: 0.01, unit: kg, ') + 8} "
        "products[0].activities[252].label:",
        "the distinct activity labels pass 10000 characters here; a study's labels may have "
        "at most 10000 characters in all",
        id="limit-label-budget"),
    pytest.param(
        broken("  number: T-001\n", "  number: T-001\n  standards: [" + ", ".join(
            ["GB/T 24067"] * 101) + "]\n"), "validate",
        "study.yaml:3:3 report.standards:", "101 items; a list may have at most 100",
        id="limit-101-standards"),
    pytest.param(  # counted before the files are looked for: none of them exists
        with_images("{photo: a.png, process: b.png}") + "".join(
            f"  - {{id: q{i}, name: 产品{i}, images: {{photo: p{i}.png, process: f{i}.png}}, "
            "activities: [{stage: use, gas: SF6, amount: 1, unit: kg}]}\n" for i in range(10)),
        "validate",
        f"study.yaml:28:{len('  - {id: q9, name: 产品9, images: {photo: ') + 1} "
        "products[10].images.photo:",
        "image 21 of the report; a report may have at most 20 images", id="limit-21-images"),
]


@pytest.mark.parametrize(("study", "command", "where", "fragment"), CASES)
def test_broken_study_is_refused_with_located_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, study: str | bytes, command: str,
        where: str, fragment: str) -> None:
    result = run(tmp_path, monkeypatch, study, command=command)
    assert_refused(result)
    assert f"{where} {fragment}" in result.output, result.output


# Numbers as a person writes them (README, "Numbers"), and the supported range (README,
# "Limits"): (study text, command, location, the whole message line after it; id).
NUMBER = "write a decimal number such as 0.15"
AMOUNT_RANGE = "an amount is 0 or between 1e-09 and 1e+12 in its unit"
NUMBER_CASES = [
    *[pytest.param(broken("amount: 0.14", f"amount: {written}"), "validate",
                   "study.yaml:16:55 products[0].activities[1].amount:",
                   f"{written!r} is not a number; {NUMBER}", id=f"amount-{case}")
      for case, written in [("yes", "yes"), ("on", "on"), ("true", "true"),
                            ("sexagesimal", "1:30"), ("hex", "0x1F"), ("octal", "0o17"),
                            ("binary", "0b101"), ("date", "2025-02-26"),
                            ("with-unit", "12 kWh"), ("full-width", "１２"),
                            ("words", "lots")]],
    pytest.param(
        broken("amount: 0.14", "amount: 1_000"), "validate",
        "study.yaml:16:55 products[0].activities[1].amount:",
        "'1_000' has digit separators; write the number without them, as 1000",
        id="amount-underscore-separator"),
    pytest.param(
        broken("annual_output: 400", "annual_output: 1,400"), "validate",
        "study.yaml:13:20 products[0].annual_output:",
        "'1,400' has digit separators; write the number without them, as 1400",
        id="annual-output-thousands-separator"),
    pytest.param(
        broken("amount: 0.14", "amount: -.inf"), "validate",
        "study.yaml:16:55 products[0].activities[1].amount:",
        f"'-.inf' is not a finite number; {NUMBER}", id="amount-minus-infinity"),
    pytest.param(
        broken("amount: 0.01,", "amount: ,"), "validate",
        "study.yaml:17:39 products[0].activities[2].amount:", f"is empty; {NUMBER}",
        id="amount-empty"),
    pytest.param(
        broken("  issuer: {name: 示例认证有限公司}\n",
               "  issuer: {name: 示例认证有限公司}\n  site_days: .inf\n"), "validate",
        "study.yaml:5:14 report.site_days:", f"'.inf' is not a finite number; {NUMBER}",
        id="site-days-infinite"),
    pytest.param(
        broken("  number: T-001\n", "  number: T-001\n  revision: yes\n"), "validate",
        "study.yaml:3:13 report.revision:",
        "'yes' is not a number; write a whole number such as 4", id="revision-yes"),
    pytest.param(
        broken("  factor_set: cn-2022\n", "  factor_set: cn-2022\n  decimals: 2.5\n"),
        "validate", "study.yaml:10:13 study.decimals:",
        "'2.5' is not a whole number; write a whole number such as 4", id="decimals-fraction"),
    pytest.param(
        broken("  factor_set: cn-2022\n", "  factor_set: cn-2022\n  decimals: 0x4\n"),
        "validate", "study.yaml:10:13 study.decimals:",
        "'0x4' is not a number; write a whole number such as 4", id="decimals-hex"),
    pytest.param(
        with_factor("value: 0.1, verified: 1"), "validate",
        "study.yaml:19:84 factors[0].verified:", "'1' is not true or false; write true or false",
        id="verified-number"),
    pytest.param(
        with_factor("value: 0o17"), "validate",
        "study.yaml:19:69 factors[0].value:", f"'0o17' is not a number; {NUMBER}",
        id="study-factor-octal"),
    pytest.param(
        broken("issued: 2025-02-26", "issued: 0"), "validate",
        "study.yaml:3:11 report.issued:",
        "'0' is not a date; write it as YYYY-MM-DD (e.g. 2025-02-26)", id="date-as-number"),
    pytest.param(
        broken("issued: 2025-02-26", "issued: 2025-02-26T10:00:00"), "validate",
        "study.yaml:3:11 report.issued:",
        "'2025-02-26T10:00:00' is not a date; write it as YYYY-MM-DD (e.g. 2025-02-26)",
        id="date-with-time"),
    *[pytest.param(with_factor(f"value: 0.1, published: {written}"), "validate",
                   "study.yaml:19:85 factors[0].published:",
                   f"{written!r} is not a date; write YYYY-MM-DD, YYYY-MM (month known) or "
                   "YYYY (year known)", id=f"published-{case}")
      for case, written in [("hex-year", "0x7E9"), ("sexagesimal", "1:30"), ("yes", "yes")]],
    pytest.param(
        broken("stage: use", "stage: no"), "validate",
        "study.yaml:17:17 products[0].activities[2].stage:",
        "unknown stage 'no'; valid: raw_material_acquisition, raw_material_transport, "
        "production, distribution, storage, use, end_of_life", id="stage-no-stays-text"),
    pytest.param(
        broken("amount: 0.14", "amount: 0.14, yes: 1"), "validate",
        "study.yaml:16:61 products[0].activities[1].yes:",
        "unknown key 'yes'; allowed here: stage, factor, gas, amount, unit, basis, label, "
        "data_type, source, note, pedigree, uncertainty", id="key-yes-stays-text"),
    # the range
    pytest.param(
        broken("amount: 28022", "amount: 1e15"), "validate",
        "study.yaml:15:58 products[0].activities[0].amount:",
        f"1e+15 is outside the supported range; {AMOUNT_RANGE}", id="amount-too-large"),
    pytest.param(
        broken("amount: 28022", "amount: 1e307"), "calc",
        "study.yaml:15:58 products[0].activities[0].amount:",
        f"1e+307 is outside the supported range; {AMOUNT_RANGE}", id="amount-near-float-max"),
    pytest.param(
        broken("amount: 0.01", "amount: 1e-12"), "validate",
        "study.yaml:17:40 products[0].activities[2].amount:",
        f"1e-12 is outside the supported range; {AMOUNT_RANGE}", id="amount-too-small"),
    pytest.param(
        broken("amount: 28022", "amount: 1e999"), "validate",
        "study.yaml:15:58 products[0].activities[0].amount:",
        f"'1e999' is too large for a number; {NUMBER}", id="amount-beyond-float"),
    pytest.param(
        broken("annual_output: 400", "annual_output: 1e-320"), "calc",
        "study.yaml:13:20 products[0].annual_output:",
        "1e-320 is outside the supported range; an annual output is between 0.001 and 1e+12 "
        "functional units", id="annual-output-subnormal"),
    pytest.param(
        broken("annual_output: 400", "annual_output: 1e13"), "validate",
        "study.yaml:13:20 products[0].annual_output:",
        "1e+13 is outside the supported range; an annual output is between 0.001 and 1e+12 "
        "functional units", id="annual-output-too-large"),
    pytest.param(
        with_factor("value: 1e7"), "validate",
        "study.yaml:19:69 factors[0].value:",
        "1e+07 is outside the supported range; a factor value is 0 or between 1e-09 and "
        "1e+06 in its unit", id="study-factor-too-large"),
    pytest.param(
        with_factor("value: 1, density: 1000"), "validate",
        "study.yaml:19:81 factors[0].density:",
        "1000 is outside the supported range; a density is between 1e-06 and 100 kg/L",
        id="study-factor-density"),
    pytest.param(
        broken("  issuer: {name: 示例认证有限公司}\n",
               "  issuer: {name: 示例认证有限公司}\n  site_days: 5000\n"), "validate",
        "study.yaml:5:14 report.site_days:",
        "5000 is outside the supported range; site_days is between 0 and 1000 days",
        id="site-days-too-many"),
    pytest.param(
        broken("amount: 28022, unit: kWh", "amount: 1e12, unit: MWh"), "validate",
        "study.yaml:15:9 products[0].activities[0]:",
        "its result is 1.3415e+12 kgCO2e per functional unit, more than the supported "
        "1e+12 kgCO2e; check the amount, its unit and basis, and the factor",
        id="result-too-large"),
    pytest.param(
        broken("amount: 0.01, unit: kg", "amount: 1e12, unit: 1e300 kg"), "calc",
        "study.yaml:17:9 products[0].activities[2]:",
        "its result is not a finite number; check the amount, its unit and basis, and the "
        "factor", id="result-not-finite"),
]


@pytest.mark.parametrize(("study", "command", "where", "message"), NUMBER_CASES)
def test_a_number_not_written_as_one_or_out_of_range_is_refused_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, study: str, command: str,
        where: str, message: str) -> None:
    result = run(tmp_path, monkeypatch, study, command=command)
    assert_refused(result)
    assert located_lines(result.output) == [f"{where} {message}"], result.output


@pytest.mark.parametrize("study", [
    pytest.param("", id="empty-file"),
    pytest.param("  \n\n\t \n", id="whitespace-only"),
    pytest.param("# only a comment\n", id="comments-only"),
])
def test_empty_study_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                study: str) -> None:
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    assert "study.yaml is empty; a study needs" in result.output


def test_python_object_tag_is_refused_without_running_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = broken("  name: 示例电气有限公司\n",
                   '  name: !!python/object/apply:os.system ["touch pwned"]\n')
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    assert ("study.yaml:6:9 company.name: YAML tag '!!python/object/apply:os.system' is not "
            "allowed") in result.output
    assert not (tmp_path / "pwned").exists()


def test_annual_basis_without_output_names_every_annual_activity(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, broken("    annual_output: 400\n", ""))
    assert_refused(result)
    assert located_lines(result.output) == [
        line for line in located_lines(result.output) if ".basis: basis: annual" in line]
    assert line_numbers(result.output) == [14, 15]


@pytest.mark.parametrize("command", ["validate", "calc"])
def test_unknown_factor_set_option_names_the_available_sets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    result = run(tmp_path, monkeypatch, BASE, "--factor-set", "nope", command=command)
    assert_refused(result)
    assert ("error: --factor-set nope: unknown factor set 'nope'; available: cn-2022, cn-2024"
            in result.output)
    assert "study.yaml:" not in result.output  # the study file is not at fault


# Shape problems (keys, types, values) of one file: all reported in one pass.
MANY_SHAPE_PROBLEMS = """\
report:
  number: T-001
  issued: 2025/02/26
  issuer: {name: 示例认证有限公司}
company:
  name: 示例电气有限公司
  adress: 合肥市
study:
  period: {start: 2024-01-01, end: 2024-12-31}
  factor_set: cn-2022
products:
  - id: p1
    name: 柱上断路器
    annual_output: 0
    activities:
      - {stage: prodution, factor: electricity, amount: 28022, unit: kWh}
      - {stage: distribution, factor: diesel, amount: -0.14, unit: t}
"""

# Problems found once the shape is valid (ids, bases, factors, units): also in one pass.
MANY_FACTOR_PROBLEMS = """\
report:
  number: T-001
  issued: 2025-02-26
  issuer: {name: 示例认证有限公司}
company:
  name: 示例电气有限公司
study:
  period: {start: 2024-01-01, end: 2024-12-31}
  factor_set: cn-2022
products:
  - id: p1
    name: 柱上断路器
    activities:
      - {stage: use, gas: SF7, amount: 0.01, unit: kg}
      - {stage: production, factor: electricity, amount: 28022, unit: kWh, basis: annual}
  - id: p1
    name: 箱式变电站
    activities:
      - {stage: distribution, factor: diesl, amount: 0.14, unit: t}
      - {stage: production, factor: electricity, amount: 3, unit: t}
"""


def test_many_shape_problems_are_reported_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, MANY_SHAPE_PROBLEMS)
    assert_refused(result)
    assert located_lines(result.output) == [
        "study.yaml:3:11 report.issued: '2025/02/26' is not a date; write it as YYYY-MM-DD "
        "(e.g. 2025-02-26)",
        "study.yaml:7:3 company.adress: unknown key 'adress'; did you mean 'address'? allowed "
        "here: name, address, legal_representative, contact, founded, credit_code, country, "
        "overview, introduction, images",
        "study.yaml:14:20 products[0].annual_output: must be a positive number of units (got 0)",
        "study.yaml:16:17 products[0].activities[0].stage: unknown stage 'prodution'; did you "
        "mean 'production'? valid: raw_material_acquisition, raw_material_transport, "
        "production, distribution, storage, use, end_of_life",
        "study.yaml:17:55 products[0].activities[1].amount: must be >= 0 (got -0.14); report "
        "recycling credits separately, not as negative amounts",
    ]


def test_many_factor_problems_are_reported_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, MANY_FACTOR_PROBLEMS, command="calc")
    assert_refused(result)
    located = located_lines(result.output)
    assert len(located) == 5, result.output
    for where, fragment in zip(located, [
        "study.yaml:14:27 products[0].activities[0].gas: unknown gas 'SF7'",
        "study.yaml:15:83 products[0].activities[1].basis: basis: annual divides",
        "study.yaml:16:9 products[1].id: duplicate product id 'p1'",
        "study.yaml:19:39 products[1].activities[0].factor: unknown factor 'diesl'",
        "study.yaml:20:67 products[1].activities[1].unit: 't' cannot be converted to 'kWh'",
    ], strict=True):
        assert where.startswith(fragment), where


@pytest.mark.parametrize("study", [MANY_SHAPE_PROBLEMS, MANY_FACTOR_PROBLEMS])
def test_problems_are_listed_in_file_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, study: str) -> None:
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    numbers = line_numbers(result.output)
    assert len(numbers) >= 3
    assert numbers == sorted(numbers)


def test_missing_study_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "nowhere.yaml"])
    assert_refused(result)
    assert "nowhere.yaml no such file" in result.output


@pytest.mark.parametrize("args", [
    pytest.param([], id="no-arguments"),
    pytest.param(["validate"], id="validate-without-study"),
    pytest.param(["calc"], id="calc-without-study"),
    pytest.param(["validate", "--bogus", "study.yaml"], id="unknown-option"),
    pytest.param(["frobnicate"], id="unknown-command"),
])
def test_bad_usage_exits_with_status_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, args, prog_name="cfpreport")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Usage: cfpreport" in result.output


def test_text_and_numbers_are_read_as_written(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """YAML 1.1 would make `no` false, `1:30` ninety, `1.50` 1.5 and `017` octal 15."""
    study = broken("    name: 柱上断路器\n", "    name: no\n    model: 1:30\n")
    study = study.replace("  number: T-001\n", "  number: 0x1F\n").replace(
        "unit: kg}", "unit: kg, label: 1.50}").replace("amount: 0.14", "amount: 017")
    result = run(tmp_path, monkeypatch, study, "--json", command="calc")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    product = document["products"][0]
    assert (document["report_number"], product["name"], product["model"]) == (
        "0x1F", "no", "1:30")
    assert product["activities"][2]["label"] == "1.50"
    assert product["activities"][1]["amount"] == 17


def test_a_thousand_digit_number_is_too_large_and_not_echoed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, broken("amount: 0.14", f"amount: 1{'0' * 1000}"))
    assert_refused(result)
    assert located_lines(result.output) == [
        "study.yaml:16:55 products[0].activities[1].amount: "
        f"'1{'0' * 39}…' is too large for a number; {NUMBER}"]


def test_a_thousand_digit_whole_number_is_too_large(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    study = broken("  factor_set: cn-2022\n", f"  factor_set: cn-2022\n  decimals: {'9' * 1500}\n")
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    assert located_lines(result.output) == [
        f"study.yaml:10:13 study.decimals: '{'9' * 40}…' is too large; write a whole number "
        "such as 4"]


@pytest.mark.parametrize("written", [
    pytest.param("1" + "0" * 100_000, id="hundred-thousand-digits"),  # int() refuses > 4300
    pytest.param("9" * 5000 + ".5", id="five-thousand-digit-decimal"),
    pytest.param("x" * 1_000_000, id="megabyte-of-text"),
])
def test_a_hostile_number_is_refused_in_one_short_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    """Which rule speaks first (length or number) is not the point: one short line."""
    result = run(tmp_path, monkeypatch, broken("amount: 0.14", f"amount: {written}"))
    assert_refused(result)
    located = located_lines(result.output)
    assert len(located) == 1, result.output[:2000]
    assert located[0].startswith("study.yaml:16:55 products[0].activities[1].amount: ")
    assert len(located[0]) < 300


def test_stages_adding_up_beyond_the_range_name_the_product(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each activity is in range (7.05e11 kg) but their stage is not: the product is named."""
    activity = "      - {stage: use, gas: SF6, amount: 3e7, unit: kg}\n"  # x 23 500 (AR5)
    study = BASE + activity * 2
    result = run(tmp_path, monkeypatch, study, command="calc")
    assert_refused(result)
    assert located_lines(result.output) == [
        "study.yaml:11:5 products[0]: its use stage is 1410000000235 kgCO2e per functional "
        "unit, more than the supported 1e+12 kgCO2e; check the amounts of that stage"]


OUR_SET = """\
kind: set
name: ours
version: 2024.10
factors:
  - {id: electricity, name: 电, value: 1e7, unit: kgCO2/kWh, source: S}
  - {id: diesel, name: 柴油, value: yes, unit: tCO2/t, source: S}
  - {id: lpg, name: 液化气, value: 3, unit: tCO2/t, source: S, year: 1:30}
  - {id: fuel, name: 燃料, unit: tCO2/t, source: S, chain: {ncv: 0x10, ncv_unit: GJ/t,
     carbon_content: 0.0202, oxidation: 0.98}}
  - {id: heavy, name: 重油, value: 3, unit: tCO2/t, source: S,
     density: {value: .inf, source: S}}
"""


def test_a_set_file_gets_the_same_number_rules_and_range(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ours.yaml").write_text(OUR_SET, encoding="utf-8")
    result = run(tmp_path, monkeypatch, broken("factor_set: cn-2022", "factor_set: ./ours.yaml"))
    assert_refused(result)
    assert [line for line in result.output.splitlines() if line.startswith("ours.yaml")] == [
        "ours.yaml:5:39 factors[0].value: 1e+07 is outside the supported range; a factor "
        "value is 0 or between 1e-09 and 1e+06 in its unit",
        f"ours.yaml:6:35 factors[1].value: 'yes' is not a number; {NUMBER}",
        "ours.yaml:7:67 factors[2].year: '1:30' is not a number; write a whole number such "
        "as 4",
        f"ours.yaml:8:64 factors[3].chain.ncv: '0x10' is not a number; {NUMBER}",
        f"ours.yaml:11:23 factors[4].density.value: '.inf' is not a finite number; {NUMBER}",
    ]


def test_results_json_never_writes_infinity_or_nan() -> None:
    """The calculation refuses such results; the JSON writer is the last guard."""
    with pytest.raises(ResultRangeError, match="results JSON: Out of range float values"):
        dumps({"total_kgco2e": math.inf})


# Image files the report cannot use, each made in the test and refused at `validate` at
# the image's field (cfpreport/input/image_checks.py): (file name, how to make it, what
# the message says after the quoted path; id).
def png_of_size(width: int, height: int) -> bytes:
    """A PNG whose header says width x height RGBA, with almost no data: Pillow learns
    its size from the header alone, as the check does (a real one would be gigabytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def saved(mode: str, size: tuple[int, int], image_format: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, image_format)
    return buffer.getvalue()


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


IMAGE_CASES = [
    pytest.param("big.png", lambda: png_of_size(13000, 13000),
                 "is 13000x13000 pixels (169 MP); images may have at most 25 MP",
                 id="image-169-megapixels"),
    pytest.param("bomb.png", lambda: png_of_size(20000, 20000),
                 "has 400 MP; images may have at most 25 MP", id="image-past-pillows-own-limit"),
    pytest.param("notes.png", lambda: "这不是图片\n".encode(),
                 "is not an image; images must be PNG, JPEG, GIF or WebP files",
                 id="image-text-file-named-png"),
    pytest.param("empty.png", lambda: b"", "is empty; images must be PNG, JPEG, GIF or WebP",
                 id="image-empty-file"),
    pytest.param("flow.png", lambda: b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/'
                                     b'2000/svg" width="10" height="10"/>\n',
                 "is an SVG drawing, not a picture; export it as PNG", id="image-svg-named-png"),
    pytest.param("cut.png", lambda: saved("RGB", (200, 100), "PNG")[:-30],
                 "is damaged or cut short", id="image-truncated-png"),
    pytest.param("head.png", lambda: saved("RGB", (200, 100), "PNG")[:20],
                 "is a PNG file that is damaged or cut short; save it again",
                 id="image-png-header-only"),
    pytest.param("cut.jpg", lambda: first_half(saved("RGB", (800, 600), "JPEG")),
                 "is damaged or cut short", id="image-truncated-jpeg"),
    pytest.param("deep.png", lambda: saved("I;16", (50, 50), "PNG"),
                 "has pixels of mode I;16 (16-bit or floating-point), which the report cannot "
                 "show", id="image-16-bit-greyscale"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), IMAGE_CASES)
def test_an_image_the_report_cannot_use_is_refused_at_its_field(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content, fragment: str
        ) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / name).write_bytes(content())
    result = run(tmp_path, monkeypatch, with_images(f"{{photo: images/{name}}}"))
    assert_refused(result)
    located = located_lines(result.output)
    assert len(located) == 1, result.output
    assert located[0].startswith(
        f"study.yaml:14:21 products[0].images.photo: 'images/{name}' {fragment}"), located[0]


def test_an_image_the_report_can_use_passes(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "images").mkdir()
    for name, mode, image_format in [("photo.jpg", "CMYK", "JPEG"), ("flow.png", "P", "PNG"),
                                     ("logo.gif", "L", "GIF"), ("plant.webp", "RGBA", "WEBP")]:
        (tmp_path / "images" / name).write_bytes(saved(mode, (120, 80), image_format))
    study = with_images("{photo: images/photo.jpg, process: images/flow.png}").replace(
        "  name: 示例电气有限公司\n", "  name: 示例电气有限公司\n  images: {overview: "
        "images/logo.gif, layout: images/plant.webp}\n")
    result = run(tmp_path, monkeypatch, study)
    assert result.exit_code == 0, result.output
