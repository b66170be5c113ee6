"""The CRM's kinds for searchable selects (issue 12: a dropdown of every customer stopped at 500; the 501st could
not be chosen): ``crm.customer`` and ``crm.contact``, served by the core at ``/lookup/<kind>`` and picked in forms
with ``core.web.lookup.LookupField(kind=…)``.

Both answer only within the user's scope on ``crm.customer.view`` (R2.1-R2.3: own, team, all; merged-away files
hidden), page by ``limit``/``offset`` and never cap what can be found otherwise. A customer is found as on the
customer list: its name, phone or e-mail containing what was typed (the substring index, services/search_terms.py),
or its number; a contact by its name, or its phone or e-mail starting with what was typed."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select, union_all

from core.contracts import LookupDef
from core.db.substring_index import contains_any_case, is_sqlite, prefix_match
from core.extensions import db
from core.web.params import record_id
from plugins.crm.access import VIEW, scope_of, scoped_customers
from plugins.crm.models import Contact, Customer
from plugins.crm.services.links import customer_path
from plugins.crm.services.search_terms import customer_search, is_broad, owner_not_indexed, search_terms


def _customer_match(query: str, broad: bool) -> Any:
    """Name, phone or e-mail containing ``query`` (``broad``: by its LIKEs alone, see search_terms.is_broad); or,
    for a number, the customer of that number (forms and pages call a customer by its number: "Give a customer
    number")."""
    condition = customer_search(query, indexed=not broad)
    number = record_id(query) if query.isdigit() else None
    return or_(condition, Customer.id == number) if number else condition


def search_customers(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """(id, name) of the customers ``user`` sees that match ``query`` (all of them for ``""``), by name then id."""
    stmt = scoped_customers(user, VIEW, select(Customer.id, Customer.name))
    if query:
        sqlite = is_sqlite()
        broad = _read_as_broad(query, user, sqlite)
        stmt = stmt.where(_customer_match(query, broad))
        if sqlite and not broad:
            # Without statistics SQLite would walk the name index (or a representative's every customer) testing
            # each row against the search, where the search's own index finds the few matches to sort.
            stmt = owner_not_indexed(stmt, searching=True)
            order = (func.coalesce(Customer.name, Customer.name), Customer.id)
            return [(r.id, r.name) for r in db.session.execute(stmt.order_by(*order).limit(limit).offset(offset))]
    rows = db.session.execute(stmt.order_by(Customer.name, Customer.id).limit(limit).offset(offset))
    return [(r.id, r.name) for r in rows]


def _read_as_broad(query: str, user: Any, sqlite: bool) -> bool:
    """Whether a broad text (search_terms.is_broad: thousands of customers hold it) is tested on the rows read,
    in the name's order until a page is found, instead of gathering and sorting every match the index holds.

    PostgreSQL: for every scope (100,000 customers, 科技 in one name of ten: 15-16 → 2-3 ms). SQLite: for a
    representative's own customers only (科技: 8 → 1.7 ms). A team's it reads by the owners' index and sorts them
    all (9 → 23 ms), and the whole company's by the name's index, where a word that starts many names (北京)
    lies far along it (bench/broad_texts.py; bench/README.md, tenth session)."""
    scope = scope_of(user, VIEW)
    if scope is None or sqlite and scope != "own":
        return False
    return is_broad(db.session.connection(), search_terms(query))


def customer_labels(ids: list[int], user: Any) -> dict[int, str]:
    """{id: name} of those of ``ids`` the user sees: what a form shows as its value, and what it accepts."""
    if not ids:
        return {}
    stmt = scoped_customers(user, VIEW, select(Customer.id, Customer.name)).where(Customer.id.in_(ids))
    return {r.id: r.name for r in db.session.execute(stmt)}


def _contact_label(name: str, customer_name: str) -> str:
    return f"{name} · {customer_name}"  # many contacts share a name: their customer tells them apart


def _contacts(user: Any) -> Select:
    """Live (not anonymised) contacts of customers ``user`` sees: (id, name, customer name)."""
    stmt = select(Contact.id, Contact.name, Customer.name.label("customer_name")).join(
        Customer, Customer.id == Contact.customer_id)
    return scoped_customers(user, VIEW, stmt).where(Contact.anonymised_at.is_(None))


def search_contacts(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """(id, "name · customer") of the contacts ``user`` sees whose name contains ``query`` or whose phone or
    e-mail starts with it, by name then id."""
    stmt = _contacts(user)
    if query:
        terms = search_terms(query)
        ways = [select(Contact.id).where(contains_any_case(Contact.name, query))]
        if "p" in terms:
            ways.append(select(Contact.id).where(prefix_match(Contact.phone, terms["p"])))
        if "e" in terms:
            ways.append(select(Contact.id).where(prefix_match(Contact.email, terms["e"])))
        stmt = stmt.where(Contact.id.in_(ways[0] if len(ways) == 1 else union_all(*ways)))
    rows = db.session.execute(stmt.order_by(Contact.name, Contact.id).limit(limit).offset(offset))
    return [(r.id, _contact_label(r.name, r.customer_name)) for r in rows]


def contact_labels(ids: list[int], user: Any) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(_contacts(user).where(Contact.id.in_(ids)))
    return {r.id: _contact_label(r.name, r.customer_name) for r in rows}


def definitions() -> list[LookupDef]:
    return [
        LookupDef("crm.customer", _l("Customer"), search=search_customers, label_for=customer_labels,
                  permission=VIEW, url=customer_path),
        LookupDef("crm.contact", _l("Contact"), search=search_contacts, label_for=contact_labels, permission=VIEW),
    ]
