"""Render PDFs in a forked worker process, beside the rest of the build.

WeasyPrint is most of a report's time (import ~0.5 s, layout ~1.5 s) and it is
single-threaded Python. A worker forked at the start of a build imports it and loads
the fonts while the main process loads the study, calculates and draws the charts;
then it lays out the PDF while the main process writes the Word file. On two cores
this takes about a second off a cold `cfpreport build` and a third off a warm one.
In a batch the same worker renders every study's PDF in turn.

The worker's temporary files (WeasyPrint's copies of the fonts, ~30 MB) go into a
folder that the parent makes and removes when the worker has ended, however it ended.

Where ``fork`` is not available the work runs in-process, with the same results.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

from cfpreport.errors import BuildError, CfpError
from cfpreport.final.attachments import FinalPdf

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def warm_up_html() -> str:
    """A page in the report's styles with every character of its boilerplate: rendering
    it once loads the fonts and fills Pango's caches with the glyphs most reports use.
    Each character once, not the whole text: the caches hold glyphs, and laying out all
    the snippets (25 000 characters and growing) cost the start of every build."""
    from markupsafe import escape

    from cfpreport.assets import templates_dir

    snippets = (templates_dir() / "text" / "zh.yaml").read_text(encoding="utf-8")
    text = escape("".join(sorted(set(snippets) - set(" \n"))))
    cells = "".join(f"<td>{escape(x)}</td>" for x in ("原辅料获取阶段", "0.0677", "33.53%"))
    heads = "".join(f"<th>{escape(x)}</th>" for x in ("阶段", "排放量", "占比"))
    return (f"<html lang='zh-CN'><body><h1>1 产品碳足迹</h1><h2>2.1 企业</h2><p>{text}</p>"
            f"<table class='table'><thead><tr>{heads}</tr></thead><tbody>"
            f"<tr>{cells}</tr></tbody></table></body></html>")


@cache
def warm_up_here() -> None:
    """Load WeasyPrint and the fonts in this process, and lay out a page, so that its
    PDFs, and those of every worker forked from it, start warm (for library use: many
    build_report calls in one process; a batch's workers)."""
    from cfpreport.render.pdf import pdf_bytes

    pdf_bytes(warm_up_html())


def freeze_heap() -> None:
    """Leave every object alive now out of the garbage collector's later rounds.

    For a process of its own that makes reports (the PDF worker, a batch's worker),
    once it has imported its libraries (and warmed up): their objects live as long as
    the process, and every full collection walked them all (7 % of the CPU time of a
    30-product report). Not in a process that does other things too: an object frozen
    there that later becomes garbage in a cycle is never freed. No collection first:
    in a forked process it would touch, and so copy, every page of the parent's heap.
    """
    gc.freeze()


def _serve(connection: Connection, parent_end: Connection, lifeline: tuple[int, int],
           parent_pid: int, warm_up: bool, temporary: str) -> None:
    """The worker's loop: receive (html, roots, stylesheets), send back ("ok", bytes) or
    an error.

    It ends when the parent ends it or closes its end of the connection, and at once
    when the parent dies (see :func:`die_with_parent`). Its temporary files go into the
    folder ``temporary``, which the parent removes.
    """
    parent_end.close()  # else the worker holds the parent's ends and never sees EOF
    os.close(lifeline[1])
    die_with_parent(parent_pid, lifeline[0])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tempfile.tempdir = temporary  # this process's own: nothing else runs in it
    from cfpreport.render.pdf import pdf_bytes

    if warm_up and not warm_up_here.cache_info().currsize:  # not inherited: warm up now,
        warm_up_here()  # while the main process is still calculating
    freeze_heap()
    while True:
        try:
            html, roots, stylesheets, final = connection.recv()
        except EOFError:  # the parent closed its end
            return
        try:
            reply = ("ok", pdf_bytes(html, allowed_roots=roots, stylesheets=stylesheets,
                                     final=final))
        except CfpError as error:
            reply = ("user-error", str(error))
        except Exception:  # a bug: carry its traceback to the main process
            reply = ("bug", traceback.format_exc())
        try:
            connection.send(reply)
        except OSError:  # the parent is gone
            return


def die_with_parent(parent_pid: int, lifeline: int) -> None:
    """End this worker when its parent process dies, even by SIGKILL.

    On Linux the kernel sends SIGKILL at the parent's death (PR_SET_PDEATHSIG; checked
    against a parent that died before it was set). Everywhere, a thread waits on a pipe
    whose only writer is the parent: end of file means the parent is gone.
    """
    if sys.platform.startswith("linux"):
        set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(lifeline, 1):
                pass
        os._exit(1)

    threading.Thread(target=watch, name="cfpreport-pdf-lifeline", daemon=True).start()


def set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class PdfWorker:
    """A context manager owning one PDF worker process; ``submit`` returns a waiter.

    One job at a time: a job whose result is not awaited (the build failed meanwhile)
    is cancelled by killing the worker; the next ``submit`` starts a new one. Leaving
    the context ends the worker at once, busy or not.
    Create it in a thread that outlives it: Linux ends the worker when that thread ends.

    ``warm_up``: lay out a page as soon as WeasyPrint is loaded (see
    :func:`warm_up_here`), for a worker that will render many PDFs. A build of one
    report does without: its PDF does the same work, no later.
    """

    def __init__(self, warm_up: bool = True) -> None:
        self.warm_up = warm_up
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection: Connection | None = None
        self.lifeline: int | None = None  # the write end; the worker reads the other
        self.temporary: str | None = None  # the worker's temporary folder
        self.pending = False

    def __enter__(self) -> PdfWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Fork the worker (where fork exists; otherwise PDFs render in-process)."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        read_end, self.lifeline = os.pipe()
        self.temporary = tempfile.mkdtemp(prefix="cfpreport-pdf-")
        self.process = context.Process(
            target=_serve, args=(child, self.connection, (read_end, self.lifeline), os.getpid(),
                                 self.warm_up, self.temporary),
            daemon=True, name="cfpreport-pdf")
        self.process.start()
        child.close()
        os.close(read_end)

    def stop(self) -> None:
        """End the worker now; it holds nothing worth waiting for."""
        if self.connection is None:
            return
        self.process.terminate()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()
        os.close(self.lifeline)
        shutil.rmtree(self.temporary, ignore_errors=True)
        self.connection, self.lifeline, self.temporary, self.pending = None, None, None, False

    def cancel(self) -> None:
        """Drop the job in progress, if any (its result would come to nobody)."""
        if self.pending:
            self.stop()

    def submit(self, html: str, allowed_roots: Sequence[Path],
               stylesheets: Sequence[Path] = (), final: FinalPdf | None = None
               ) -> Callable[[], bytes]:
        """Start rendering; call the returned function to wait for the PDF bytes.
        ``stylesheets``: in cascade order, the built-in ``report.css`` unless given;
        ``final``: a final report's attachments (PDF/A-3b), None for a draft."""
        if self.connection is None or self.pending or not self.process.is_alive():
            self.stop()  # not started, or a cancelled or dead worker: start afresh
            self.start()
        if self.connection is None:  # no fork on this system
            from cfpreport.render.pdf import pdf_bytes

            return lambda: pdf_bytes(html, allowed_roots=allowed_roots,
                                     stylesheets=stylesheets, final=final)
        self.connection.send((html, list(allowed_roots), list(stylesheets), final))
        self.pending = True
        return self._receive

    def _receive(self) -> bytes:
        try:
            status, payload = self.connection.recv()
        except EOFError:
            self.pending = False
            self.process.join(timeout=1)
            raise RuntimeError(f"the PDF worker process died (exit status "
                               f"{self.process.exitcode})") from None
        self.pending = False
        if status == "ok":
            return payload
        if status == "user-error":
            raise BuildError(payload)
        raise RuntimeError(f"the PDF worker failed:\n{payload}")
