"""Turn the report's HTML into PDF bytes with WeasyPrint, reading only what it may.

WeasyPrint fetches every URL in the HTML and CSS through :class:`ConfinedFetcher`,
which serves ``data:`` URIs and ``file:`` URLs inside the templates and fonts folders
or the given roots (the study's folder and the house style's), and refuses everything
else, so a report can never read a file elsewhere on the machine or reach the network.
A refused URL stops the build. The stylesheets are read through it too: a house style's
``report.css`` follows the built-in one, and its ``@import`` and ``url()`` are confined
like every other URL.

The output is reproducible: the same HTML gives the same bytes (no timestamps; the
dates come from the HTML's ``dcterms`` metadata, the file identifier from a hash of
the content).
"""

from __future__ import annotations

import logging
import mimetypes
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.text import ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from cfpreport import assets
from cfpreport.errors import BuildError
from cfpreport.output import replace_file
from cfpreport.render.html import stylesheet_path

log = logging.getLogger(__name__)

# PDF file identifier: True asks pydyf for the md5 of the content, so it is stable.
PDF_OPTIONS = {"pdf_identifier": True, "uncompressed_pdf": False, "full_fonts": False}


class ForbiddenURL(ValueError):
    """A URL the report may not read: another scheme, or a file outside the allowed roots."""


def pdf_bytes(html: str, allowed_roots: Sequence[Path] = (),
              stylesheets: Sequence[Path] = ()) -> bytes:
    """Render HTML (from :func:`~cfpreport.render.html.render_html`) to PDF bytes, with
    the stylesheets in cascade order (the built-in ``report.css`` unless given); each
    must lie in the package or in one of the allowed roots."""
    check_harfbuzz_subset()
    fetcher = confined_fetcher(allowed_roots)
    # The stylesheets' @font-face and @counter-style rules live in these two objects,
    # shared by the stylesheets and the render.
    fonts, counters = FontConfiguration(), CounterStyle()
    base_url = assets.templates_dir().as_uri() + "/"
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        sheets = [weasyprint.CSS(url=Path(path).resolve().as_uri(), url_fetcher=fetcher,
                                 font_config=fonts, counter_style=counters)
                  for path in stylesheets or [stylesheet_path()]]
        return document.write_pdf(stylesheets=sheets, font_config=fonts,
                                  counter_style=counters, **PDF_OPTIONS)
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal fetch error is a BaseException; give callers an Exception.
        reason = error.__cause__ or error
        raise BuildError(f"the report refers to a resource it may not read: {reason}") \
            from reason


def write_pdf(html: str, path: Path, *, allowed_roots: Sequence[Path] = ()) -> None:
    """Render HTML to a PDF file, written whole (a temporary file renamed into place);
    a file that cannot be written is an OutputError naming it, and leaves nothing."""
    replace_file(Path(path), pdf_bytes(html, allowed_roots))


def confined_fetcher(allowed_roots: Sequence[Path] = ()) -> ConfinedFetcher:
    """Return a URL fetcher limited to data: URIs, templates, fonts and the given roots."""
    return ConfinedFetcher((assets.templates_dir(), assets.fonts_dir(), *allowed_roots))


class ConfinedFetcher(URLFetcher):
    """Serve data: URIs and files under the given roots; refuse everything else."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False,
                         fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Fetch a data: URI, or a file inside the roots (read from its resolved path)."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ForbiddenURL(f"only data: and file: URLs may be read, not {url!r}")
        path = allowed_file(url, self.roots)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": content_type})


def allowed_file(url: str, roots: Sequence[Path]) -> Path:
    """Resolve a file: URL to a path inside one of the roots, or raise ForbiddenURL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ForbiddenURL(f"not a local file URL: {url!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in roots):
        raise ForbiddenURL(f"{path} is outside the folders the report may read")
    if not path.is_file():
        raise ForbiddenURL(f"{path} is not a file")
    return path


@cache
def check_harfbuzz_subset() -> bool:
    """Warn loudly (once) when WeasyPrint would subset fonts with slow fontTools."""
    if ffi.harfbuzz_subset is not None:
        return True
    message = ("HarfBuzz subsetting (libharfbuzz-subset0) is missing: WeasyPrint falls back "
               "to fontTools and each PDF takes ~10 s longer. Install libharfbuzz-subset0 "
               "(Debian/Ubuntu) - `cfpreport doctor` checks the machine.")
    log.warning(message)
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    return False
