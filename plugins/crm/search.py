"""Global search over customers and contacts, only among the customers the user may see (R11).

At most two statements, whatever the number of customers, contacts or matches:
- customers whose name, phone or e-mail contains the text, through the customer list's substring index
  (services/search_terms.py, the same normalisation as the list's search box: "星河" finds 北京星河科技有限公司,
  "8000" finds 13800138000), newest first; a text in very many customers (BROAD_TEXT_CANDIDATES) by reading the
  scope's customers newest first instead;
- only if fewer than ``limit`` customers matched: contacts of those customers (the customer_id index), contacts whose
  phone or e-mail starts with the text (the phone and e-mail indexes) and, for a text that can be part of a person's
  name (no digit, no "@"), contacts whose name contains it, through the contact names' substring index
  (crm_contact_gram, kept by triggers like the customers'); only a text with a cased letter other than ASCII,
  which the databases' lower() may fold otherwise than Python's, reads the contacts of the user's scope instead.

Both statements are built once per process for each shape they can take (scope, database, which values the text
can be and how the index answers it) with the texts, the user and the limit as parameters, and run on the
session's connection: building and caching them at every search cost more than running them (issue 18). The SQL
is what customer_search, prefix_match, contains_any_case and scoped_customers write (access.in_scope, the
customers' one scope rule), with the texts bound as parameters (core.db.substring_index's bound_prefix_match,
bound_contains and contains_pattern).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# pgettext: "Customers" alone is translated "客户数" by analytics, and the catalogues are merged.
from flask_babel import pgettext
from sqlalchemy import Integer, Select, bindparam, case, false, select, union_all

from core.contracts import SearchResult
from core.db.parameters import one_of
from core.db.substring_index import (
    bound_contains,
    bound_prefix_match,
    bound_window_candidates,
    cased_beyond_ascii,
    contains_pattern,
    prefix_parameters,
    prefix_upper,
    window_parameters,
    window_shape,
)
from core.extensions import db
from core.security import can, scope_for, scope_parameters
from core.web.record_links import record_url_prefix
from plugins.crm.access import in_scope
from plugins.crm.models import SEARCH_WINDOW, Contact, ContactSearchGram, Customer
from plugins.crm.services import search_terms as term_search
from plugins.crm.services.search_terms import (
    bound_confirmed,
    bound_customer_search,
    candidate_count,
    owner_not_indexed,
    search_parameters,
    search_shapes,
    search_terms,
)

VIEW = "crm.customer.view"
#: A digit or "@": the text is a phone or an e-mail, not part of a person's name.
_NOT_A_NAME = re.compile(r"[\d@]")
_CONTACT_GRAM = ContactSearchGram.__table__.c
_OTHER_CONTACT_GRAM = ContactSearchGram.__table__.alias().c


#: Each statement is built once per shape (lru_cache): scopes × databases × which values the text can be and how
#: the index answers each, a few dozen in practice; SHAPES_KEPT bounds them whatever is typed.
SHAPES_KEPT = 512


# Broad texts: a text with BROAD_TEXT_CANDIDATES index entries or more (services/search_terms.py) is read
# another way, the scope's customers newest first (a representative's through their owner index) until ``limit`` of
# them hold it (a text in one customer of fifty is met within some thousand of them), instead of gathering every
# candidate: 8,913 for "科技" among 100,000, each probed for its owner, took 17 ms on PostgreSQL (the owner's walk
# well under one); SQLite took 1.4-2.0 ms to gather them, 0.2-0.4 ms to walk. A text in few of the scope's customers
# but many others' reads the whole scope that way (a representative's some thousand customers by their owner index;
# on SQLite a team's by the primary key, skipping the rest: every customer, as a team's plain list may). On
# PostgreSQL the manager's and a team's "科技" took 4.6-4.7 ms by the index, 0.9-1.0 gated, and "x" (in every
# e-mail) 49-67 ms against 1.5-1.7; narrow texts 0.2-0.7 ms either way (the gated ones with their windows written
# in, planned for the text).

_COLUMNS = (Customer.id, Customer.name, Customer.grade, Customer.region, Customer.industry)
_LIMIT = bindparam("limit")


@lru_cache(maxsize=SHAPES_KEPT)
def _customers_statement(scope: str | None, postgresql: bool, terms: tuple[tuple[str, str], ...]) -> Select:
    """Matching customers in the scope, newest first (:limit): (id, name, grade, region, industry).

    Newest first, not by name: the index's matches come in id order, so a text that many customers contain stops
    at ``limit`` rows instead of sorting them all (the results page sorts what it shows by name). A text the index
    has BROAD_TEXT_CANDIDATES entries or more in (as parameter :broad_at, decided once by a count of at most
    that many of its entries) is read another way: the scope's customers newest first, confirmed by their own
    values, until ``limit`` of them hold it. One statement with two branches, of which the database runs one."""
    if not terms:
        return in_scope(select(*_COLUMNS), scope, postgresql).where(false()).limit(_LIMIT)
    return _gated_by_filter(scope, terms) if postgresql else _gated_by_limit(scope, terms)


def _by_index(scope: str | None, postgresql: bool, terms: tuple[tuple[str, str], ...],
              literal: bool = False) -> Select:
    """The scope's customers among the index's candidates for ``terms``, newest first (no limit yet)."""
    stmt = in_scope(select(*_COLUMNS), scope, postgresql).where(bound_customer_search(terms, literal=literal))
    if not postgresql:
        # Without planner statistics SQLite would read a representative's every customer by the owner index,
        # where the search's own index finds the few that match.
        stmt = owner_not_indexed(stmt, searching=True)
    return stmt.order_by(Customer.id.desc())


def _by_owner(scope: str | None, postgresql: bool, terms: tuple[tuple[str, str], ...]) -> Select:
    """The scope's customers holding ``terms``, newest first, read by the primary key or, for a representative,
    the owner's (owner, id) index, with no look-up in the substring index (no limit yet)."""
    stmt = in_scope(select(*_COLUMNS), scope, postgresql).where(bound_confirmed(terms))
    if not postgresql:
        stmt = owner_not_indexed(stmt, searching=False)  # a team's IN walks the primary key, skipping the rest
    return stmt.order_by(Customer.id.desc())


