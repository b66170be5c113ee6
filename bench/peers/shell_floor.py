"""The floor of the shell cost (issue 18 part 3): our layout, templates/base.html itself, rendered by a bare Flask +
Jinja view with no session, no database, no translations (null gettext) and no settings: what any Flask app pays
to draw this page. The menu is the one our app drew for the same user (captured once), and the icons and sidebar
entries are drawn by the same pure functions (core.web.icons.icon, core.web.navigation.layout_nav), every request, so the two pages
differ only by what the signed-in shell does around the template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from jinja2 import ChoiceLoader, DictLoader

from core.paths import CORE_STATIC_DIR, TEMPLATES_DIR
from core.web.icons import icon
from core.web.navigation import layout_nav, nav_items
from core.web.shell_text import build_shell_urls, untranslated

#: A page with no SQL of its own: the layout around one heading. Both apps render it under this name.
SHELL_PAGE = "bench/shell_page.html"
SHELL_PAGE_SOURCE = ('{% extends "base.html" %}{% block title %}{{ _("Dashboard") }}{% endblock %}'
                     '{% block content %}<h1>{{ _("Dashboard") }}</h1>{% endblock %}')
SHELL_URL = "/bench-shell"


def add_page_template(app: Flask) -> None:
    """Make SHELL_PAGE renderable by ``app`` (its own templates come first)."""
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, DictLoader({SHELL_PAGE: SHELL_PAGE_SOURCE})])


class _Person:
    """What base.html reads of current_user."""

    is_authenticated = True

    def __init__(self, name: str) -> None:
        self.name = name


#: The endpoints base.html links to besides the menu; the floor routes them to nothing, at our paths.
LAYOUT_ENDPOINTS = ("core.dashboard", "core_tokens.tokens", "core_auth.logout", "core_locale.switch_locale")


def layout_rules(app: Flask) -> dict[str, str]:
    """{endpoint: its URL rule} in our ``app`` for LAYOUT_ENDPOINTS."""
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in LAYOUT_ENDPOINTS}


def floor_app(menu: list[dict[str, Any]], user_name: str, company_name: str, rules: dict[str, str],
              locale: str = "zh_Hans", statements: list[tuple[str, Any]] | None = None,
              database_url: str | None = None) -> Flask:
    """A bare Flask app serving SHELL_URL: base.html with ``menu`` (our menu's items) and plain values; ``rules``
    (layout_rules of our app) give the layout's links the same URLs. With ``statements`` (and ``database_url``),
    each request also runs them on a pooled DB-API connection in autocommit, as our page runs its one statement:
    the floor proposed for PostgreSQL, where that statement's round trip is most of what ours adds."""
    app = Flask("shell_floor", template_folder=str(TEMPLATES_DIR), static_folder=str(CORE_STATIC_DIR))
    for endpoint, rule in rules.items():
        app.add_url_rule(rule, endpoint, lambda: "")
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    add_page_template(app)
    person = _Person(user_name)
    shell_words = untranslated()  # base.html's fixed words, as any app writes them: plain text
    choices = [("zh_Hans", "简体中文"), ("en", "English")]
    app.jinja_env.globals.update(
        netsales_icon=icon, netsales_nav_items=nav_items, netsales_shell_text=lambda: shell_words,
        # The layout's fixed links through url_for on every request, as a plain Flask layout writes them.
        netsales_shell_urls=build_shell_urls,
        csrf_token=lambda: "0" * 88, netsales_page_csrf_token=lambda: "0" * 88,
        language_choices=lambda: choices, get_locale=lambda: locale, current_user=person,
        company_name=company_name, url_for=app.jinja_env.globals["url_for"])

    run_statements = _statement_runner(statements or [], database_url)

    @app.get(SHELL_URL)
    def shell_page() -> str:
        run_statements()
        return render_template(SHELL_PAGE, bare=False, unread_notifications=0,
                               netsales_nav=lambda: layout_nav(menu, request.path))

    return app


def _statement_runner(statements: list[tuple[str, Any]], database_url: str | None) -> Callable[[], None]:
    """A function running ``statements`` and fetching their rows (nothing to do without any)."""
    if not statements:
        return lambda: None
    from sqlalchemy import create_engine

    engine = create_engine(database_url or "", isolation_level="AUTOCOMMIT")
    prepared = [(sql, tuple(parameters) if isinstance(parameters, list) else parameters)
                for sql, parameters in statements]

    def run() -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            for sql, parameters in prepared:
                cursor.execute(sql, parameters)
                cursor.fetchall()
        finally:
            connection.close()

    return run
