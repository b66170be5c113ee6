"""Per-row and per-filter helpers of templates/macros/lists.html, in Python: a Jinja macro call per row of a 100-row
page costs more than the rest of the row, and a filter's select of 200 options is 200 loop turns of the template.
lists.html exports them under their macro names (``lists.bulk_checkbox``, ``lists.filter_control``)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext
from markupsafe import Markup, escape

from core.i18n import gettext_noop


def _translated(text: str) -> Markup:
    """``gettext(text)`` once per request (a list draws it on every row), trusted as the template's ``_()`` is."""
    cache = g.setdefault("_netsales_list_text", {})
    if text not in cache:
        cache[text] = Markup(gettext(text))
    return cache[text]


def bulk_checkbox(value: Any, label: Any) -> Markup:
    """The row's checkbox of a bulk form (name "ids"), announced as "Select <label>"."""
    # As the template's _("Select %(name)s", name=label) under autoescape: the translation is trusted, the name is
    # escaped.
    announced = _translated(gettext_noop("Select %(name)s")) % {"name": label}
    return Markup(f'<td class="bulk-cell"><input type="checkbox" name="ids" value="{escape(value)}" '
                  f'aria-label="{escape(announced)}"></td>')


def filter_control(page: Any, flt: Any) -> Markup:
    """One filter's control of the toolbar: a select for choices (one string join, whatever the number of
    options), a date input for date ranges; the message of a rejected value under it."""
    current = page.active_filters.get(flt.key, "")
    key = escape(flt.key)
    error = flt.key in page.errors
    parts = [Markup('<div class="filter{}">\n  <label for="filter-{}">{}</label>\n').format(
        " has-error" if error else "", key, flt.label)]
    if flt.kind == "choice":
        lifted = flt.default is not None
        parts.append(Markup('  <select id="filter-{}" name="{}" data-autosubmit>\n    <option value="{}"{}>{}</option>\n'
                            '    ').format(key, key, "all" if lifted else "",
                                           " selected" if lifted and current == "all" else "", _translated(gettext_noop("All"))))
        # escape() per value and label, as the template's {{ }} did; "selected" on the current value only.
        parts.extend(f'<option value="{escape(value)}"{" selected" if value == current else ""}>{escape(label)}</option>'
                     for value, label in flt.options())
        parts.append("\n  </select>\n")
    else:
        parts.append(Markup('  <input type="date" id="filter-{}" name="{}" value="{}">\n').format(key, key, current))
    if error:
        parts.append(Markup('  <p class="field-error">{}</p>\n').format(page.errors[flt.key]))
    parts.append("</div>")
    return Markup("".join(parts))
