"""Customer files (R5.1.1, R6.1.2): creating, changing, the lifecycle and completeness (R5.1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, union_all, update

from core.identity.models import User
from core.money import MoneyError, parse_money
from core.timeutil import utcnow
from plugins.crm.models import KINDS, SOURCES, STATES, Contact, Customer, CustomerTag, OwnershipChange
from plugins.crm.services import normalise
from plugins.crm.services.errors import Conflict, CRMError, FieldErrors
from plugins.crm.services.search_terms import candidates

#: Allowed lifecycle moves; "lost" and "inactive" customers can be won back.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "lead": ("prospect", "customer", "lost"),
    "prospect": ("customer", "lead", "lost"),
    "customer": ("inactive", "lost"),
    "inactive": ("customer", "lost"),
    "lost": ("lead", "prospect"),
}
#: Fields a complete file has (R5.1.2); each counts equally towards the completeness score.
COMPLETENESS_FIELDS = ("name", "contact_way", "source", "industry", "region", "needs", "contacts", "owner")


@dataclass(frozen=True)
class Duplicate:
    customer_id: int
    name: str
    owner_id: int | None
    reasons: tuple[str, ...]  # "phone", "email", "name"


class DuplicateFound(CRMError):
    """The new file looks like existing ones; the caller shows them and may confirm to create anyway."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        super().__init__(_("This customer may already exist."), field="name")
        self.duplicates = duplicates


def _engine() -> Any:
    return current_app.extensions["netsales"]


