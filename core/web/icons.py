"""``icon(name, label=None, class="")`` for templates: an <svg> that uses the vendored Lucide sprite.

A Python function rather than a Jinja macro: pages draw dozens of icons (menu, sort headers, pagination) and a
macro call costs far more than a dictionary look-up. templates/macros/icons.html exports it under the old name, so
``{% from "macros/icons.html" import icon %}`` keeps working in every template.
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from markupsafe import Markup

#: Older names that plugins may use, mapped to their current Lucide names.
ICON_ALIASES = {"home": "house", "dashboard": "layout-dashboard", "alert": "triangle-alert",
                "chart": "chart-column", "money": "wallet", "edit": "pencil"}
#: Distinct (sprite, name, label, class) combinations are few; the bound only guards against unbounded labels.
MAX_CACHED = 2048
_cache: dict[tuple[str, str, str | None, bool, str], Markup] = {}


def sprite_url() -> str:
    """The sprite's URL, built once per request (it depends on the script root the app is mounted at)."""
    url = g.get("_netsales_sprite_url")
    if url is None:
        url = g._netsales_sprite_url = url_for("static", filename="vendor/lucide/sprite.svg")
    return url


def icon(name: str, label: Any = None, class_: Any = "", **attributes: Any) -> Markup:
    """The icon ``name``; with ``label`` it is announced (role="img"), else hidden from screen readers."""
    if attributes:
        extra = set(attributes) - {"class"}
        if extra:
            raise TypeError(f"icon() got unexpected keyword arguments {sorted(extra)}")
        class_ = attributes["class"]
    # A translated label from a template is already Markup (escaped once); anything else is escaped here.
    text = (label if isinstance(label, Markup) else str(label)) if label else None
    key = (sprite_url(), str(name), text, isinstance(text, Markup), str(class_))
    markup = _cache.get(key)
    if markup is None:
        if text:
            who = Markup(' role="img" aria-label="{}"').format(text)
        else:
            who = Markup(' aria-hidden="true" focusable="false"')
        markup = Markup('<svg class="icon {}"{}><use href="{}#{}"></use></svg>').format(
            class_, who, key[0], ICON_ALIASES.get(name, name))
        if len(_cache) >= MAX_CACHED:
            _cache.clear()
        _cache[key] = markup
    return markup

