"""Scheduled jobs of recruitment."""

from __future__ import annotations


def retention() -> None:
    """Anonymise rejected candidates past the retention period, unless in the talent pool (R11, PIPL)."""
    from core.extensions import db
    from plugins.recruitment.services.privacy import run_retention

    run_retention(db.session)
    db.session.commit()
