"""Global search over customers and contacts, only among the customers the user may see (R11).

At most two statements, whatever the number of customers, contacts or matches:
- customers whose name, phone or e-mail contains the text, through the customer list's substring index
  (services/search_terms.py, the same normalisation as the list's search box: "星河" finds 北京星河科技有限公司,
  "8000" finds 13800138000), newest first;
- only if fewer than ``limit`` customers matched: contacts of those customers (the customer_id index), contacts whose
  phone or e-mail starts with the text (the phone and e-mail indexes) and, for a text that can be part of a person's
  name (no digit, no "@"), contacts whose name contains it. Contact names have no substring index: that last part
  reads the contacts of the user's scope (bench/search_bench.py measures it).

"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import url_for

# pgettext: "Customers" alone is translated "客户数" by analytics, and the catalogues are merged.
from flask_babel import pgettext
from sqlalchemy import Select, select, union_all

from core.contracts import SearchResult
from core.db.substring_index import contains_any_case, is_sqlite, prefix_match
from core.extensions import db
from core.security import can
from plugins.crm.access import scoped_customers
from plugins.crm.models import Contact, Customer
from plugins.crm.services.search_terms import customer_search, owner_not_indexed, search_terms

#: A digit or "@": the text is a phone or an e-mail, not part of a person's name.
_NOT_A_NAME = re.compile(r"[\d@]")


def customers_statement(query: str, user: Any, limit: int) -> Select:
    """Matching customers in ``user``'s scope, newest first: (id, name, grade, region, industry)."""
    stmt = (scoped_customers(user, stmt=select(Customer.id, Customer.name, Customer.grade, Customer.region,
                                                Customer.industry))
            .where(customer_search(query)))
    if is_sqlite():
        # Without planner statistics SQLite would read a representative's every customer by the owner index,
        # where the search's own index finds the few that match.
        stmt = owner_not_indexed(stmt, searching=True)
    # Newest first, not by name: the index's matches come in id order, so a text that many customers contain
    # stops at ``limit`` rows instead of sorting them all (the results page sorts what it shows by name).
    return stmt.order_by(Customer.id.desc()).limit(limit)


def contacts_statement(query: str, user: Any, limit: int, customer_ids: Sequence[int] = ()) -> Select | None:
    """Matching contacts (not anonymised) of customers in ``user``'s scope, newest first: (id, name, customer id,
    customer name); None when the text cannot match a contact. ``customer_ids``: the customers that matched, whose
    contacts are found as well."""
    terms = search_terms(query)
    found = []  # selects of contact ids: one each way a contact may match, so that planners estimate each alone
    if customer_ids:
        found.append(select(Contact.id).where(Contact.customer_id.in_(customer_ids)))
    if "p" in terms:
        found.append(select(Contact.id).where(prefix_match(Contact.phone, terms["p"])))
    if "e" in terms:
        found.append(select(Contact.id).where(prefix_match(Contact.email, terms["e"])))
    if not _NOT_A_NAME.search(query):
        # No index: the contacts of the user's scope are read (a representative's through the owner index).
        found.append(scoped_customers(user, stmt=select(Contact.id).join(Customer, Customer.id == Contact.customer_id))
                     .where(contains_any_case(Contact.name, query)))
    if not found:
        return None
    stmt = scoped_customers(user, stmt=select(Contact.id, Contact.name, Contact.customer_id, Customer.name)
                            .join(Customer, Customer.id == Contact.customer_id))
    return (stmt.where(Contact.id.in_(found[0] if len(found) == 1 else union_all(*found)),
                       Contact.anonymised_at.is_(None))
            .order_by(Contact.id.desc()).limit(limit))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    query = (query or "").strip()
    if not query or not can(user, "crm.customer.view"):
        return []
    customers = db.session.execute(customers_statement(query, user, limit)).all()
    results = [SearchResult(title=row.name, url=url_for("crm.customer", customer_id=row.id), kind="customer", kind_label=pgettext("search results", "Customers"),
                            snippet=" · ".join(filter(None, [row.grade, row.region, row.industry])))
               for row in customers]
    if len(results) < limit:  # then every matching customer is known, and their contacts are found by their ids
        contacts = contacts_statement(query, user, limit - len(results), [row.id for row in customers])
        rows = db.session.execute(contacts).all() if contacts is not None else []
        results += [SearchResult(title=name, url=url_for("crm.customer", customer_id=customer_id), kind="contact", kind_label=pgettext("search results", "Contacts"),
                                 snippet=customer_name) for _id, name, customer_id, customer_name in rows]
    return results
