"""Data sets analytics can chart and export: customers and interactions, limited to the reader's scope."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import User
from plugins.crm import forms
from plugins.crm.access import scoped_customers
from plugins.crm.models import Customer, Interaction


def customers_query(user: Any) -> Any:
    owner = aliased(User)
    stmt = (select(Customer.id, Customer.name, Customer.grade, Customer.state, Customer.region, Customer.source,
                   Customer.industry, owner.name.label("owner"), Customer.purchase_amount, Customer.created_at)
            .outerjoin(owner, owner.id == Customer.owner_id))
    return scoped_customers(user, stmt=stmt)


def interactions_query(user: Any) -> Any:
    author = aliased(User)
    stmt = (select(Interaction.id, Interaction.kind, Interaction.occurred_at, Customer.name.label("customer"),
                   Customer.grade, author.name.label("user"), Interaction.outcome)
            .join(Customer, Customer.id == Interaction.customer_id).join(author, author.id == Interaction.user_id))
    return scoped_customers(user, stmt=stmt)


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("crm.customers", _l("Customers"), (
            DatasetColumn("id", _l("ID"), "int", role="key"), DatasetColumn("name", _l("Name"), role="key"),
            DatasetColumn("grade", _l("Grade")),
            DatasetColumn("state", _l("State"), value_labels=forms.state_choices),
            DatasetColumn("region", _l("Region")),
            DatasetColumn("source", _l("Source channel"), value_labels=forms.source_choices),
            DatasetColumn("industry", _l("Industry")), DatasetColumn("owner", _l("Owner")),
            DatasetColumn("purchase_amount", _l("Purchases (CNY)"), "decimal"),
            DatasetColumn("created_at", _l("Created"), "datetime"),
        ), "crm.customer.view", customers_query, date_column="created_at"),
        DatasetDef("crm.interactions", _l("Customer interactions"), (
            DatasetColumn("id", _l("ID"), "int", role="key"),
            DatasetColumn("kind", _l("Kind"), value_labels=forms.interaction_choices),
            DatasetColumn("occurred_at", _l("When"), "datetime"), DatasetColumn("customer", _l("Customer")),
            DatasetColumn("grade", _l("Grade")), DatasetColumn("user", _l("By")),
            DatasetColumn("outcome", _l("Outcome")),
        ), "crm.customer.view", interactions_query, date_column="occurred_at"),
    ]
