"""core.db.substring_index's bound conditions (issue 18): the global search hooks of six plugins build their
statements once with the typed text as a parameter. These pin what the searches rely on, on both databases: a
typed "%", "_" or "/" is a plain character, Latin letters match in any case, Chinese text matches as typed, and the
bound forms find exactly what the forms with the text written in (contains_any_case, prefix_match) find."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String, func, literal, select

from core.db.substring_index import (
    bound_contains,
    bound_prefix_match,
    contains_any_case,
    contains_pattern,
    needs_lower,
    prefix_match,
    prefix_parameters,
    prefix_upper,
)

CONTAINS = [
    ("50% off", "50%", True),
    ("500 off", "50%", False),
    ("a_b", "a_b", True),
    ("axb", "a_b", False),
    ("x/y", "x/y", True),
    ("x//y", "x/y", False),
    ("北京STAR科技", "Star", True),
    ("北京星河科技有限公司", "星河", True),
    ("北京星河科技有限公司", "星海", False),
    ("MÜLLER GmbH", "müller", True),
]


def _contains_bound(db: Any, haystack: str, text: str) -> bool:
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    stmt = select(bound_contains(literal(haystack, String), "text", needs_lower(text, postgresql)))
    return bool(db.session.execute(stmt, {"text": contains_pattern(text)}).scalar())


@pytest.mark.parametrize(("haystack", "text", "found"), CONTAINS)
def test_a_bound_contains_finds_the_text_as_typed_and_latin_letters_in_any_case(db, haystack, text, found):
    if text == "müller":
        # Letters beyond ASCII fold as the database's lower() folds them: never on SQLite (its LIKE folds ASCII
        # only), on PostgreSQL by the cluster's character type (not under "C").
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        found = postgresql and bool(db.session.execute(select(func.lower(literal("Ü", String)) == "ü")).scalar())
    assert _contains_bound(db, haystack, text) is found


@pytest.mark.parametrize(("haystack", "text", "_found"), CONTAINS)
def test_the_bound_contains_agrees_with_contains_any_case(db, haystack, text, _found):
    written = bool(db.session.execute(select(contains_any_case(literal(haystack, String), text))).scalar())
    assert _contains_bound(db, haystack, text) is written


def test_the_pattern_is_written_around_the_parameter_not_passed_in_it(db):
    # SQLite prepares a LIKE whose whole pattern is a parameter again at each run; the value is the text alone.
    stmt = select(bound_contains(literal("x", String), "text", False))
    assert "||" in str(stmt.compile(db.engine))
    assert contains_pattern("50%") == "50/%"


PREFIXES = [
    ("SO-2026-000123", "SO-2026", True),
    ("SO-2026-000123", "SO-2027", False),
    ("SO-9001", "SO-9", True),
    ("SO-:001", "SO-9", False),
    ("SH_77", "SH_", True),
    ("SHX77", "SH_", False),
    ("订单一", "订单", True),
    ("订单", "订单", True),
]


@pytest.mark.parametrize(("value", "prefix", "found"), PREFIXES)
def test_a_bound_prefix_match_finds_exactly_what_prefix_match_does(db, value, prefix, found):
    column = literal(value, String)
    if prefix_upper(prefix) is None and value != prefix:
        found = False  # no digit or Latin letter: the prefix is looked up whole, as prefix_match does
    bound = bound_prefix_match(column, "p", ranged=prefix_upper(prefix) is not None)
    assert bool(db.session.execute(select(bound), prefix_parameters("p", prefix)).scalar()) is found
    assert bool(db.session.execute(select(prefix_match(column, prefix))).scalar()) is found
