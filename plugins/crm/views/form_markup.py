"""The customer page's empty forms as markup, rendered once per language (and contact list) and reused
(issue 5 "Performance"): drawing them field by field through WTForms and macros/forms.html cost more than the
page's SQL. Only the CSRF token and the form's address change from one request to the next, so the markup is kept
with placeholders for the two. Forms that carry data or errors (a refused POST) are drawn as usual, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app, get_template_attribute
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

#: Placeholders left in the kept markup (neither can occur in a rendered form: "\x00" is never in a template).
_ACTION = "\x00crm-action\x00"
_TOKEN = "\x00crm-csrf\x00"
#: Kept markups per app; past this many (forms × languages × contact lists), the oldest are dropped.
MAX_KEPT = 500


def _kept(key: tuple, render: Callable[[], str]) -> str:
    """The markup for ``key``, rendered by ``render`` (with the placeholders for action and token) when missing."""
    store: dict[tuple, str] = current_app.extensions.setdefault("crm_form_markup", {})
    key = (str(get_locale()), bool(current_app.config.get("WTF_CSRF_ENABLED", True)), *key)
    markup = store.get(key)
    if markup is None:
        token = generate_csrf()
        markup = render().replace(token, _TOKEN)
        if len(store) >= MAX_KEPT:
            del store[next(iter(store))]
        store[key] = markup
    return markup


def _fill(markup: str, action: str = "") -> Markup:
    return Markup(markup.replace(_ACTION, str(escape(action))).replace(_TOKEN, generate_csrf()))


def _empty(form_class: type[FlaskForm], choices: Sequence[tuple[str, str]] | None) -> FlaskForm:
    form = form_class(formdata=None)
    if choices is not None:
        form.contact_id.choices = list(choices)
    return form


def whole_form(form_class: type[FlaskForm], action: str, submit: str,
               choices: Sequence[tuple[str, str]] | None = None) -> Markup:
    """``forms.form(form_class(formdata=None), action=action, submit=submit)`` of macros/forms.html, with
    ``choices`` (if given) as the form's contact_id choices."""
    def render() -> str:
        draw: Any = get_template_attribute("macros/forms.html", "form")
        return str(draw(_empty(form_class, choices), action=_ACTION, submit=submit))

    return _fill(_kept((form_class, "form", str(submit), _choices_key(choices)), render), action)


def token_and_field(form_class: type[FlaskForm], name: str,
                    choices: Sequence[tuple[str, str]] | None = None) -> Markup:
    """``form.csrf_token`` then ``forms.field(form[name])`` of an empty ``form_class``."""
    def render() -> str:
        form = _empty(form_class, choices)
        draw: Any = get_template_attribute("macros/forms.html", "field")
        return _token(form) + str(draw(form[name]))

    return _fill(_kept((form_class, "field", name, _choices_key(choices)), render))


def token_field(form_class: type[FlaskForm]) -> Markup:
    """``form.csrf_token`` of an empty ``form_class``."""
    return _fill(_kept((form_class, "token"), lambda: _token(form_class(formdata=None))))


def _token(form: FlaskForm) -> str:
    """The form's CSRF field, or nothing when CSRF protection is off (as ``{{ form.csrf_token }}`` draws it)."""
    field = getattr(form, "csrf_token", None)
    return "" if field is None else str(field())


def _choices_key(choices: Sequence[tuple[str, str]] | None) -> tuple | None:
    return None if choices is None else tuple((str(value), str(label)) for value, label in choices)
