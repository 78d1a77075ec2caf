"""House styles: a folder whose files override the built-in report's look.

One style, written by ``style init`` and then changed in each of its parts (a chapter
heading, the CSS's heading colour and font, the reference document's Heading 1 font, a
logo and a seal), builds the yuanyu sample beside the built-in style: the PDF and the
Word file differ in exactly those parts. Then the mistakes a style can hold, each one line
naming its file and line, and the confinement of a style to its own folder.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image, ImageDraw

from cfpreport.assets import templates_dir
from cfpreport.build import build_report
from cfpreport.cli import main
from cfpreport.errors import BuildError, StyleError
from cfpreport.pipeline import load_and_calculate
from cfpreport.render.docx import docx_bytes
from cfpreport.render.html import render_html
from cfpreport.render.pdf import pdf_bytes
from cfpreport.report.blocks import Paragraph
from cfpreport.report.model import build_report_model
from cfpreport.report.style import BUILTIN, Style, confined_file, load_style, shown_path
from cfpreport.style_init import init_style
from tests.conftest import RING_MAIN_UNIT, ROOT, YUANYU

HEADING = "产品碳足迹（CFP）介绍"
HOUSE_HEADING = "产品碳足迹简介（三信版）"
#: #8b1a1a (no chart uses it) as WeasyPrint fills text with it in a content stream.
HOUSE_COLOUR = "0.545098 0.101961 0.101961 rg"
HOUSE_CSS = """
@font-face { font-family: "house-heading"; font-weight: 700; src: url(fonts/House-Bold.ttf); }
h1, h2, h3 { color: #8b1a1a; font-family: "house-heading", "cfp-sans", sans-serif; }
"""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP_ANCHOR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"
LOGO_PIXELS, SEAL_PIXELS = (600, 200), (400, 400)


# --- making a style --------------------------------------------------------------------

def write_logo(path: Path) -> None:
    image = Image.new("RGB", LOGO_PIXELS, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 589, 189], outline="#1f4e79", width=8)
    draw.ellipse([30, 40, 150, 160], fill="#1f4e79")
    image.save(path)


def write_seal(path: Path) -> None:
    image = Image.new("RGBA", SEAL_PIXELS, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 389, 389], outline=(220, 0, 0, 210), width=14)
    draw.regular_polygon((200, 200, 60), 5, fill=(220, 0, 0, 210))
    image.save(path)


def set_heading_font(reference: Path, east_asia: str, latin: str) -> None:
    """Give Heading 1 other fonts in the reference document's styles.xml, as Word would."""
    package = zipfile.ZipFile(io.BytesIO(reference.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in package.infolist():
            data = package.read(entry)
            if entry.filename == "word/styles.xml":
                root = etree.fromstring(data)
                fonts = root.find(f"{W}style[@{W}styleId='Heading1']/{W}rPr/{W}rFonts")
                fonts.set(f"{W}eastAsia", east_asia)
                fonts.set(f"{W}ascii", latin)
                fonts.set(f"{W}hAnsi", latin)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            target.writestr(entry, data)
    reference.write_bytes(out.getvalue())


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> Path:
    """A style from `style init`, changed in each of its parts."""
    folder = tmp_path_factory.mktemp("styles") / "sanxin"
    init_style(folder)
    replace_in(folder / "chapters" / "01_introduction.zh.j2", f"<h1>{HEADING}</h1>",
               f"<h1>{HOUSE_HEADING}</h1>")
    (folder / "fonts").mkdir()
    shutil.copyfile(ROOT / "fonts" / "NotoSerif-Bold.ttf", folder / "fonts" / "House-Bold.ttf")
    with (folder / "report.css").open("a", encoding="utf-8") as css:
        css.write(HOUSE_CSS)
    set_heading_font(folder / "reference.docx", "楷体", "Arial")
    write_logo(folder / "logo.png")
    write_seal(folder / "seal.png")
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory, house) -> dict[str, dict[str, Path]]:
    """The yuanyu sample's PDF, Word file and HTML, in the built-in and the house style."""
    return {name: build_report(YUANYU, tmp_path_factory.mktemp(name), ("pdf", "docx", "html"),
                               style=style).outputs
            for name, style in (("builtin", None), ("house", house))}


@pytest.fixture(scope="module")
def yuanyu():
    return load_and_calculate(YUANYU)


def new_style(tmp_path: Path, files: dict[str, str]) -> Path:
    """A style folder holding only ``files`` (relative path -> text)."""
    folder = tmp_path / "style"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def model_in(folder: Path, calculated):
    return build_report_model(calculated.study, calculated.results, load_style(folder))


# --- reading the outputs ---------------------------------------------------------------

def pdf_pages(path: Path) -> list[str]:
    """Each page's text without white space or the dot leaders of the contents (where
    lines break depends on how the text is drawn, not on what it says)."""
    return [re.sub(r"\s+|(\.\s*){3,}", "", page.extract_text())
            for page in pypdf.PdfReader(path).pages]


def pdf_fonts(path: Path) -> set[str]:
    return {font.get_object()["/BaseFont"].split("+")[-1]
            for page in pypdf.PdfReader(path).pages
            for font in page["/Resources"].get("/Font", {}).values()}


def pdf_streams(path: Path) -> str:
    return "\n".join(page.get_contents().get_data().decode("latin-1")
                     for page in pypdf.PdfReader(path).pages)


def docx_part(path_or_bytes: Path | bytes, name: str) -> bytes:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def docx_paragraphs(path: Path) -> list[str]:
    root = etree.fromstring(docx_part(path, "word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def heading1_fonts(path: Path) -> dict[str, str]:
    root = etree.fromstring(docx_part(path, "word/styles.xml"))
    fonts = root.find(f"{W}style[@{W}styleId='Heading1']/{W}rPr/{W}rFonts")
    return {name.removeprefix(W): value for name, value in fonts.attrib.items()}


def docx_pictures(data: bytes) -> list[tuple[int, int]]:
    package = zipfile.ZipFile(io.BytesIO(data))
    return sorted(Image.open(io.BytesIO(package.read(name))).size
                  for name in package.namelist() if name.startswith("word/media/"))


# --- style init --------------------------------------------------------------------------

def test_style_init_writes_a_starting_copy(tmp_path):
    files = init_style(tmp_path / "new")
    names = {path.relative_to(tmp_path / "new").as_posix() for path in files}
    builtin_chapters = {f"chapters/{p.name}" for p in (templates_dir() / "chapters").glob("*.j2")}
    assert builtin_chapters and builtin_chapters <= names
    assert {"text/zh.yaml", "report.css", "reference.docx", "README.md"} <= names
    readme = (tmp_path / "new" / "README.md").read_text(encoding="utf-8")
    for name in ("chapters/", "text/zh.yaml", "report.css", "reference.docx", "logo.png",
                 "seal.png"):
        assert name in readme
    styles = docx_part(tmp_path / "new" / "reference.docx", "word/styles.xml").decode()
    assert 'w:styleId="Heading1"' in styles and "Report Body" in styles


def test_style_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["style", "init", str(tmp_path / "taken")])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {tmp_path / 'taken'} is not an empty folder; "
                                     "a style starts in a new one")
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_an_unchanged_style_gives_the_built_in_report(tmp_path, yuanyu):
    init_style(tmp_path / "same")
    style = load_style(tmp_path / "same")
    model = build_report_model(yuanyu.study, yuanyu.results, style)
    builtin = build_report_model(yuanyu.study, yuanyu.results)
    assert model == builtin
    assert render_html(model) == render_html(builtin)
    styled, plain = docx_bytes(model, style.reference_document()), docx_bytes(builtin)
    for part in ("word/document.xml", "word/styles.xml", "word/header1.xml",
                 "word/footer1.xml", "word/settings.xml"):
        assert docx_part(styled, part) == docx_part(plain, part), part


# --- the house style in the PDF -----------------------------------------------------------

def test_the_pdf_shows_the_house_heading_and_otherwise_the_same_text(reports):
    builtin, house = pdf_pages(reports["builtin"]["pdf"]), pdf_pages(reports["house"]["pdf"])
    assert [page.count(HOUSE_HEADING) for page in house].count(1) == 2  # contents, chapter
    assert not any(HOUSE_HEADING in page for page in builtin)
    assert [page.replace(HOUSE_HEADING, HEADING) for page in house] == builtin


def test_the_pdf_headings_take_the_house_colour(reports):
    assert HOUSE_COLOUR in pdf_streams(reports["house"]["pdf"])
    assert HOUSE_COLOUR not in pdf_streams(reports["builtin"]["pdf"])


def test_the_pdf_embeds_the_font_from_the_style_folder(reports):
    assert any(font.startswith("house-heading") for font in pdf_fonts(reports["house"]["pdf"]))
    assert not any(font.startswith("house") for font in pdf_fonts(reports["builtin"]["pdf"]))


def test_the_pdf_cover_shows_the_logo_and_the_seal(reports):
    def pictures_drawn(path: Path) -> int:
        cover = pypdf.PdfReader(path).pages[0]
        return cover.get_contents().get_data().count(b" Do")

    assert pictures_drawn(reports["house"]["pdf"]) == 2  # the logo and the seal
    assert pictures_drawn(reports["builtin"]["pdf"]) == 0
    html = reports["house"]["html"].read_text(encoding="utf-8")
    assert html.count('class="cover-logo"') == 1
    assert re.search(r'<td class="sealed"><span class="seal" style="background-image: '
                     r'url\(data:image/png;base64,[^)]+\); background-size: 40.00mm 40.00mm">'
                     r'三信国际检测认证有限公司</span>', html)


# --- the house style in the Word file --------------------------------------------------------

def test_the_word_file_shows_the_house_heading_and_otherwise_the_same_text(reports):
    builtin, house = docx_paragraphs(reports["builtin"]["docx"]), \
        docx_paragraphs(reports["house"]["docx"])
    assert f"1  {HOUSE_HEADING}" in house and f"1  {HEADING}" not in house
    # The logo's paragraph is the one paragraph more; every text is the same otherwise.
    assert [text.replace(HOUSE_HEADING, HEADING) for text in house if text] == \
        [text for text in builtin if text]


def test_the_word_heading_1_takes_the_reference_documents_font(reports):
    assert heading1_fonts(reports["house"]["docx"])["eastAsia"] == "楷体"
    assert heading1_fonts(reports["house"]["docx"])["ascii"] == "Arial"
    assert heading1_fonts(reports["builtin"]["docx"])["eastAsia"] == "黑体"


def test_the_word_cover_holds_the_logo_and_stamps_the_seal(reports):
    house = reports["house"]["docx"].read_bytes()
    added = Counter(docx_pictures(house)) - Counter(docx_pictures(
        reports["builtin"]["docx"].read_bytes()))
    assert sorted(added.elements()) == sorted([LOGO_PIXELS, SEAL_PIXELS])  # beside the charts
    document = etree.fromstring(docx_part(house, "word/document.xml"))
    anchors = list(document.iter(WP_ANCHOR))
    assert len(anchors) == 1  # the seal floats over the issuer's name, moving nothing
    cell = next(a for a in anchors[0].iterancestors() if a.tag == f"{W}tc")
    assert "".join(t.text for t in cell.iter(f"{W}t")) == "三信国际检测认证有限公司"


def test_the_word_file_keeps_cfpreports_header_when_the_reference_has_none(reports):
    header = docx_part(reports["house"]["docx"], "word/header1.xml").decode()
    assert "报告编号：T4100013" in header


def test_a_reference_documents_own_header_replaces_cfpreports(tmp_path, yuanyu):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "三信 house header"
    stream = io.BytesIO()
    document.save(stream)
    model = build_report_model(yuanyu.study, yuanyu.results)
    headers = [docx_part(docx_bytes(model, stream.getvalue()), name).decode()
               for name in ("word/header1.xml",)]
    assert "三信 house header" in headers[0] and "报告编号" not in headers[0]


# --- the seal only on final reports -------------------------------------------------------

def test_a_final_report_carries_the_seal_and_a_draft_never(house, yuanyu):
    final = model_in(house, yuanyu)
    assert final.branding.logo is not None and final.branding.seal is not None
    draft = load_and_calculate(RING_MAIN_UNIT)
    assert draft.study.report.status == "draft"
    model = model_in(house, draft)
    assert model.branding.logo is not None and model.branding.seal is None
    assert 'class="sealed"' not in render_html(model)
    word = docx_bytes(model, load_style(house).reference_document())
    assert b"<wp:anchor" not in docx_part(word, "word/document.xml")
    assert LOGO_PIXELS in docx_pictures(word) and SEAL_PIXELS not in docx_pictures(word)


# --- text snippets -------------------------------------------------------------------------

def test_a_styles_snippet_replaces_the_built_in_one_and_the_others_stay(tmp_path, yuanyu):
    style = new_style(tmp_path, {"text/zh.yaml": "cfp_introduction: 三信的产品碳足迹介绍。\n"})
    styled, builtin = model_in(style, yuanyu), build_report_model(yuanyu.study, yuanyu.results)
    def content(blocks):  # anchors count blocks, so they move when the count changes
        return [re.sub(r"anchor='[^']*'", "", repr(block)) for block in blocks]

    before, after = content(builtin.blocks), content(styled.blocks)
    changes = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False)
               .get_opcodes() if op[0] != "equal"]
    assert len(changes) == 1  # the snippet's paragraphs, in chapter 1; nothing else
    _, start, end, new_start, new_end = changes[0]
    assert styled.blocks[new_start:new_end] == [Paragraph("三信的产品碳足迹介绍。")]
    assert all(isinstance(block, Paragraph) for block in builtin.blocks[start:end])


