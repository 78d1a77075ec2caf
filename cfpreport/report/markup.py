"""The block markup a chapter template writes, parsed into the report model.

A chapter template renders to a fragment of XML-like elements (documented in
``docs/templates.md``): headings, paragraphs, lists, and tables, figures, signatures or a
cover *placed by reference* to an object Python prepared from the facts (templates
place, they never format numbers). :func:`parse_chapter` reads the fragment with a real
XML parser and writes each element through the :class:`ModelWriter`, so headings, tables
and figures are numbered and anchored exactly as when Python wrote them directly.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from cfpreport.errors import StyleError
from cfpreport.report.blocks import Block, BulletList, Figure, Graphic, PageBreak, Table
from cfpreport.report.model import ModelWriter, figure_number, table_number

YES_NO = ("yes", "no")
PARAGRAPH_STYLES = ("body", "note", "center", "formula")

# Each element and the attributes it takes (None: any value; a tuple: one of those).
ELEMENTS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "h1": {"numbered": YES_NO},
    "h2": {"numbered": YES_NO},
    "h3": {"numbered": YES_NO},
    "p": {"style": PARAGRAPH_STYLES},
    "list": {"ordered": YES_NO},
    "item": {},
    "table": {"ref": None},
    "figure": {"ref": None},
    "signatures": {"ref": None},
    "cover": {"ref": None},
    "pagebreak": {},
    "toc": {},
}
PLACED = ("table", "figure", "signatures", "cover")  # elements that place a prepared object
#: The attribute each start tag gets from the template it is written in ("path:line",
#: see cfpreport.report.chapter_templates.LineMarks): where to report its mistakes.
MARK = "_at"
_MARKED = re.compile(rf'<(\w[\w.-]*) {MARK}="([^"]*):(\d+)"')

# No entities, no network, no DTD: the markup is a fragment of plain elements, and a
# study's text reaches it only escaped (autoescape), as character data.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          remove_comments=True, remove_pis=True, huge_tree=False)


@dataclass(frozen=True)
class Ref:
    """A prepared object as a template sees it: the ``ref`` to place it by, and the
    number it will carry ("表 3-1"), to cite in the text before it is placed."""

    ref: str
    number: str = ""

    def __str__(self) -> str:
        return self.ref


@dataclass
class Prepared:
    """The tables, figures and other objects Python prepared for one chapter, by ref.

    Numbers are reserved in the order objects are prepared, within ``chapter`` (the number
    the chapter's ``<h1>`` will get), so that the text can cite "表 3-2" while the template
    renders; the chapter must then place them in that order."""

    chapter: int
    language: str = "zh"  # the words of the numbers: 表 3-1, Table 3-1
    objects: dict[str, Block] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)
    tables: int = 0
    figures: int = 0

    def add(self, block: Block) -> Ref:
        """Keep an unnumbered block (a form table, signatures, a cover) to place by ref."""
        ref = f"o{len(self.objects) + 1}"
        self.objects[ref] = block
        return Ref(ref)

    def table(self, caption: str, header: list, rows: list, widths: list[float],
              notes: list[str] | None = None) -> Ref:
        """Prepare a numbered grid table; its anchor is given where it is placed."""
        self.tables += 1
        number = table_number(self.chapter, self.tables, self.language)
        ref = self.add(Table("", number, caption, header, rows, widths, notes or []))
        return Ref(ref.ref, number)

    def figure(self, caption: str, picture: bytes | Graphic, width_mm: float, alt: str,
               legend: list | None = None) -> Ref:
        """Prepare a numbered figure: PNG bytes, or a Graphic (SVG with a PNG twin)."""
        self.figures += 1
        number = figure_number(self.chapter, self.figures, self.language)
        ref = self.add(Figure("", number, caption, picture, width_mm, alt, legend or []))
        return Ref(ref.ref, number)


@dataclass(frozen=True)
class Source:
    """A template's file, read only when a problem must be located at its line."""

    path: str

    @property
    def file(self) -> str:
        """The path as the user knows it (relative to the working folder if inside)."""
        from cfpreport.report.style import shown_path

        return shown_path(self.path)

    @property
    def text(self) -> str:
        return Path(self.path).read_text(encoding="utf-8")

    def error(self, message: str, needle: str | None = None,
              at: etree._Element | None = None) -> StyleError:
        """A StyleError at the template line element ``at`` was written at, if known;
        else at the first line of the template holding ``needle``, if any."""
        from cfpreport.report.style import shown_path

        mark = at.get(MARK) if at is not None else None
        if mark:
            file, _, line = mark.rpartition(":")
            return StyleError(shown_path(file), int(line), message)
        line = None
        if needle:
            text = self.text
            found = text.find(needle)
            line = text.count("\n", 0, found) + 1 if found >= 0 else None
        return StyleError(self.file, line, message)

    def syntax_error(self, markup: str, error: etree.XMLSyntaxError) -> StyleError:
        """Markup that is not well-formed, located at the template line of the element
        the parser complains about (rendered lines are not the template's)."""
        from cfpreport.report.style import shown_path

        message, tag, rendered_line = not_well_formed(error)
        lines = markup.splitlines()
        marks = []
        if tag and rendered_line and rendered_line <= len(lines):  # the element left open
            marks = [m for m in _MARKED.finditer(lines[rendered_line - 1]) if m[1] == tag]
        if not marks:  # the last element started before the place of the complaint
            line, column = error.position
            offset = sum(len(text) + 1 for text in lines[:line - 1]) + column - 1 \
                - (len(WRAPPER) if line == 1 else 0)
            marks = list(_MARKED.finditer(markup, 0, max(0, offset)))[-1:]
        if not marks:
            return StyleError(self.file, None, message)
        return StyleError(shown_path(html.unescape(marks[0][2])), int(marks[0][3]), message)


WRAPPER = "<chapter>"


def not_well_formed(error: etree.XMLSyntaxError) -> tuple[str, str | None, int | None]:
    """Say what the XML parser found, in the markup's words: the message, and the tag and
    rendered line of an element left open (or closed by the wrong tag), if that is it."""
    text = re.sub(r", line \d+, column \d+$", "", error.msg)
    mismatch = re.match(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)", text)
    unfinished = re.match(r"Premature end of data in tag (\S+) line (\d+)", text)
    if mismatch and mismatch[1] == "chapter":
        problem, tag, line = f"</{mismatch[3]}> closes no open element", None, None
    elif mismatch:
        closed_by = "the end of the chapter" if mismatch[3] == "chapter" else f"</{mismatch[3]}>"
        problem, tag, line = (f"<{mismatch[1]}> is not closed before {closed_by}",
                              mismatch[1], int(mismatch[2]))
    elif unfinished:
        problem, tag, line = f"<{unfinished[1]}> is never closed", unfinished[1], \
            int(unfinished[2])
    elif text.startswith("xmlParseEntityRef"):
        problem, tag, line = "a literal & must be written &amp;", None, None
    elif text.startswith("StartTag: invalid element name"):
        problem, tag, line = "a literal < must be written &lt;", None, None
    else:
        problem, tag, line = text, None, None
    return f"the markup is not well-formed: {problem}", tag, line


def parse_chapter(markup: str, writer: ModelWriter, prepared: Prepared,
                  source: Source) -> None:
    """Write a chapter's rendered markup into the model, element by element."""
    try:
        root = etree.fromstring(f"{WRAPPER}{markup}</chapter>", _PARSER)
    except etree.XMLSyntaxError as error:
        raise source.syntax_error(markup, error) from None
    _check_text(root.text, source, None)
    for element in root:
        _check_element(element, source)
        _write(element, writer, prepared, source)
        _check_text(element.tail, source, element)
    unplaced = [ref for ref in prepared.objects if ref not in prepared.placed]
    if unplaced:
        block = prepared.objects[unplaced[0]]
        what = getattr(block, "number", "") or unplaced[0]
        raise source.error(f"{what} is prepared but never placed")


def _write(element: etree._Element, writer: ModelWriter, prepared: Prepared,
           source: Source) -> None:
    tag = element.tag
    if tag in ("h1", "h2", "h3"):
        writer.heading(int(tag[1]), _text(element, source),
                       numbered=element.get("numbered", "yes") == "yes")
    elif tag == "p":
        writer.paragraph(_text(element, source), element.get("style", "body"))
    elif tag == "list":
        items = []
        for item in element:
            if item.tag != "item":
                raise source.error(f"<list> holds <item> elements only, not <{item.tag}>",
                                   at=item)
            _check_element(item, source)
            items.append(_text(item, source))
            _check_text(item.tail, source, item)
        _check_text(element.text, source, element)
        writer.add(BulletList(items, ordered=element.get("ordered", "no") == "yes"))
    elif tag == "pagebreak":
        writer.add(PageBreak())
    elif tag == "toc":
        writer.mark_toc()
    elif tag in PLACED:
        _place(element, writer, prepared, source)
    else:  # <item> outside a <list>
        raise source.error(f"<{tag}> belongs inside a <list>", at=element)


def _place(element: etree._Element, writer: ModelWriter, prepared: Prepared,
           source: Source) -> None:
    tag, ref = element.tag, element.get("ref")
    block = prepared.objects.get(ref or "")
    kinds = {"table": "table", "figure": "figure", "signatures": "signature_block",
             "cover": "cover"}
    if block is None or block.kind != kinds[tag]:
        raise source.error(f"<{tag} ref=\"{ref}\"> names no {tag} prepared for this chapter",
                           at=element)
    if ref in prepared.placed:
        raise source.error(f"<{tag} ref=\"{ref}\"> is placed twice", at=element)
    prepared.placed.add(ref)
    if isinstance(block, Table | Figure) and block.number:
        expected = (writer.next_table_number() if isinstance(block, Table)
                    else writer.next_figure_number())
        if block.number != expected:
            raise source.error(f"{block.number} is placed where {expected} comes: place "
                               "tables and figures in the order they are prepared, in a "
                               "numbered chapter", at=element)
        block = dataclasses.replace(block, anchor=f"{tag[0]}-{len(writer.blocks)}")
    writer.add(block)


def _text(element: etree._Element, source: Source) -> str:
    """An element's text, without the whitespace at its two ends; no child elements."""
    if len(element):
        child = element[0].tag
        raise source.error(f"<{element.tag}> holds text only, not <{child}>", at=element[0])
    return (element.text or "").strip()


def _check_element(element: etree._Element, source: Source) -> None:
    tag = element.tag
    if tag not in ELEMENTS:
        known = ", ".join(f"<{name}>" for name in ELEMENTS)
        raise source.error(f"unknown element <{tag}> (the markup knows {known})",
                           at=element)
    allowed = ELEMENTS[tag]
    for name, value in element.attrib.items():
        if name == MARK:
            continue
        if name not in allowed:
            raise source.error(f"<{tag}> has no attribute {name!r}", at=element)
        choices = allowed[name]
        if choices is not None and value not in choices:
            raise source.error(f"<{tag} {name}=\"{value}\">: {name} is one of "
                               f"{', '.join(choices)}", at=element)


def _check_text(value: str | None, source: Source, after: etree._Element | None) -> None:
    """Text must sit inside an element: a stray line would be lost silently. It is
    located where the template writes it, or else at the element before it."""
    stray = (value or "").strip()
    if stray:
        first_line = stray.splitlines()[0]
        message = f"text outside any element: {first_line[:40]!r} (put it in a <p>)"
        if first_line in source.text or after is None:
            raise source.error(message, first_line)
        raise source.error(message, at=after)
