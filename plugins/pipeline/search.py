"""Global search over deals, products and orders, each limited to what the user may see.

One statement a kind, whatever the number of rows or matches; each selects the columns it shows, the customer's
name joined in (no object loaded, none lazily):
- deals whose title contains the text, newest first, through the titles' substring index (pipeline_deal_gram, kept
  by database triggers like the CRM's contact names' crm_contact_gram): a text of up to DEAL_SEARCH_WINDOW
  characters is one range of it, a longer one its first and last windows, and the LIKE confirms the candidates.
  Only a text with a cased letter other than ASCII, which the databases' lower() may fold otherwise than
  Python's, reads the deals of the user's scope instead (a representative's by the owner index);
- products whose name or SKU contains it (the catalogue is small);
- orders, only for a text that looks like an order number (a digit, no spaces): those whose number or shop order
  number starts with it, through the number's unique index and the (channel, shop order number) one; each of
  those reads at most ``limit`` rows, the latest numbers first, so that "SO-2026" costs what "SO-2026-000123" does.

Each statement is built once per process for each shape it can take (scope, database, whether the text needs
lower() or a range, how the titles' index answers it) with the text, the user and the limit as parameters, and
runs on the session's connection: building and caching a statement of this size at every search cost more than
running it (issue 18). The SQL is what the conditions of core.db.substring_index and core.security.scoped write,
with the texts bound as parameters (the same module's bound_contains and bound_prefix_match); only the windows
looked up in the titles' index are written in on PostgreSQL (_title_candidates says why).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# pgettext: "Deals" alone is translated "商机数" by analytics, and the catalogues are merged.
from flask_babel import pgettext
from sqlalchemy import Select, bindparam, or_, select, union_all

from core.contracts import SearchResult
from core.db.substring_index import (
    bound_contains,
    bound_prefix_match,
    bound_window_candidates,
    cased_beyond_ascii,
    contains_pattern,
    needs_lower,
    prefix_parameters,
    prefix_upper,
    window_parameters,
    window_shape,
)
from core.extensions import db
from core.security import can, scope_condition, scope_for, scope_parameters
from core.web.record_links import record_url_prefix
from plugins.crm.models import Customer
from plugins.pipeline.models import CHANNELS, DEAL_SEARCH_WINDOW, Deal, DealSearchGram, Order, Product

#: Order numbers (SO-2026-000123, SH-…) and shops' order numbers: Latin letters and digits, maybe separated.
_ORDER_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./#-]*")


def looks_like_order_number(text: str) -> bool:
    return bool(_ORDER_NUMBER.fullmatch(text)) and any(c.isdigit() for c in text)


#: Each statement is built once per shape (lru_cache): a handful in all (scopes × databases × the text's kind);
#: SHAPES_KEPT bounds them whatever is typed.
SHAPES_KEPT = 256


_GRAM = DealSearchGram.__table__.c
_OTHER_GRAM = DealSearchGram.__table__.alias().c


def _title_index_shape(query: str) -> str | None:
    """How pipeline_deal_gram answers ``query`` (core.db.substring_index.window_shape), None when it cannot: a
    cased letter beyond ASCII (the deals of the scope are read then)."""
    return None if cased_beyond_ascii(query) else window_shape(query.lower(), DEAL_SEARCH_WINDOW)


def _title_candidates(shape: str, postgresql: bool) -> Select:
    """Deals whose lower-cased title holds the text (lower-cased), from pipeline_deal_gram: exactly those for a
    text of at most DEAL_SEARCH_WINDOW characters, else those with its first and last windows (the LIKE confirms).
    The windows as parameters title_from/_to or title_first/_last (window_parameters).

    On PostgreSQL the windows are written into the SQL at each run (literal_execute; the statement is still built
    once): with them as parameters, once psycopg prepared the statement the server may settle on a generic plan,
    made without them, after a broad text (every deal's "采购"); that plan walks the deals newest first testing
    the LIKE on each, and a rare text then read them all (10 ms at 20,000 deals, where its own plan takes 0.6 ms)."""
    return bound_window_candidates(_GRAM, _OTHER_GRAM, "deal_id", "title", shape, literal=postgresql)


@lru_cache(maxsize=SHAPES_KEPT)
def _deals_statement(scope: str | None, postgresql: bool, lower: bool, index: str | None) -> Select:
    """(id, title, customer name) of deals in the scope whose title contains :title, newest first (:limit);
    ``index`` how the titles' index answers the text (_title_index_shape; None: the scope's deals are read)."""
    stmt = (select(Deal.id, Deal.title, Customer.name).join(Customer, Customer.id == Deal.customer_id)
            .where(bound_contains(Deal.title, "title", lower)))
    owner = Deal.owner_id
    if index is not None:
        stmt = stmt.where(Deal.id.in_(_title_candidates(index, postgresql)))
        # The owner condition kept off the owner index on SQLite (no planner statistics there): it would read a
        # representative's every deal where the titles' index finds the few that match.
        owner = owner if postgresql else owner + 0
    condition = scope_condition(scope, owner, postgresql)
    if condition is not None:
        stmt = stmt.where(condition)
    # Newest first by id, not by created_at: read in the table's own order, where walking the created_at index
    # fetched each deal's row separately (SQLite).
    return stmt.order_by(Deal.id.desc()).limit(bindparam("limit"))


@lru_cache(maxsize=SHAPES_KEPT)
def _products_statement(lower: bool) -> Select:
    return (select(Product.id, Product.name, Product.sku)
            .where(or_(bound_contains(Product.name, "name", lower), bound_contains(Product.sku, "sku", lower)))
            .order_by(Product.name, Product.id).limit(bindparam("limit")))


@lru_cache(maxsize=SHAPES_KEPT)
def _orders_statement(scope: str | None, postgresql: bool, texts: tuple[bool, ...]) -> Select:
    """(id, number, customer name) of orders in the scope whose number or shop order number starts with one of the
    texts (parameters t0_…, t1_…; ``texts``: whether each is a range), newest first (:limit)."""
    # The scope's owner condition, kept off the owner index on SQLite (no planner statistics there): it would read
    # a representative's every order where the number's index finds the few that match.
    owner = scope_condition(scope, Order.owner_id if postgresql else Order.owner_id + 0, postgresql)
    in_scope = () if owner is None else (owner,)  # None: every order (the "all" scope)
    branches = []
    for k, ranged in enumerate(texts):
        branches.append(select(Order.id).where(bound_prefix_match(Order.number, f"t{k}", ranged), *in_scope)
                        .order_by(Order.number.desc()).limit(bindparam("limit")))
        branches.append(select(Order.id).where(Order.channel.in_(CHANNELS),
                                               bound_prefix_match(Order.external_number, f"t{k}", ranged), *in_scope)
                        .limit(bindparam("limit")))
    found = union_all(*(select(branch.subquery().c.id) for branch in branches))
    return (select(Order.id, Order.number, Customer.name).join(Customer, Customer.id == Order.customer_id)
            .where(Order.id.in_(found)).order_by(Order.ordered_at.desc(), Order.id.desc())
            .limit(bindparam("limit")))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query:
        return []
    results: list[SearchResult] = []
    deals = can(user, "pipeline.deal.view")
    products = can(user, "pipeline.product.view")
    orders = can(user, "pipeline.order.view") and looks_like_order_number(query)
    if not (deals or products or orders):
        return results
    # Plain rows on the session's connection (nothing for the ORM to do); pending changes are flushed first, as
    # the ORM's autoflush did.
    db.session.flush()
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    lower = needs_lower(query, postgresql)
    pattern = contains_pattern(query)
    if deals:
        scope = scope_for(user, "pipeline.deal.view")
        index = _title_index_shape(query)
        parameters = {"title": pattern, "limit": limit, **scope_parameters(user, scope)}
        if index is not None:
            parameters.update(window_parameters("title", query.lower(), DEAL_SEARCH_WINDOW))
        rows = connection.execute(_deals_statement(scope, postgresql, lower, index), parameters).all()
        if rows:
            url, label = record_url_prefix("pipeline.deal", "deal_id"), pgettext("search results", "Deals")
            results += [SearchResult(title=title, url=f"{url}{deal_id}", kind="deal", kind_label=label,
                                     snippet=customer_name) for deal_id, title, customer_name in rows]
    if products and len(results) < limit:
        stmt = _products_statement(lower)
        rows = connection.execute(stmt, {"name": pattern, "sku": pattern, "limit": limit - len(results)}).all()
        if rows:
            url, label = record_url_prefix("pipeline.product", "product_id"), pgettext("search results", "Products")
            results += [SearchResult(title=name, url=f"{url}{product_id}", kind="product", kind_label=label,
                                     snippet=sku) for product_id, name, sku in rows]
    if orders and len(results) < limit:
        scope = scope_for(user, "pipeline.order.view")
        texts = tuple(dict.fromkeys((query, query.upper())))
        parameters = {"limit": limit - len(results), **scope_parameters(user, scope)}
        for k, text in enumerate(texts):
            parameters.update(prefix_parameters(f"t{k}", text))
        shape = tuple(prefix_upper(text) is not None for text in texts)
        stmt = _orders_statement(scope, postgresql, shape)
        rows = connection.execute(stmt, parameters).all()
        if rows:
            url, label = record_url_prefix("pipeline.order", "order_id"), pgettext("search results", "Orders")
            results += [SearchResult(title=number, url=f"{url}{order_id}", kind="order", kind_label=label,
                                     snippet=customer_name) for order_id, number, customer_name in rows]
    return results
