"""Applicants' personal data (R11, PIPL): the retention job, access and deletion requests."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from core.timeutil import utcnow
from plugins.recruitment.models import Application, Candidate, DataRequest
from plugins.recruitment.services import privacy, stages

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rejected(db, people, make_application, days_ago, **kwargs):
    application = make_application(**kwargs)
    stages.reject(db.session, application, people["hr"], "不合适", notify=False)
    application.closed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return application


def test_retention_job_anonymises_old_rejections_only(app, db, people, make_application):
    from core.jobs.runner import run_job

    old = rejected(db, people, make_application, 200, name="老王")
    recent = rejected(db, people, make_application, 10, name="小李")
    pooled = rejected(db, people, make_application, 200, name="入库")
    pooled.candidate.talent_pool = True
    active = make_application(name="在途")
    active.candidate  # noqa: B018  (loaded)
    active.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    run_job("recruitment.retention", force=True)
    db.session.expire_all()
    names = {c.id: (c.name, c.anonymised_at is not None) for c in db.session.scalars(select(Candidate))}
    assert names[old.candidate_id] == (privacy.ANONYMOUS, True)
    assert names[recent.candidate_id] == ("小李", False)
    assert names[pooled.candidate_id] == ("入库", False)
    assert names[active.candidate_id] == ("在途", False)
    erased = db.session.get(Candidate, old.candidate_id)
    assert erased.phone is None and erased.email is None and erased.email_key is None
    assert db.session.get(Application, old.id).stage == "screening"  # statistics stay
    assert db.session.scalar(select(DataRequest.kind).where(DataRequest.candidate_id == old.candidate_id)) == \
        "retention"


def test_a_person_who_applies_again_is_not_erased(db, people, make_application):
    """Rejected long ago for one plan but applying to another now: their data is still needed."""
    from plugins.recruitment.services.candidates import apply
    from plugins.recruitment.tests.conftest import _approved

    old = rejected(db, people, make_application, 300, name="回头客")
    second = _approved(db, people, headcount=1, title="客服专员")
    apply(db.session, second, old.candidate, channel="careers")
    db.session.commit()
    assert privacy.run_retention(db.session) == 0


def test_anonymising_removes_the_cv_file_and_audit_keeps_no_personal_data(app, db, people, make_application):
    from werkzeug.datastructures import FileStorage

    from core.attachments.models import Attachment
    from core.audit.models import AuditLog
    from plugins.recruitment.services.intake import attach_cv

    application = make_application(name="隐私测试", email="secret.person@example.com")
    attach_cv(db.session, application, FileStorage(BytesIO(PDF + b"unique-1"), filename="cv.pdf"), people["hr"])
    db.session.commit()
    attachment = db.session.get(Attachment, application.cv_attachment_id)
    from pathlib import Path

    stored = Path(app.instance_path) / attachment.storage_path
    assert stored.is_file()
    privacy.anonymise(db.session, application.candidate, people["hr"], "deletion", "本人电话要求删除")
    db.session.commit()
    assert not stored.exists()
    assert db.session.get(Attachment, attachment.id) is None
    trail = " ".join(str(e.changes) for e in db.session.scalars(select(AuditLog)))
    assert "secret.person@example.com" not in trail and "隐私测试" not in trail


def test_access_request_exports_and_is_logged(db, people, login_as, make_application):
    application = make_application(name="查询人")
    response = login_as(people["hr"]).post(f"/recruitment/people/{application.candidate_id}/export")
    assert response.status_code == 200
    data = json.loads(response.data)
    assert data["candidate"]["name"] == "查询人" and data["applications"][0]["position"] == "网络销售专员"
    assert db.session.scalar(select(DataRequest.kind)) == "access"


def test_deletion_request_needs_a_note_and_hr(db, people, login_as, make_application):
    application = make_application(name="删除我")
    head = login_as(people["head"])
    assert head.post(f"/recruitment/people/{application.candidate_id}/erase", data={"note": "x"}).status_code == 403
    hr = login_as(people["hr"])
    assert hr.post(f"/recruitment/people/{application.candidate_id}/erase", data={"note": ""}).status_code == 422
    assert hr.post(f"/recruitment/people/{application.candidate_id}/erase",
                   data={"note": "2026-12-01 本人邮件要求"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, application.candidate_id).name == privacy.ANONYMOUS
