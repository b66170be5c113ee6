"""The page's CSRF token, signed at most once a minute per session and process (issue 18: the shell cost).

Flask-WTF's ``csrf_token()`` signs the session's raw token (an HMAC and a timestamp) on every request that draws
a form, and every signed-in page does (the sign-out and language-switch forms, htmx's header). A signed token stays
valid for WTF_CSRF_TIME_LIMIT (an hour by default), so one signed less than MAX_AGE seconds ago is as good: pages
drawn within the same minute for the same session carry the same token, and its forms expire at most MAX_AGE
seconds sooner. Validation is Flask-WTF's, unchanged.
"""

from __future__ import annotations

import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

#: How long a signed token is handed out again, in seconds.
MAX_AGE = 60.0
#: The kept tokens are dropped all at once beyond this many sessions (a bound, not a policy).
MAX_KEPT = 4096
_kept: dict[tuple[str, str], tuple[float, str]] = {}


def page_csrf_token() -> str:
    """What ``csrf_token()`` returns, without signing again when this session's token was signed under a minute
    ago in this process."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is not None:
        return str(token)
    raw = session.get(field)
    limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not isinstance(raw, str) or (limit is not None and limit < 10 * MAX_AGE):
        return str(generate_csrf())  # a new session (its raw token is made now), or a short limit: sign afresh
    key = (str(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key), raw)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] <= MAX_AGE:
        setattr(g, field, kept[1])  # Flask-WTF's own per-request cache: csrf_token() answers the same
        return kept[1]
    token = str(generate_csrf())
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[key] = (now, token)
    return token
