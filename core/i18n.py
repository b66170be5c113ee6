"""Locale and time-zone choice for each request."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, session
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
