"""Locale and time-zone choice for each request."""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import current_app, g, has_request_context, request, session
from flask_babel.speaklater import LazyString
from flask_login import current_user

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The user's saved choice, else this browser's earlier choice, else the browser's languages, else Chinese."""
    locales = current_app.config["LOCALES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get(LOCALE_SESSION_KEY) in locales:
        return session[LOCALE_SESSION_KEY]
    # Browsers say zh-CN; our catalogue is zh_Hans.
    offered = {"zh": "zh_Hans", "zh_CN": "zh_Hans", "zh_Hans": "zh_Hans", "en": "en"}
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best:
        return offered.get(best.replace("-", "_"), current_app.config["DEFAULT_LOCALE"])
    return current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The company time zone from the settings page, else the configuration (also when the database is down)."""
    try:
        from core.settings import get_setting

        return get_setting("core.timezone") or current_app.config["TIMEZONE"]
    except Exception:  # no database, no settings table yet: the configured zone still formats times
        return current_app.config["TIMEZONE"]


def source_text(text: Any) -> str:
    """The untranslated (English) text of a lazy string: what is stored, so that display can translate it."""
    if isinstance(text, LazyString):
        return str(text._args[0]) if text._args else str(text)
    return str(text)


#: Lazy strings whose translation may be kept: the catalogues are loaded once per process and never change.
_CACHEABLE = (flask_babel.gettext,)
MAX_CACHED_LABELS = 4096


def label_text(text: Any) -> str:
    """``str(text)`` in the request's locale, for labels drawn on every page or row (the menu, positions): the
    translation of a ``lazy_gettext`` string is kept per app and locale, instead of a catalogue look-up each time.
    Keyed by the locale in force (flask_babel.force_locale included); outside a request, plain ``str(text)``."""
    if not isinstance(text, LazyString) or text._func not in _CACHEABLE or not has_request_context():
        return str(text)
    try:
        key = (str(flask_babel.get_locale()), text._args, tuple(sorted(text._kwargs.items())))
        hash(key)
    except TypeError:  # a variable that cannot be a key
        return str(text)
    cache: dict[Any, str] = current_app.extensions["netsales"].memo("i18n.labels", None, dict)
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_LABELS:
            cache.clear()
        found = cache[key] = str(text)
    return found


def request_translations() -> Any:
    """flask_babel.get_translations(), kept on the request's Babel context for its locale: templates call ``_()``
    dozens of times per page, and each flask_babel look-up re-derives the locale's name. A forced locale
    (flask_babel.force_locale, e.g. for an e-mail) is another Locale object, so it gets its own translations."""
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        return flask_babel.get_translations()
    known = getattr(context, "netsales_translations", None)
    if known is not None and known[0] is locale:
        return known[1]
    translations = flask_babel.get_translations()
    context.netsales_translations = (locale, translations)
    return translations


def install_template_gettext(app: Any) -> None:
    """Templates' ``_``, ``ngettext``, ... through request_translations() (same answers as flask_babel's)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
