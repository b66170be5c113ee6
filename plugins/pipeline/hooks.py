"""The pipeline's hook implementations: what it offers the core and the other plugins."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.contracts import PurchaseStats, ScheduledJob
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list:
    from plugins.pipeline.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.pipeline.settings import setting_definitions

    return setting_definitions()


@hookimpl
def register_kpis() -> list:
    from plugins.pipeline.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.pipeline.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def customer_purchase_stats(customer_ids: list, since: Any) -> list[PurchaseStats]:
    """Purchase frequency and amount per customer for the CRM's A/B/C grading (R5.2.1)."""
    from core.extensions import db
    from plugins.pipeline.services.orders import purchase_stats

    if not customer_ids:
        return []
    return [
        PurchaseStats(customer_id=cid, orders=n, amount=amount,
                      last_purchase=last.date() if hasattr(last, "date") else last)
        for cid, n, amount, last in purchase_stats(db.session, list(customer_ids), since or date(1970, 1, 1))
    ]


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    def escalate() -> None:
        from core.extensions import db
        from plugins.pipeline.services.tickets import escalate_overdue

        escalate_overdue(db.session)
        db.session.commit()

    return [ScheduledJob("pipeline.escalate_tickets", escalate, 900,
                         "Escalate service tickets past their deadline to the supervisor (R6.6.2)")]