def _broad_text(terms: tuple[tuple[str, str], ...], literal: bool) -> Any:
    """A one-row CTE: whether the index holds at least :broad_at entries for ``terms`` (counted up to that)."""
    counted = candidate_count(terms, literal=literal).scalar_subquery()
    return select((counted >= bindparam("broad_at", type_=Integer)).label("broad")).cte("broad_text")


def _newest_of(branches: list[Select]) -> Select:
    """The ``limit`` newest rows of the branches (each already newest first and limited)."""
    found = union_all(*(select(branch.subquery()) for branch in branches)).subquery()
    return select(found).order_by(found.c.id.desc()).limit(_LIMIT)


def _gated_by_filter(scope: str | None, terms: tuple[tuple[str, str], ...]) -> Select:
    """PostgreSQL: each branch carries the gate as a condition, which the server runs as a one-time filter.

    The windows looked up are written in (literal): with them as parameters, once the statement is prepared the
    server may keep a generic plan made after a broad text, which read a rare one's candidates by the owner's
    walk (14 ms where its own plan takes 0.5)."""
    broad = _broad_text(terms, literal=True)
    is_broad = select(broad.c.broad).scalar_subquery()
    return _newest_of([_by_index(scope, True, terms, literal=True).where(~is_broad).limit(_LIMIT),
                       _by_owner(scope, True, terms).where(is_broad).limit(_LIMIT)])


def _gated_by_limit(scope: str | None, terms: tuple[tuple[str, str], ...]) -> Select:
    """SQLite: each branch's LIMIT is the gate (0 for the branch not taken, which SQLite then does not start).

    As a condition, the gate did not keep SQLite from gathering the index's every candidate first (10 ms for
    "科技" at 100,000 customers); with it in the LIMIT the broad text's statement takes 0.2-0.4 ms, where reading
    its 10,000 candidates took 1.4-2.0 ms."""
    broad = _broad_text(terms, literal=False)
    index_limit = select(case((broad.c.broad, 0), else_=_LIMIT)).scalar_subquery()
    owner_limit = select(case((broad.c.broad, _LIMIT), else_=0)).scalar_subquery()
    return _newest_of([_by_index(scope, False, terms).limit(index_limit),
                       _by_owner(scope, False, terms).limit(owner_limit)])


def _name_candidates(shape: str) -> Select:
    """Contacts whose lower-cased name holds the text (lower-cased), from crm_contact_gram: exactly those for a
    text of at most SEARCH_WINDOW characters, else those with its first and last windows (the LIKE confirms).
    The text as parameters name_from/_to or name_first/_last (_name_parameters)."""
    return bound_window_candidates(_CONTACT_GRAM, _OTHER_CONTACT_GRAM, "contact_id", "name", shape)


def _name_index_shape(query: str) -> str | None:
    """How crm_contact_gram answers ``query``, or None when it cannot: a cased letter other than ASCII, which
    the databases' lower() may fold otherwise than Python's (the contacts of the scope are read then)."""
    return None if cased_beyond_ascii(query) else window_shape(query.lower(), SEARCH_WINDOW)


def _name_parameters(query: str) -> dict[str, str]:
    """The parameters of _name_candidates(_name_index_shape(``query``))."""
    return window_parameters("name", query.lower(), SEARCH_WINDOW)


