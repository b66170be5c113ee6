"""core.web.parameter_listing: a list whose statements are built once, with the request's values bound as
parameters, shows exactly what a ListQuery of the same select shows (issue 18), over the core's users."""

from __future__ import annotations

from functools import cache

import pytest
from sqlalchemy import bindparam, select

from core.identity.models import User
from core.web.listing import Filter, ListQuery
from core.web.parameter_listing import ParameterListing, page_statements
from tests.core.web.test_listing import add_user

SORTS = {"name": User.name, "login": User.login}
#: The "scope" of these lists: users from an id on, the id a parameter as a user's id or team would be.
IN_SCOPE = select(User.id, User.login, User.name).where(User.id >= bindparam("first_id"))


def _options() -> dict:
    return {"sorts": SORTS, "default_sort": "login", "search": [User.name, User.login], "per_page": 5,
            "filters": [Filter.choice("active", "Active", User.active, [("1", "Yes"), ("0", "No")],
                                      coerce=lambda v: v == "1")]}


@cache
def _statements(sort: str):
    return page_statements(IN_SCOPE, sort, sorts=SORTS, default_sort="login")


def parameter_list(first_id: int, **changes) -> ParameterListing:
    return ParameterListing(IN_SCOPE, parameters={"first_id": first_id}, statements=_statements,
                            **{**_options(), **changes})


def inlined_list(first_id: int) -> ListQuery:
    """The same list written as any list is, with the value in the select."""
    return ListQuery(select(User.id, User.login, User.name).where(User.id >= first_id), **_options())


@pytest.fixture
def users(db):
    people = [add_user(db, f"p{n:02d}", name=f"Person {25 - n:02d}") for n in range(1, 15)]
    people[3].active = False
    db.session.commit()
    return people


def _shown(page) -> tuple:
    return (page.total, page.page, page.sort, [tuple(row) for row in page.items], page.args)


@pytest.mark.parametrize("args", [{}, {"page": "2"}, {"sort": "-name", "page": "3"}, {"page": "99"},
                                  {"per_page": "10", "page": "2"}, {"q": "person 1"}, {"active": "0"},
                                  {"active": "1", "sort": "name", "page": "2"}])
def test_every_page_shows_what_the_list_written_inline_shows(app, users, args):
    first_id = users[2].id
    assert _shown(parameter_list(first_id).page(args)) == _shown(inlined_list(first_id).page(args))


def test_the_plain_page_runs_its_count_and_rows_and_no_rows_when_none_match(app, users, count_queries):
    first, after_last = users[0].id, users[-1].id + 1
    with count_queries() as statements:
        page = parameter_list(first).page({"page": "2"})
    assert len(page.items) == 5 and len(statements) == 2
    with count_queries() as statements:
        page = parameter_list(after_last).page({})
    assert (page.total, page.items) == (0, []) and len(statements) == 1


def test_a_narrowed_list_is_drawn_as_any_list(app, users):
    listing = parameter_list(users[0].id, narrowed=True)
    assert not listing.plain({})
    assert _shown(listing.page({"page": "2"})) == _shown(inlined_list(users[0].id).page({"page": "2"}))


def test_a_change_not_yet_committed_is_counted(app, db, users):
    before = parameter_list(users[0].id).page({}).total
    db.session.add(User(login="pending", name="Pending", session_token="pending-token"))
    assert parameter_list(users[0].id).page({}).total == before + 1
    db.session.rollback()
