"""Shared set-up for the recruitment tests: a department with its head, HR, an approved hiring plan, applications."""

from __future__ import annotations

import pytest


@pytest.fixture
def english(app):
    """Service messages in English (the source language) for tests that match their wording."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def people(app, db, make_user):
    from core.identity.models import Department

    head = make_user("head", roles=["department_head"], position="department_head")
    dept = Department(name="网络销售部", head_id=head.id)
    db.session.add(dept)
    db.session.commit()
    head.department_id = dept.id
    hr = make_user("hr1", roles=["hr"], position="hr")
    hr2 = make_user("hr2", roles=["hr"], position="hr")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", department_id=dept.id,
                           superior_id=head.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", department_id=dept.id,
                    superior_id=supervisor.id)
    db.session.commit()
    return {"head": head, "hr": hr, "hr2": hr2, "supervisor": supervisor, "rep": rep, "dept": dept}


def _approved(db, people, headcount=2, title="网络销售专员"):
    from plugins.recruitment.services import requisitions

    req = requisitions.save_requisition(
        db.session, people["head"], title=title, position="sales_rep", department_id=people["dept"].id,
        headcount=headcount, reason="growth", salary_min=None, salary_max=None, required_by=None,
        description="负责天猫店铺销售", requirements="education: 大专及以上\nskill: 熟练使用 Excel\n沟通能力强")
    requisitions.submit(db.session, req, people["head"])
    requisitions.decide(db.session, req, people["head"], True)
    requisitions.decide(db.session, req, people["hr"], True)
    db.session.commit()
    return req


@pytest.fixture
def requisition(db, people):
    return _approved(db, people)


@pytest.fixture
def make_application(db, requisition):
    from plugins.recruitment.services.candidates import apply, upsert_candidate

    counter = {"n": 0}

    def make(name="张伟", email=None, phone=None, channel="job_site", referrer_id=None, req=None):
        counter["n"] += 1
        n = counter["n"]
        candidate = upsert_candidate(db.session, name=name, phone=phone or f"1380000{n:04d}",
                                     email=email or f"cand{n}@example.com", consent=True)
        application, _created = apply(db.session, req or requisition, candidate, channel=channel,
                                      referrer_id=referrer_id)
        db.session.commit()
        return application

    return make
