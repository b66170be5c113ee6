"""The CRM's pages, one module an entity; each adds its routes to the one blueprint ``bp`` (views/common.py).

customers (list, clean-up, file, state, merge), contacts (and consents), interactions (and revisits), grades
(overrides and service plans), surveys, privacy (PIPL requests), allocation (pool, assigning, per representative),
campaigns, events, imports. customer_list.py and form_markup.py are helpers of those pages, not pages."""

from __future__ import annotations

from plugins.crm.views import (  # noqa: F401  (routes)
    allocation,
    campaigns,
    contacts,
    customers,
    events,
    grades,
    imports,
    interactions,
    privacy,
    surveys,
)
from plugins.crm.views.common import bp

__all__ = ["bp"]
