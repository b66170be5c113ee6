"""The navigation menu, built from the menu_items hook and filtered by permission.

``netsales_menu()`` (templates) is the flat list; ``netsales_nav()`` groups it for the layout: top-level items with
their children (items whose ``parent`` is another item's key), and an Administration section for items whose
parent is "admin". An item whose parent is unknown (its plugin is disabled, say) is shown at the top level rather
than lost.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from core.auth.page_csrf import page_csrf_token
from core.cache import PLUGINS_COUNTER
from core.contracts import MenuItem
from core.i18n import label_text
from core.security import can, granted_scopes, has_team, is_admin
from core.web.icons import icon
from core.web.shell_text import shell_text, shell_urls

ADMIN_SECTION = "admin"


def menu_for(user: Any) -> list[dict[str, Any]]:
    """The menu items ``user`` may open, in order; items whose endpoint does not exist are left out."""
    engine = current_app.extensions["netsales"]
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user  # not a proxy per check
    items = engine.collect("menu_items", MenuItem, user=user)
    urls = _endpoint_urls(engine)
    visible = []
    for item in sorted(items, key=lambda i: (i.order, i.key)):
        if item.permission and not can(user, item.permission):
            continue
        url = _known_url(urls, item.endpoint)
        if url is None:
            continue
        visible.append({"key": item.key, "label": label_text(item.label), "url": url, "icon": item.icon,
                        "parent": item.parent})
    return visible


_UNKNOWN = object()


def endpoint_url(endpoint: str) -> str | None:
    """The URL of ``endpoint`` (one that takes no arguments), or None if it cannot be built: built once per process
    and script root, as the menu's (a plugin's tabs, say)."""
    return _known_url(_endpoint_urls(current_app.extensions["netsales"]), endpoint)


def _known_url(urls: dict[str, str | None], endpoint: str) -> str | None:
    url = urls.get(endpoint, _UNKNOWN)
    if url is _UNKNOWN:
        try:
            url = url_for(endpoint)
        except BuildError:
            url = None
        urls[endpoint] = url
    return url  # type: ignore[return-value]


def _endpoint_urls(engine: Any) -> dict[str, str | None]:
    """{endpoint: its URL, or None if it cannot be built}, kept per process for the script root the app is
    served under: the routes are fixed once the app is built, and menu endpoints take no arguments."""
    urls: dict[str, dict[str, str | None]] = engine.memo("navigation.urls", None, dict)
    return urls.setdefault(request.script_root, {})


def is_active(url: str, path: str) -> bool:
    """The item for this page, or for a page below it (/crm/customers/7 lights "Customers")."""
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def nav_tree(items: list[dict[str, Any]], path: str) -> dict[str, list[dict[str, Any]]]:
    """{"main": [...], "admin": [...]}: each entry a copy of the item with ``children`` and ``active``."""
    entries = {item["key"]: {**item, "children": [], "active": is_active(item["url"], path)} for item in items}
    main: list[dict[str, Any]] = []
    admin: list[dict[str, Any]] = []
    for item in items:
        entry = entries[item["key"]]
        parent = item["parent"]
        if parent == ADMIN_SECTION:
            admin.append(entry)
        elif parent and parent in entries and parent != item["key"]:
            entries[parent]["children"].append(entry)
        else:
            main.append(entry)
    for entry in entries.values():
        if any(child["active"] for child in entry["children"]):
            entry["open"] = True
    # Only the most specific match is marked current: "/" must not light up on every page.
    matches = [e for e in entries.values() if e["active"]]
    best = max(matches, key=lambda e: len(e["url"]), default=None)
    for entry in entries.values():
        entry["current"] = entry is best
    return {"main": main, "admin": admin}


def _cached_menu() -> list[dict[str, Any]]:
    """Once per request (the layout asks for it in several places), from the process's menus when it can."""
    if "_netsales_menu" not in g:
        g._netsales_menu = shared_menu(current_user._get_current_object()) if current_user.is_authenticated else []
    return g._netsales_menu