@lru_cache(maxsize=SHAPES_KEPT)
def _contacts_statement(scope: str | None, postgresql: bool, by_customer: bool, phone: bool | None,
                        email: bool | None, name: bool | None, name_index: str | None) -> Select:
    """Matching contacts (not anonymised) of customers in the scope, newest first (:limit): (id, name, customer id,
    customer name). Each way a contact may match is None when the text cannot, else its shape: ``phone`` and
    ``email`` whether the prefix is a range, ``name`` whether lower() is needed, and ``name_index`` how the
    contact names' index answers the text (None: it cannot)."""
    found = []  # selects of contact ids: one each way a contact may match, so that planners estimate each alone
    if by_customer:
        found.append(select(Contact.id).where(one_of(Contact.customer_id, "customer_ids", postgresql)))
    if phone is not None:
        found.append(select(Contact.id).where(bound_prefix_match(Contact.phone, "phone", phone)))
    if email is not None:
        found.append(select(Contact.id).where(bound_prefix_match(Contact.email, "email", email)))
    if name is not None:
        contains = bound_contains(Contact.name, "name", name)
        if name_index is not None:
            # The names' index finds the candidates (the statement's scope applies to them below).
            found.append(select(Contact.id).where(Contact.id.in_(_name_candidates(name_index)), contains))
        else:
            # No index for this text: the contacts of the user's scope are read (a representative's through the
            # owner index).
            found.append(in_scope(select(Contact.id).join(Customer, Customer.id == Contact.customer_id), scope,
                                 postgresql).where(contains))
    stmt = in_scope(select(Contact.id, Contact.name, Contact.customer_id, Customer.name)
                   .join(Customer, Customer.id == Contact.customer_id), scope, postgresql)
    return (stmt.where(Contact.id.in_(found[0] if len(found) == 1 else union_all(*found)),
                       Contact.anonymised_at.is_(None))
            .order_by(Contact.id.desc()).limit(bindparam("limit")))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query or not can(user, VIEW):
        return []
    # Plain rows on the session's connection (nothing for the ORM to do); pending changes are flushed first, as
    # the ORM's autoflush did.
    db.session.flush()
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    scope = scope_for(user, VIEW)
    scope_values = scope_parameters(user, scope)
    terms = search_terms(query)
    shapes = search_shapes(terms)
    parameters = {"limit": limit, "broad_at": term_search.BROAD_TEXT_CANDIDATES, **scope_values,
                  **search_parameters(terms)}
    customers = connection.execute(_customers_statement(scope, postgresql, shapes), parameters).all()
    results = []
    if customers:
        url = record_url_prefix("crm.customer", "customer_id")
        label = pgettext("search results", "Customers")
        results = [SearchResult(title=row.name, url=f"{url}{row.id}", kind="customer", kind_label=label,
                                snippet=" · ".join(filter(None, [row.grade, row.region, row.industry])))
                   for row in customers]
    if len(results) < limit:  # then every matching customer is known, and their contacts are found by their ids
        rows = _contacts(query, terms, scope, postgresql, scope_values, limit - len(results),
                         [row.id for row in customers])
        if rows:
            url, label = record_url_prefix("crm.customer", "customer_id"), pgettext("search results", "Contacts")
            results += [SearchResult(title=name, url=f"{url}{customer_id}", kind="contact", kind_label=label,
                                     snippet=customer_name) for _id, name, customer_id, customer_name in rows]
    return results


def _contacts(query: str, terms: dict[str, str], scope: str | None, postgresql: bool, scope_values: dict[str, Any],
              limit: int, customer_ids: Sequence[int]) -> list[Any]:
    """The rows of the contacts' statement, none when the text cannot match a contact (no statement then)."""
    parameters: dict[str, Any] = {"limit": limit, **scope_values}
    phone = email = name = name_index = None
    if customer_ids:
        parameters["customer_ids"] = list(customer_ids)
    if "p" in terms:
        phone = prefix_upper(terms["p"]) is not None
        parameters.update(prefix_parameters("phone", terms["p"]))
    if "e" in terms:
        email = prefix_upper(terms["e"]) is not None
        parameters.update(prefix_parameters("email", terms["e"]))
    if not _NOT_A_NAME.search(query):
        name = postgresql and query.lower() != query.upper()  # contains_any_case's lower() on both sides
        parameters["name"] = contains_pattern(query)
        name_index = _name_index_shape(query)
        if name_index is not None:
            parameters.update(_name_parameters(query))
    if not (customer_ids or phone is not None or email is not None or name is not None):
        return []
    stmt = _contacts_statement(scope, postgresql, bool(customer_ids), phone, email, name, name_index)
    return db.session.connection().execute(stmt, parameters).all()
