"""A short, readable name for the browser and system in a User-Agent header ("Chrome on Windows"), for the list of
active sessions. Product names are not translated; only the unknown case and the joining words are."""

from __future__ import annotations

import re

from flask_babel import gettext as _

# Order matters: browsers built on Chrome also say "Chrome" and "Safari"; Chrome also says "Safari".
_BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("DingTalk", "DingTalk"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("QQBrowser", "QQ Browser"),
    ("360SE", "360 Browser"),
    ("UCBrowser", "UC Browser"),
    ("Firefox", "Firefox"),
    ("HeadlessChrome", "Chrome"),
    ("Chrome", "Chrome"),
    ("CriOS", "Chrome"),
    ("Safari", "Safari"),
    ("curl", "curl"),
    ("python-requests", "Python"),
    ("Werkzeug", "Werkzeug"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("HarmonyOS", "HarmonyOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _first(table: tuple[tuple[str, str], ...], user_agent: str) -> str | None:
    for marker, name in table:
        if re.search(rf"\b{re.escape(marker)}\b", user_agent):
            return name
    return None


def describe_user_agent(user_agent: str | None) -> str:
    """"Firefox on Linux", "Safari on iPhone", "Chrome", or "Unknown browser"."""
    user_agent = user_agent or ""
    browser = _first(_BROWSERS, user_agent)
    system = _first(_SYSTEMS, user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")
