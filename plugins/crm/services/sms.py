"""Sending one SMS through the configurable HTTP gateway (R5.3.2): URL template and credentials in the settings,
as the common Chinese SMS providers need. No retries here: the campaign records failures and can retry them."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from plugins.crm import settings

TIMEOUT_SECONDS = 10


class GatewayError(RuntimeError):
    pass


def configured() -> bool:
    return bool(settings.value("crm.sms_url"))


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone``; raises GatewayError with the reason when the gateway refuses or cannot be reached."""
    template = settings.value("crm.sms_url")
    if not template:
        raise GatewayError("no SMS gateway is configured")
    values = {"user": settings.value("crm.sms_user"), "secret": settings.value("crm.sms_secret"),
              "phone": phone, "text": text}
    quoted = {k: urllib.parse.quote(str(v), safe="") for k, v in values.items()}
    try:
        url = template.format(**quoted)
    except (KeyError, IndexError, ValueError) as exc:
        raise GatewayError(f"the gateway URL template is invalid: {exc}") from exc
    if not url.startswith(("http://", "https://")):
        raise GatewayError("the gateway URL must start with http:// or https://")
    data = None
    if settings.value("crm.sms_method") == "POST":
        data = urllib.parse.urlencode(values).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=settings.value("crm.sms_method"))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (admin's URL)
            body = response.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise GatewayError(f"gateway answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(f"gateway unreachable: {exc}") from exc
    success = settings.value("crm.sms_success_text")
    if success and success not in body:
        raise GatewayError(f"gateway refused: {body[:200]}")
