"""The PDF worker process gives the same bytes as in-process rendering, and its errors."""

from __future__ import annotations

import pytest

from cfpreport.errors import BuildError
from cfpreport.render.pdf import pdf_bytes
from cfpreport.render.pdf_worker import PdfWorker

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
