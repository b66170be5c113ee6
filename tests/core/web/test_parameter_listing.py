"""core.web.parameter_listing: a list whose statements are built once, with the request's values bound as
parameters, shows exactly what a ListQuery of the same select shows (issue 18), over the core's users."""

from __future__ import annotations

from functools import cache

import pytest
from sqlalchemy import bindparam, or_, select

from core.identity.models import User
from core.web.listing import Filter, ListQuery
from core.web.parameter_listing import PLAIN, ParameterListing, page_statements
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


def test_a_list_that_knows_its_total_runs_no_count(app, users, count_queries):
    """page_total: a list whose page reads its total anyway (the appraisal calibration's grade counts) pages
    through it without a count statement of its own."""

    class KnownTotal(ParameterListing):
        def page_total(self, connection, count, parameters, key) -> int:
            return 12

    listing = KnownTotal(IN_SCOPE, parameters={"first_id": users[0].id}, statements=_statements, **_options())
    with count_queries() as statements:
        page = listing.page({"page": "9"})  # the last page of 12 rows at 5 a page is the third
    assert (page.total, page.page, len(statements)) == (12, 3, 1)


def test_a_narrowed_list_is_drawn_as_any_list(app, users):
    listing = parameter_list(users[0].id, narrowed=True)
    assert not listing.plain({})
    assert _shown(listing.page({"page": "2"})) == _shown(inlined_list(users[0].id).page({"page": "2"}))


def test_a_change_not_yet_committed_is_counted(app, db, users):
    before = parameter_list(users[0].id).page({}).total
    db.session.add(User(login="pending", name="Pending", session_token="pending-token"))
    assert parameter_list(users[0].id).page({}).total == before + 1
    db.session.rollback()


# -- the extension point: other requests served by statements built once (request_shape, page_rows) ------------

#: How often each (sort, number of words) had its statements built.
BUILT: dict[tuple[str, int], int] = {}


@cache
def _searched_statements(sort: str, words: int | None = None):
    """The list's statements for ``sort``, searched for ``words`` words (None: not searched), each word a
    parameter (``word0``…): a search of any words of that number runs them."""
    BUILT[sort, words or 0] = BUILT.get((sort, words or 0), 0) + 1
    stmt = IN_SCOPE
    for n in range(words or 0):
        pattern = bindparam(f"word{n}")
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"), User.login.ilike(pattern, escape="\\")))
    return page_statements(stmt, sort, sorts=SORTS, default_sort="login")


def _word_patterns(text: str) -> dict[str, str]:
    """ListQuery's patterns for the words of ``text`` (the text contained, LIKE's wildcards escaped)."""
    return {f"word{n}": "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for n, word in enumerate(text.split(" "))}


class SearchedListing(ParameterListing):
    """A list whose searches with no filter run statements built once per number of words."""

    def request_shape(self, args):
        if not self.plain({key: value for key, value in args.items() if key != "q"}):
            return None
        text = self.search_text(args)
        return PLAIN if not text else (len(text.split(" ")), _word_patterns(text))


def searched_list(first_id: int) -> SearchedListing:
    return SearchedListing(IN_SCOPE, parameters={"first_id": first_id}, statements=_searched_statements,
                           **_options())


@pytest.mark.parametrize("args", [{"q": "person 1"}, {"q": "PERSON 1", "page": "2", "sort": "-name"},
                                  {"q": "p0", "per_page": "2", "page": "3"}, {"q": "p1 person"}, {"q": "50%"},
                                  {"q": "p_1"}, {"q": "nobody"}, {"q": "p", "page": "99"}, {},
                                  {"q": "person", "active": "0"}])
def test_a_shaped_page_shows_what_the_list_written_inline_shows(app, users, args):
    first_id = users[2].id
    assert _shown(searched_list(first_id).page(args)) == _shown(inlined_list(first_id).page(args))
    assert searched_list(first_id).page(args).q == inlined_list(first_id).page(args).q


def test_a_shape_runs_statements_built_once_with_its_parameters(app, users, count_queries):
    """Two searches of as many words share their statements (built at the first) and find each its own rows in
    two statements; a filter still builds its statements for the request."""
    BUILT.clear()
    _searched_statements.cache_clear()
    first = users[0].id
    with count_queries() as statements:
        one = searched_list(first).page({"q": "p01", "sort": "name"})
    other = searched_list(first).page({"q": "p02", "sort": "name"})
    assert [row.login for row in one.items] == ["p01"] and [row.login for row in other.items] == ["p02"]
    assert len(statements) == 2 and BUILT == {("name", 1): 1}
    searched_list(first).page({"q": "p0 person", "sort": "name"})
    searched_list(first).page({"sort": "name"})
    searched_list(first).page({"q": "p0", "active": "1", "sort": "name"})
    assert BUILT == {("name", 1): 1, ("name", 2): 1, ("name", 0): 1}


def test_a_caller_gives_the_shape_and_a_list_reads_its_rows_its_own_way(app, users):
    """``request_shape=`` serves a list that is not a subclass; ``page_rows`` reads the page (here its ids)."""

    class IdListing(ParameterListing):
        def page_rows(self, connection, rows, parameters):
            return list(connection.scalars(rows, parameters))

    def shape(args):
        text = ListQuery.search_text(args)
        return (1, _word_patterns(text)) if len(text.split(" ")) == 1 and set(args) <= {"q", "page"} else None

    BUILT.clear()
    _searched_statements.cache_clear()
    first = users[2].id
    listing = IdListing(IN_SCOPE, parameters={"first_id": first}, statements=_searched_statements,
                        request_shape=shape, **_options())
    page = listing.page({"q": "person", "page": "2"})
    assert page.items == [row.id for row in inlined_list(first).page({"q": "person", "page": "2"}).items]
    assert (page.total, len(page.items), page.q) == (12, 5, "person") and BUILT == {("login", 1): 1}
    # Not served by the shape (two words): the page is built for the request, as ListQuery builds it.
    assert _shown(listing.page({"q": "person 1"})) == _shown(inlined_list(first).page({"q": "person 1"}))


def test_a_shape_may_not_replace_the_lists_own_parameters(app, users):
    """The list's parameters carry the record scope (the user's id or team): a shape that names one of them is a
    programming error, not a page that shows someone else's rows."""
    listing = ParameterListing(IN_SCOPE, parameters={"first_id": users[2].id}, statements=_searched_statements,
                               request_shape=lambda args: (1, {"first_id": 0, "word0": "%"}), **_options())
    with pytest.raises(ValueError, match="first_id"):
        listing.page({"q": "person"})
