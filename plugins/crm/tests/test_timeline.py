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


def test_entries_carry_their_authors_names_so_the_timeline_looks_up_none(app, db, org, new_customer):
    """Issue 18: the names come with the history the page reads (customer_file.py); an owner change's mover is
    named when they are the previous or new owner, else left to the timeline to look up by user_id."""
    customer = new_customer(org.rep1, name="星河科技")
    interactions.log_interaction(db.session, customer, {"kind": "visit", "summary": "上门"}, org.rep1b)
    grading.override(db.session, customer, "A", "重点客户", org.manager)
    allocation.assign(db.session, [customer.id], org.rep1b.id, org.manager, reason="调岗")
    allocation.assign(db.session, [customer.id], org.rep1.id, org.rep1b, reason="还回")
    db.session.commit()
    with app.test_request_context("/"):
        named = {(e.kind, e.text): (e.user_id, e.user_name) for e in entries_for(customer)}
    assert named[("crm.visit", f"{gettext('Visit')}: 上门")] == (org.rep1b.id, org.rep1b.name)
    assert named[("crm.grade", gettext("Grade %(old)s → %(new)s", old="—", new="A") + " 重点客户")] == (
        org.manager.id, org.manager.name)
    assert named[("crm.owner", gettext("Owner changed") + ": 还回")] == (org.rep1b.id, org.rep1b.name)  # the giver
    assert named[("crm.owner", gettext("Owner changed") + ": 调岗")] == (org.manager.id, None)  # looked up later
