"""The demo company's team module (issue 17 "Demo data"): a required notice, a meeting series with past meetings and
open action items, posts, awards with last month's suggestions (one confirmed, none for a KPI of zero), an
appraisal award, an activity, and an issue past its deadline."""

from __future__ import annotations

from random import Random

from sqlalchemy import func, select

from core.timeutil import utcnow
from plugins.team.models import ActionItem, Award, AwardType, Issue, Meeting, Notice, Post
from plugins.team.services import recognition


def test_the_demo_shows_every_part_of_the_module(app, db):
    from core.demo import load_demo

    load_demo(app, Random(7))
    count = lambda model, *where: db.session.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
    assert count(Notice, Notice.required) >= 1
    assert count(Meeting) >= 3 and count(ActionItem, ActionItem.state == "open") >= 1
    assert count(Post) >= 3
    awards = list(db.session.scalars(select(Award)))
    assert {a.state for a in awards} == {"confirmed", "suggested"}
    assert all(a.kpi_value is not None and a.kpi_value > 0 for a in awards)
    assert count(AwardType, AwardType.kpi_key == recognition.APPRAISAL_KEY) == 1
    assert count(Issue, Issue.sla_due_at < utcnow(), Issue.escalated_at.is_(None)) >= 1  # for the escalation job
