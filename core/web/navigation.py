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

from core.cache import PLUGINS_COUNTER
from core.contracts import MenuItem
from core.i18n import label_text
from core.security import can, granted_scopes, has_team, is_admin
from core.web.icons import icon

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
        url = urls.get(item.endpoint, _UNKNOWN)
        if url is _UNKNOWN:
            try:
                url = url_for(item.endpoint)
            except BuildError:
                url = None
            urls[item.endpoint] = url
        if url is None:
            continue
        visible.append({"key": item.key, "label": label_text(item.label), "url": url, "icon": item.icon,
                        "parent": item.parent})
    return visible


_UNKNOWN = object()


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
    key = (str(get_locale()), request.script_root, is_admin(user), frozenset(granted_scopes(user)), has_team(user))
    menus: dict[Any, list[dict[str, Any]]] = engine.memo(
        "navigation.menus", (PLUGINS_COUNTER, counters.get(PLUGINS_COUNTER)), dict)
    menu = menus.get(key)
    if menu is None:
        if len(menus) >= MAX_SHARED_MENUS:
            menus.clear()
        menu = menus[key] = menu_for(user)
    return list(menu)  # the items are shared: the layout only reads them (nav_tree copies)


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
    parts: list[str] = []
    for item in items:
        current = item.get("current")
        parts.append('\n<li>\n  <a href="')
        parts.append(escape(item["url"]))
        parts.append('" class="nav-link current" aria-current="page">' if current else '" class="nav-link">')
        if item.get("icon") or not child:
            parts.append(icon(item.get("icon") or "circle"))
        else:
            parts.append('<span class="nav-dot" aria-hidden="true"></span>')
        parts.append("<span>")
        parts.append(escape(item["label"]))
        parts.append("</span>\n  </a>\n  ")
        if item.get("children"):
            parts.append('\n  <ul class="nav-children">\n    ')
            parts.append(nav_items(item["children"], child=True))
            parts.append("\n  </ul>\n  ")
        parts.append("\n</li>")
    return Markup("".join(parts))


def _company_name() -> str:
    try:
        from core.settings import get_setting

        return get_setting("core.company_name") or current_app.config["COMPANY_NAME"]
    except Exception:  # the error page for an unreachable database still needs a title
        return current_app.config["COMPANY_NAME"]


def register(app: Flask) -> None:
    app.jinja_env.globals["netsales_nav_items"] = nav_items  # base.html's sidebar

    @app.context_processor
    def inject_menu() -> dict[str, Any]:
        def nav() -> dict[str, Any]:
            # Drawn per request: keeping it per (menu, path) measured no gain (bench/README.md, issue 18).
            return layout_nav(_cached_menu(), request.path)

        return {"netsales_menu": _cached_menu, "netsales_nav": nav,
                "company_name": _company_name(), "get_locale": get_locale}
