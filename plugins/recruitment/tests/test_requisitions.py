"""Hiring plans (R3.1.1): validation, the approval chain of the setting, who may decide, concurrent approvals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services import requisitions as service

FIELDS = {"title": "网络销售专员", "position": "sales_rep", "headcount": 2, "reason": "growth",
          "salary_min": Decimal("6000"), "salary_max": Decimal("9000"), "required_by": None, "description": None,
          "requirements": "education: 大专及以上\nskill: Excel"}


def draft(db, people, **changes):
    fields = {**FIELDS, "department_id": people["dept"].id, **changes}
    req = service.save_requisition(db.session, people["head"], **fields)
    db.session.commit()
    return req


def test_requirements_become_the_checklist(db, people):
    req = draft(db, people, requirements="education: 本科\nlanguage：英语四级\n能出差")
    assert [(r.kind, r.text) for r in req.requirements] == [("education", "本科"), ("language", "英语四级"),
                                                             ("other", "能出差")]


@pytest.mark.parametrize("changes, field", [
    ({"headcount": 0}, "headcount"), ({"title": " "}, "title"), ({"position": "king"}, "position"),
    ({"salary_min": Decimal("9000"), "salary_max": Decimal("6000")}, "salary_max"),
    ({"salary_min": Decimal("Infinity")}, "salary_min"), ({"requirements": "\n \n"}, "requirements"),
])
def test_bad_plans_are_refused_on_their_field(db, people, english, changes, field):
    with pytest.raises(RecruitmentError) as refused:
        draft(db, people, **changes)
    assert refused.value.field == field


def test_chain_department_head_then_hr(db, people, english):
    from core.notifications.models import Notification

    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    told = db.session.scalars(select(Notification.recipient_id)).all()
    assert told == [people["head"].id]  # the department's head is asked first
    assert service.current_step(db.session, req) == "department_head"
    assert not service.may_decide(db.session, req, people["hr"])  # HR waits for the head
    with pytest.raises(RecruitmentError):
        service.decide(db.session, req, people["hr"], True)
    service.decide(db.session, req, people["head"], True)
    assert req.state == "pending" and service.current_step(db.session, req) == "hr"
    assert {p.id for p in service.approvers(db.session, req)} == {people["hr"].id, people["hr2"].id}
    service.decide(db.session, req, people["hr"], True)
    db.session.commit()
    assert req.state == "approved" and req.approved_at is not None


def test_only_the_department_s_own_head_decides(db, people, make_user):
    other_head = make_user("head2", roles=["department_head"], position="department_head")
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    assert not service.may_decide(db.session, req, other_head)


def test_chain_is_a_setting(db, people):
    from core.settings import set_setting

    set_setting("recruitment.approval_chain", "hr")
    db.session.commit()
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    service.decide(db.session, req, people["hr"], True)
    assert req.state == "approved"


def test_rejection_needs_a_reason_and_resubmission_starts_over(db, people, english):
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    with pytest.raises(RecruitmentError) as refused:
        service.decide(db.session, req, people["head"], False, "")
    assert refused.value.field == "comment"
    service.decide(db.session, req, people["head"], False, "预算不足")
    assert req.state == "rejected"
    service.save_requisition(db.session, people["head"], req, **{**FIELDS, "department_id": people["dept"].id,
                                                                 "headcount": 1})
    service.submit(db.session, req, people["head"])
    assert service.current_step(db.session, req) == "department_head"
    service.decide(db.session, req, people["head"], True)
    service.decide(db.session, req, people["hr"], True)
    db.session.commit()
    assert req.state == "approved"


def test_a_decision_on_a_stale_page_is_refused(db, people, english):
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    db.session.commit()
    seen = req.version
    service.decide(db.session, req, people["head"], True)
    db.session.commit()
    with pytest.raises(RecruitmentError, match="meanwhile"):
        service.decide(db.session, req, people["hr"], True, expected_version=seen)


def test_two_hr_approvals_at_once_one_wins(make_app, people, db):
    """Two HR officers press approve on the same plan at the same moment: exactly one decision is saved."""
    from sqlalchemy import func, select

    from core.identity.models import User
    from plugins.recruitment.models import Approval, Requisition

    race = pytest.importorskip("core.testing.concurrency").race
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    service.decide(db.session, req, people["head"], True)
    db.session.commit()
    req_id, hr_ids = req.id, (people["hr"].id, people["hr2"].id)

    def approve(user_id):
        app = make_app()

        def run():
            from core.extensions import db as adb

            with app.app_context():
                row = adb.session.get(Requisition, req_id)
                try:
                    service.decide(adb.session, row, adb.session.get(User, user_id), True)
                    adb.session.commit()
                    return "approved"
                except RecruitmentError:
                    adb.session.rollback()
                    return "refused"
        return run

    outcome = race(approve(hr_ids[0]), approve(hr_ids[1]))
    assert outcome.interleaved
    assert sorted(outcome.results) == ["approved", "refused"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Approval.id)).where(Approval.requisition_id == req_id)) == 2


def test_filled_count_never_passes_headcount(db, requisition):
    service.count_hire(db.session, requisition)
    service.count_hire(db.session, requisition)
    assert requisition.filled == 2 and requisition.state == "filled"
    with pytest.raises(RecruitmentError):
        service.count_hire(db.session, requisition)


def test_a_department_headed_by_the_sales_manager(db, people, make_user):
    """The department-head step belongs to the department's head, whatever their role."""
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    people["dept"].head_id = manager.id
    db.session.commit()
    req = draft(db, people)
    service.submit(db.session, req, people["head"])
    assert not service.may_decide(db.session, req, people["head"])
    service.decide(db.session, req, manager, True)
    assert service.current_step(db.session, req) == "hr"


def test_only_the_author_or_hr_edits_a_plan(db, people, login_as, make_user):
    other_head = make_user("head3", roles=["department_head"], position="department_head")
    people["supervisor"].superior_id = other_head.id  # in the other head's team scope, not their plan
    db.session.commit()
    req = service.save_requisition(db.session, people["supervisor"], **{**FIELDS, "department_id": None})
    db.session.commit()
    assert login_as(other_head).get(f"/recruitment/requisitions/{req.id}/edit").status_code == 403
    assert login_as(people["hr"]).get(f"/recruitment/requisitions/{req.id}/edit").status_code == 200
