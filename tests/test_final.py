"""Final reports: what they require, and the PDF/A-3b file with its embedded data.

veraPDF cannot be installed here (no Java download of it); these tests check with pypdf
what PDF/A-3b asks of the file that can be seen in its objects: the output intent, the
XMP identification (part 3, conformance B), every font embedded (pages, forms and
annotation appearances), each embedded file an associated file (/AF) with its
/AFRelationship, MIME subtype and modification date, every annotation printed, no
transfer function or unknown blend mode (transparency is allowed in PDF/A-3 with the
output intent), and no encryption, JavaScript or form that asks for appearances.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from cfpreport.build import build_report
from cfpreport.calculation.factor_export import export_factor_set
from cfpreport.errors import StudyError
from cfpreport.final.attachments import FACTORS_NAME, MANIFEST_NAME, SCHEMA, read_embedded
from cfpreport.pipeline import check_study
from tests.conftest import RING_MAIN_UNIT, YUANYU


def copied(source: Path, folder: Path, edit=lambda text: text) -> Path:
    """A copy of a sample's folder with its study file edited."""
    shutil.copytree(source.parent, folder)
    study = folder / source.name
    study.write_text(edit(study.read_text(encoding="utf-8")), encoding="utf-8")
    return study


def as_final(text: str) -> str:
    return text.replace("status: draft", "status: final")