def test_a_style_may_give_only_known_snippets(tmp_path, yuanyu):
    style = new_style(tmp_path, {"text/zh.yaml": "conformity: x\nconformaty: y\n"})
    with pytest.raises(StyleError, match=r"style/text/zh.yaml:2: snippet 'conformaty': no "
                                         r"such snippet"):
        model_in(style, yuanyu)


@pytest.mark.parametrize(("snippet", "problem"), [
    ('"{{ nope }}"', "unknown field: 'nope' is undefined"),
    ('"{% if %}"', "template syntax error: Expected an expression"),
    ("[a, b]", "must be a text, as the built-in snippet is"),
])
def test_a_styles_snippet_mistake_names_its_file_and_line(tmp_path, yuanyu, snippet, problem):
    style = new_style(tmp_path, {"text/zh.yaml": f"# house words\nconformity: {snippet}\n"})
    with pytest.raises(StyleError) as error:
        model_in(style, yuanyu)
    assert re.search(r"style/text/zh.yaml:2: snippet 'conformity': " + re.escape(problem),
                     str(error.value))


# --- mistakes in a style -------------------------------------------------------------------

INTRODUCTION = "chapters/01_introduction.zh.j2"


@pytest.mark.parametrize(("template", "message"), [
    ("<h1>x</h1>\n{% if %}\n",
     ":2: template syntax error: Expected an expression, got 'end of statement block'"),
    ("<h1>x</h1>\n\n<p>{{ facts.titel }}</p>\n", ":3: unknown field: facts has no field 'titel'"),
    ("<h1>x</h1>\n<p>{{ study.company.nam }}</p>\n",
     ":2: unknown field: study.company has no field 'nam'"),
    ("<h1>x</h1>\n{% for product in facts.products %}\n<p>{{ product.nme }}</p>\n{% endfor %}\n",
     ":3: unknown field: product has no field 'nme'"),
    ("<h1>x</h1>\n{% for p in facts.products %}\n<p>{{ p.display_name }}\n{% endfor %}\n<p>x</p>\n",
     ":3: the markup is not well-formed: <p> is not closed before the end of the chapter"),
    ("<h1>x</h1>\n<p>a</p>\n<p>{{ facts.unit }} & more</p>\n",
     ":3: the markup is not well-formed: a literal & must be written &amp;"),
    ("<h1>x</h1>\n<p>a</p>\n\n<list><item>a</h1></list>\n",
     ":4: the markup is not well-formed: <item> is not closed before </h1>"),
    ("<h1>x</h1>\n{% include '../../secret.j2' %}\n",
     ":2: no template '../../secret.j2' to include or import in the style's folder"),
    ("<h1>x</h1>\n{% import '../secret.j2' as secret %}\n",
     ":2: no template '../secret.j2' to include or import in the style's folder"),
])
def test_a_template_mistake_is_one_line_with_file_and_line(tmp_path, yuanyu, monkeypatch,
                                                            template, message):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder
    (tmp_path / "secret.j2").write_text("<p>secret</p>")
    new_style(tmp_path, {INTRODUCTION: template})
    with pytest.raises(StyleError) as error:
        model_in(Path("style"), yuanyu)
    assert str(error.value).startswith(f"style/{INTRODUCTION}{message}")
    assert "\n" not in str(error.value)


