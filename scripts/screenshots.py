"""Take screenshots of the main pages into docs/screenshots/ (for the README), like a bench: not a test.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--locale zh_Hans|en]

Builds a throw-away instance in a temporary folder (`netsales init --demo`), serves it on a loopback port and
drives Debian's Chromium (/usr/bin/chromium) through Playwright: the sign-in page, the dashboard (desktop and
phone width), the user's menu, the modules page, a list page (the first of LIST_PAGES this installation has), the
deal board (when the pipeline module answers), the regulation page, and the phone menu.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_PASSWORD = "Screenshot-pass-2026"
#: List pages worth showing, best first; the first that answers 200 is taken.
LIST_PAGES = ("/crm/customers", "/pipeline/deals", "/admin/users", "/admin/audit/")
#: Optional pages: (file name, path); taken when the page answers 200 (its module may be disabled).
OPTIONAL_PAGES = (("board", "/pipeline/board"), ("regulation", "/regulation"))


def build_instance(folder: Path) -> dict[str, str]:
    env = {**os.environ, "NETSALES_INSTANCE_PATH": str(folder), "NETSALES_ADMIN_PASSWORD": ADMIN_PASSWORD}
    env.pop("NETSALES_DATABASE_URL", None)  # always a private SQLite file, never someone's database
    netsales = [sys.executable, "-c", "from core.cli import main; main()"]
    subprocess.run([*netsales, "init", "--demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def manager_pages(page, shot) -> None:  # type: ignore[no-untyped-def]
    """The sales manager's dashboard (team charts) and a customer's page with its smart buttons (issue 12)."""
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=login]", "manager")
    page.fill("input[name=password]", os.environ.get("NETSALES_DEMO_PASSWORD", "netsales-demo"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.locator("canvas").first.wait_for(timeout=15_000)
    shot("dashboard-manager", full_page=True)
    if (response := page.goto("/crm/customers")) is not None and response.status == 200:
        page.locator("table a[href*='/crm/customers/']").first.click()
        page.wait_for_load_state()
        shot("customer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--locale", default="zh_Hans", choices=["zh_Hans", "en"])
    options = parser.parse_args()

    from core.testing.browser import CHROMIUM, CHROMIUM_ARGS, browser_missing_reason, serve

    reason = browser_missing_reason()
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    options.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log on the console
    with tempfile.TemporaryDirectory(prefix="netsales-shots-") as tmp:
        folder = Path(tmp)
        env = build_instance(folder / "instance")
        os.environ.update({"NETSALES_INSTANCE_PATH": env["NETSALES_INSTANCE_PATH"]})
        os.environ.pop("NETSALES_DATABASE_URL", None)
        from core import create_app

        app = create_app()
        server, thread = serve(app)
        browser_locale = "zh-CN" if options.locale == "zh_Hans" else "en-US"
        try:
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(folder / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                    viewport={"width": 1366, "height": 860}, locale=browser_locale, base_url=server.base_url,
                )
                page = context.pages[0] if context.pages else context.new_page()
                taken = []

                def shot(name: str, full_page: bool = False) -> None:
                    target = options.out / f"{name}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    taken.append(target)

                page.goto("/login")
                shot("login")
                page.fill("input[name=login]", "admin")
                page.fill("input[name=password]", ADMIN_PASSWORD)
                page.click("form.form button[type=submit], main form button[type=submit]")
                page.wait_for_url(server.url("/"))
                shot("dashboard")
                page.click(".user-menu > summary")
                shot("user-menu")
                page.goto("/admin/plugins")
                shot("modules", full_page=True)
                for path in LIST_PAGES:
                    response = page.goto(path)
                    if response is not None and response.status == 200:
                        shot("list")
                        break
                for name, path in OPTIONAL_PAGES:
                    response = page.goto(path)
                    if response is not None and response.status == 200:
                        shot(name)
                page.set_viewport_size({"width": 390, "height": 844})
                page.goto("/")
                shot("dashboard-phone")
                page.click("label[for=nav-toggle]")
                shot("menu-phone")
                page.set_viewport_size({"width": 1366, "height": 860})
                manager_pages(page, shot)
                context.close()
        finally:
            thread.stop()
    for target in taken:
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
