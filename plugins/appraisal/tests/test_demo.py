"""The demo company's appraisals: templates for the three sales positions, three closed months and an open one
with rep1's self-assessment overdue, a promotion and a demotion candidate."""

from __future__ import annotations

from random import Random

from sqlalchemy import func, select

from core.identity.models import User
from core.timeutil import local_today
from plugins.appraisal.models import Appraisal, Cycle, Template
from plugins.appraisal.services.results import candidates


def test_the_demo_company_has_history_an_overdue_self_assessment_and_candidates(app, db):
    from core.demo import load_demo

    load_demo(app, Random(20261127))
    assert set(db.session.scalars(select(Template.position))) == {"sales_rep", "sales_supervisor", "sales_manager"}
    cycles = list(db.session.scalars(select(Cycle).order_by(Cycle.period_start)))
    assert len(cycles) == 4
    closed, current = cycles[:3], cycles[3]
    for cycle in closed:
        open_ones = db.session.scalar(select(func.count(Appraisal.id)).where(
            Appraisal.cycle_id == cycle.id, Appraisal.state.in_(("self_assessment", "superior_review",
                                                                 "calibration"))))
        assert open_ones == 0
    rep1 = db.session.scalar(select(User).where(User.login == "rep1"))
    waiting = db.session.scalar(select(Appraisal).where(Appraisal.cycle_id == current.id,
                                                        Appraisal.employee_id == rep1.id))
    assert waiting.state == "self_assessment" and waiting.due_on < local_today()
    kinds = {c.kind for c in candidates(db.session)}
    assert kinds == {"promotion", "demotion"}
