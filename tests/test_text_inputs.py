"""Text a report can print: characters refused at load, fonts warned of at validate,
lengths capped, and long texts that still make a report (properties, cover).

Located messages for single cases are in tests/test_bad_inputs.py (the ``text-`` cases);
here are the rules over every character and field, and the builds.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path

import docx
import pytest
from pydantic import BaseModel
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.errors import StudyError
from cfpreport.input import text_checks
from cfpreport.input.glyph_warnings import font_characters, missing_characters
from cfpreport.input.loading import load_study
from cfpreport.input.study import Study
from cfpreport.pipeline import check_study
from cfpreport.render.docx_setup import set_core_properties
from cfpreport.render.html import render_html
from cfpreport.render.properties import MAX_PROPERTY, fitting_keywords, shortened
from cfpreport.report.blocks import ReportModel
from cfpreport.report.model import metadata

STUDY = """\
report:
  number: T-001
  issued: 2025-02-26
  issuer: {{name: "{issuer}"}}
company:
  name: "{company}"
  overview: "{overview}"
study:
  period: {{start: 2024-01-01, end: 2024-12-31}}
  factor_set: cn-2022
products:
{products}factors:
  - {{id: steel, name: 钢材, value: 2.1, unit: tCO2e/t, source: 供应商声明, note: "{note}"}}
"""
PRODUCT = """\
  - id: p{index}
    name: "{name}"
    annual_output: 400
    activities:
      - {{stage: production, factor: electricity, amount: 28022, unit: kWh, basis: annual}}
