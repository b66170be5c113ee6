"""A small HTTP client for the benchmarks that go through a real server (peers_bench, load_bench): a cookie jar,
sign-in forms with their CSRF token, and timed requests. Only 127.0.0.1: a benchmark never talks to anything else.
One connection per request, as a browser opening pages one after another behind no keep-alive would.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
#: Seconds before a request is given up (a benchmark must end by itself).
TIMEOUT = 30


@dataclass
class Answer:
    status: int
    body: str
    seconds: float
    url: str


class Browser:
    """One user's browser against ``base`` (http://127.0.0.1:port)."""

    def __init__(self, base: str) -> None:
        if urllib.parse.urlsplit(base).hostname != "127.0.0.1":
            raise ValueError("benchmarks only talk to 127.0.0.1")
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, form: dict[str, str] | None = None,
                files: dict[str, tuple[str, str, bytes]] | None = None) -> Answer:
        """GET ``path`` (POST ``form`` if given; multipart with ``files`` {field: (name, type, content)}),
        redirects followed; HTTP errors are answers, not exceptions."""
        headers: dict[str, str] = {}
        data = None
        if files:
            data, headers["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
        started = time.perf_counter()
        try:
            call = urllib.request.Request(self.base + path, data=data, headers=headers)
            with self.opener.open(call, timeout=TIMEOUT) as response:
                body = response.read().decode("utf-8", "replace")
                status, url = response.status, response.url
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            status, url = error.code, error.url
        return Answer(status, body, time.perf_counter() - started, url)

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, form: dict[str, str], token_from: str | None = None) -> Answer:
        """POST ``form`` with the CSRF token of the page ``token_from`` (default: ``path`` itself)."""
        page = self.get(token_from or path)
        return self.request(path, {**form, "csrf_token": csrf_token(page.body)})


def multipart(form: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in form.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                     .encode())
    for name, (filename, kind, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1) or found.group(2)
