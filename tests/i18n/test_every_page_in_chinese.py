"""Every page in Simplified Chinese, as every demo role sees it (issue 12, "Raw internals shown to users").

The demo company is loaded once for this module (on the session's shared app; the database is put back to its
baseline afterwards). Each role opens every argument-less GET page, one detail page per record route the demo has a
record for, and the search page with words that find customers, deals, claims and orders. The test fails on a 5xx,
and on what a Chinese reader should never see in the visible text: an English msgid of two or more words from any
catalogue (core and plugins) shown verbatim, a text that is exactly a one-word msgid ("Administrator", "customer"),
four English words in a row, a snake_case code (``bank_transfer``, ``stage_entered_at``; text in ``<code>`` is an
identifier shown on purpose) and a raw UTC timestamp. About a minute on SQLite or PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import text
from werkzeug.routing import IntegerConverter, Rule

from core.testing.demo import demo_company as load_demo_company

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("admin", "manager", "supervisor1", "rep1", "hr", "finance", "head")
#: Pages that act on GET or are not pages: signing out ends the walk; exports, PDFs and downloads are files.
SKIPPED_ENDPOINTS = {"core_auth.logout", "static"}
SKIPPED_PREFIXES = ("/api/", "/static/", "/health")
SKIPPED_WORDS = ("export", "download", "pdf", "xlsx", "csv", "openapi", "feed", ".json", "/raw")
#: Snake_case words a user reads on purpose: the column headers of the CSV imports they fill in (and the position
#: code the users' import takes).
ALLOWED_CODES = {"superior_login", "hire_date", "sales_rep", "order_number", "ordered_at", "unit_price"}

#: A record of each of these (table, column) is searched for, so that the search page shows its groups.
SEARCHED = (("crm_customer", "name"), ("pipeline_deal", "title"), ("expenses_claim", "number"),
            ("pipeline_order", "number"))

SNAKE = re.compile(r"(?<![\w./@-])[a-z]+(?:_[a-z]+)+(?![\w./@-])")
#: A datetime printed with seconds (str() of a stored naive UTC value), an ISO "T" time, or a time marked UTC.
RAW_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}(?::\d{2})?\s*UTC\b"
                      r"|\+00:00")
#: Four or more English words in a row: a sentence nobody translated (a job's description, demo data in English).
ENGLISH_SENTENCE = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){3,}(?![\w@./-])")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’,;:!?.()/&\- ]*[A-Za-z0-9.!?)]")
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sdif]|\{[^}]*\}")


def _catalogues() -> list[Path]:
    found = [ROOT / "core/translations/zh_Hans/LC_MESSAGES/messages.po"]
    found += sorted(ROOT.glob("plugins/*/translations/zh_Hans/LC_MESSAGES/messages.po"))
    return [path for path in found if path.exists()]


def english_phrases() -> tuple[list[str], frozenset[str]]:
    """The literal parts (2+ words) of every msgid whose Chinese text differs, longest first; and the one-word
    msgids (capitalised, 4+ letters) whose Chinese text differs."""
    phrases: set[str] = set()
    words: set[str] = set()
    for path in _catalogues():
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale="zh_Hans")
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if not any(s and s != msgid for s in strings):
                    continue
                if re.fullmatch(r"[A-Z][a-z]{3,}", msgid):
                    words.add(msgid)
                for part in PLACEHOLDER.split(msgid):
                    part = " ".join(part.split()).strip(" .,:;!?()—-")
                    if len(part.split()) >= 2 and re.search(r"[A-Za-z]{2}", part):
                        phrases.add(part)
    return sorted(phrases, key=len, reverse=True), frozenset(words)


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script, style and template, and the labels of buttons'
    ``value``, inputs' ``placeholder`` and elements' ``title`` / ``aria-label``. Text inside ``<code>`` is an
    identifier shown on purpose (a role's code for the CSV import, a job's key): kept apart in ``code``."""

    HIDDEN = {"script", "style", "template", "noscript"}
    LITERAL = {"code", "kbd", "pre", "samp"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code: list[str] = []
        self.hidden = 0
        self.literal = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag in self.LITERAL:
            self.literal += 1
        values = dict(attrs)
        for name in ("placeholder", "title", "aria-label"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self.LITERAL and self.literal:
            self.literal -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            (self.code if self.literal else self.parts).append(data)


def visible_text(html: str) -> list[str]:
    """The visible text nodes outside ``<code>``, whitespace collapsed."""
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(part.split()) for part in parser.parts]


def leaks(parts: list[str], phrases: re.Pattern[str], words: frozenset[str] = frozenset()) -> list[str]:
    """What in ``parts`` (visible text nodes) is English a catalogue translates, a code, or a raw UTC time.
    ``words`` are one-word msgids: a text node that is exactly one of them ("Administrator") is untranslated."""
    found: list[str] = []
    for part in parts:
        if part in words or (part.isascii() and part.islower() and part.capitalize() in words):
            found.append(f"English {part!r}")  # "Administrator", a search group headed "customer"
        found += [f"English sentence {m.group(0)!r}" for m in ENGLISH_SENTENCE.finditer(part)]
        for run in ENGLISH_RUN.findall(part):
            if len(run.split()) >= 2:
                found += [f"English {m.group(0)!r} in {part[:80]!r}" for m in phrases.finditer(run)]
        found += [f"code {m!r} in {part[:80]!r}" for m in SNAKE.findall(part) if m not in ALLOWED_CODES]
        found += [f"raw time {m.group(0)!r} in {part[:80]!r}" for m in RAW_TIME.finditer(part)]
    return found


# ---------------------------------------------------------------------------------------------------- the walk


def _table_for(db: Any, rule: Rule, name: str) -> str | None:
    """The table behind a path argument: ``quotation_id`` under /pipeline/ is pipeline_quotation."""
    noun = name.removesuffix("_id")
    prefix = rule.rule.strip("/").split("/")[0]
    tables = {t.name for t in db.metadata.sorted_tables}
    for candidate in (f"{prefix}_{noun}", f"core_{noun}", *(f"{p}_{noun}" for p in _plugin_names())):
        if candidate in tables:
            return candidate
    return None


def _plugin_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "plugin.toml").exists())


