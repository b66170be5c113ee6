"""The application shell in a real browser (Debian's Chromium through Playwright): sign in, switch language, use
the menu, the user's menu and the search box, the phone-width menu, pages that fit a phone, and reading pages with
JavaScript disabled (issue 4, "Done means"). Skipped, with the reason, where /usr/bin/chromium or playwright is
missing. The last test needs no browser: it keeps the stylesheet in step with the classes the core templates use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.testing.browser import click_and_load, sign_in


@pytest.fixture
def admin(make_user):
    return make_user("boss", roles=["admin"], name="王经理")


def collect_csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_sign_in_and_see_the_dashboard(live_server, page, admin):
    violations = collect_csp_violations(page)
    sign_in(page, "boss")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".user-button .user-name").inner_text().strip() == "王经理"
    assert page.locator("h1").inner_text().startswith("欢迎")
    # Vendored htmx loaded and configured without touching the CSP.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert violations == []


def test_switch_language_and_it_sticks(live_server, page, admin):
    sign_in(page, "boss")
    click_and_load(page, ".sidebar .language-switch button[value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".nav-link.current").inner_text().strip() == "Dashboard"
    page.goto("/admin/plugins")
    assert page.locator("h1").inner_text() == "Modules"
    click_and_load(page, ".sidebar .language-switch button[value=zh_Hans]")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.url.endswith("/admin/plugins")  # back on the page the switch was used on


def test_navigate_the_menu(live_server, page, admin):
    sign_in(page, "boss")
    section = page.locator(".nav-section")
    assert section.count() == 1
    page.locator(".sidebar a[href='/admin/plugins']").click()
    page.wait_for_url(re.compile(r"/admin/plugins$"))
    assert page.locator(".sidebar a[href='/admin/plugins']").get_attribute("aria-current") == "page"
    assert page.locator(".breadcrumbs").is_visible()
    page.locator(".brand").click()
    page.wait_for_url(re.compile(r"/$"))


def test_the_search_box_asks_the_search_page(live_server, page, admin):
    sign_in(page, "boss")
    page.fill(".topbar-search input[name=q]", "王 客户")
    page.press(".topbar-search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "q=%E7%8E%8B+%E5%AE%A2%E6%88%B7" in page.url


def test_phone_width_menu_folds_and_opens(live_server, make_page, admin):
    phone = make_page(width=390, height=844)
    sign_in(phone, "boss")
    sidebar = phone.locator("#sidebar")
    assert not sidebar.is_visible()
    assert not phone.locator(".topbar-search").is_visible()
    phone.locator("label[for=nav-toggle]").click()
    assert sidebar.is_visible()
    assert phone.locator("#sidebar input[name=q]").is_visible()  # search moves into the menu
    phone.keyboard.press("Escape")
    assert not sidebar.is_visible()
    # No sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pages_read_with_javascript_disabled(live_server, make_page, admin):
    reader = make_page(javascript=False, width=390, height=844)
    sign_in(reader, "boss")  # the sign-in form is a plain form
    assert reader.locator("h1").inner_text().startswith("欢迎")
    # The phone menu opens with CSS alone.
    reader.locator("label[for=nav-toggle]").click()
    assert reader.locator("#sidebar").is_visible()
    reader.locator("#sidebar a[href='/admin/plugins']").click()
    reader.wait_for_url(re.compile(r"/admin/plugins$"))
    assert reader.locator("table.list tbody tr").count() >= 1
    # The language switch is a plain form too.
    reader.locator("label[for=nav-toggle]").click()
    click_and_load(reader, "#sidebar .language-switch button[value=en]")
    assert reader.locator("h1").inner_text() == "Modules"
    # Only-with-JavaScript controls stay out of the way.
    assert reader.locator(".js-only").count() == 0 or not reader.locator(".js-only").first.is_visible()


def test_charts_load_the_vendored_library_on_demand(live_server, page, admin):
    violations = collect_csp_violations(page)
    sign_in(page, "boss")
    page.goto("/regulation")  # the dashboard may carry chart widgets (analytics); this page has none
    assert page.evaluate("typeof window.Chart") == "undefined"  # pages without a chart do not pay for it
    page.evaluate("""() => {
        const canvas = document.createElement("canvas");
        canvas.id = "test-chart";
        canvas.dataset.chart = JSON.stringify({type: "bar", data: {labels: ["一月", "二月"],
            datasets: [{label: "销售额", data: [12, 19]}]}, options: {animation: false}});
        document.querySelector("main").appendChild(canvas);
        htmx.process(canvas);
        canvas.dispatchEvent(new CustomEvent("htmx:load", {bubbles: true}));
    }""")
    # (wait_for_function would evaluate a string in the page, which the CSP rightly forbids)
    page.wait_for_selector("#test-chart[data-chart-drawn]", state="attached")
    assert page.evaluate("Chart.getChart(document.getElementById('test-chart')).data.labels") == ["一月", "二月"]
    assert violations == []


def test_the_user_menu_leads_to_profile_tokens_password_and_sign_out(live_server, page, admin):
    sign_in(page, "boss")
    menu = page.locator(".user-menu-list")
    assert not menu.is_visible()
    page.locator(".user-menu > summary").click()
    assert menu.is_visible()
    assert menu.locator("a[href='/profile']").inner_text().startswith("王经理")
    menu.locator("a[href='/account/tokens']").click()
    page.wait_for_url(re.compile(r"/account/tokens$"))
    assert page.locator("h1").inner_text() == "API 令牌"
    page.locator(".user-menu > summary").click()
    menu.locator("a[href='/account/password']").click()
    page.wait_for_url(re.compile(r"/account/password$"))
    # "Change password" is an account entry: it is in the user's menu, not in the sidebar.
    assert page.locator("#sidebar a[href='/account/password']").count() == 0
    page.locator(".user-menu > summary").click()
    menu.locator("button[type=submit]").click()  # sign out
    page.wait_for_url(re.compile(r"/login"))
    assert page.locator("body.signed-out").count() == 1


def test_the_user_menu_opens_without_javascript_on_a_phone(live_server, make_page, admin):
    reader = make_page(javascript=False, width=390, height=844)
    sign_in(reader, "boss")
    reader.locator(".user-menu > summary").click()
    link = reader.locator(".user-menu-list a[href='/account/tokens']")
    assert link.is_visible()
    box = reader.locator(".user-menu-list").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the menu stays on the screen


def test_everyone_finds_the_regulation_in_the_menu(live_server, page, make_user):
    make_user("li", roles=["sales_rep"])
    sign_in(page, "li")
    page.locator("#sidebar a[href='/regulation']").click()
    page.wait_for_url(re.compile(r"/regulation$"))
    assert page.locator(".regulation-clause").count() > 0
    # Labels on a clause (the modules that serve it) sit in the text, not on top of the page like the bell's count.
    badge = page.locator(".clause-plugins .badge").first
    if badge.count():
        assert badge.evaluate("b => getComputedStyle(b).position") == "static"


def test_pages_fit_a_phone_screen(live_server, make_page, admin):
    phone = make_page(width=390, height=844)
    sign_in(phone, "boss")
    for path in ("/", "/regulation", "/search?q=王", "/account/tokens", "/account/password", "/notifications",
                 "/admin/plugins", "/admin/users", "/admin/jobs", "/admin/settings", "/admin/audit/", "/org",
                 "/profile"):
        response = phone.goto(path)
        assert response.status == 200, path
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


ROOT = Path(__file__).resolve().parents[2]


def test_the_stylesheet_styles_the_classes_the_core_templates_use():
    css = (ROOT / "core" / "static" / "css" / "netsales.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.([A-Za-z][\w-]*)", css))
    missing = {}
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parts[-2] == "pdf":
            continue  # PDF templates carry their own styles (WeasyPrint), not the screen stylesheet
        for attribute in re.findall(r'class="([^"]*)"', template.read_text(encoding="utf-8")):
            # Drop Jinja expressions ("timeline-{{ kind }}"): only literal class names can be checked.
            literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", attribute)
            for name in literal.split():
                if re.fullmatch(r"[A-Za-z][\w-]*[A-Za-z0-9]", name) and name not in styled:
                    missing.setdefault(name, template.relative_to(ROOT).as_posix())
    assert missing == {}, f"classes without a style in core/static/css/netsales.css: {missing}"
