"""A house style: a folder whose files override the built-in report's.

A style folder may hold chapter templates (``chapters/``), text snippets (``text/``), a
stylesheet added after the built-in one (``report.css``, with the fonts and pictures it
names), a Word reference document (``reference.docx``) and the issuer's logo
(``logo.png`` or ``logo.jpg``) and seal (``seal.png``); whatever it does not hold comes
from the built-in style (``templates/``).

A style reads nothing outside its own folder and the package: :func:`load_style` refuses
a folder holding a link, and every file is looked up again, when it is read, by
:meth:`Style.path`, which refuses a link or a path that leads out of the folder. Its
mistakes are the user's: a :class:`~cfpreport.errors.StyleError`, one line naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cfpreport.assets import templates_dir
from cfpreport.errors import StyleError
from cfpreport.report.blocks import Branding

CSS_FILE = "report.css"
ENGLISH_CSS_FILE = "report.en.css"  # built-in only: a style's report.css covers both
REFERENCE_FILE = "reference.docx"
LOGO_FILES = ("logo.png", "logo.jpg")
SEAL_FILE = "seal.png"
#: A style is a few templates, texts, a stylesheet with its fonts, a reference document
#: and two pictures; a folder of more entries than this is not one (a home folder named
#: by mistake) and is not walked further.
MAX_ENTRIES = 1_000


@dataclass(frozen=True)
class Style:
    """Where a report's look comes from: a style's folder first, then the built-in one."""

    folder: Path | None = None  # None: the built-in style alone; else resolved

    def template_folders(self) -> tuple[Path, ...]:
        """The folders templates and text snippets are looked up in, first match wins."""
        return (*([self.folder] if self.folder else []), templates_dir())

    def path(self, name: str) -> Path | None:
        """The style's file ``name`` (a relative path), or None if it holds none.

        Checked at each use, not only when the style was loaded: a link, or a path
        that leads out of the folder, is refused."""
        if self.folder is None:
            return None
        return confined_file(self.folder, name)

    def read(self, name: str) -> bytes | None:
        """The bytes of the style's file ``name``, or None if it holds none."""
        path = self.path(name)
        return None if path is None else path.read_bytes()

    def stylesheets(self, language: str = "zh") -> tuple[Path, ...]:
        """The PDF's stylesheets in cascade order: the built-in one (with its English
        additions for a report in English), then the style's, so that a style writes
        only the rules it changes."""
        own = self.path(CSS_FILE)
        english = [templates_dir() / ENGLISH_CSS_FILE] if language == "en" else []
        return (templates_dir() / CSS_FILE, *english, *([own] if own else []))

    def reference_document(self) -> bytes | None:
        """The Word reference document's bytes, checked to be a Word document."""
        from cfpreport.report.style_files import check_reference_document

        data = self.read(REFERENCE_FILE)
        if data is not None:
            check_reference_document(data, shown_path(self.folder / REFERENCE_FILE))
        return data

    def logo_path(self) -> Path | None:
        found = [path for path in map(self.path, LOGO_FILES) if path is not None]
        if len(found) > 1:
            raise StyleError(shown_path(self.folder), None,
                             f"holds both {' and '.join(LOGO_FILES)}; keep one logo")
        return found[0] if found else None

    def branding(self, *, final: bool) -> Branding:
        """The issuer's logo, and its seal on a final report only (never on a draft)."""
        from cfpreport.report.style_files import read_logo, read_seal

        if self.folder is None:
            return Branding()
        logo, seal = self.logo_path(), self.path(SEAL_FILE) if final else None
        return Branding(logo=read_logo(logo, shown_path(logo)) if logo else None,
                        seal=read_seal(seal, shown_path(seal)) if seal else None)

    def check(self) -> None:
        """Check the files that are not read until the report is rendered (the
        reference document and the pictures), so a mistake stops the build early."""
        self.reference_document()
        self.branding(final=True)


BUILTIN = Style()


def load_style(folder: str | Path) -> Style:
    """Open a style folder, refusing one that is missing, holds links, or whose
    reference document or pictures cannot be used."""
    given = Path(folder)
    if not given.exists():
        raise StyleError(shown_path(given), None, "no such style folder")
    if not given.is_dir():
        raise StyleError(shown_path(given), None, "is not a folder; a style is a folder")
    style = Style(given.resolve())
    refuse_links(style.folder)
    style.check()
    return style


def chosen_style(command_line: str | Path | None, study_style: str | None,
                 study_folder: Path) -> Style:
    """The style a build uses: the command line's, else the study's (relative to the
    study's folder), else the built-in one."""
    if command_line is not None:
        return load_style(command_line)
    if study_style:
        return load_style(study_folder / study_style)
    return BUILTIN


def refuse_links(folder: Path) -> None:
    """Refuse a style folder with a link anywhere inside: a style holds its own files."""
    entries = 0
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            entries += 1
            path = Path(root) / name
            if path.is_symlink():
                raise StyleError(shown_path(path), None,
                                 "is a link; a style folder holds only its own files")
            if entries > MAX_ENTRIES:
                raise StyleError(shown_path(folder), None, f"holds over {MAX_ENTRIES} files "
                                 "and folders; is it really a style folder?")


def confined_file(folder: Path, name: str) -> Path | None:
    """The file ``name`` inside ``folder``, or None if there is none; refuse a link on the
    way or a path that leads out of the folder."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise StyleError(shown_path(folder / name), None, "leads out of the style folder")
    path = folder
    for part in relative.parts:
        path = path / part
        if path.is_symlink():
            raise StyleError(shown_path(path), None,
                             "is a link; a style folder holds only its own files")
        if not path.exists():
            return None
    if not path.resolve().is_relative_to(folder.resolve()):
        raise StyleError(shown_path(path), None, "leads out of the style folder")
    if not path.is_file():
        raise StyleError(shown_path(path), None, "is not a file")
    return path


def shown_path(path: str | Path) -> str:
    """A path as the user knows it: relative to the working folder when inside it; a
    built-in template as ``templates/...``; else as it is."""
    path = Path(path)
    resolved = path.resolve()
    for base, prefix in ((Path.cwd().resolve(), Path()),
                         (templates_dir().resolve(), Path("templates"))):
        if resolved.is_relative_to(base):
            return str(prefix / resolved.relative_to(base))
    return str(path)
