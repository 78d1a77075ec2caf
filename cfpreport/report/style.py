"""A house style: a folder whose files override the built-in report's.

A style folder may hold chapter templates (``chapters/``), text snippets (``text/``), the
PDF's stylesheet, a Word reference document and the issuer's logo and seal; whatever it
does not hold comes from the built-in style (``templates/``). A style reads nothing outside
its own folder and the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cfpreport.assets import templates_dir


@dataclass(frozen=True)
class Style:
    """Where a report's templates come from: a style's folder first, then the built-in one."""

    folder: Path | None = None  # None: the built-in style alone

    def template_folders(self) -> tuple[Path, ...]:
        """The folders templates are looked up in, first match wins."""
        return (*([self.folder] if self.folder else []), templates_dir())


BUILTIN = Style()
