"""Build the format-neutral :class:`ReportModel` from a study and its results.

The chapters (``cfpreport.report.chapters``) append blocks through a :class:`ModelWriter`,
which numbers headings, tables and figures and collects the table of contents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cfpreport.calculation.calculate import Results
from cfpreport.input.study import Study
from cfpreport.report.blocks import (
    Block,
    Cell,
    Figure,
    Graphic,
    Heading,
    LegendEntry,
    Metadata,
    Paragraph,
    ReportModel,
    Table,
    TableOfContents,
    TocEntry,
)
from cfpreport.report.facts import LIST_SEPARATORS, gather_facts
from cfpreport.report.style import BUILTIN, Style
from cfpreport.revisions.naming import is_revised

#: The title of the table of contents, in each language a report is written in.
TOC_TITLES: dict[str, str] = {"zh": "目  录", "en": "Contents"}

#: The words table and figure numbers begin with: 表 3-1 / 图 3-1, Table 3-1 / Figure 3-1.
NUMBER_WORDS: dict[str, tuple[str, str]] = {"zh": ("表", "图"), "en": ("Table", "Figure")}


def table_number(chapter: int, count: int, language: str = "zh") -> str:
    """表 3-1, Table 3-1; a table before the first chapter is numbered on its own (表 1)."""
    word = NUMBER_WORDS[language][0]
    return f"{word} {chapter}-{count}" if chapter else f"{word} {count}"


def figure_number(chapter: int, count: int, language: str = "zh") -> str:
    """图 3-1, Figure 3-1."""
    return f"{NUMBER_WORDS[language][1]} {chapter}-{count}"


@dataclass
class ModelWriter:
    """Appends blocks, numbering headings (1, 1.1, 1.1.1), tables and figures (表 3-1)."""

    language: str = "zh"  # the words of table and figure numbers
    blocks: list[Block] = field(default_factory=list)
    counters: list[int] = field(default_factory=lambda: [0, 0, 0])
    table_count: int = 0
    figure_count: int = 0
    toc_index: int | None = None  # where the table of contents goes, once all is written

    def heading(self, level: int, text: str, numbered: bool = True) -> str:
        """Add a heading; return its number ("" when unnumbered)."""
        number = ""
        if numbered:
            self.counters[level - 1] += 1
            self.counters[level:] = [0] * (3 - level)
            number = ".".join(str(n) for n in self.counters[:level])
        if level == 1:
            self.table_count = self.figure_count = 0
        anchor = f"h-{number.replace('.', '-')}" if number else f"h-u{len(self.blocks)}"
        self.blocks.append(Heading(level, number, text, anchor))
        return number

    def paragraph(self, text: str, style: str = "body") -> None:
        if text:
            self.blocks.append(Paragraph(text, style))

    def paragraphs(self, texts: list[str], style: str = "body") -> None:
        for text in texts:
            self.paragraph(text, style)

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def mark_toc(self) -> None:
        """Put the table of contents here; it lists the headings of the whole report."""
        self.toc_index = len(self.blocks)

    def next_table_number(self) -> str:
        self.table_count += 1
        return table_number(self.counters[0], self.table_count, self.language)

    def next_figure_number(self) -> str:
        self.figure_count += 1
        return figure_number(self.counters[0], self.figure_count, self.language)

    def table(self, caption: str, header: list[list[Cell]], rows: list[list[Cell]],
              widths: list[float], notes: list[str] | None = None) -> str:
        """Add a numbered grid table; return its number for references in the text."""
        number = self.next_table_number()
        anchor = f"t-{len(self.blocks)}"
        self.blocks.append(Table(anchor, number, caption, header, rows, widths, notes or []))
        return number

    def figure(self, caption: str, picture: bytes | Graphic, width_mm: float, alt: str,
               legend: list[LegendEntry] | None = None) -> str:
        """Add a figure: PNG bytes, or a Graphic (shown as SVG, with a PNG twin for Word)."""
        number = self.next_figure_number()
        self.blocks.append(Figure(f"f-{len(self.blocks)}", number, caption, picture, width_mm,
                                  alt, legend or []))
        return number

    def reserve_figure_number(self) -> str:
        """The number the next figure will get (for text that refers to it first)."""
        return figure_number(self.counters[0], self.figure_count + 1, self.language)

    def reserve_table_number(self) -> str:
        return table_number(self.counters[0], self.table_count + 1, self.language)


def build_report_model(study: Study, results: Results, style: Style = BUILTIN
                       ) -> ReportModel:
    """Turn a study and its results into the report's blocks, in the seeds' chapters,
    written by the templates of ``style``."""
    from cfpreport.report import chapters

    facts = gather_facts(study, results, style)
    writer = ModelWriter(language=study.report.language)
    for chapter in chapters.report_chapters(facts):
        chapter(writer, facts)
    toc_index = len(writer.blocks) if writer.toc_index is None else writer.toc_index
    toc = TableOfContents(TOC_TITLES[study.report.language], [
        TocEntry(block.level, block.number, block.text, block.anchor)
        for block in writer.blocks if isinstance(block, Heading) and block.in_toc])
    blocks = [*writer.blocks[:toc_index], toc, *writer.blocks[toc_index:]]
    return ReportModel(metadata(study), blocks,
                       style.branding(final=study.report.status == "final"))


def metadata(study: Study) -> Metadata:
    """The document's properties, running header and draft flag, in the report's language."""
    report = study.report
    if report.language == "en":
        return english_metadata(study)
    products = "、".join(p.name for p in study.products)
    return Metadata(
        title=f"{report.title}：{products}",
        subject=f"{study.company.name} {products} 产品碳足迹",
        author=report.issuer.name,
        keywords=["产品碳足迹", "CFP", *(p.model for p in study.products if p.model)],
        language="zh-CN",
        created=report.issued,
        report_number=report.number,
        header_text=f"{study.company.name} {report.title}  报告编号：{report.number}"
                    + (f"（第 {report.revision} 版）" if is_revised(report.revision) else ""),
        draft=report.status == "draft",
    )


def english_metadata(study: Study) -> Metadata:
    report = study.report
    products = LIST_SEPARATORS["en"].join(p.name for p in study.products)
    return Metadata(
        title=f"{report.title}: {products}",
        subject=f"Product carbon footprint of {products}, {study.company.name}",
        author=report.issuer.name,
        keywords=["product carbon footprint", "CFP",
                  *(p.model for p in study.products if p.model)],
        language="en",
        created=report.issued,
        report_number=report.number,
        header_text=f"{study.company.name}  {report.title}  No. {report.number}"
                    + (f", revision {report.revision}" if is_revised(report.revision) else ""),
        draft=report.status == "draft",
    )
