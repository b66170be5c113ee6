"""Global search over deals, products and orders, each limited to what the user may see."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import or_, select

from core.contracts import SearchResult
from core.extensions import db
from core.security import can, scoped
from plugins.pipeline.models import Deal, Order, Product


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query:
        return []
    pattern = f"%{query}%"
    results: list[SearchResult] = []
    if can(user, "pipeline.deal.view"):
        deals = db.session.scalars(scoped(select(Deal).where(Deal.title.ilike(pattern)), Deal, "pipeline.deal.view",
                                          user).order_by(Deal.created_at.desc()).limit(limit)).all()
        results += [SearchResult(title=d.title, url=url_for("pipeline.deal", deal_id=d.id), kind="deal",
                                 snippet=d.customer.name) for d in deals]
    if can(user, "pipeline.product.view") and len(results) < limit:
        products = db.session.scalars(select(Product).where(or_(Product.name.ilike(pattern),
                                                                Product.sku.ilike(pattern)))
                                      .order_by(Product.name).limit(limit - len(results))).all()
        results += [SearchResult(title=p.name, url=url_for("pipeline.product", product_id=p.id), kind="product",
                                 snippet=p.sku) for p in products]
    if can(user, "pipeline.order.view") and len(results) < limit:
        orders = db.session.scalars(scoped(select(Order).where(or_(Order.number.ilike(pattern),
                                                                   Order.external_number.ilike(pattern))),
                                           Order, "pipeline.order.view", user)
                                    .order_by(Order.ordered_at.desc()).limit(limit - len(results))).all()
        results += [SearchResult(title=o.number, url=url_for("pipeline.order", order_id=o.id), kind="order",
                                 snippet=o.customer.name) for o in orders]
    return results
