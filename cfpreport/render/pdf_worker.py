"""Render PDFs in a forked worker process, beside the rest of the build.

WeasyPrint is most of a report's time (import ~0.5 s, layout ~1.5 s) and it is
single-threaded Python. A worker forked at the start of a build imports it and loads
the fonts while the main process loads the study, calculates and draws the charts;
then it lays out the PDF while the main process writes the Word file. On two cores
this takes about a second off a cold `cfpreport build` and a third off a warm one.
In a batch the same worker renders every study's PDF in turn.

Where ``fork`` is not available the work runs in-process, with the same results.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

from cfpreport.errors import BuildError, CfpError


def warm_up_html() -> str:
    """A page in the report's styles with its boilerplate text: rendering it once loads
    the fonts and fills Pango's caches with the glyphs most reports use."""
    from markupsafe import escape

    from cfpreport.assets import templates_dir

    text = escape((templates_dir() / "text" / "zh.yaml").read_text(encoding="utf-8"))
    cells = "".join(f"<td>{escape(x)}</td>" for x in ("原辅料获取阶段", "0.0677", "33.53%"))
    return (f"<html lang='zh-CN'><body><h1>1 产品碳足迹</h1><h2>2.1 企业</h2><p>{text}</p>"
            f"<table class='table'><thead><tr><th>阶段</th></tr></thead><tbody>"
            f"<tr>{cells}</tr></tbody></table></body></html>")


@cache
def warm_up_here() -> None:
    """Load WeasyPrint and the fonts in this process, so every worker forked from it
    starts warm (for library use: many build_report calls in one process)."""
    from cfpreport.render.pdf import pdf_bytes

    pdf_bytes(warm_up_html())


def _serve(connection: Connection) -> None:
    """The worker's loop: receive (html, roots), send back ("ok", bytes) or an error."""
    from cfpreport.render.pdf import pdf_bytes

    if not warm_up_here.cache_info().currsize:  # not inherited from the parent: warm up now,
        warm_up_here()  # while the main process is still calculating
    while True:
        request = connection.recv()
        if request is None:
            return
        html, roots = request
        try:
            connection.send(("ok", pdf_bytes(html, allowed_roots=roots)))
        except CfpError as error:
            connection.send(("user-error", str(error)))
        except Exception:  # a bug: carry its traceback to the main process
            connection.send(("bug", traceback.format_exc()))


class PdfWorker:
    """A context manager owning one PDF worker process; ``submit`` returns a waiter."""

    def __init__(self) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection: Connection | None = None

    def __enter__(self) -> PdfWorker:
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.connection, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child,), daemon=True,
                                           name="cfpreport-pdf")
            self.process.start()
            child.close()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            with contextlib.suppress(BrokenPipeError, OSError):  # the worker may be gone
                self.connection.send(None)
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()
            self.connection.close()

    def submit(self, html: str, allowed_roots: Sequence[Path]) -> Callable[[], bytes]:
        """Start rendering; call the returned function to wait for the PDF bytes."""
        if self.process is None or not self.process.is_alive():
            from cfpreport.render.pdf import pdf_bytes

            return lambda: pdf_bytes(html, allowed_roots=allowed_roots)
        self.connection.send((html, list(allowed_roots)))
        return self._receive

    def _receive(self) -> bytes:
        try:
            status, payload = self.connection.recv()
        except EOFError:
            raise RuntimeError("the PDF worker process died") from None
        if status == "ok":
            return payload
        if status == "user-error":
            raise BuildError(payload)
        raise RuntimeError(f"the PDF worker failed:\n{payload}")
