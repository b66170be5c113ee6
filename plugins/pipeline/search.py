"""Global search over deals, products and orders, each limited to what the user may see.

One statement a kind, whatever the number of rows or matches; each selects the columns it shows, the customer's
name joined in (no object loaded, none lazily):
- deals whose title contains the text, newest first. Titles have no index: the deals of the user's scope are read
  (a representative's by the owner index);
- products whose name or SKU contains it (the catalogue is small);
- orders, only for a text that looks like an order number (a digit, no spaces): those whose number or shop order
  number starts with it, through the number's unique index and the (channel, shop order number) one; each of
  those reads at most ``limit`` rows, the latest numbers first, so that "SO-2026" costs what "SO-2026-000123" does.
"""

from __future__ import annotations

import re
from typing import Any

from flask import url_for

# pgettext: "Deals" alone is translated "商机数" by analytics, and the catalogues are merged.
from flask_babel import pgettext
from sqlalchemy import Select, or_, select, union_all

from core.contracts import SearchResult
from core.db.substring_index import contains_any_case, is_sqlite, prefix_match
from core.extensions import db
from core.security import can, scoped
from plugins.crm.access import owner_condition
from plugins.crm.models import Customer
from plugins.pipeline.models import CHANNELS, Deal, Order, Product

#: Order numbers (SO-2026-000123, SH-…) and shops' order numbers: Latin letters and digits, maybe separated.
_ORDER_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./#-]*")


def looks_like_order_number(text: str) -> bool:
    return bool(_ORDER_NUMBER.fullmatch(text)) and any(c.isdigit() for c in text)


def deals_statement(query: str, user: Any, limit: int) -> Select:
    """(id, title, customer name) of matching deals in ``user``'s scope, newest first."""
    stmt = (select(Deal.id, Deal.title, Customer.name).join(Customer, Customer.id == Deal.customer_id)
            .where(contains_any_case(Deal.title, query)))
    # Newest first by id, not by created_at: read in the table's own order, where walking the created_at index
    # fetched each deal's row separately (SQLite).
    return scoped(stmt, Deal, "pipeline.deal.view", user).order_by(Deal.id.desc()).limit(limit)


def products_statement(query: str, limit: int) -> Select:
    return (select(Product.id, Product.name, Product.sku)
            .where(or_(contains_any_case(Product.name, query), contains_any_case(Product.sku, query)))
            .order_by(Product.name, Product.id).limit(limit))


def orders_statement(query: str, user: Any, limit: int) -> Select | None:
    """(id, number, customer name) of orders in ``user``'s scope whose number or shop order number starts with
    ``query`` (as typed or in capitals), newest first; None for a text that is not like an order number."""
    if not looks_like_order_number(query):
        return None
    # The scope's owner condition, kept off the owner index on SQLite (no planner statistics there): it would read
    # a representative's every order where the number's index finds the few that match.
    owner = owner_condition(user, "pipeline.order.view", Order.owner_id + 0 if is_sqlite() else Order.owner_id)
    branches = []
    for text in dict.fromkeys((query, query.upper())):
        branches.append(select(Order.id).where(prefix_match(Order.number, text), owner)
                        .order_by(Order.number.desc()).limit(limit))
        branches.append(select(Order.id).where(Order.channel.in_(CHANNELS),
                                               prefix_match(Order.external_number, text), owner).limit(limit))
    found = union_all(*(select(branch.subquery().c.id) for branch in branches))
    return (select(Order.id, Order.number, Customer.name).join(Customer, Customer.id == Order.customer_id)
            .where(Order.id.in_(found)).order_by(Order.ordered_at.desc(), Order.id.desc()).limit(limit))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query:
        return []
    results: list[SearchResult] = []
    if can(user, "pipeline.deal.view"):
        results += [SearchResult(title=title, url=url_for("pipeline.deal", deal_id=deal_id), kind="deal", kind_label=pgettext("search results", "Deals"),
                                 snippet=customer_name)
                    for deal_id, title, customer_name in db.session.execute(deals_statement(query, user, limit))]
    if can(user, "pipeline.product.view") and len(results) < limit:
        results += [SearchResult(title=name, url=url_for("pipeline.product", product_id=product_id), kind="product", kind_label=pgettext("search results", "Products"),
                                 snippet=sku)
                    for product_id, name, sku in db.session.execute(products_statement(query, limit - len(results)))]
    orders = None
    if can(user, "pipeline.order.view") and len(results) < limit:
        orders = orders_statement(query, user, limit - len(results))
    if orders is not None:
        results += [SearchResult(title=number, url=url_for("pipeline.order", order_id=order_id), kind="order", kind_label=pgettext("search results", "Orders"),
                                 snippet=customer_name)
                    for order_id, number, customer_name in db.session.execute(orders)]
    return results