def _text(data: dict, key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value[:limit] if value else None


def clean_customer(data: dict, partial: bool = False) -> dict[str, Any]:
    """Validate input for a customer file; returns cleaned values or raises FieldErrors (nothing is saved)."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}

    def given(key: str) -> bool:
        return not partial or key in data

    if given("name"):
        name = _text(data, "name", 200)
        if not name:
            errors["name"] = _("A name is required.")
        cleaned["name"] = name
    if given("kind"):
        kind = data.get("kind") or "company"
        if kind not in KINDS:
            errors["kind"] = _("Choose company or individual.")
        cleaned["kind"] = kind
    if given("state"):
        state = data.get("state") or "lead"
        if state not in STATES:
            errors["state"] = _("Unknown state.")
        cleaned["state"] = state
    if given("source"):
        source = data.get("source") or None
        if source is not None and source not in SOURCES:
            errors["source"] = _("Unknown source channel.")
        cleaned["source"] = source
    for key, limit in (("industry", 100), ("region", 100), ("wechat", 100)):
        if given(key):
            cleaned[key] = _text(data, key, limit)
    if given("needs"):
        cleaned["needs"] = _text(data, "needs", 5000)
    if given("phone"):
        if normalise.phone_problem(data.get("phone")):
            errors["phone"] = _("Enter a phone number of 5 to 20 digits.")
        cleaned["phone"] = normalise.phone(data.get("phone"))
    if given("email"):
        email = normalise.email(data.get("email"))
        if not normalise.email_valid(email) or (email and len(email) > 200):
            errors["email"] = _("Enter a valid e-mail address.")
        cleaned["email"] = email
    if given("potential_value"):
        raw = data.get("potential_value")
        try:  # the one reader of amounts (core.money): what Numeric(14, 2) cannot hold is refused (issue 11 F4)
            cleaned["potential_value"] = parse_money(raw) if raw not in (None, "") else Decimal("0.00")
        except MoneyError as exc:
            errors["potential_value"] = str(exc)
    if given("tags"):
        cleaned["tags"] = normalise.tags(data.get("tags"))
    if errors:
        raise FieldErrors(errors)
    return cleaned


def find_duplicates(session: Any, name: str | None, phone: str | None = None, email: str | None = None,
                    exclude_id: int | None = None, limit: int = 10) -> list[Duplicate]:
    """Live customers with the same phone, the same e-mail or a similar name (R5.1.2), across all owners."""
    phone = normalise.phone(phone)
    email = normalise.email(email)
    key = normalise.name_key(name or "")
    conditions = []
    if phone:
        conditions.append(Customer.phone == phone)
    if email:
        conditions.append(Customer.email == email)
    if key:
        conditions.append(Customer.name_key == key)
        if len(key) >= 4:  # "similar": one name contains the other, for names long enough to mean something
            conditions.append(Customer.name_key.contains(key, autoescape=True))
    if not conditions:
        return []
    # The candidates come from indexes (equalities, and the search index for "contains"), so that a check on entry
    # or for each imported row does not read every customer; the conditions then confirm them.
    found = [select(Customer.id).where(condition) for condition in conditions[:-1]]
    found.append(candidates("n", key) if key and len(key) >= 4 else select(Customer.id).where(conditions[-1]))
    stmt = (select(Customer.id, Customer.name, Customer.owner_id, Customer.phone, Customer.email, Customer.name_key)
            .where(Customer.id.in_(union_all(*found)), or_(*conditions), Customer.merged_into_id.is_(None))
            .order_by(Customer.id).limit(limit))
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    found = []
    for row in session.execute(stmt):
        reasons = []
        if phone and row.phone == phone:
            reasons.append("phone")
        if email and row.email == email:
            reasons.append("email")
        if key and (row.name_key == key or key in row.name_key):
            reasons.append("name")
        found.append(Duplicate(row.id, row.name, row.owner_id, tuple(reasons)))
    return found


def completeness_of(customer: Customer) -> int:
    """Share (0-100) of COMPLETENESS_FIELDS that are filled."""
    filled = [
        bool(customer.name),
        bool(customer.phone or customer.email or customer.wechat),
        bool(customer.source),
        bool(customer.industry),
        bool(customer.region),
        bool(customer.needs),
        (customer.contacts_count or 0) > 0,
        customer.owner_id is not None,
    ]
    return round(100 * sum(filled) / len(COMPLETENESS_FIELDS))


def missing_fields(customer: Customer) -> list[str]:
    checks = {
        "contact_way": bool(customer.phone or customer.email or customer.wechat),
        "source": bool(customer.source), "industry": bool(customer.industry), "region": bool(customer.region),
        "needs": bool(customer.needs), "contacts": (customer.contacts_count or 0) > 0,
        "owner": customer.owner_id is not None,
    }
    return [name for name, ok in checks.items() if not ok]


def touch(customer: Customer) -> None:
    customer.updated_at = utcnow()
    customer.completeness = completeness_of(customer)


def _set_tags(customer: Customer, tags: list[str]) -> None:
    wanted = set(tags)
    customer.tags = [t for t in customer.tags if t.tag in wanted]
    have = {t.tag for t in customer.tags}
    for tag in tags:
        if tag not in have:
            customer.tags.append(CustomerTag(tag=tag))


def create_customer(session: Any, data: dict, by_user: Any, owner_id: int | None | str = "self",
                    allow_duplicate: bool = False) -> Customer:
    """Open a customer file. Raises FieldErrors, or DuplicateFound unless ``allow_duplicate``.

    ``owner_id="self"`` gives it to ``by_user``; None puts it in the unassigned lead pool."""
    cleaned = clean_customer(data)
    if owner_id == "self":
        owner_id = by_user.id if by_user is not None else None
    if owner_id is not None and session.get(User, owner_id) is None:
        raise FieldErrors({"owner_id": _("No such person.")})
    if not allow_duplicate:
        duplicates = find_duplicates(session, cleaned["name"], cleaned.get("phone"), cleaned.get("email"))
        if duplicates:
            raise DuplicateFound(duplicates)
    tags = cleaned.pop("tags", [])
    customer = Customer(**cleaned, name_key=normalise.name_key(cleaned["name"]), owner_id=owner_id,
                        created_by_id=getattr(by_user, "id", None), contacts_count=0)
    if customer.state == "customer":
        customer.became_customer_at = utcnow()
    _set_tags(customer, tags)
    touch(customer)
    session.add(customer)
    session.flush()
    session.add(OwnershipChange(customer_id=customer.id, from_user_id=None, to_user_id=owner_id,
                                changed_by_id=getattr(by_user, "id", None), reason="created"))
    from plugins.crm.services import revisits

    revisits.ensure_scheduled(session, customer)
    session.flush()
    _engine().call("customer_created", customer=customer)
    return customer


def update_customer(session: Any, customer: Customer, data: dict, by_user: Any) -> Customer:
    """Change the given fields (state changes go through change_state; owners through allocation)."""
    data = {k: v for k, v in data.items() if k not in ("state", "owner_id")}
    cleaned = clean_customer(data, partial=True)
    tags = cleaned.pop("tags", None)
    for key, value in cleaned.items():
        setattr(customer, key, value)
    if "name" in cleaned:
        customer.name_key = normalise.name_key(customer.name)
    if tags is not None:
        _set_tags(customer, tags)
    touch(customer)
    session.flush()
    return customer


def change_state(session: Any, customer: Customer, new_state: str, by_user: Any) -> Customer:
    """Move along the lifecycle; of two concurrent moves from the same state exactly one succeeds."""
    old = customer.state
    if new_state not in TRANSITIONS.get(old, ()):
        raise CRMError(_("A customer cannot go from %(old)s to %(new)s.", old=old, new=new_state), field="state")
    values: dict[str, Any] = {"state": new_state, "updated_at": utcnow()}
    if new_state == "customer" and customer.became_customer_at is None:
        values["became_customer_at"] = utcnow()
    done = session.execute(
        update(Customer).where(Customer.id == customer.id, Customer.state == old).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Conflict(_("Someone else changed this customer's state meanwhile; reload and try again."),
                       field="state")
    session.refresh(customer)
    from plugins.crm.services import revisits

    revisits.ensure_scheduled(session, customer)
    return customer


def refresh_contacts_count(session: Any, customer: Customer) -> None:
    customer.contacts_count = session.scalar(
        select(func.count(Contact.id)).where(Contact.customer_id == customer.id)) or 0
    touch(customer)


def owner_name(session: Any, owner_id: int | None) -> str:
    if owner_id is None:
        return _("Unassigned")
    user = session.get(User, owner_id)
    return user.name if user else "?"


def needs_summary(customer: Customer) -> str | None:
    """The needs captured on the customer's file (R6.1.3: learnt while contacting the prospect), as plain text for
    a deal's situation (R6.2.1 starts from them); None when nothing was recorded. The caller has checked that the
    user may see the customer."""
    return (customer.needs or "").strip() or None


def needs_for(session: Any, customer_id: int, user: Any) -> str | None:
    """``needs_summary`` of the customer ``customer_id`` if ``user`` may see it (R2 scopes), else None: what a
    new deal for that customer starts from (the pipeline's "New deal" from the customer's page)."""
    from plugins.crm.access import scoped_customers

    needs = session.scalar(scoped_customers(user, stmt=select(Customer.needs)).where(Customer.id == customer_id))
    return (needs or "").strip() or None
