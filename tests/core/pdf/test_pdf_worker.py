"""PDFs print in a child process (core.pdf_worker, issue 18 part 5): the same PDF as printing in-process, and a
clear error, then a fresh process, when the child dies or hangs."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

from core import pdf, pdf_worker


def _print(app, processes: int) -> bytes:
    before = app.config.get("PDF_WORKER_PROCESSES")
    app.config["PDF_WORKER_PROCESSES"] = processes
    try:
        with app.test_request_context():
            return pdf.render_pdf("pdf_test/report.html", title="月度报告", body="客户满意度",
                                  rows=[("张三", "¥1,234.50")])
    finally:
        app.config["PDF_WORKER_PROCESSES"] = before


def _summary(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def test_the_pdf_process_prints_what_printing_in_process_prints(app, report_templates):
    in_child = _print(app, 1)
    in_process = _print(app, 0)

    assert in_child == in_process  # byte for byte: the same WeasyPrint calls on the same HTML and stylesheet
    assert "客户满意度" in _summary(in_child)[1]
    # The child was a process of its own, at a lower CPU priority than the process serving pages.
    executor = pdf_worker._POOL.executor(1)
    assert executor._processes and os.getpid() not in executor._processes
    for pid in executor._processes:
        assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)


def test_a_dead_pdf_process_is_a_clear_error_and_the_next_print_starts_a_new_one(app, report_templates):
    _print(app, 1)
    executor = pdf_worker._POOL.executor(1)
    with pytest.raises(Exception):  # noqa: B017 - the child exits without an answer: the pool breaks
        executor.submit(os._exit, 1).result(timeout=60)

    with pytest.raises(pdf_worker.PdfWorkerError, match="ended unexpectedly"):
        _print(app, 1)
    assert "客户满意度" in _summary(_print(app, 1))[1]
    assert pdf_worker._POOL.executor(1) is not executor


def test_a_print_over_the_time_limit_is_stopped(app, report_templates, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_TIMEOUT_SECONDS", 0.001)  # no layout of a page finishes in a millisecond
    with pytest.raises(pdf_worker.PdfWorkerError, match="longer than"):
        _print(app, 1)
    monkeypatch.setitem(app.config, "PDF_TIMEOUT_SECONDS", pdf_worker.DEFAULT_TIMEOUT_SECONDS)
    assert "客户满意度" in _summary(_print(app, 1))[1]
