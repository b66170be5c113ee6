"""Print PDFs in a child process, so that WeasyPrint's second of pure-Python layout does not hold this process's GIL.

A gunicorn worker serves several threads and runs the jobs runner: while one thread printed a quotation in-process,
every other page of that worker waited for the GIL (issue 18 part 5: the pipeline board's p95 was 7 × its median
under load, bench/contention_bench.py measures it). Here the request thread only renders the HTML (it needs the
Flask app, the session and the translations) and then waits on a pipe, GIL released, while a child process lays out
and writes the PDF.

- One small pool per process (``PDF_WORKER_PROCESSES``, default 1), created on first use; "spawn" children, so that
  nothing of the parent (database connections, threads, locks) is inherited, whether the parent is a gunicorn
  worker, the CLI, a job or a test. A fork of the parent (gunicorn with preload) gets a pool of its own.
- A print that takes longer than ``PDF_TIMEOUT_SECONDS`` (default 120) or a child that dies raises PdfWorkerError,
  the pool is thrown away and the next print starts a fresh one.
- The child runs at a lower CPU priority (``PDF_WORKER_NICE``, default 10): on a busy machine the pages people
  wait on get the cores first.
- ``PDF_WORKER_PROCESSES = 0`` prints in the calling thread, as before (a debugging aid).

The child receives only plain data (the HTML, the stylesheet text, the base URL and the folders a report may read)
and runs the same WeasyPrint calls the in-process path runs, so both give the same PDF.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

DEFAULT_PROCESSES = 1
DEFAULT_TIMEOUT_SECONDS = 120.0
#: The child's CPU priority (os.nice increment): on a busy machine the pages people wait on get the cores first,
#: the PDF (a download they expect to take a moment) what is left.
DEFAULT_NICE = 10


class PdfWorkerError(RuntimeError):
    """The PDF process did not answer: it died or took longer than PDF_TIMEOUT_SECONDS."""


@dataclass(frozen=True)
class PrintJob:
    """Everything WeasyPrint needs, as plain picklable data."""

    html: str
    base_url: str
    stylesheet: str
    roots: tuple[str, ...]


def restricted_fetcher(roots: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that loads only data: URLs and files under ``roots``.

    Templates may show user input; this keeps a crafted URL from pulling other local files (or anything off the
    network) into a PDF."""
    from weasyprint.urls import URLFetcher

    class RestrictedFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not (path.is_file() and any(path.is_relative_to(root) for root in roots)):
                    raise ValueError(f"not allowed in a PDF report: {url}")
            elif parsed.scheme != "data":
                raise ValueError(f"not allowed in a PDF report: {url}")
            return super().fetch(url, headers)

    return RestrictedFetcher(allowed_protocols=("file", "data"))


def write_pdf(job: PrintJob) -> bytes:
    """Lay out and print ``job`` (runs in the child, or in the caller when the pool is off)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=job.stylesheet, font_config=fonts)
    html = HTML(string=job.html, base_url=job.base_url,
                url_fetcher=restricted_fetcher([Path(root) for root in job.roots]))
    return html.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def _start_child(nice: int) -> None:
    """Lower the child's CPU priority, and import WeasyPrint when it starts rather than during the first print."""
    if nice > 0:
        with contextlib.suppress(OSError):  # not allowed here: print at the normal priority
            os.nice(nice)
    import weasyprint  # noqa: F401


class _Pool:
    """This process's PDF pool (per pid: a forked child must not reuse its parent's pipes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._pid = 0
        self._shape: tuple[int, int] = (0, 0)

    def executor(self, processes: int, nice: int = DEFAULT_NICE) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid() or self._shape != (processes, nice):
                if self._executor is not None and self._pid == os.getpid():
                    self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = ProcessPoolExecutor(max_workers=processes,
                                                     mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_start_child, initargs=(nice,))
                self._pid, self._shape = os.getpid(), (processes, nice)
            return self._executor

    def discard(self, executor: ProcessPoolExecutor) -> None:
        """Throw away a pool whose child hung or died; kill its children so that a hung print stops using a core."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


_POOL = _Pool()


def print_pdf(job: PrintJob, *, processes: int = DEFAULT_PROCESSES, timeout: float = DEFAULT_TIMEOUT_SECONDS,
              nice: int = DEFAULT_NICE) -> bytes:
    """The PDF of ``job``, printed in this process's PDF pool (or right here when ``processes`` is 0)."""
    if processes <= 0:
        return write_pdf(job)
    executor = _POOL.executor(processes, nice)
    try:
        future = executor.submit(write_pdf, job)
        return future.result(timeout=timeout)
    except FutureTimeout:
        _POOL.discard(executor)
        raise PdfWorkerError(f"the PDF process took longer than {timeout:g} s and was stopped") from None
    except BrokenProcessPool as error:
        _POOL.discard(executor)
        raise PdfWorkerError("the PDF process ended unexpectedly (out of memory or killed?)") from error
