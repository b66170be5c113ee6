"""`netsales crm ...`: regrade now (the nightly job does it too)."""

from __future__ import annotations

import click

from core.extensions import db


@click.group("crm")
def crm_group() -> None:
    """Customer management."""


@crm_group.command("regrade")
def regrade_command() -> None:
    """Regrade every customer A/B/C now (R5.2.1)."""
    from plugins.crm.services.grading import regrade

    result = regrade(db.session)
    db.session.commit()
    click.echo(f"Graded {result.graded} customers; {result.changed} changed grade (figures from {result.source}).")
