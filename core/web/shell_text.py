"""The layout's fixed words (templates/base.html), translated once per locale and process (issue 18: the shell cost).

base.html draws about twenty fixed strings on every page; through Jinja's ``_()`` each is a catalogue look-up, a
Markup and a ``%`` per request. Here they are marked for extraction like any msgid, and each locale's translations
are kept in a dict the template reads: ``{{ shell_words["Skip to content"] }}``. The catalogues are loaded once per process and
never change while it runs, so the dict never goes stale.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context
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
