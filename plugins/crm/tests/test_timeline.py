"""What the CRM adds to a customer's timeline (plugins/crm/timeline.py): its interactions by kind, grade and owner
changes and answered surveys, in the reader's language, inside a request (words kept per language) or outside one."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from core.timeutil import utcnow
from plugins.crm.models import Survey
from plugins.crm.services import allocation, grading, interactions
from plugins.crm.timeline import entries_for


def _texts(customer):
    return sorted((entry.kind, entry.text) for entry in entries_for(customer))  # creating it is an entry too


def test_entries_read_in_the_readers_language_in_a_request_or_outside_one(app, db, org, new_customer):
    customer = new_customer(org.rep1, name="星河科技")
    interactions.log_interaction(db.session, customer, {"kind": "visit", "summary": "上门 <拜访>"}, org.rep1)
    grading.override(db.session, customer, "A", "重点客户", org.manager)
    allocation.assign(db.session, [customer.id], org.rep1b.id, org.manager, reason="调岗")
    db.session.add(Survey(customer_id=customer.id, user_id=org.rep1.id, token_hash="x" * 64, expires_at=utcnow(),
                          created_by_id=org.rep1.id, answered_at=utcnow(), rating=4))
    db.session.commit()
    seen = {}
    for language in ("en", "zh_Hans", "en"):
        with app.test_request_context("/", headers={"Accept-Language": language}), force_locale(language):
            texts = _texts(customer)
            assert set(texts) >= {
                ("crm.visit", f"{gettext('Visit')}: 上门 <拜访>"),
                ("crm.grade", gettext("Grade %(old)s → %(new)s", old="—", new="A") + " 重点客户"),
                ("crm.owner", gettext("Owner changed") + ": 调岗"),
                ("crm.survey", gettext("Satisfaction survey: %(n)s/5", n=4)),
            }, texts
            seen.setdefault(language, texts)
    assert seen["en"] != seen["zh_Hans"] and ("crm.owner", "Owner changed: 调岗") in seen["en"]
    with app.app_context():  # outside a request (a job): the same entries, looked up afresh
        assert ("crm.survey", gettext("Satisfaction survey: %(n)s/5", n=4)) in _texts(customer)
