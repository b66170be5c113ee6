"""Deals through the six stages of R6. Each stage asks for what the regulation says it produces before the deal
may leave it; moving back is allowed and recorded; concurrent moves of one deal resolve to exactly one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.timeutil import utcnow
from plugins.pipeline.models import STAGES, Contract, Deal, DealStageChange, Quotation
from plugins.pipeline.services import Conflict, PipelineError, flush_or_conflict

STAGE_LABELS = {
    "development": _l("Customer development"),  # R6.1
    "needs": _l("Needs discovery"),  # R6.2
    "quotation": _l("Quotation and solution"),  # R6.3
    "negotiation": _l("Negotiation"),  # R6.4
    "contract": _l("Contract and order"),  # R6.5
    "after_sales": _l("After-sales service"),  # R6.6
}

MOVED = _l("Someone else moved this deal meanwhile. Reload it and try again.")
CHANGED = _l("Someone else changed this deal a moment ago. Reload it and try again.")

#: Default win probability per stage, for the weighted forecast (a setting may override each).
DEFAULT_PROBABILITY = {"development": 10, "needs": 20, "quotation": 40, "negotiation": 60, "contract": 90,
                       "after_sales": 100}


def exit_problems(session: Any, deal: Deal) -> list[str]:
    """What the deal's current stage still lacks before it may move forward (empty when it may)."""
    problems: list[str] = []
    if deal.stage == "needs":  # R6.2.1
        for field, label in (("situation", _l("the customer's situation")), ("pain_points", _l("pain points")),
                             ("goals", _l("goals"))):
            if not (getattr(deal, field) or "").strip():
                problems.append(str(_l("Record %(what)s before leaving needs discovery.", what=label)))
    elif deal.stage == "quotation":  # R6.3.1: a quotation sent to the customer
        sent = session.scalar(select(Quotation.id).where(
            Quotation.deal_id == deal.id, Quotation.state.in_(("sent", "accepted"))).limit(1))
        if sent is None:
            problems.append(str(_l("Send the customer a quotation before leaving the quotation stage.")))
    elif deal.stage == "negotiation":  # R6.4.2
        if not (deal.concerns or "").strip() or not (deal.bottom_line or "").strip():
            problems.append(str(_l("Record the customer's concerns and bottom line before leaving negotiation.")))
    elif deal.stage == "contract":  # R6.5.1: a signed contract attached
        signed = session.scalar(select(Contract.id).where(
            Contract.deal_id == deal.id, Contract.signed_file_id.is_not(None)).limit(1))
        if signed is None:
            problems.append(str(_l("Attach the signed contract before leaving the contract stage.")))
    return problems


def move_deal(session: Any, deal: Deal, to_stage: str, user: Any, *, expected_version: int | None = None,
              note: str | None = None) -> DealStageChange:
    """Move ``deal`` to ``to_stage`` (one step forward, or back to any earlier stage).

    ``expected_version`` is the version the user saw: if someone else moved the deal since, the move is refused.
    """
    if to_stage not in STAGES:
        raise PipelineError(_l("Unknown stage."), "stage")
    if deal.status != "open":
        raise PipelineError(_l("This deal is closed; reopen it to move it."))
    if expected_version is not None and deal.version != expected_version:
        raise Conflict(MOVED)
    current, target = STAGES.index(deal.stage), STAGES.index(to_stage)
    if target == current:
        raise PipelineError(_l("The deal is already at that stage."), "stage")
    if target > current + 1:
        raise PipelineError(_l("Deals move one stage at a time; stages cannot be skipped."), "stage")
    if target > current:
        problems = exit_problems(session, deal)
        if problems:
            raise PipelineError(" ".join(problems), "stage")
    change = DealStageChange(deal_id=deal.id, from_stage=deal.stage, to_stage=to_stage,
                             backwards=target < current, note=note, user_id=user.id)
    old_stage = deal.stage
    deal.stage = to_stage
    deal.stage_entered_at = utcnow()
    if to_stage == "after_sales" and deal.status == "open":
        deal.status = "won"
        deal.closed_at = utcnow()
    flush_or_conflict(session, MOVED)  # the deal first (versioned): a concurrent move fails here, writing nothing
    session.add(change)
    session.flush()
    engine = current_app.extensions["netsales"]
    engine.call("deal_stage_changed", deal=deal, old_stage=old_stage, new_stage=to_stage, user=user)
    if deal.status == "won" and old_stage == "contract":
        engine.call("deal_won", deal=deal, user=user)
    return change


def lose_deal(session: Any, deal: Deal, user: Any, reason: str, competitor: str | None = None) -> None:
    if deal.status != "open":
        raise PipelineError(_l("This deal is already closed."))
    if not (reason or "").strip():
        raise PipelineError(_l("Say why the deal was lost."), "reason")
    deal.status = "lost"
    deal.lost_reason = reason.strip()
    # The column holds 200 characters: a longer name (a crafted post; the form says 200) is cut, not a 500 on
    # PostgreSQL (issue 11, found by tests/hostile).
    deal.lost_to_competitor = (competitor or "").strip()[:200] or None
    deal.closed_at = utcnow()
    flush_or_conflict(session, CHANGED)


def reopen_deal(session: Any, deal: Deal) -> None:
    if deal.status != "lost":
        raise PipelineError(_l("Only a lost deal can be reopened."))
    deal.status = "open"
    deal.closed_at = None
    flush_or_conflict(session, CHANGED)