def test_a_mistake_in_an_included_template_names_that_template(tmp_path, yuanyu, monkeypatch):
    monkeypatch.chdir(tmp_path)
    new_style(tmp_path, {INTRODUCTION: '<h1>x</h1>\n{% include "chapters/part.j2" %}\n<p>a</p>\n',
                         "chapters/part.j2": "<p>a</p>\n<p>unclosed\n"})
    with pytest.raises(StyleError, match=r"^style/chapters/part.j2:2: the markup is not "
                                         r"well-formed: <p> is not closed"):
        model_in(Path("style"), yuanyu)


def test_a_commented_out_element_in_a_folder_named_with_dashes(tmp_path, yuanyu, monkeypatch):
    """Each element's mark holds its file's path; "--" may not stand in an XML comment."""
    monkeypatch.chdir(tmp_path)
    new_style(tmp_path / "house--2025", {
        INTRODUCTION: "<h1>x</h1>\n<!-- <p>old</p> -->\n<p>a</p>\n<bold>b</bold>\n"})
    with pytest.raises(StyleError, match=r"^house--2025/style/chapters/01_introduction.zh.j2:4: "
                                         r"unknown element <bold>"):
        model_in(Path("house--2025/style"), yuanyu)


def test_a_built_in_template_is_named_by_its_place_in_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shown_path(templates_dir() / INTRODUCTION) == f"templates/{INTRODUCTION}"
    assert shown_path(tmp_path / "styles" / "x") == "styles/x"


