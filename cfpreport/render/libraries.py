"""Import WeasyPrint without its library searches, which start ~86 processes.

WeasyPrint (``weasyprint/text/ffi.py``) asks cffi for each native library under several
names, in an order that suits every platform: ``libgobject-2.0-0``, ``gobject-2.0-0``,
``gobject-2.0``, ``libgobject-2.0.so.0``, ... cffi loads a name that the dynamic linker
does not know through ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``,
then ``gcc`` and ``ld``: 22 searches, 86 processes and ~0.2 s of every cold build, most of
them for names that no Linux system has. All that ``find_library`` ever answers here is
a soname (``libgobject-2.0.so.0``), which is then handed to the dynamic linker; and every
list also holds that soname itself. So on Linux, during WeasyPrint's import only,
``find_library`` answers "not found" at once and each library is loaded by its soname,
through the same ld.so cache and ``LD_LIBRARY_PATH``: the same files
(tests/test_render_pdf.py compares them with a plain import's). Should the import fail
that way (a WeasyPrint that lists no soname), it is done again as WeasyPrint does it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import logging
import sys
from collections.abc import Iterator
from types import ModuleType

log = logging.getLogger(__name__)


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint (once per process), loading its libraries by soname on Linux."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    try:
        # WeasyPrint prints its installation hints to stdout before it gives up.
        with no_library_search(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError as error:
        log.debug("WeasyPrint's libraries are not found by soname (%s); searching", error)
        for name in [name for name in sys.modules if name.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]  # the modules of the failed import: start afresh
        import weasyprint
    return weasyprint


@contextlib.contextmanager
def no_library_search() -> Iterator[None]:
    """Let ``ctypes.util.find_library`` answer None, without searching, for a while."""
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