"""


def study_text(products: int = 1, name: str = "柱上断路器{index}",
               company: str = "示例电气有限公司", issuer: str = "示例认证有限公司",
               overview: str = "概况", note: str = "") -> str:
    """A valid study (in YAML, values double-quoted so that escapes work) of N products."""
    listed = "".join(PRODUCT.format(index=index, name=name.format(index=index))
                     for index in range(products))
    return STUDY.format(products=listed, company=company, issuer=issuer, overview=overview,
                        note=note)


def write(tmp_path: Path, text: str, name: str = "study.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(StudyError) as raised:
        load_study(write(tmp_path, text))
    return str(raised.value)


def test_the_study_of_these_tests_is_valid(tmp_path: Path) -> None:
    assert load_study(write(tmp_path, study_text())).company.name == "示例电气有限公司"


# --- characters ----------------------------------------------------------------------

CONTROLS = [code for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n"]
FIELDS = {  # one field of each kind: a name, a text of paragraphs, a study factor's note
    "company.name": "company", "company.overview": "overview", "factors[0].note": "note"}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("code", CONTROLS, ids=lambda code: f"U+{code:04X}")
def test_every_control_character_is_refused_in_every_kind_of_text(
        tmp_path: Path, code: int, field: str) -> None:
    text = study_text(**{FIELDS[field]: f"a\\x{code:02x}b"})
    message = refusal(tmp_path, text)
    assert f" {field}: contains the control character U+{code:04X} (" in message
    assert "at position 2; remove it" in message


@pytest.mark.parametrize("code", sorted(text_checks._BIDI), ids=lambda code: f"U+{code:04X}")
def test_every_bidirectional_control_is_refused(tmp_path: Path, code: int) -> None:
    message = refusal(tmp_path, study_text(name=f"evil\\u{code:04x}exe.{{index}}"))
    assert (f"products[0].name: contains the bidirectional control U+{code:04X} "
            in message), message
    assert "at position 5; remove it: it is invisible" in message


def test_tab_and_line_breaks_are_kept_in_a_text_of_paragraphs(tmp_path: Path) -> None:
    study = load_study(write(tmp_path, study_text(overview="第一段\\t说明。\\n\\n第二段。")))
    assert study.company.overview == "第一段\t说明。\n\n第二段。"


def test_a_line_break_in_a_name_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, study_text(company="示例\\n电气"))
    assert "company.name: contains a line break (U+000A) at position 3; this field is " \
           "printed on one line" in message


def test_every_problem_of_the_file_is_listed_at_once(tmp_path: Path) -> None:
    message = refusal(tmp_path, study_text(company="a\\eb", note="c\\x00d", products=2,
                                           name="x" * 201))
    assert [line.split(" ", 2)[1] for line in message.splitlines()] == [
        "company.name:", "products[0].name:", "products[1].name:", "factors[0].note:"]


def test_a_factor_set_file_is_checked_like_a_study(tmp_path: Path) -> None:
    write(tmp_path, 'kind: set\nname: own\nversion: "1"\nfactors:\n'
                    '  - {id: steel, name: "钢\\e材", value: 2.1, unit: tCO2e/t, '
                    "source: 供应商声明}\n", "own-set.yaml")
    study = write(tmp_path, study_text().replace("factor_set: cn-2022",
                                                 "factor_set: ./own-set.yaml"))
    with pytest.raises(StudyError) as raised:
        check_study(study)
    assert "own-set.yaml:5:23 factors[0].name: contains the control character U+001B " \
           "(ESC) at position 2; remove it" in str(raised.value)


@pytest.mark.parametrize(("text", "where"), [
    pytest.param("a: x\x1by\n", "1:5 a", id="plain"),
    pytest.param("a:\n  b: [1, 'x\x7f']\n", "2:12 a.b[1]", id="flow-list"),
    pytest.param("a:\n  - {b: 1, c: \"z\"}\n  - d: |\n      x\n      y\x02\n",
                 "5:8 a[1].d", id="block-in-list"),
    pytest.param("? [k]\n: v\x03\nz: 1\n", "2:4 ?", id="complex-key"),
    pytest.param("a: 1 # note \x04\n", "1:13", id="comment"),
    pytest.param("a: [1\x05", "1:6", id="not-yaml"),
])
def test_a_raw_control_character_is_located_by_line_column_and_field(text: str,
                                                                      where: str) -> None:
    [problem] = text_checks.unreadable_character_problems(text, "f.yaml")
    assert f"{problem.line}:{problem.column} {problem.field}".strip() == where


def test_limits_name_fields_the_study_has() -> None:
    assert set(text_checks.LIMITS) <= text_fields(Study)
    assert text_checks.LIMITS["products[].name"].limit == 200


def text_fields(annotation: typing.Any, path: str = "") -> set[str]:
    """The paths (lists as ``[]``) of every text field of a model."""
    if annotation is str:
        return {path}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {field for name, info in annotation.model_fields.items()
                for field in text_fields(info.annotation, f"{path}.{name}".lstrip("."))}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        return text_fields(args[0], f"{path}[]")
    if origin is dict:
        return text_fields(args[1], f"{path}.*")
    if origin is typing.Annotated:
        return text_fields(args[0], path)
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        return {field for arg in args for field in text_fields(arg, path)}
    return set()


# --- characters the fonts lack -------------------------------------------------------

def test_emoji_and_rare_scripts_are_warned_of_with_field_and_character(tmp_path: Path) -> None:
    checked = check_study(write(tmp_path, study_text(name="断路器😀{index}",
                                                     overview="𓀀 and ✔")))
    messages = [str(problem) for problem in checked.warnings]
    assert ("study.yaml:13:11 products[0].name: warning: '😀' (U+1F600) is not in the "
            "report's fonts and would print as an empty box") in "\n".join(messages)
    assert ("study.yaml:7:13 company.overview: warning: '𓀀' (U+13000), '✔' (U+2714) are "
            "not in the report's fonts and would print as empty boxes") in "\n".join(messages)


def test_the_characters_of_carbon_footprint_reports_are_in_the_fonts() -> None:
    common = ("℃±×÷²³µ·—–‘’“”…‰√≤≥≈≠ΔαβγμπΣ①②ⅠⅡ→％（）【】《》、。，；：·"
              "柱上断路器箱式变电站电能计量箱铜铝钢材六氟化硫二氧化碳当量")
    assert missing_characters(common) == []
    assert set(range(0x21, 0x7F)) <= font_characters()  # printable ASCII


def test_characters_that_are_not_drawn_are_not_named() -> None:
    assert missing_characters("a\u200db\ufe0fc\u00ad") == []  # joiner, selector, soft hyphen


def test_a_study_without_such_characters_has_no_font_warning(tmp_path: Path) -> None:
    checked = check_study(write(tmp_path, study_text()))
    assert not [p for p in checked.warnings if "fonts" in p.message]


# --- document properties -------------------------------------------------------------

def test_a_long_property_is_cut_after_a_whole_name_with_an_ellipsis() -> None:
    title = "产品碳足迹报告：" + "、".join(f"配电设备产品第{index}号" for index in range(60))
    short = shortened(title)
    assert len(short) <= MAX_PROPERTY and short.endswith("号…")
    assert title.startswith(short.removesuffix("…"))


def test_a_cut_never_separates_a_letter_from_its_accent() -> None:
    assert shortened("a" * 253 + "e\u0301" + "b" * 10) == "a" * 253 + "…"
    assert shortened("x" * MAX_PROPERTY) == "x" * MAX_PROPERTY


def test_keywords_are_kept_whole() -> None:
    keywords = ["产品碳足迹", "CFP", *[f"MODEL-{index:03}" for index in range(60)]]
    kept = fitting_keywords(keywords)
    assert len("; ".join(kept)) <= MAX_PROPERTY
    assert kept[-1] == "…" and kept[:-1] == keywords[:len(kept) - 1]


def test_many_products_make_properties_within_word_limits(tmp_path: Path) -> None:
    study = load_study(write(tmp_path, study_text(products=45, name="配电设备产品第{index}号")))
    meta = metadata(study)
    assert len(meta.title) > 450 and len(meta.subject) > 450
    document = docx.Document()
    set_core_properties(document, meta)  # python-docx raises over 255 characters
    properties = document.core_properties
    assert len(properties.title) <= MAX_PROPERTY and len(properties.subject) <= MAX_PROPERTY
    assert properties.title.startswith("产品碳足迹报告：配电设备产品第0号、配电设备产品第1号")
    assert properties.title.endswith("号…")
    head = render_html(ReportModel(meta, [])).split("</head>")[0]
    assert f"<title>{properties.title}</title>" in head
    assert f'<meta name="description" content="{properties.subject}">' in head


@pytest.fixture(scope="module")
def seventeen_built(tmp_path_factory) -> dict[str, Path]:
    """17 products, as in the issue: their joined names make a title of 700 characters."""
    folder = tmp_path_factory.mktemp("seventeen")
    study = write(folder, study_text(products=17, name="{index:02}号" + "配电设备" * 9))
    return build_report(study, folder / "out", ["pdf", "docx"]).outputs


def test_seventeen_products_build_pdf_and_word_with_the_same_properties(
        seventeen_built) -> None:
    properties = docx.Document(str(seventeen_built["docx"])).core_properties
    assert len(properties.title) <= MAX_PROPERTY and properties.title.endswith("…")
    pdf = PdfReader(seventeen_built["pdf"])
    assert (pdf.metadata.title, pdf.metadata.subject, pdf.metadata.author) == (
        properties.title, properties.subject, properties.author)


@pytest.fixture(scope="module")
def long_names_built(tmp_path_factory) -> dict[str, Path]:
    """Names of the longest allowed: product, company and issuer of 200 characters."""
    folder = tmp_path_factory.mktemp("long-names")
    study = write(folder, study_text(name="长" * 200, company="企" * 200, issuer="A" * 200))
    return build_report(study, folder / "out", ["pdf", "docx", "html"]).outputs


@pytest.mark.parametrize("built", ["seventeen_built", "long_names_built"])
def test_a_crowded_cover_is_set_tighter_and_stays_on_its_page(
        built: str, request: pytest.FixtureRequest) -> None:
    outputs = request.getfixturevalue(built)
    cover, following = (page.extract_text() for page in PdfReader(outputs["pdf"]).pages[:2])
    assert "报告签发日期" in cover and "2025年02月26日" in cover
    assert "报告签发日期" not in following
    word_cover = docx.Document(str(outputs["docx"])).tables[0]
    assert {run.font.size.pt for cell in word_cover.columns[1].cells
            for run in cell.paragraphs[0].runs} == {10.5}


def test_a_long_name_without_spaces_wraps_on_the_cover(long_names_built) -> None:
    cover = PdfReader(long_names_built["pdf"]).pages[0].extract_text()
    lines = [line for line in cover.splitlines() if line.strip("A ") == ""]
    assert "".join(lines).replace(" ", "") == "A" * 200  # all there ...
    assert len(lines) > 3  # ... on lines that fit the cover (a line holds about 40)
    html = long_names_built["html"].read_text(encoding="utf-8")
    assert '<section class="cover crowded">' in html
