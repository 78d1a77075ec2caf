"""The PDF worker process gives the same bytes as in-process rendering, and its errors;
it never outlives its parent or keeps the parent waiting."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cfpreport.errors import BuildError
from cfpreport.render.pdf import font_configuration, pdf_bytes
from cfpreport.render.pdf_worker import PdfWorker
from tests.conftest import ROOT

HTML = "<html lang='zh-CN'><body><h1>产品碳足迹</h1><p>0.0677 tCO<sub>2</sub>e</p></body></html>"


def test_worker_renders_the_same_bytes_as_in_process(tmp_path):
    with PdfWorker() as worker:
        assert worker.process is not None and worker.process.is_alive()
        first = worker.submit(HTML, [tmp_path])
        assert first() == pdf_bytes(HTML, [tmp_path])
        assert worker.submit(HTML, [tmp_path])() == pdf_bytes(HTML, [tmp_path])  # reused
    assert not worker.process.is_alive()


def test_a_refused_url_in_the_worker_is_a_build_error(tmp_path):
    html = "<html><body><img src='file:///etc/passwd'></body></html>"
    with PdfWorker() as worker, pytest.raises(BuildError, match="may not read"):
        worker.submit(html, [tmp_path])()


# --- faults: a cancelled job, a parent that dies ---------------------------------------

SLOW_HTML = "<html lang='zh-CN'><body>" + "<p>产品碳足迹 0.0677 tCO<sub>2</sub>e</p>" * 4000 \
    + "</body></html>"  # a few seconds of layout


def test_a_cancelled_job_ends_the_worker_and_the_next_job_gets_its_own_pdf(tmp_path):
    with PdfWorker() as worker:
        worker.submit(SLOW_HTML, [tmp_path])
        first = worker.process
        started = time.monotonic()
        worker.cancel()
        assert time.monotonic() - started < 1
        assert not first.is_alive()
        # a new worker: the cancelled job's PDF can never be taken for this one's
        assert worker.submit(HTML, [tmp_path])() == pdf_bytes(HTML, [tmp_path])
        assert worker.process is not first
    assert not worker.process.is_alive()


def test_the_worker_s_temporary_files_are_removed_however_it_ends(tmp_path):
    font_configuration.cache_clear()  # else the worker inherits this process's fonts
    with PdfWorker(warm_up=False) as worker:
        worker.submit(HTML, [tmp_path])()
        first = Path(worker.temporary)
        assert any(first.rglob("*"))  # WeasyPrint's copies of the fonts
        worker.submit(SLOW_HTML, [tmp_path])
        worker.cancel()  # killed while it lays out the PDF
        assert not first.exists()
        worker.submit(HTML, [tmp_path])()
        second = Path(worker.temporary)
    assert not second.exists()


def test_leaving_the_context_during_a_job_does_not_wait_for_it(tmp_path):
    started = time.monotonic()
    with pytest.raises(KeyError), PdfWorker() as worker:
        worker.submit(SLOW_HTML, [tmp_path])
        raise KeyError("the build failed while the PDF was being laid out")
    assert time.monotonic() - started < 3  # was 10 s: a join timeout
    assert not worker.process.is_alive()


PARENT = """
import os, signal, sys, time
from cfpreport.render import pdf_worker
from tests.test_pdf_worker import SLOW_HTML
if sys.argv[1] == "no-prctl":  # only the pipe from the parent is left
    pdf_worker.set_parent_death_signal = lambda signum: False
worker = pdf_worker.PdfWorker().__enter__()
worker.submit(SLOW_HTML, [])
print(worker.process.pid, flush=True)
time.sleep(1.0)  # the worker is warming up or laying out the PDF, not waiting on its pipe
os.kill(os.getpid(), signal.SIGKILL)
"""


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("mechanism", ["prctl", "no-prctl"])
def test_the_worker_dies_with_its_parent_even_by_sigkill(mechanism):
    # Not subprocess.run: it would wait for the pipes, which the worker holds too.
    parent = subprocess.Popen([sys.executable, "-c", PARENT, mechanism], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    with parent:
        worker = int(parent.stdout.readline())
        assert parent.wait(timeout=60) == -signal.SIGKILL
    deadline = time.monotonic() + 3  # the PDF takes ~5 s more to lay out
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(worker), f"PDF worker {worker} outlived its parent ({mechanism})"
