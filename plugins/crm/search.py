"""Global search over customers and contacts, only among the customers the user may see (R11)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import or_, select

from core.contracts import SearchResult
from core.extensions import db
from core.security import can
from plugins.crm.access import scoped_customers
from plugins.crm.models import Contact, Customer
from plugins.crm.services import normalise


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query or not can(user, "crm.customer.view"):
        return []
    pattern = f"%{query}%"
    digits = normalise.phone(query)
    customer_match = [Customer.name.ilike(pattern), Customer.email.ilike(pattern)]
    contact_match = [Contact.name.ilike(pattern), Contact.email.ilike(pattern)]
    if digits and len(digits) >= 4:
        customer_match.append(Customer.phone.contains(digits))
        contact_match.append(Contact.phone.contains(digits))
    customers = db.session.scalars(scoped_customers(user).where(or_(*customer_match))
                                   .order_by(Customer.name).limit(limit)).all()
    results = [SearchResult(title=c.name, url=url_for("crm.customer", customer_id=c.id), kind="customer",
                            snippet=" · ".join(filter(None, [c.grade, c.region, c.industry])))
               for c in customers]
    if len(results) < limit:
        rows = db.session.execute(
            scoped_customers(user, stmt=select(Contact, Customer.name).join(Customer, Customer.id == Contact.customer_id))
            .where(or_(*contact_match), Contact.anonymised_at.is_(None)).order_by(Contact.name)
            .limit(limit - len(results))).all()
        results += [SearchResult(title=contact.name, url=url_for("crm.customer", customer_id=contact.customer_id),
                                 kind="contact", snippet=customer_name) for contact, customer_name in rows]
    return results

