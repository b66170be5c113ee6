"""Browser-test fixtures: the app served on a loopback port, and Playwright pages driving Debian's Chromium.

``live_server`` serves a NetSales app (on the test database) with werkzeug in a thread; ``page`` is a Chromium page
with a fresh profile; ``make_page(javascript=False, width=390, height=844, locale="en-US")`` opens more, for a phone
width or with JavaScript off. No browser is ever downloaded: the tests use /usr/bin/chromium (override with
NETSALES_CHROMIUM) and skip, saying why, when it or the playwright package is missing.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

CHROMIUM = os.environ.get("NETSALES_CHROMIUM", "/usr/bin/chromium")
#: Quiet, reproducible, offline: no first-run UI, no background traffic to anywhere.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class LiveServer:
    """A running app: ``url("/login")`` gives its absolute address."""

    app: Flask
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path


class ServerThread(threading.Thread):
    """werkzeug's threaded server on a free loopback port (port 0: the system picks one)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1") -> None:
        from werkzeug.serving import make_server

        super().__init__(daemon=True, name="netsales-live-server")
        self.server = make_server(host, 0, app, threaded=True)
        self.host, self.port = host, self.server.server_port

    def run(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.join(timeout=10)


def serve(app: Flask, host: str = "127.0.0.1") -> tuple[LiveServer, ServerThread]:
    """Start serving ``app``; call ``thread.stop()`` when done (used by the fixture and scripts/screenshots.py)."""
    thread = ServerThread(app, host)
    thread.start()
    return LiveServer(app, thread.host, thread.port), thread


def browser_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def sign_in(page: Any, login: str, password: str | None = None) -> None:
    """Sign ``login`` in through the login form (any session the page had is dropped first) and wait for the
    dashboard. ``password`` defaults to the test kit's TEST_PASSWORD, which ``make_user`` gives everyone."""
    from core.testing import TEST_PASSWORD

    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password or TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def pick(page: Any, field_id: str, text: str) -> None:
    """Choose a record in a searchable select (core lookup.js): type ``text``, then click the first option that
    shows it. Waits for lookup.js to have taken the box over (a box htmx swapped in is taken over a moment later):
    typed before that, the text would search nothing."""
    page.locator(f"#{field_id}[role=combobox]").fill(text)
    page.locator(f"#{field_id}-listbox [role=option]", has_text=text).first.click()


def click_and_load(page: Any, target: Any) -> None:
    """Click ``target`` (a Playwright locator, or a CSS selector) that submits a form or follows a link, and return
    once the page it leads to has loaded.

    ``click()`` then ``page.wait_for_load_state()`` is a race: the wait can return at once for the page still shown,
    before the browser has sent the form, and the test then reads the old page.
    """
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def live_server(make_app: Callable[..., Flask]) -> Iterator[LiveServer]:
    """The app (built-in plugins enabled, CSRF on as in production) served on 127.0.0.1 on the test database."""
    reason = browser_missing_reason()
    if reason:
        pytest.skip(reason)
    app = make_app(WTF_CSRF_ENABLED=True)
    server, thread = serve(app)
    try:
        yield server
    finally:
        thread.stop()


class Browser:
    """One Playwright driver for a test; each page gets its own Chromium with a fresh user-data dir."""

    def __init__(self, base_url: str | None) -> None:
        from playwright.sync_api import sync_playwright

        self.base_url = base_url
        self._manager = sync_playwright()
        self.playwright = self._manager.start()
        self._contexts: list[Any] = []
        self._dirs: list[str] = []

    def new_page(self, javascript: bool = True, width: int = 1280, height: int = 800,
                 locale: str = "zh-CN") -> Any:
        profile = tempfile.mkdtemp(prefix="netsales-chromium-")
        self._dirs.append(profile)
        context = self.playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            locale=locale,
            base_url=self.base_url,
        )
        context.set_default_timeout(15_000)
        self._contexts.append(context)
        return context.pages[0] if context.pages else context.new_page()

    def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(Exception):  # a crashed browser must not hide the test's own failure
                context.close()
        self._manager.__exit__(None, None, None)
        for folder in self._dirs:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def make_page(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Open a Chromium page: ``make_page(javascript=False)``, ``make_page(width=390, height=844)``,
    ``make_page(locale="en-US")``. Relative URLs (``page.goto("/login")``) go to the live server when the
    test uses one."""
    reason = browser_missing_reason()
    if reason:
        pytest.skip(reason)
    server = request.getfixturevalue("live_server") if "live_server" in request.fixturenames else None
    browser = Browser(server.base_url if server else None)
    try:
        yield browser.new_page
    finally:
        browser.close()


@pytest.fixture
def page(make_page: Callable[..., Any]) -> Any:
    """A desktop-width Chromium page with JavaScript on, Chinese as the browser's language."""
    return make_page()