def _menu_key(user: Any) -> tuple[Any, ...]:
    """What a user's menu depends on besides the enabled plugins (whose counter versions the cache)."""
    return (str(get_locale()), request.script_root, is_admin(user), frozenset(granted_scopes(user)), has_team(user))


#: Distinct (locale, grants, team) combinations are few; the bound only guards against surprises.
MAX_SHARED_MENUS = 256


def shared_menu(user: Any) -> list[dict[str, Any]]:
    """menu_for(user), kept for this process per what the menu depends on: the enabled plugins (their counter),
    the locale, the user's grants (administrator or not, and which permissions) and whether they have a team
    (R2.2.2). So a role granted, a plugin disabled or a language switched shows on the next request. The
    menu_items hook is therefore documented to answer from the user's permissions and team only. When a plugin
    implements permission_check (a veto that may look at anything), or this request did not read the counters,
    the menu is built afresh."""
    engine = current_app.extensions["netsales"]
    counters = g.get("netsales_counters")
    if counters is None or engine.implements("permission_check"):
        return menu_for(user)
    key = _menu_key(user)
    menus: dict[Any, list[dict[str, Any]]] = engine.memo(
        "navigation.menus", (PLUGINS_COUNTER, counters.get(PLUGINS_COUNTER)), dict)
    menu = menus.get(key)
    if menu is None:
        if len(menus) >= MAX_SHARED_MENUS:
            menus.clear()
        menu = menus[key] = menu_for(user)
    g._netsales_menu_shared = (key, menu)  # the drawn sidebar may be kept for it too (shared_nav)
    return list(menu)  # the items are shared: the layout only reads them (nav_tree copies)


