"""Analytics' scheduled jobs: notable changes (R7.1.3), the monthly sales report (R2.3.6) and the sales summary
the dashboards read (services/summary.py)."""

from __future__ import annotations

from core.extensions import db


def notable_changes() -> None:
    from plugins.analytics.services.changes import record_last_month

    record_last_month(db.session)
    db.session.commit()


def monthly_report() -> None:
    from plugins.analytics.services.monthly import issue_last_month

    issue_last_month(db.session)
    db.session.commit()


def refresh_summary() -> None:
    from plugins.analytics.services.summary import rebuild

    rebuild(db.session)
    db.session.commit()
