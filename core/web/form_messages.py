"""WTForms' own words (a field's default label, the built-in validators' messages) in the request's language,
with each language's catalogue read once per process.

Flask-WTF reads WTForms' catalogue from disk the first time a request needs it and keeps it on that request only
(flask_wtf.i18n): any form with a field that has no label of its own, and any failed built-in validator, paid
about 0.3 ms a request for it (issue 18). Flask-WTF looks for the catalogue on ``request.wtforms_translations``;
this puts there an object that answers from the process's copy, in the language get_locale() gives when asked
(so the language is chosen as late as before)."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, request
from flask_babel import get_locale
from wtforms.i18n import messages_path


@lru_cache(maxsize=16)
def catalogue(locale: str) -> support.NullTranslations:
    """WTForms' catalogue for ``locale`` (a gettext NullTranslations when WTForms has none for it)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class RequestLanguageMessages:
    """What Flask-WTF asks for its messages (``ugettext``, ``ungettext``), answered in the request's language."""

    def ugettext(self, string: str) -> str:
        return catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return catalogue(str(get_locale())).ungettext(singular, plural, n)


MESSAGES = RequestLanguageMessages()


def install_form_messages(app: Flask) -> None:
    """Every request finds WTForms' words where Flask-WTF looks for them."""

    @app.before_request
    def offer_form_messages() -> None:
        request.wtforms_translations = MESSAGES
