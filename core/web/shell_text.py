"""The layout's fixed words (templates/base.html), translated once per locale and process (issue 18: the shell cost).

base.html draws about twenty fixed strings on every page; through Jinja's ``_()`` each is a catalogue look-up, a
Markup and a ``%`` per request. Here they are marked for extraction like any msgid, and each locale's translations
are kept in a dict the template reads: ``{{ shell_words["Skip to content"] }}``. The catalogues are loaded once per process and
never change while it runs, so the dict never goes stale.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

#: Every fixed string of base.html (the badge's "%(count)s unread" has a number: it stays a ``_()`` call).
SHELL_STRINGS = (
    _l("NetSales"), _l("Skip to content"), _l("Language"), _l("Menu"), _l("Search"),
    _l("Search customers, deals, people…"), _l("Notifications"), _l("My account"), _l("My profile"),
    _l("API tokens"), _l("Sign out"), _l("Main menu"), _l("Administration"),
)


def _msgid(text: Any) -> str:
    return str(text._args[0])


def shell_text() -> dict[str, Markup]:
    """{msgid: its translation, escaped} for the request's locale, built once per locale and process."""
    if not has_request_context():
        return _translate()
    texts: dict[str, dict[str, Markup]] = current_app.extensions["netsales"].memo("web.shell_text", None, dict)
    locale = str(get_locale())
    known = texts.get(locale)
    if known is None:
        known = texts[locale] = _translate()
    return known


def _translate() -> dict[str, Markup]:
    return {_msgid(text): escape(str(text)) for text in SHELL_STRINGS}


def untranslated() -> dict[str, Markup]:
    """The English strings, for a page drawn without translations (bench/peers/shell_floor.py)."""
    return {_msgid(text): escape(_msgid(text)) for text in SHELL_STRINGS}


#: The layout's fixed links (base.html), by name: (endpoint, arguments).
SHELL_LINKS = {
    "favicon": ("static", {"filename": "img/favicon.svg"}),
    "stylesheet": ("static", {"filename": "css/netsales.css"}),
    "htmx": ("static", {"filename": "vendor/htmx/htmx.min.js"}),
    "script": ("static", {"filename": "js/netsales.js"}),
    "chart": ("static", {"filename": "vendor/chartjs/chart.umd.min.js"}),
    "logo": ("static", {"filename": "img/logo.svg"}),
    "dashboard": ("core.dashboard", {}),
    "tokens": ("core_tokens.tokens", {}),
    "logout": ("core_auth.logout", {}),
    "switch_locale": ("core_locale.switch_locale", {}),
}


def shell_urls() -> dict[str, str]:
    """{name: URL} of SHELL_LINKS, built once per script root and process: about a dozen ``url_for`` calls a page
    otherwise, for URLs that only change with where the app is mounted."""
    if not has_request_context():
        return build_shell_urls()
    per_root: dict[str, dict[str, str]] = current_app.extensions["netsales"].memo("web.shell_urls", None, dict)
    root = request.script_root
    known = per_root.get(root)
    if known is None:
        known = per_root[root] = build_shell_urls()
    return known


def build_shell_urls() -> dict[str, str]:
    """SHELL_LINKS through ``url_for`` now (the floor of bench/peers/shell_floor.py does this every request)."""
    return {name: url_for(endpoint, **arguments) for name, (endpoint, arguments) in SHELL_LINKS.items()}
