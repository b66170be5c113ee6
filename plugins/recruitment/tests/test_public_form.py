"""The careers page and its application form (R3.1.2): reachable without signing in, attributed to the posting's
channel, spam-guarded (honeypot, minimum time, per-address limit in the database), CVs through the attachment
limits, HTML shown escaped, the same person twice kept as one candidate."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from core.settings import set_setting
from plugins.recruitment.models import Application, Candidate, FormSubmission
from plugins.recruitment.services import intake, postings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def posting(db, people, requisition):
    row = postings.publish(db.session, requisition, people["hr"], "careers")
    db.session.commit()
    return row


@pytest.fixture
def campus(db, people, requisition):
    row = postings.publish(db.session, requisition, people["hr"], "campus", venue="浙江大学")
    db.session.commit()
    return row


@pytest.fixture
def no_wait(db):
    set_setting("recruitment.min_form_seconds", 0)
    db.session.commit()


def fields(client, code, **changes):
    page = client.get(f"/careers/apply/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    stamp = html.split('name="stamp"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    data = {"name": "陈静", "phone": "138 0013 8000", "email": "chen.jing@example.com", "consent": "y",
            "stamp": stamp, "website": ""}
    data.update(changes)
    return data


def applications(db):
    return db.session.scalar(select(func.count(Application.id)))


def test_careers_page_lists_openings_without_login(client, posting):
    page = client.get("/careers/")
    assert page.status_code == 200
    assert posting.requisition.title in page.get_data(as_text=True)


def test_anonymous_application_is_attributed_to_the_channel(client, db, campus, no_wait):
    response = client.post(f"/careers/apply/{campus.source_code}", data=fields(client, campus.source_code))
    assert response.status_code == 200
    application = db.session.scalar(select(Application))
    assert application.channel == "campus" and application.posting_id == campus.id
    assert application.source_detail == "浙江大学"
    assert application.candidate.consent_at is not None


def test_same_person_twice_is_one_candidate_with_one_application(client, db, posting, no_wait):
    client.post(f"/careers/apply/{posting.source_code}", data=fields(client, posting.source_code))
    again = fields(client, posting.source_code, phone="+86 13800138000", email="CHEN.JING@example.com")
    assert client.post(f"/careers/apply/{posting.source_code}", data=again).status_code == 200
    assert db.session.scalar(select(func.count(Candidate.id))) == 1
    assert applications(db) == 1


def test_html_in_every_field_is_shown_escaped(client, db, login_as, people, posting, no_wait):
    evil = "<script>alert(1)</script>"
    data = fields(client, posting.source_code, name=evil, education=evil, cover_letter=evil,
                  current_employer=evil)
    assert client.post(f"/careers/apply/{posting.source_code}", data=data).status_code == 200
    application = db.session.scalar(select(Application))
    page = login_as(people["hr"]).get(f"/recruitment/applications/{application.id}").get_data(as_text=True)
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_honeypot_and_speed_are_refused_politely(client, db, posting):
    data = fields(client, posting.source_code)  # min_form_seconds is 3 by default: this is too fast
    response = client.post(f"/careers/apply/{posting.source_code}", data=data)
    assert response.status_code == 422 and applications(db) == 0
    set_setting("recruitment.min_form_seconds", 0)
    db.session.commit()
    response = client.post(f"/careers/apply/{posting.source_code}",
                           data=fields(client, posting.source_code, website="http://spam.example"))
    assert response.status_code == 422 and applications(db) == 0


def test_forged_stamp_is_refused(client, db, posting, no_wait):
    data = fields(client, posting.source_code, stamp="forged")
    assert client.post(f"/careers/apply/{posting.source_code}", data=data).status_code == 422
    assert applications(db) == 0


def test_consent_is_required(client, db, posting, no_wait):
    data = fields(client, posting.source_code)
    del data["consent"]
    response = client.post(f"/careers/apply/{posting.source_code}", data=data)
    assert response.status_code == 422 and applications(db) == 0


def test_per_address_limit_is_kept_in_the_database(client, db, posting, no_wait):
    set_setting("recruitment.max_applications_per_address_hour", 2)
    db.session.commit()
    for n in range(2):
        data = fields(client, posting.source_code, phone=f"1390000000{n}", email=f"p{n}@example.com")
        assert client.post(f"/careers/apply/{posting.source_code}", data=data).status_code == 200
    data = fields(client, posting.source_code, phone="13900000009", email="p9@example.com")
    assert client.post(f"/careers/apply/{posting.source_code}", data=data).status_code == 429
    assert applications(db) == 2
    assert db.session.scalar(select(func.count(FormSubmission.id))) == 2  # shared by every process


def test_cv_upload_limits(client, db, app, posting, no_wait):
    data = fields(client, posting.source_code, cv=(BytesIO(b"MZ\x90\x00binary"), "cv.exe"))
    response = client.post(f"/careers/apply/{posting.source_code}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and applications(db) == 0
    app.config["ATTACHMENT_MAX_BYTES"] = 10
    try:
        data = fields(client, posting.source_code, cv=(BytesIO(PDF), "cv.pdf"))
        response = client.post(f"/careers/apply/{posting.source_code}", data=data,
                               content_type="multipart/form-data")
        assert response.status_code == 422 and applications(db) == 0
    finally:
        app.config.pop("ATTACHMENT_MAX_BYTES")
    data = fields(client, posting.source_code, cv=(BytesIO(PDF), "cv.pdf"))
    response = client.post(f"/careers/apply/{posting.source_code}", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.scalar(select(Application)).cv_attachment_id is not None


def test_closed_posting_and_unknown_code(client, db, posting):
    postings.close(db.session, posting)
    db.session.commit()
    assert client.get(f"/careers/apply/{posting.source_code}").status_code == 404
    assert client.get("/careers/apply/nope").status_code == 404
    assert client.get("/careers/apply/" + "x" * 300).status_code == 404


def test_rate_check_counts_only_the_last_hour(db, app, posting):
    from datetime import timedelta

    from core.timeutil import utcnow

    set_setting("recruitment.max_applications_per_address_hour", 1)
    db.session.add(FormSubmission(address="10.0.0.1", at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    intake.check_rate(db.session, "10.0.0.1")  # an old submission does not count