def test_a_missing_style_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(YUANYU), "-o", "out", "-f", "docx",
                                       "--style", "styles/none"])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["error: styles/none: no such style folder"]
    assert not (tmp_path / "out").exists()


def test_the_command_lines_style_wins_over_the_studys(tmp_path, house):
    study = tmp_path / "study"
    shutil.copytree(YUANYU.parent, study)
    replace_in(study / "study.yaml", "  status: final\n", "  status: final\n  style: ./styles/x\n")
    result = CliRunner().invoke(main, ["build", str(study / "study.yaml"), "-o",
                                       str(tmp_path / "out"), "-f", "docx"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].endswith("styles/x: no such style folder")
    shutil.copytree(house, study / "styles" / "x")
    record = build_report(study / "study.yaml", tmp_path / "out", ("docx",))
    assert f"1  {HOUSE_HEADING}" in docx_paragraphs(record.outputs["docx"])
    (study / "styles" / "x" / INTRODUCTION).unlink()  # the other style: built-in chapter 1
    record = build_report(study / "study.yaml", tmp_path / "out2", ("docx",), style=house)
    assert f"1  {HOUSE_HEADING}" in docx_paragraphs(record.outputs["docx"])


@pytest.mark.parametrize(("name", "content", "message"), [
    ("reference.docx", b"not a zip", "reference.docx: is not a Word document (.docx)"),
    ("reference.docx", b"PK\x05\x06" + bytes(18), "reference.docx: is not a Word document"),
    ("logo.png", b"GIF89a" + bytes(40), "logo.png: is not a PNG or JPEG picture"),
    ("logo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.jpg: is not a PNG or JPEG"),
    ("seal.png", b"\xff\xd8\xff\xe0" + bytes(40), "seal.png: is not a PNG picture"),
])
def test_a_file_the_style_cannot_use_is_one_line(tmp_path, name, content, message):
    folder = tmp_path / "style"
    folder.mkdir()
    (folder / name).write_bytes(content)
    with pytest.raises(StyleError) as error:
        load_style(folder)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_cut_short_logo_is_refused(tmp_path):
    folder = tmp_path / "style"
    folder.mkdir()
    write_logo(folder / "logo.png")
    (folder / "logo.png").write_bytes((folder / "logo.png").read_bytes()[:300])
    with pytest.raises(StyleError, match=r"logo.png: .*damaged or cut short"):
        load_style(folder)


def test_a_style_error_leaves_the_cli_with_one_line_and_status_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    new_style(tmp_path, {INTRODUCTION: "<h1>x</h1>\n<p>{{ facts.titel }}</p>\n"})
    result = CliRunner().invoke(main, ["build", str(YUANYU), "-o", "out", "-f", "docx",
                                       "--style", "style"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"{YUANYU}: not built: style/{INTRODUCTION}:2: unknown field: facts has no field "
        "'titel'")
    assert "Traceback" not in result.output



def test_validate_finds_a_style_mistake_without_building(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    new_style(tmp_path, {INTRODUCTION: "<h1>x</h1>\n<p>{{ facts.titel }}</p>\n"})
    result = CliRunner().invoke(main, ["validate", str(YUANYU), "--style", "style"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"style/{INTRODUCTION}:2: unknown field: facts has no field 'titel'")
    result = CliRunner().invoke(main, ["validate", str(YUANYU)])  # the built-in style
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"{YUANYU}: ok (2 products")


@pytest.mark.parametrize("where", ["text/zh.yaml", INTRODUCTION])
def test_a_style_cannot_reach_python_from_a_snippet_or_a_template(tmp_path, yuanyu, where):
    reach = "{{ ''.__class__.__mro__[1].__subclasses__() | length }}"
    files = ({"text/zh.yaml": f'conformity: "{reach}"\n'} if where.startswith("text")
             else {INTRODUCTION: f"<h1>x</h1>\n<p>{reach}</p>\n"})
    folder = new_style(tmp_path, files)
    with pytest.raises(StyleError, match=r"access to attribute '__class__' of 'str' "
                                         r"object is unsafe"):
        model_in(folder, yuanyu)

# --- confinement ----------------------------------------------------------------------------

def test_a_link_in_a_style_folder_is_refused(tmp_path):
    (tmp_path / "secret.yaml").write_text("conformity: secret\n")
    folder = new_style(tmp_path, {"report.css": ""})
    (folder / "text").mkdir()
    (folder / "text" / "zh.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(StyleError, match=r"text/zh.yaml: is a link; a style folder holds only"):
        load_style(folder)


def test_a_linked_template_is_refused_when_it_is_read(tmp_path, yuanyu):
    (tmp_path / "outside.j2").write_text("<h1>secret</h1>\n")
    folder = new_style(tmp_path, {"report.css": ""})
    (folder / "chapters").mkdir()
    (folder / INTRODUCTION).symlink_to(tmp_path / "outside.j2")
    with pytest.raises(StyleError, match=r"01_introduction.zh.j2: is a link"):
        build_report_model(yuanyu.study, yuanyu.results, Style(folder.resolve()))


def test_a_path_leading_out_of_the_style_is_refused(tmp_path):
    with pytest.raises(StyleError, match="leads out of the style folder"):
        confined_file(tmp_path, "../study.yaml")
    assert confined_file(tmp_path, "report.css") is None


MINIMAL_HTML = "<html><body><h1>标题</h1></body></html>"


@pytest.mark.parametrize("css", [
    "@import url(../outside.css);",
    "h1 { background: url(../outside.png); }",
    "@font-face { font-family: x; src: url(../outside.ttf); } h1 { font-family: x; }",
    "h1 { background: url(https://example.com/logo.png); }",
])
def test_the_css_reads_nothing_outside_the_style_folder(tmp_path, css):
    for name in ("outside.css", "outside.png", "outside.ttf"):
        (tmp_path / name).write_bytes(b"h1 { color: red; }")
    folder = new_style(tmp_path, {"report.css": css})
    style = load_style(folder)
    with pytest.raises(BuildError, match="may not read"):
        pdf_bytes(MINIMAL_HTML, [style.folder], style.stylesheets())


def test_the_built_in_style_is_the_default():
    assert BUILTIN.stylesheets() == (templates_dir() / "report.css",)
    assert BUILTIN.stylesheets("en") == (templates_dir() / "report.css",
                                         templates_dir() / "report.en.css")
    assert BUILTIN.reference_document() is None
    assert BUILTIN.branding(final=True).logo is None