class DrawnNav:
    """One menu's sidebar drawn once (issue 18): per request only the link of the current page changes, so the
    request joins the kept pieces instead of drawing ~30 entries. The output is, byte for byte, layout_nav's
    (tests/core/web/test_layout.py compares them)."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        tree = nav_tree(items, "")  # "" lights no entry: the pieces are drawn with none current
        sidebar = [entry for entry in tree["main"] if entry["parent"] != "account"]
        self.main = tree["main"]
        self.admin = tree["admin"]
        self.account = [entry for entry in tree["main"] if entry["parent"] == "account"]
        self.main_parts = _pieces(sidebar)
        self.admin_parts = _pieces(tree["admin"])
        #: (url, key) of every entry, longest URL first: the first one active for a path is the current one.
        self.urls = sorted(((item["url"], item["key"]) for item in items), key=lambda pair: -len(pair[0]))

    def for_path(self, path: str) -> dict[str, Any]:
        """What base.html reads (layout_nav's keys): the sidebar drawn for ``path``, the account items."""
        current = next((key for url, key in self.urls if is_active(url, path)), None)
        return {"main": self.main, "admin": self.admin,
                "account": [{**entry, "current": entry["key"] == current} for entry in self.account],
                "main_html": _join(self.main_parts, current), "admin_html": _join(self.admin_parts, current)}


class _Slot:
    """Where an entry's link class goes in the drawn pieces: current or not is known per request only."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


_CURRENT_LINK = '" class="nav-link current" aria-current="page">'
_LINK = '" class="nav-link">'


def _pieces(items: list[dict[str, Any]]) -> list[Any]:
    parts: list[Any] = []
    _draw(items, False, parts)
    merged: list[Any] = []
    for part in parts:  # adjacent strings joined once, here
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def _join(parts: list[Any], current: str | None) -> Markup:
    return Markup("".join(part if part.__class__ is str else (_CURRENT_LINK if part.key == current else _LINK)
                          for part in parts))


def shared_nav(path: str) -> dict[str, Any]:
    """layout_nav of this request's menu for ``path``, from the sidebar kept for that menu when the menu itself
    came from the process's cache (same key, same plugins counter), else drawn now."""
    items = _cached_menu()
    shared = g.get("_netsales_menu_shared")
    counters = g.get("netsales_counters")
    if shared is None or counters is None:
        return layout_nav(items, path)
    key, menu = shared
    drawn: dict[Any, tuple[Any, DrawnNav]] = current_app.extensions["netsales"].memo(
        "navigation.drawn", (PLUGINS_COUNTER, counters.get(PLUGINS_COUNTER)), dict)
    known = drawn.get(key)
    if known is None or known[0] is not menu:  # kept for another copy of the menu (rebuilt since): draw again
        if len(drawn) >= MAX_SHARED_MENUS:
            drawn.clear()
        known = drawn[key] = (menu, DrawnNav(menu))
    return known[1].for_path(path)


def layout_nav(items: list[dict[str, Any]], path: str) -> dict[str, Any]:
    """What base.html draws of the menu for ``path``: nav_tree's "main" and "admin", the "account" items (the user
    menu in the top bar), and the sidebar's two lists already drawn ("main_html", "admin_html")."""
    tree = nav_tree(items, path)
    sidebar = [entry for entry in tree["main"] if entry["parent"] != "account"]
    return {**tree, "account": [entry for entry in tree["main"] if entry["parent"] == "account"],
            "main_html": nav_items(sidebar), "admin_html": nav_items(tree["admin"])}


def nav_items(items: list[dict[str, Any]], child: bool = False) -> Markup:
    """The sidebar's <li> entries for ``items`` (nav_tree entries) and their children, in Python: one Jinja macro
    call per menu entry cost more than the rest of the shell. The markup is, byte for byte, what base.html's
    former ``nav_item`` macro drew (tests/core/test_navigation.py compares them)."""
    parts: list[Any] = []
    _draw(items, child, parts)
    current = _current_keys(items, set())
    return Markup("".join(part if part.__class__ is str else (_CURRENT_LINK if part.key in current else _LINK)
                          for part in parts))


def _current_keys(items: list[dict[str, Any]], found: set[str]) -> set[str]:
    for item in items:
        if item.get("current"):
            found.add(item["key"])
        _current_keys(item.get("children") or [], found)
    return found


def _draw(items: list[dict[str, Any]], child: bool, parts: list[Any]) -> None:
    for item in items:
        parts.append('\n<li>\n  <a href="')
        parts.append(str(escape(item["url"])))
        parts.append(_Slot(item["key"]))
        if item.get("icon") or not child:
            parts.append(str(icon(item.get("icon") or "circle")))  # plain str: the pieces are joined as text
        else:
            parts.append('<span class="nav-dot" aria-hidden="true"></span>')
        parts.append("<span>")
        parts.append(str(escape(item["label"])))
        parts.append("</span>\n  </a>\n  ")
        if item.get("children"):
            parts.append('\n  <ul class="nav-children">\n    ')
            _draw(item["children"], True, parts)
            parts.append("\n  </ul>\n  ")
        parts.append("\n</li>")


def _company_name() -> str:
    try:
        from core.settings import get_setting

        return get_setting("core.company_name") or current_app.config["COMPANY_NAME"]
    except Exception:  # the error page for an unreachable database still needs a title
        return current_app.config["COMPANY_NAME"]


def register(app: Flask) -> None:
    app.jinja_env.globals["netsales_nav_items"] = nav_items  # base.html's sidebar
    app.jinja_env.globals["netsales_shell_text"] = shell_text  # base.html's fixed words, once per locale
    app.jinja_env.globals["netsales_shell_urls"] = shell_urls  # base.html's fixed links, once per script root
    app.jinja_env.globals["netsales_page_csrf_token"] = page_csrf_token  # signed at most once a minute

    @app.context_processor
    def inject_menu() -> dict[str, Any]:
        def nav() -> dict[str, Any]:
            # Kept per menu, not per (menu, path): only the current entry's link is set per request (issue 18).
            return shared_nav(request.path)

        return {"netsales_menu": _cached_menu, "netsales_nav": nav,
                "company_name": _company_name(), "get_locale": get_locale}
