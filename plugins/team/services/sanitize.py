"""An allow-list HTML sanitiser for shared posts (R8.1.2): what is kept is re-written from parsed tokens, so
scripts, event handlers, styles and javascript: links never reach a page."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlparse

ALLOWED = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
           "pre", "table", "thead", "tbody", "tr", "th", "td", "hr"}
VOID = {"br", "hr"}
#: Their content is dropped with them, not shown as text.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
SAFE_SCHEMES = ("http", "https", "mailto", "")


def _safe_href(value: str | None) -> str | None:
    if not value:
        return None
    # Browsers ignore tabs, newlines and control characters inside a scheme ("java\tscript:"): drop them first.
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    parsed = urlparse(value)
    if parsed.scheme.lower() not in SAFE_SCHEMES:
        return None
    if not parsed.scheme and value.startswith("//"):
        return None
    return value


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skip += 1
            return
        if self.skip:
            return
        self.text.append(" ")  # words of separate blocks stay apart in the plain text (search, snippets)
        if tag not in ALLOWED:
            return
        if tag == "a":
            href = _safe_href(dict(attrs).get("href"))
            self.out.append(f'<a href="{escape(href)}" rel="noopener nofollow">' if href else "<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.skip:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in self.open:
            return
        while self.open:  # close what was left open inside it
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))
            self.text.append(data)

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


def sanitize(html: str) -> tuple[str, str]:
    """(safe HTML, plain text) of ``html``. Plain text without tags becomes paragraphs."""
    source = html or ""
    if "<" not in source:
        paragraphs = [p.strip() for p in source.replace("\r\n", "\n").split("\n\n") if p.strip()]
        safe = "".join("<p>" + escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs)
        return safe, source.strip()
    cleaner = _Cleaner()
    cleaner.feed(source)
    cleaner.close()
    return "".join(cleaner.out), " ".join("".join(cleaner.text).split())
