"""The hostile-input suite (issue 11): the demo company, an administrator signed in, real ids for the routes' path
arguments, the values an attacker or a careless user types, and row counts to prove that a refusal saved nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Any

import pytest
from flask import Flask
from hypothesis import strategies as st
from sqlalchemy import Table, text
from werkzeug.routing import IntegerConverter, Rule

#: The plugins whose every form and API write the suite walks, with the core's own.
PLUGINS = ("crm", "pipeline", "expenses", "appraisal", "recruitment", "training", "team", "analytics")
#: Tables a refused request may still write to: who signed in and when, sessions, rate limits, jobs.
NOISY_TABLES = {"core_login_attempt", "core_user_session", "core_job", "core_change_counter", "core_plugin_state"}

#: What people type into amount, id and text fields when they should not.
HOSTILE_TEXT = [
    "", " ", "\t\n", "0", "-0", "-1", "-0.001", "0.001", "1e40", "1E+40", "9" * 40, "1e309", "-1e309", "NaN", "nan",
    "Infinity", "-Infinity", "sNaN", "99999999999999999999", "18446744073709551616", "-9223372036854775809",
    "9223372036854775808", "2147483648", "4294967296", "1,000,000", "12.345", "²", "١٢", "１２", "½", "0x10",
    "1_000", "\x00", "a\x00b", "\u202eevil", "😀" * 30, "x" * 5000, "中文" * 200, "<script>alert(1)</script>",
    "' OR 1=1 --", "=HYPERLINK(\"http://x\")", "2026-13-45", "2026-02-30", "9999-12-31", "0001-01-01",
    "2026-03-01T25:61", "true", "null", "[]", "{}", "None", "on", "off",
]
#: Text as hypothesis draws it (any code point but surrogates, which a form cannot carry), kept short.
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))
#: JSON values for API bodies: the same texts, numbers beyond every column, wrong types, nesting.
hostile_json = st.recursive(
    st.one_of(st.sampled_from(HOSTILE_TEXT), st.none(), st.booleans(),
              st.sampled_from([0, -1, 2**31, 2**63, 10**20, -(10**20), 10**40, 1e308, -1e308, 0.1, 1.5,
                               1e-300, 12.0]),
              st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


@dataclass
class HostileCompany:
    """The demo company with an administrator signed in on ``client``."""

    app: Flask
    db: Any
    client: Any
    admin: Any
    victim: Any
    ids: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows in every table but the noisy ones, in one statement."""
        tables = [t for t in self.db.metadata.sorted_tables if t.name not in NOISY_TABLES]
        select_list = ", ".join(f'(SELECT count(*) FROM "{t.name}") AS "{t.name}"' for t in tables)
        self.db.session.rollback()
        row = self.db.session.execute(text(f"SELECT {select_list}")).one()
        self.db.session.rollback()
        return dict(zip([t.name for t in tables], row, strict=True))

    def path_for(self, rule: Rule, missing: int | None = None) -> str | None:
        """``rule`` with a real record's id (or a plausible word) for each argument; None if one has no record
        (or ``missing`` in its place)."""
        values: dict[str, Any] = {}
        for name in sorted(rule.arguments, key=lambda n: rule.rule.index(f":{n}>") if f":{n}>" in rule.rule
                           else rule.rule.index(f"<{n}>")):
            value = self._argument(rule, name, values) or missing
            if value is None:
                return None
            values[name] = value
        return rule.build(values, append_unknown=False)[1]

    def _argument(self, rule: Rule, name: str, earlier: dict[str, Any]) -> Any:
        words = {"record_type": "crm_customer", "name": "hello", "key": "crm.regrade", "clause_id": "R4.2",
                 "grade": "A", "token": "x" * 20, "kind": "call", "state": "lead"}
        if name in words:
            return words[name]
        choices = getattr(rule._converters.get(name), "items", None)  # <any(approve, reopen):action>
        if choices:
            return sorted(choices)[0]
        if not isinstance(rule._converters.get(name), IntegerConverter):
            return "x"
        if name == "record_id":
            return self.ids.get("customer_id")
        if name == "user_id":
            return self.victim.id
        if name == "token_id":
            return self.ids.get("token_id")
        table = _table_for(self.db, rule, name)
        if table is None:
            return self.ids.get(name, 1)
        statement = f'SELECT id FROM "{table.name}"'
        conditions = [f'"{column}" = {int(value)}' for column, value in earlier.items()
                      if column in table.c and isinstance(value, int)]
        if conditions:
            statement += " WHERE " + " AND ".join(conditions)
        found = self.db.session.execute(text(statement + " ORDER BY id LIMIT 1 OFFSET 1")).scalar() or \
            self.db.session.execute(text(statement + " ORDER BY id LIMIT 1")).scalar()
        self.db.session.rollback()
        return found


def _table_for(db: Any, rule: Rule, name: str) -> Table | None:
    """The table of a path argument: ``quotation_id`` under /pipeline/ is pipeline_quotation."""
    noun = name.removesuffix("_id")
    prefix = rule.rule.strip("/").split("/")[0]
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for candidate in (f"{prefix}_{noun}", f"core_{noun}", f"crm_{noun}", f"pipeline_{noun}", f"expenses_{noun}"):
        if candidate in tables:
            return tables[candidate]
    return None


def owner_of(app: Flask, rule: Rule) -> str | None:
    """The plugin whose blueprint serves ``rule`` (None for the core)."""
    return app.extensions["netsales"].blueprint_owner.get(rule.endpoint.split(".")[0])


def walked(app: Flask, rule: Rule) -> bool:
    """Whether the suite walks ``rule``: the core's and PLUGINS' routes."""
    owner = owner_of(app, rule)
    return owner is None or owner in PLUGINS


@pytest.fixture
def hostile_company(app: Flask, db: Any, client: Any, make_user: Callable[..., Any],
                    login_as: Callable[..., Any]) -> Iterator[HostileCompany]:
    from core.api.tokens import create_token
    from core.demo import load_demo

    load_demo(app, Random(3))
    admin = make_user("hostile-admin", roles=["admin"])
    victim = make_user("hostile-victim")
    token, _secret = create_token(db.session, victim.id, "victim's", None)
    db.session.commit()
    login_as(admin)
    company = HostileCompany(app=app, db=db, client=client, admin=admin, victim=victim, ids={"token_id": token.id})
    company.ids["customer_id"] = db.session.execute(text("SELECT min(id) FROM crm_customer")).scalar() or 1
    db.session.rollback()
    yield company
