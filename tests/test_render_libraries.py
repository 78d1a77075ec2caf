"""WeasyPrint imported without library searches loads the very same library files as a
plain import, and starts no process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Prints the native libraries mapped into the process once WeasyPrint is imported, and
# the processes started meanwhile.
PROBE = """
import json, subprocess, sys
started = []
popen = subprocess.Popen.__init__
def counted(self, args, *rest, **options):
    started.append(str(args))
    popen(self, args, *rest, **options)
subprocess.Popen.__init__ = counted
if sys.argv[1] == "quick":
    import ctypes.util
    search = ctypes.util.find_library
    from cfpreport.render.libraries import import_weasyprint
    import_weasyprint()
    assert ctypes.util.find_library is search, "find_library was not given back"
else:
    import weasyprint
from weasyprint.text import ffi
maps = open("/proc/self/maps").read().split()
names = ("gobject", "pango", "harfbuzz", "fontconfig")
libraries = sorted({part for part in maps if "/lib" in part and ".so" in part
                    and any(name in part.rpartition("/")[2] for name in names)})
print(json.dumps({"libraries": libraries, "started": started,
                  "subset": ffi.harfbuzz_subset is not None}))
"""


def probe(way: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, way], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/maps").exists(),
                    reason="the quick import is for Linux")
def test_weasyprint_loads_the_same_libraries_by_soname_without_starting_a_process():
    quick, plain = probe("quick"), probe("plain")
    assert quick["started"] == []
    assert len(plain["started"]) > 20  # ldconfig, gcc, ld, objdump: what is avoided
    assert quick["libraries"] == plain["libraries"]
    assert any("pangoft2" in path for path in quick["libraries"])
    assert quick["subset"] == plain["subset"]


# WeasyPrint's import fails in the quick way (here: no library loads at all then).
FAILING = """
import contextlib, cffi
from cfpreport.render import libraries
dlopen = cffi.FFI.dlopen
def refuse(self, name, flags=0):
    raise OSError(f"cannot load library {name!r}")
@contextlib.contextmanager
def failing():
    cffi.FFI.dlopen = refuse
    try:
        yield
    finally:
        cffi.FFI.dlopen = dlopen
libraries.no_library_search = failing
weasyprint = libraries.import_weasyprint()
print("pango", weasyprint.text.ffi.pango.pango_version() > 0)
"""


def test_a_failed_quick_import_is_done_again_the_usual_way_and_prints_nothing_of_it():
    result = subprocess.run([sys.executable, "-c", FAILING], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    assert result.stdout == "pango True\n"  # not WeasyPrint's installation hints
