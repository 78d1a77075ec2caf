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

Two things keep a process's PDFs after the first fast. The fonts that the stylesheets'
``@font-face`` rules name are loaded once per list of stylesheets
(:func:`font_configuration`): with a new configuration for every PDF, WeasyPrint copied
each font (8-12 MB) into a temporary folder and Pango opened them all afresh, ~0.1 s a
PDF. And the garbage collector rests while a PDF is made (:func:`collector_paused`):
layout builds hundreds of thousands of objects that live until the PDF is written, and
the collections on the way walked them over and over, and every object of the imported
modules with them: a fifth of a report's CPU time.
"""

from __future__ import annotations

import atexit
import gc
import io
import logging
import mimetypes
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from cfpreport import assets
from cfpreport.errors import BuildError
from cfpreport.final.attachments import FinalPdf
from cfpreport.output import replace_file
from cfpreport.render.html import stylesheet_path
from cfpreport.render.libraries import import_weasyprint

weasyprint = import_weasyprint()  # with weasyprint.css, .text and .urls
log = logging.getLogger(__name__)

# PDF file identifier: True asks pydyf for the md5 of the content, so it is stable.
PDF_OPTIONS = {"pdf_identifier": True, "uncompressed_pdf": False, "full_fonts": False}


class ForbiddenURL(ValueError):
    """A URL the report may not read: another scheme, or a file outside the allowed roots."""


def pdf_bytes(html: str, allowed_roots: Sequence[Path] = (),
              stylesheets: Sequence[Path] = (), final: FinalPdf | None = None) -> bytes:
    """Render HTML (from :func:`~cfpreport.render.html.render_html`) to PDF bytes, with
    the stylesheets in cascade order (the built-in ``report.css`` unless given); each
    must lie in the package or in one of the allowed roots. A ``final`` report is
    PDF/A-3b (output intent, XMP metadata, fonts embedded) with its files attached."""
    check_harfbuzz_subset()
    fetcher = confined_fetcher(allowed_roots)
    paths = [Path(path).resolve() for path in stylesheets or [stylesheet_path()]]
    # The stylesheets' @font-face rules load their fonts into the configuration of this
    # list of stylesheets (once: a font already there is not read again), and their
    # @counter-style rules go into this document's own counter styles.
    fonts = font_configuration(tuple(map(file_state, paths)))
    counters = weasyprint.css.counters.CounterStyle()
    base_url = assets.templates_dir().as_uri() + "/"
    try:
        with collector_paused():
            document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            sheets = [weasyprint.CSS(url=path.as_uri(), url_fetcher=fetcher,
                                     font_config=fonts, counter_style=counters)
                      for path in paths]
            return document.write_pdf(stylesheets=sheets, font_config=fonts,
                                      counter_style=counters, **PDF_OPTIONS,
                                      **final_options(final))
    except weasyprint.urls.FatalURLFetchingError as error:
        # WeasyPrint's fatal fetch error is a BaseException; give callers an Exception.
        reason = error.__cause__ or error
        raise BuildError(f"the report refers to a resource it may not read: {reason}") \
            from reason


def final_options(final: FinalPdf | None) -> dict:
    """WeasyPrint's options for a final report: PDF/A-3b and its associated files,
    dated by the report (WeasyPrint would stamp them with the time of the build)."""
    if final is None:
        return {}
    attachments = [weasyprint.Attachment(file_obj=io.BytesIO(file.data), name=file.name,
                                         description=file.description,
                                         created=final.stamped, modified=final.stamped,
                                         relationship=file.relationship)
                   for file in final.files]
    return {"pdf_variant": "pdf/a-3b", "attachments": attachments}


def file_state(path: Path) -> tuple[Path, int, int]:
    """A file's path, modification time and size (-1, -1 if it cannot be read)."""
    try:
        stat = os.stat(path)
    except OSError:  # the fetcher refuses it, as it refuses any file it cannot read
        return path, -1, -1
    return path, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def font_configuration(stylesheets: tuple[tuple[Path, int, int], ...]
                       ) -> weasyprint.text.fonts.FontConfiguration:
    """The font configuration of a list of stylesheets, as they are on disk (a style's
    edited CSS gets a new one), shared by this process's PDFs: the fonts the
    stylesheets' ``@font-face`` rules name are loaded by the first PDF, then kept.

    A list of its own for each look: two house styles may give one family name to
    different files. A few are kept (a batch may mix house styles and languages); each
    holds a temporary copy of its fonts, removed when it is dropped, at the latest at
    the end of the process.
    """
    return weasyprint.text.fonts.FontConfiguration()


# Drop the configurations while WeasyPrint can still remove its copies of the fonts:
# later in the interpreter's teardown its modules are being emptied.
atexit.register(font_configuration.cache_clear)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector, then collect the youngest objects, which are all
    the objects made meanwhile: the document's cycles are freed at once, and the
    older objects (imported modules, a batch's other studies) are not walked."""
    if not gc.isenabled():  # paused by the caller, who collects
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def write_pdf(html: str, path: Path, *, allowed_roots: Sequence[Path] = ()) -> None:
    """Render HTML to a PDF file, written whole (a temporary file renamed into place);
    a file that cannot be written is an OutputError naming it, and leaves nothing."""
    replace_file(Path(path), pdf_bytes(html, allowed_roots))


def confined_fetcher(allowed_roots: Sequence[Path] = ()) -> ConfinedFetcher:
    """Return a URL fetcher limited to data: URIs, templates, fonts and the given roots."""
    return ConfinedFetcher((assets.templates_dir(), assets.fonts_dir(), *allowed_roots))


class ConfinedFetcher(weasyprint.urls.URLFetcher):
    """Serve data: URIs and files under the given roots; refuse everything else."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False,
                         fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None
              ) -> weasyprint.urls.URLFetcherResponse:
        """Fetch a data: URI, or a file inside the roots (read from its resolved path)."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ForbiddenURL(f"only data: and file: URLs may be read, not {url!r}")
        path = allowed_file(url, self.roots)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
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
    if weasyprint.text.ffi.harfbuzz_subset is not None:
        return True
    message = ("HarfBuzz subsetting (libharfbuzz-subset0) is missing: WeasyPrint falls back "
               "to fontTools and each PDF takes ~10 s longer. Install libharfbuzz-subset0 "
               "(Debian/Ubuntu) - `cfpreport doctor` checks the machine.")
    log.warning(message)
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    return False
