"""Searchable selects of the pipeline's records (issue 12: no dropdown of a whole table): ``pipeline.product``
(active products, found by name or SKU; what a quotation line quotes) and ``pipeline.deal`` (the deals the user may
see, by title or customer). Served by the core at ``/lookup/<kind>``; forms use ``LookupField(kind=…)``."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from core.contracts import LookupDef
from core.extensions import db
from core.security import scoped
from plugins.pipeline.models import Deal, Product


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def product_label(name: str, sku: str) -> str:
    """The product's full name and its SKU: never cut (issue 12: the quotation form cut product names)."""
    return f"{name} ({sku})"


def search_products(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """Active products (only they can be quoted) whose name or SKU contains every word of ``query``."""
    stmt = select(Product.id, Product.name, Product.sku).where(Product.active.is_(True))
    words = query.split()
    if words:
        stmt = stmt.where(and_(*(or_(Product.name.ilike(_like(w), escape="\\"), Product.sku.ilike(_like(w), escape="\\"))
                                 for w in words)))
    rows = db.session.execute(stmt.order_by(Product.name, Product.id).limit(limit).offset(offset))
    return [(pid, product_label(name, sku)) for pid, name, sku in rows]


def product_labels(ids: list[int], user: Any) -> dict[int, str]:
    """Labels of the active products among ``ids``: an inactive one cannot be chosen (the service refuses it)."""
    rows = db.session.execute(select(Product.id, Product.name, Product.sku)
                              .where(Product.id.in_(ids), Product.active.is_(True)))
    return {pid: product_label(name, sku) for pid, name, sku in rows}


def search_deals(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """Deals ``user`` may see whose title or customer contains every word of ``query``, newest first."""
    from plugins.crm.models import Customer

    stmt = scoped(select(Deal.id, Deal.title, Customer.name).join(Customer, Customer.id == Deal.customer_id),
                  Deal, "pipeline.deal.view", user)
    words = query.split()
    if words:
        stmt = stmt.where(and_(*(or_(Deal.title.ilike(_like(w), escape="\\"), Customer.name.ilike(_like(w), escape="\\"))
                                 for w in words)))
    rows = db.session.execute(stmt.order_by(Deal.created_at.desc(), Deal.id.desc()).limit(limit).offset(offset))
    return [(did, f"{title} · {customer}") for did, title, customer in rows]


def deal_labels(ids: list[int], user: Any) -> dict[int, str]:
    from plugins.crm.models import Customer

    rows = db.session.execute(scoped(select(Deal.id, Deal.title, Customer.name)
                                     .join(Customer, Customer.id == Deal.customer_id).where(Deal.id.in_(ids)),
                                     Deal, "pipeline.deal.view", user))
    return {did: f"{title} · {customer}" for did, title, customer in rows}


def deal_path(deal_id: int) -> str:
    return url_for("pipeline.deal", deal_id=deal_id)


def lookup_definitions() -> list[LookupDef]:
    return [LookupDef("pipeline.product", _l("Product"), search=search_products, label_for=product_labels,
                      permission="pipeline.product.view"),
            LookupDef("pipeline.deal", _l("Deal"), search=search_deals, label_for=deal_labels,
                      permission="pipeline.deal.view", url=deal_path)]
