"""Every HTML form of the core, CRM, pipeline and expenses, posted with generated hostile data (issue 11): fields
left out, huge and negative numbers, 20-digit ids, NaN, NUL and odd Unicode, several values for one field. No
answer is a 5xx, and a refused post (4xx) saves nothing: every table keeps its row count.

The routes come from the URL map (every POST route, so a new form is walked without being listed); path arguments
get real records of the demo company; each form's fields are read from the page that shows it, so that the
generated posts start from what a browser would send and change a few fields. Bounded and deterministic: a few
derandomized examples a route."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.hostile.conftest import hostile_text, walked

EXAMPLES = 4
#: Posts that would end the suite's own session or change the whole installation, not one record.
SKIPPED = {"/login", "/logout", "/account/password", "/account/sessions/end-all",
           "/account/sessions/<int:session_id>/end", "/admin/plugins/<name>/enable", "/admin/plugins/<name>/disable",
           "/admin/jobs/<key>/run"}
#: Names tried where no page shows the form (action buttons): what such posts read.
GENERIC_FIELDS = ["version", "expected_version", "reason", "note", "state", "stage", "status", "amount", "id",
                  "user_id", "contact_id", "year", "month", "page", "next"]


class _Forms(HTMLParser):
    """The post forms of a page: their action and the fields a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "reset", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields.append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._fields and self._fields[-1][0] == self._textarea:
            self._fields[-1] = (self._textarea, self._fields[-1][1] + data)


class _FormsWithOptions(_Forms):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self._select and self._fields is not None:
            a = {k: v or "" for k, v in attrs}
            names = [name for name, _value in self._fields]
            if self._select not in names or "selected" in a:  # the first option, or the selected one
                self._fields[:] = [(n, v) for n, v in self._fields if n != self._select]
                self._fields.append((self._select, a.get("value", "")))
            return
        super().handle_starttag(tag, attrs)


def _form_fields(company: Any, rule: Any, path: str) -> list[tuple[str, str]] | None:
    """The fields of the form posting to ``path``, read from the page that shows it (itself, or a page above)."""
    adapter = company.app.url_map.bind("localhost")
    candidates = [path] if "GET" in rule.methods else []
    parts = path.rstrip("/").split("/")
    candidates += ["/".join(parts[:i]) for i in range(len(parts) - 1, 1, -1)]
    for page in candidates:
        try:
            adapter.match(page, method="GET")
        except Exception:  # noqa: BLE001  (not a page)
            continue
        answer = company.client.get(page)
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        parser = _FormsWithOptions()
        parser.feed(answer.get_data(as_text=True))
        for action, fields in parser.forms:
            if urlsplit(urljoin(page, action or page)).path == path:
                return fields
    return None


def _post_data(base: list[tuple[str, str]], dropped: set[str], changed: dict[str, Any]) -> MultiDict:
    data = MultiDict([(name, value) for name, value in base if name not in dropped and name not in changed])
    for name, value in changed.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(name, one)
    return data


def test_every_form_refuses_hostile_posts_without_a_server_error_or_a_half_save(hostile_company):
    company = hostile_company
    rules = sorted((r for r in company.app.url_map.iter_rules()
                    if "POST" in r.methods and not r.rule.startswith("/api/") and r.rule not in SKIPPED
                    and walked(company.app, r)), key=lambda r: r.rule)
    assert len(rules) > 50  # the core's and every walked plugin's forms
    assert {r.endpoint.split(".")[0] for r in rules} >= {"analytics", "appraisal", "recruitment", "team", "training"}
    failures: list[str] = []
    walked_forms = 0
    for rule in rules:
        path = company.path_for(rule)  # None: the demo company has no such record (campaigns, events)
        if path is None:
            path = company.path_for(rule, missing=2**31 - 1)  # then at least "not found" must hold
        base = _form_fields(company, rule, path)
        walked_forms += base is not None
        names = sorted({name for name, _value in base or []} - {"csrf_token"}) or GENERIC_FIELDS
        try:
            _hammer(company, path, base or [], names)
        except AssertionError as exc:
            failures.append(f"POST {path} ({rule.rule}): {exc}")
    assert not failures, "\n".join(failures)
    assert walked_forms > 30  # most posts were generated from the form a page really shows


def _hammer(company: Any, path: str, base: list[tuple[str, str]], names: list[str]) -> None:
    values = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))

    @given(dropped=st.sets(st.sampled_from(names), max_size=3),
           changed=st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=4))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    def post(dropped: set[str], changed: dict[str, Any]) -> None:
        before = company.counts()
        answer = company.client.post(path, data=_post_data(base, dropped, changed))
        assert answer.status_code < 500, f"{answer.status_code} for {dict(changed)!r:.300} without {dropped}"
        if answer.status_code >= 400:
            after = company.counts()
            changed_tables = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed_tables, f"refused with {answer.status_code} but saved {changed_tables}"

    post()