def _skipped(rule: Rule) -> bool:
    lowered = rule.rule.lower()
    return ("GET" not in (rule.methods or ()) or rule.endpoint in SKIPPED_ENDPOINTS
            or lowered.startswith(SKIPPED_PREFIXES) or any(word in lowered for word in SKIPPED_WORDS))


def pages_to_walk(app: Flask, db: Any) -> list[str]:
    """Argument-less GET pages, and each record route with the demo's first record (one integer argument)."""
    paths: set[str] = set()
    for rule in app.url_map.iter_rules():
        if _skipped(rule):
            continue
        if not rule.arguments:
            paths.add(rule.rule)
            continue
        if len(rule.arguments) != 1:
            continue
        (name,) = rule.arguments
        if not isinstance(rule._converters.get(name), IntegerConverter):
            continue
        table = _table_for(db, rule, name)
        if table is None:
            continue
        record_id = db.session.execute(text(f'SELECT min(id) FROM "{table}"')).scalar()
        if record_id is not None:
            paths.add(rule.build({name: record_id}, append_unknown=False)[1])
    for table, column in SEARCHED:  # the search page's groups, with a word that finds one record of each kind
        value = db.session.execute(text(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL ORDER BY id LIMIT 1')).scalar()
        if value:
            paths.add(f"/search?q={quote(str(value).split()[0][:6])}")
    db.session.rollback()
    return sorted(paths)


@pytest.fixture(scope="module")
def demo_company(shared_app: Flask) -> Iterator[Flask]:
    """The shared app with the demo company in its database, once for this module; the baseline comes back after."""
    with load_demo_company(shared_app, 20261127, locale="zh_Hans") as app:
        yield app


@pytest.fixture(scope="module")
def catalogue_english() -> tuple[re.Pattern[str], frozenset[str]]:
    phrases, words = english_phrases()
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])"), words


@pytest.fixture(scope="module")
def paths(demo_company: Flask) -> list[str]:
    from core.extensions import db

    with demo_company.app_context():
        return pages_to_walk(demo_company, db)


@pytest.mark.parametrize("login", ROLES)
def test_every_page_speaks_chinese_without_internals(demo_company: Flask, catalogue_english: Any,
                                                     paths: list[str], login: str) -> None:
    from sqlalchemy import select

    from core.auth.sessions import new_session_identity
    from core.extensions import db
    from core.identity.models import User

    client = demo_company.test_client()
    with demo_company.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        identity = new_session_identity(user)
        db.session.commit()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    problems: list[str] = []
    for path in paths:
        response = client.get(path, headers={"Accept-Language": "zh-CN"})
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
            continue
        found = leaks(visible_text(response.get_data(as_text=True)), *catalogue_english)
        problems += [f"{path}: {leak}" for leak in dict.fromkeys(found)]
    assert not problems, f"{len(problems)} problems as {login}:\n" + "\n".join(problems)


def test_the_checks_see_english_codes_and_utc_times(catalogue_english: Any) -> None:
    """The detector itself: it would have caught what issue 12 reported."""
    phrases, words = catalogue_english
    html = ("<main><h2>customer</h2><p>付款方式：bank_transfer</p><p>2026-12-04 07:00:00</p>"
            "<p>Write a comment first.</p><script>var stage_entered_at = 1;</script><p>阶段：客户开发</p></main>")
    found = leaks(visible_text(html + "<p><strong>Administrator</strong>：<code>sales_rep</code></p>"), phrases, words)
    assert any("bank_transfer" in f for f in found)
    assert any("raw time" in f for f in found)
    assert any("Write a comment first" in f for f in found)
    assert any("'Administrator'" in f for f in found)
    assert any("'customer'" in f for f in leaks(["customer"], phrases, words))
    assert leaks(["Start onboarding for new hires"], phrases, words)
    assert not any("stage_entered_at" in f or "sales_rep" in f for f in found)  # a script, an identifier
    assert not leaks(visible_text("<p>阶段：客户开发 → 需求挖掘</p><p>2026-12-04 15:00</p>"), phrases, words)