@pytest.fixture(scope="module")
def final(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The ring main unit sample (study factors, an image) built as a final report:
    (study file, PDF, results JSON)."""
    base = tmp_path_factory.mktemp("final")
    study = copied(RING_MAIN_UNIT, base / "study", as_final)
    record = build_report(study, base / "out", formats=("pdf", "json"))
    return study, record.outputs["pdf"], record.outputs["json"]


def resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def fonts_of(resources, seen: set[int]) -> list:
    """Every font dictionary reachable from a resource dictionary (forms included)."""
    resources = resolved(resources)
    if resources is None or id(resources) in seen:
        return []
    seen.add(id(resources))
    fonts = [resolved(font) for font in resolved(resources.get("/Font", {})).values()]
    for xobject in resolved(resources.get("/XObject", {})).values():
        xobject = resolved(xobject)
        if xobject.get("/Subtype") == "/Form":
            fonts += fonts_of(xobject.get("/Resources"), seen)
    return fonts


BLEND_MODES = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken",
               "/Lighten", "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight",
               "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color", "/Luminosity"}


def graphics_state_problems(resources) -> list[str]:
    """What PDF/A forbids in graphics states: transfer functions, unknown blend modes
    (transparency itself is allowed from PDF/A-2 on, with the output intent)."""
    states = resolved(resolved(resources or {}).get("/ExtGState", {}))
    problems = []
    for name, state in states.items():
        state = resolved(state)
        if "/TR" in state or state.get("/TR2", "/Default") != "/Default":
            problems.append(f"graphics state {name} has a transfer function")
        blend = state.get("/BM")
        if blend is not None and not {str(mode) for mode in (
                blend if isinstance(blend, list) else [blend])} <= BLEND_MODES:
            problems.append(f"graphics state {name} has the blend mode {blend}")
    return problems


def embedded_font_file(font) -> bool:
    """Whether a font (a Type0's descendant for composite fonts) carries its program."""
    if font.get("/Subtype") == "/Type0":
        font = resolved(font["/DescendantFonts"][0])
    descriptor = resolved(font.get("/FontDescriptor"))
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdfa_problems(path: Path) -> list[str]:
    """What this file lacks of PDF/A-3b, as far as pypdf can see it."""
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    problems = []
    intents = [resolved(i) for i in root.get("/OutputIntents", [])]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        problems.append("no PDF/A output intent with an ICC profile")
    xmp = resolved(root.get("/Metadata"))
    text = xmp.get_data().decode("utf-8") if xmp is not None else ""
    if not re.search(r'pdfaid:part="3"', text) or not re.search(
            r'pdfaid:conformance="B"', text):
        problems.append("XMP metadata does not say PDF/A-3B")
    if "/Encrypt" in reader.trailer:
        problems.append("encrypted")
    if "/JavaScript" in resolved(root.get("/Names", {})) or "/OpenAction" in root:
        problems.append("JavaScript or an open action")
    if resolved(root.get("/AcroForm", {})).get("/NeedAppearances"):
        problems.append("a form asks the reader to draw its appearances")
    fonts, seen = [], set()
    for page in reader.pages:
        fonts += fonts_of(page.get("/Resources"), seen)
        problems += graphics_state_problems(page.get("/Resources"))
        for annotation in page.get("/Annots", []) or []:
            annotation = resolved(annotation)
            flags = int(annotation.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32):  # print; not invisible, hidden, noview
                problems.append(f"a {annotation.get('/Subtype')} annotation is not printed")
            appearance = resolved(resolved(annotation.get("/AP", {})).get("/N"))
            if appearance is not None:
                fonts += fonts_of(appearance.get("/Resources"), seen)
                problems += graphics_state_problems(appearance.get("/Resources"))
    problems += [f"font {font.get('/BaseFont')} not embedded"
                 for font in fonts if not embedded_font_file(font)]
    associated = [resolved(spec) for spec in root.get("/AF", [])]
    names = resolved(resolved(root.get("/Names", {})).get("/EmbeddedFiles", {}))
    specs = [resolved(spec) for spec in names.get("/Names", [])[1::2]] if names else []
    for spec in specs:
        name = spec.get("/UF") or spec.get("/F")
        if not any(spec is other or spec == other for other in associated):
            problems.append(f"{name} is not an associated file (/AF)")
        if "/AFRelationship" not in spec:
            problems.append(f"{name} has no /AFRelationship")
        stream = resolved(spec["/EF"]["/F"])
        if "/Subtype" not in stream or "/ModDate" not in resolved(stream.get("/Params", {})):
            problems.append(f"{name}'s stream lacks its MIME type or modification date")
    return problems


# --- what a final study needs -----------------------------------------------------------

def test_a_final_study_missing_its_leaders_certificate_is_refused_with_every_field(tmp_path):
    def strip(text: str) -> str:
        text = as_final(text).replace(", certificate: DEMO-GHG-0001", "")
        return text.replace("  legal_representative: 李示例\n", "").replace(
            "  prepared_by: 王示例\n", "")

    study = copied(RING_MAIN_UNIT, tmp_path / "s", strip)
    with pytest.raises(StudyError) as caught:
        check_study(study)
    errors = [line for line in str(caught.value).splitlines() if " warning:" not in line]
    assert errors == [
        f"{study}:6:1 report.prepared_by: a final report needs who prepared the report "
        "(编制人); give it, or write status: draft",
        f"{study}:15:7 report.team[0].certificate: a final report needs the team leader "
        "王示例's certificate number; give it, or write status: draft",
        f"{study}:19:1 company.legal_representative: a final report needs the company's "
        "legal representative (法定代表人); give it, or write status: draft",
    ]


def test_a_final_study_without_a_team_leader_is_refused(tmp_path):
    study = copied(RING_MAIN_UNIT, tmp_path / "s",
                   lambda text: as_final(text).replace("role: 组长", "role: 组员"))
    with pytest.raises(StudyError, match=r"study.yaml:16:5 report.team: a final report "
                                         r"needs a team member whose role is the team leader"):
        check_study(study)


def test_an_english_team_leader_counts(tmp_path):
    study = copied(RING_MAIN_UNIT, tmp_path / "s",
                   lambda text: as_final(text).replace("role: 组长", "role: Team Leader"))
    assert check_study(study).study.report.status == "final"


def test_a_study_silent_on_status_that_lacks_them_builds_as_a_draft_with_a_warning(tmp_path):
    def silent(text: str) -> str:
        return text.replace("  status: draft\n", "").replace(
            "  legal_representative: 李示例\n", "")

    study = copied(RING_MAIN_UNIT, tmp_path / "s", silent)
    calculated = check_study(study)
    assert calculated.study.report.status == "draft"
    [warning] = [w for w in calculated.warnings if w.field == "report.status"]
    assert "company.legal_representative" in warning.message
    assert "built as a draft (watermarked)" in warning.message
    record = build_report(study, tmp_path / "out", formats=("pdf",))
    reader = PdfReader(record.outputs["pdf"])
    assert reader.attachments == {}
    assert "/OutputIntents" not in reader.trailer["/Root"]
    assert "cfp-signature" not in reader.named_destinations
    assert "no PDF/A output intent with an ICC profile" in pdfa_problems(record.outputs["pdf"])
    assert "草稿" in reader.pages[0].extract_text()


def test_every_sample_keeps_its_status():
    assert check_study(YUANYU).study.report.status == "final"
    assert check_study(RING_MAIN_UNIT).study.report.status == "draft"


# --- the final PDF -------------------------------------------------------------------------

def test_a_final_pdf_is_pdfa3b_as_far_as_its_objects_show(final):
    _, pdf, _ = final
    assert pdfa_problems(pdf) == []


def test_a_final_pdf_embeds_the_study_its_images_factors_and_results(final):
    study, pdf, results = final
    embedded = read_embedded(pdf)
    assert embedded.manifest == {"schema": SCHEMA, "study": "study.yaml",
                                 "images": ["images/process-flow.png"],
                                 "factors": FACTORS_NAME, "results": "CFP-DEMO-001.json"}
    assert set(embedded.files) == {"study.yaml", "images/process-flow.png", FACTORS_NAME,
                                   "CFP-DEMO-001.json", MANIFEST_NAME}
    assert embedded.files["study.yaml"] == study.read_bytes()
    assert embedded.files["images/process-flow.png"] == (
        study.parent / "images" / "process-flow.png").read_bytes()
    assert embedded.files["CFP-DEMO-001.json"] == results.read_bytes()
    factor_set = check_study(study).factor_set
    assert embedded.files[FACTORS_NAME] == export_factor_set(
        factor_set, FACTORS_NAME).encode("utf-8")
    assert json.loads(embedded.files[MANIFEST_NAME])["schema"] == "cfpreport.attachments/1"


def test_the_embedded_study_reprices_without_the_shipped_sets(final, tmp_path):
    _, pdf, results = final
    embedded = read_embedded(pdf)
    study = embedded.unpack(tmp_path)
    repriced = check_study(study, str(tmp_path / FACTORS_NAME))
    totals = {row.product: row.shown for row in repriced.results.products.itertuples()}
    printed = {p["id"]: p["display"]["total"] for p in json.loads(results.read_text())[
        "products"]}
    assert totals == printed


def test_a_final_pdf_keeps_an_empty_signature_box_beside_the_summary_sheets_signatures(
        final):
    from cfpreport.final.signing import signature_placement

    _, pdf, _ = final
    placement = signature_placement(pdf.read_bytes())
    assert placement.page == 1  # the summary sheet
    page = PdfReader(pdf).pages[1]
    x1, y1, x2, y2 = placement.box
    assert (x2 - x1, y2 - y1) == pytest.approx((40 * 72 / 25.4, 40 * 72 / 25.4))
    # inside the page, left of the signature lines (which stand at the right)
    assert 0 < x1 < x2 < float(page.mediabox.width) / 2 and 0 < y1 < y2
    lines = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: lines.append(
        (text, cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5])) if "签名" in text else None)
    assert lines and all(x > x2 for _, x, _ in lines)
    assert any(y1 < y < y2 for _, _, y in lines)


def test_a_workbook_study_is_embedded_as_its_yaml_conversion(tmp_path):
    from cfpreport.final.attachments import study_file
    from cfpreport.input.conversion import convert_studies

    book = tmp_path / "book.xlsx"
    convert_studies([YUANYU], book)
    calculated = check_study(f"{book}#T4100013")
    name, data = study_file(calculated)
    assert name == "T4100013.study.yaml"
    (tmp_path / name).write_bytes(data)
    again = check_study(tmp_path / name)
    assert again.study.model_dump() == calculated.study.model_dump()
