"""Lists narrowed to one customer, deal or order (``?customer=12``): where the smart buttons of a customer, a deal
or an order lead (issue 12), with a chip above the list that names the record and removes the narrowing.

The narrowing is applied to the list's scoped select, so a count on a smart button and the list it opens read the
same rows. An id that is not a whole number is ignored; an id the user may not see names nothing (and, the list
being scoped, shows nothing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.security import scoped
from core.web.params import record_id
from plugins.pipeline.models import Deal, Order

#: The chip of a record that does not exist or that the user may not see: the same words for both.
UNSEEN = _l("a record not available to you")


@dataclass(frozen=True)
class Chip:
    """One narrowing in force: "Customer: 杭州云帆科技有限公司"."""

    key: str
    label: str
    name: str


@dataclass(frozen=True)
class Narrow:
    key: str
    label: Any
    #: The SQL condition for a record id.
    condition: Callable[[int], Any]
    #: The record's name as ``user`` may see it, or None.
    name_of: Callable[[int, Any], str | None]


def customer_name(customer_id: int, user: Any) -> str | None:
    from plugins.crm.access import scoped_customers
    from plugins.crm.models import Customer

    return db.session.scalar(scoped_customers(user, "crm.customer.view", select(Customer.name))
                             .where(Customer.id == customer_id))


def deal_title(deal_id: int, user: Any) -> str | None:
    return db.session.scalar(scoped(select(Deal.title).where(Deal.id == deal_id), Deal, "pipeline.deal.view", user))


def order_number(order_id: int, user: Any) -> str | None:
    return db.session.scalar(scoped(select(Order.number).where(Order.id == order_id), Order, "pipeline.order.view",
                                    user))


def by_customer(column: Any) -> Narrow:
    return Narrow("customer", _l("Customer"), lambda cid: column == cid, customer_name)


def by_deal(condition: Callable[[int], Any]) -> Narrow:
    return Narrow("deal", _l("Deal"), condition, deal_title)


def by_order(column: Any) -> Narrow:
    return Narrow("order", _l("Order"), lambda oid: column == oid, order_number)


def narrowed(stmt: Any, args: Mapping[str, str], narrows: list[Narrow], user: Any) -> tuple[Any, list[Chip]]:
    """``stmt`` narrowed by each of ``narrows`` that ``args`` names, and the chips that say so."""
    chips = []
    for narrow in narrows:
        ident = record_id(args.get(narrow.key))
        if not ident:
            continue
        stmt = stmt.where(narrow.condition(ident))
        chips.append(Chip(narrow.key, str(narrow.label), narrow.name_of(ident, user) or str(UNSEEN)))
    return stmt, chips
