"""The customer list's search (R2.1.1, issue 5): customers whose name, phone or e-mail *contains* what was typed,
found through the substring index crm_customer_gram (models.CustomerSearchGram), not by reading every customer.

What a user types is normalised as the stored values are (services/normalise.py): a name to its key (lower case,
no spaces, punctuation or company suffix), a phone to its digits, an e-mail to lower case. A customer matches when
one of its values contains the normalised text: "星河" finds 北京星河科技有限公司, "8000" finds 13800138000.

How the index answers, for each of the three values (W = SEARCH_WINDOW characters):
- a text of at most W characters: the index rows of that value whose window starts with the text, one range of
  the index's key: exactly the customers whose value contains the text;
- a longer text: the customers with a window equal to its first W characters and one equal to its last W.
The candidates are then confirmed with LIKE '%text%' on their own row ("%" and "_" typed are literal). All of it
is one subquery of the list's statements. A broad text (``is_broad``: the index holds BROAD_TEXT_CANDIDATES
entries or more and, for a whole scope's list, at least its customers ÷ BROAD_SCOPE_SHARE; asked in one statement
more) is searched with the LIKEs alone, as the list reads its rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression

from core.db.substring_index import (
    bound_window_candidates,
    like_escaped,
    starts_with,
    where_terms,
    window_parameters,
    window_shape,
    with_where_terms,
)
from plugins.crm.models import SEARCH_FIELDS, SEARCH_WINDOW, Customer, CustomerSearchGram
from plugins.crm.services import normalise

#: Fewer digits than this are not taken for a phone number (they would match a large share of all phones).
MIN_PHONE_DIGITS = 3
_PHONE_LIKE = re.compile(r"[\d\s()+-]+")


def search_terms(text: str) -> dict[str, str]:
    """{field letter (models.SEARCH_FIELDS): normalised text} for what was typed into the search box."""
    terms = {}
    key = normalise.name_key(text)
    if key:
        terms["n"] = key
    digits = normalise.phone(text)
    if digits and len(digits) >= MIN_PHONE_DIGITS and _PHONE_LIKE.fullmatch(text):
        terms["p"] = digits
    email = normalise.email(text)
    if email and " " not in email:
        terms["e"] = email
    return terms


#: The search is written with the tables' own columns and aliases made once, not the ORM's attributes and an
#: aliased class per request: building it so cost 0.6 ms for a phone number (an alias's columns are adapted at
#: first use), about three times what it costs now; the SQL is the same (one alias per field, numbered in order).
_GRAM = CustomerSearchGram.__table__.c
_OTHER_GRAM = {field: CustomerSearchGram.__table__.alias().c for field in SEARCH_FIELDS}
_CUSTOMER = Customer.__table__.c


def candidates(field: str, text: str) -> Any:
    """The ids of customers whose value ``field`` may contain ``text`` (exactly those for a short text)."""
    gram = _GRAM
    if len(text) <= SEARCH_WINDOW:
        return select(gram.customer_id).where(gram.field == field, starts_with(gram.gram, text))
    first, last = text[:SEARCH_WINDOW], text[-SEARCH_WINDOW:]
    stmt = select(gram.customer_id).where(gram.field == field, gram.gram == first)
    if last != first:
        other = _OTHER_GRAM[field]
        stmt = stmt.where(exists().where(other.field == field, other.gram == last,
                                         other.customer_id == gram.customer_id))
    return stmt


def customer_search(text: str, indexed: bool = True) -> Any:
    """The condition for the list's search box: name, phone or e-mail containing ``text``; found through the index
    unless ``indexed`` is False (a broad text, see ``is_broad``: the LIKEs alone, on the rows the list reads)."""
    terms = search_terms(text)
    if not terms:
        return false()
    confirmed = [_CUSTOMER[SEARCH_FIELDS[field]].contains(term, autoescape=True) for field, term in terms.items()]
    if not indexed:
        return or_(*confirmed)
    found = [candidates(field, term) for field, term in terms.items()]
    # Confirmed even when every text is short, though the index's answer is then exact: without the LIKE,
    # PostgreSQL estimates the matches well and hash-joins a team's every customer (3.8 ms for "0012" among
    # 100,000), where with it, taking them for a handful, it probes the candidates by id (1.7 ms).
    return and_(_CUSTOMER.id.in_(found[0] if len(found) == 1 else union_all(*found)), or_(*confirmed))


# The same search with the texts as parameters, for statements built once per shape of search (the global search,
# the customer list): for each term of search_terms, (field, how the index answers it): "range" (a text of at most
# SEARCH_WINDOW characters: every window starting with it), "from" (the same without an upper end: no successor),
# "ends" (a longer text: its first and last windows), "first" (a longer text whose windows are equal).


def term_shape(text: str) -> str:
    """How the index answers ``text`` (one of search_terms' values): see above."""
    return window_shape(text, SEARCH_WINDOW)


def search_shapes(terms: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(field, term_shape) of each of search_terms' terms, in their order: what bound_customer_search is built for."""
    return tuple((field, term_shape(text)) for field, text in terms.items())


def term_parameters(field: str, text: str) -> dict[str, str]:
    """The parameters of bound_customer_search for the term ``text`` of ``field``."""
    return {f"{field}_like": like_escaped(text), **window_parameters(field, text, SEARCH_WINDOW)}


def search_parameters(terms: dict[str, str]) -> dict[str, str]:
    """The parameters of bound_customer_search(search_shapes(terms)) for ``terms``."""
    values: dict[str, str] = {}
    for field, text in terms.items():
        values.update(term_parameters(field, text))
    return values


def bound_candidates(field: str, shape: str, literal: bool = False) -> Any:
    """candidates with the text as parameters ``field``_from/_to or _first/_last, written into the SQL at each run
    when ``literal`` (core.db.substring_index.bound_window_candidates: a prepared statement's generic plan on
    PostgreSQL)."""
    return bound_window_candidates(_GRAM, _OTHER_GRAM[field], "customer_id", field, shape, literal=literal,
                                   field=field)


def bound_customer_search(shapes: tuple[tuple[str, str], ...], literal: bool = False) -> Any:
    """customer_search for terms of these shapes (search_shapes), the texts as parameters (search_parameters);
    the windows looked up written in at each run when ``literal`` (bound_candidates)."""
    if not shapes:
        return false()
    return and_(_CUSTOMER.id.in_(bound_candidate_ids(shapes, literal)), bound_confirmed(shapes))


def bound_candidate_ids(shapes: tuple[tuple[str, str], ...], literal: bool = False) -> Any:
    """The index's candidates for terms of these shapes (at least one): a select of customer ids."""
    found = [bound_candidates(field, shape, literal) for field, shape in shapes]
    return found[0] if len(found) == 1 else union_all(*found)


def bound_confirmed(shapes: tuple[tuple[str, str], ...]) -> Any:
    """A customer's own values hold one of the terms (at least one): the LIKEs that confirm the candidates."""
    # contains() as customer_search writes it ('%' || :text || '%'), not a pattern as the parameter: SQLite
    # prepares a LIKE whose pattern is a parameter again at each run (about 60 µs a statement here).
    return or_(*(_CUSTOMER[SEARCH_FIELDS[field]].contains(bindparam(f"{field}_like"), escape="/")
                 for field, _ in shapes))


#: A text with at least this many entries in the index (a customer may hold a window more than once) is "broad"
#: (for a whole scope's customer list: and at least BROAD_SCOPE_SHARE's share of the scope): a list searched for it
#: reads the rows of its scope in the list's order, confirming each with its LIKE, and
#: counts them from those rows, instead of gathering the index's candidates and probing each one (CRM bench at
#: 100,000, a text in every name: 230 ms a statement on PostgreSQL, where the count's scan takes some tens and the
#: page's walk stops at its rows).
BROAD_TEXT_CANDIDATES = 2000


def candidate_count(shapes: tuple[tuple[str, str], ...], literal: bool = False, cap: Any = None) -> Select:
    """How many index entries ``shapes``' texts have (search_parameters), counted up to ``cap`` (default
    :broad_at): whether a text is broad, at the cost of reading at most that many entries (``literal``:
    bound_candidates')."""
    cap = bindparam("broad_at", type_=Integer) if cap is None else cap
    return select(func.count()).select_from(bound_candidate_ids(shapes, literal=literal).limit(cap).subquery())


#: For a large scope, a text is broad only from the scope's customers ÷ this many entries, per database: the broad
#: way's count reads every customer of the scope, so the entries it saves must grow with the scope. Measured at
#: 100,000 customers (a page by the index's way against the broad way, paired: bench/broad_texts.py, figures in
#: bench/README.md, tenth session): on PostgreSQL the manager's two ways cross between 6,200 and 9,900 entries; on
#: SQLite, whose index way probes each candidate cheaply, the manager's near 15,000 and a team's (25,000 customers)
#: near 11,000, so one share is a compromise: a quarter keeps the manager's texts to 25,000 entries on the index and
#: sends a team's from 6,250 the broad way (科技, 9,938 entries: 21.7 ms against the index's 20.1). A
#: representative's cross below 2,000 on both.
BROAD_SCOPE_SHARE = {"postgresql": 16, "sqlite": 4}


def broad_threshold(scope_size: Select | None) -> Any:
    """The entries from which a text is broad: :broad_at (BROAD_TEXT_CANDIDATES), or the scope's customers
    (``scope_size``, a select of their number) ÷ :broad_share (BROAD_SCOPE_SHARE's) when that is more."""
    least = bindparam("broad_at", type_=Integer)
    if scope_size is None:
        return least
    share = scope_size.scalar_subquery() // bindparam("broad_share", type_=Integer)
    return case((share > least, share), else_=least)


@lru_cache(maxsize=256)
def _broad_statement(shapes: tuple[tuple[str, str], ...], scope_size: Select | None) -> Select:
    """(the entries counted up to the threshold, the threshold): candidate_count with broad_threshold as its cap."""
    threshold = broad_threshold(scope_size)
    return select(candidate_count(shapes, cap=threshold).scalar_subquery(), threshold)


def is_broad(connection: Any, terms: dict[str, str], scope_size: Select | None = None,
             scope_parameters: Mapping[str, Any] | None = None) -> bool:
    """Whether the index holds enough entries for ``terms`` (search_terms) that a list is searched the broad way
    (broad_threshold; ``scope_size``: a statement built once, counting the list's scope with
    ``scope_parameters``): one statement that reads at most the threshold's entries."""
    if not terms:
        return False
    parameters = {**search_parameters(terms), **(scope_parameters or {}), "broad_at": BROAD_TEXT_CANDIDATES,
                  "broad_share": BROAD_SCOPE_SHARE.get(connection.dialect.name, BROAD_SCOPE_SHARE["postgresql"])}
    found, threshold = connection.execute(_broad_statement(search_shapes(terms), scope_size), parameters).one()
    return found >= threshold


def read_by_table_scan(stmt: Select) -> Select:
    """``stmt`` (a count over the customer table) written so that SQLite reads the table itself, unless one owner's
    customers are asked for (their owner index reads a few thousand).

    A broad text's count reads a large share of the customers: SQLite chose to walk a partial index of the live
    customers for it, looking each row up in the table (133 ms at 100,000, where reading the table takes 26). The
    live-customers condition written as ``merged_into_id + 0 IS NULL`` keeps every partial index out of reach."""
    owner, merged = Customer.__table__.c.owner_id, Customer.__table__.c.merged_into_id
    terms = where_terms(stmt)
    if any(isinstance(term, BinaryExpression) and term.operator is operators.eq
           and getattr(term.left, "name", None) == owner.name and getattr(term.left, "table", None) is owner.table
           for term in terms):
        return stmt

    def unindexed(element: Any) -> Any:
        if (isinstance(element, BinaryExpression) and element.operator is operators.is_
                and getattr(element.left, "table", None) is merged.table and element.left.name == merged.name):
            return (merged + 0).is_(None)
        return element

    return with_where_terms(stmt, unindexed)


def owner_not_indexed(stmt: Select, searching: bool) -> Select:
    """``stmt`` with its conditions on the owner written so that SQLite does not use an index for them.

    Without statistics (sqlite_stat1, which nothing here maintains) SQLite takes any owner condition for selective:
    for a team's "owner_id IN (...)" it read the team's every customer by the owner index and sorted them all for
    one page (75 ms for 30,000 customers) where walking the sort's index and skipping other teams' rows reads a few
    pages (under 1 ms); while searching, it read a representative's every customer where the search's own indexes
    find a few. An equality on the owner is kept when not searching: the (owner, sort) indexes serve it best.
    PostgreSQL, with statistics, chooses well by itself."""
    owner = Customer.__table__.c.owner_id
    wanted = (operators.in_op, operators.eq) if searching else (operators.in_op,)

    def unindexed(element: Any) -> Any:
        if (isinstance(element, BinaryExpression) and element.operator in wanted
                and getattr(element.left, "table", None) is owner.table and element.left.name == owner.name):
            return BinaryExpression(owner + 0, element.right, element.operator)
        return element

    # Only the top-level conditions (the scope's and the owner filter's are there): rewriting the whole tree,
    # search subqueries included, cost more than the query on a small page.
    return with_where_terms(stmt, unindexed)
