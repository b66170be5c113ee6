"""Security headers on every response (issue 3 §4).

The Content Security Policy allows scripts and styles from this site only: no inline <script>, no inline style
attributes, no eval, nothing from a CDN (the intranet often has no internet anyway). Pages load their behaviour from
static files.
"""

from __future__ import annotations

import sys

from flask import Response, current_app, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
#: What the Server header says (issue 11 F8): not the server's name and version, nor Python's. The servers write that
#: header themselves; core/serving.py sets it for both, and hide_server_software() for gunicorn started directly.
SERVER_HEADER = "NetSales"


def hide_server_software() -> None:
    """Under gunicorn, however it was started (`gunicorn 'core:create_app()'` too), answer ``Server: NetSales``."""
    wsgi = sys.modules.get("gunicorn.http.wsgi")
    if wsgi is not None:
        wsgi.SERVER = SERVER_HEADER


hide_server_software()  # the app is built in the gunicorn process that serves it, after gunicorn's modules loaded


#: Every response's headers, unless the view set its own (name, lowercased name, value).
_ALWAYS = tuple((name, name.lower(), value) for name, value in (
    ("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"), ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin")))


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # What the view set, read once: a setdefault per header scans the list twice (issue 18: every page pays it).
    present = {name.lower() for name, _value in headers.items()}
    for name, lowered, value in _ALWAYS:
        if lowered not in present:
            headers.add(name, value)
    if current_app.config.get("PRODUCTION"):
        headers.setdefault("Strict-Transport-Security", HSTS)  # production is served over HTTPS only
    if request.endpoint != "static" and _signed_in():
        # A signed-in page shows company data: no copy in the browser's or a proxy's cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _signed_in() -> bool:
    # Only a user this request already loaded: every protected view loads it, and loading it here would cost
    # public pages (health checks) a query.
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)
