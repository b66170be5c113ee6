"""Shared set-up for the training tests: a small sales team with HR, and the seeded onboarding programme."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.timeutil import local_today


@pytest.fixture
def team(app, make_user):
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id,
                    hire_date=local_today() - timedelta(days=400))
    other = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    outsider = make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=manager.id)
    hr = make_user("hr1", roles=["hr"], position="hr")
    return {"manager": manager, "supervisor": supervisor, "rep": rep, "other": other, "outsider": outsider, "hr": hr}


@pytest.fixture
def english(app):
    """Service messages in English (the source language) for tests that match their wording."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def course(db):
    from plugins.training.models import TrainingCourse, TrainingModule

    row = TrainingCourse(title="销售策略", kind="periodic", duration_hours=3)
    db.session.add(row)
    db.session.flush()
    db.session.add(TrainingModule(course_id=row.id, position=1, title="报价策略", due_day=5))
    db.session.commit()
    return row
