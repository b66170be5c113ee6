"""Surveys (R4.3.3), campaigns with consent (R5.3.2, R11), customer events (R5.3.3), PIPL requests."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from core.contracts import Period
from core.timeutil import local_today, utcnow
from plugins.crm import kpis
from plugins.crm.models import CampaignMessage, Consent, Contact, Customer, Interaction, Survey
from plugins.crm.services import campaigns, contacts, events, interactions, privacy, surveys
from plugins.crm.services.errors import CRMError, FieldErrors


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


def test_a_survey_link_works_once_and_feeds_the_satisfaction_kpi(db, org, new_customer, request_context):
    customer = new_customer(org.rep1)
    contact = contacts.add_contact(db.session, customer, {"name": "李娜", "email": "lina@example.cn"}, org.rep1)
    sent = surveys.create_survey(db.session, customer, org.rep1, contact=contact)
    db.session.commit()
    assert sent.emailed and sent.token in sent.url
    assert db.session.scalar(select(Survey.token_hash)) != sent.token  # only the hash is kept
    with pytest.raises(FieldErrors):
        surveys.answer_survey(db.session, sent.token, "9", "")
    surveys.answer_survey(db.session, sent.token, "4", "很好")
    db.session.commit()
    with pytest.raises(CRMError):
        surveys.answer_survey(db.session, sent.token, "1", "second try")
    assert surveys.open_survey(db.session, sent.token) is None
    assert db.session.scalar(select(Survey.rating)) == 4
    today = local_today()
    scores = kpis.satisfaction([org.rep1.id, org.rep2.id], Period(today - timedelta(days=1), today + timedelta(days=2)))
    assert scores == {org.rep1.id: 4}


def test_a_survey_link_cannot_be_guessed_or_used_after_expiry(db, org, new_customer, request_context):
    customer = new_customer(org.rep1)
    sent = surveys.create_survey(db.session, customer, org.rep1)
    db.session.commit()
    assert len(sent.token) >= 43  # 256 random bits
    for guess in ("", "1", sent.token[:-1], sent.token + "x"):
        assert surveys.open_survey(db.session, guess) is None
        with pytest.raises(CRMError):
            surveys.answer_survey(db.session, guess, "5", "")
    sent.survey.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(CRMError):
        surveys.answer_survey(db.session, sent.token, "5", "")
    assert db.session.scalar(select(Survey.answered_at)) is None


def _audience(db, org, new_customer):
    """Three contacts: e-mail consent, SMS-only consent, no consent at all."""
    customer = new_customer(org.rep1, state="customer", grade=None)
    people = {}
    for name, channels in (("yes", ["email", "sms"]), ("sms-only", ["sms"]), ("none", None)):
        contact = contacts.add_contact(db.session, customer, {"name": name, "email": f"{name}@example.cn",
                                                              "phone": "13900000000"}, org.rep1)
        if channels:
            contacts.record_consent(db.session, contact, "促销", channels, local_today(), org.rep1)
        people[name] = contact
    db.session.commit()
    return people


def test_an_email_campaign_reaches_only_contacts_whose_consent_covers_email(db, org, new_customer, request_context):
    from core.notifications.models import EmailOutbox
    from plugins.crm.access import owner_condition

    people = _audience(db, org, new_customer)
    campaign = campaigns.create_campaign(db.session, {"name": "双十一", "channel": "email", "subject": "优惠",
                                                      "body": "全场八折", "states": ["customer"]}, org.manager)
    stats = campaigns.send_campaign(db.session, campaign, owner_condition(org.manager, "crm.customer.view"))
    db.session.commit()
    assert (stats.sent, stats.failed) == (1, 0)
    outbox = db.session.scalars(select(EmailOutbox)).all()
    assert [m.to for m in outbox] == ["yes@example.cn"]
    assert "/crm/p/unsubscribe/" in outbox[0].body_text
    with pytest.raises(CRMError):
        campaigns.send_campaign(db.session, campaign, owner_condition(org.manager, "crm.customer.view"))

    token = outbox[0].body_text.rsplit("/crm/p/unsubscribe/", 1)[1].split()[0]
    campaigns.unsubscribe(db.session, token)
    db.session.commit()
    assert campaigns.stats(db.session, campaign).unsubscribed == 1
    assert contacts.consented_channels(db.session, people["yes"].id) == {"sms"}  # e-mail withdrawn, SMS kept
    second = campaigns.create_campaign(db.session, {"name": "again", "channel": "email", "subject": "s",
                                                    "body": "b"}, org.manager)
    assert campaigns.count_recipients(db.session, second, owner_condition(org.manager, "crm.customer.view")) == 0


def test_a_campaign_reaches_only_the_senders_scope_and_segment(db, org, new_customer, request_context):
    from plugins.crm.access import owner_condition

    _audience(db, org, new_customer)
    campaign = campaigns.create_campaign(db.session, {"name": "n", "channel": "sms", "body": "b",
                                                      "grades": ["A"]}, org.sup2)
    assert campaigns.count_recipients(db.session, campaign, owner_condition(org.sup2, "crm.customer.view")) == 0
    campaign = campaigns.create_campaign(db.session, {"name": "n", "channel": "sms", "body": "b"}, org.sup1)
    assert campaigns.count_recipients(db.session, campaign, owner_condition(org.sup1, "crm.customer.view")) == 2
    assert campaigns.count_recipients(db.session, campaign, owner_condition(org.sup2, "crm.customer.view")) == 0


class Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_GET(self):  # noqa: N802
        query = parse_qs(urlparse(self.path).query)
        Gateway.received.append(query)
        ok = query["m"][0] != "13900000009"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"code":0}' if ok else b'{"code":41}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_sms_goes_through_the_configured_http_gateway_and_failures_are_counted(db, org, new_customer,
                                                                               request_context, gateway):
    from core.settings import set_setting
    from plugins.crm.access import owner_condition

    for key, value in (("crm.sms_url", gateway + "/send?u={user}&k={secret}&m={phone}&c={text}"),
                       ("crm.sms_user", "acme"), ("crm.sms_secret", "s3cret"), ("crm.sms_success_text", '"code":0')):
        set_setting(key, value)
    people = _audience(db, org, new_customer)
    people["sms-only"].phone = "13900000009"  # the gateway refuses this number
    db.session.commit()
    campaign = campaigns.create_campaign(db.session, {"name": "新品", "channel": "sms", "body": "新品上市"},
                                         org.manager)
    stats = campaigns.send_campaign(db.session, campaign, owner_condition(org.manager, "crm.customer.view"))
    db.session.commit()
    assert (stats.recipients, stats.sent, stats.failed) == (2, 1, 1)
    assert len(Gateway.received) == 2
    first = Gateway.received[0]
    assert first["u"] == ["acme"] and first["k"] == ["s3cret"] and first["m"] == ["13900000000"]
    assert first["c"][0].startswith("新品上市") and "/crm/p/unsubscribe/" in first["c"][0]
    phones = {m.address for m in db.session.scalars(select(CampaignMessage))}
    assert "none@example.cn" not in phones and people["none"].phone not in {q["m"][0] for q in Gateway.received[1:]}


def test_an_attendee_who_is_not_a_customer_becomes_a_lead(db, org, new_customer, request_context):
    from core.timeutil import utcnow

    existing = new_customer(org.rep1, name="老客户", phone="13700000000")
    event = events.create_event(db.session, {"title": "产品体验会", "kind": "experience",
                                             "starts_at": utcnow() + timedelta(days=3)}, org.rep2)
    invited = events.invite_customer(db.session, event, existing)
    with pytest.raises(CRMError):
        events.invite_customer(db.session, event, existing)
    walk_in = events.register(db.session, event, {"name": "赵敏", "company": "启明贸易", "phone": "13600000000"})
    known = events.register(db.session, event, {"name": "王强", "phone": "137-0000-0000"})
    for attendee in (invited, walk_in, known):
        events.set_status(db.session, attendee, "attended", org.rep2)
    events.record_feedback(db.session, walk_in, "5", "很有收获")
    db.session.commit()
    lead = db.session.get(Customer, walk_in.customer_id)
    assert (lead.name, lead.state, lead.source, lead.owner_id) == ("启明贸易", "lead", "event", org.rep2.id)
    assert db.session.get(Contact, walk_in.contact_id).name == "赵敏"
    assert known.customer_id == existing.id  # matched by phone, no duplicate lead
    assert db.session.scalar(select(func.count(Customer.id))) == 2


def test_pipl_access_exports_everything_and_deletion_keeps_business_records(db, org, new_customer,
                                                                             request_context):
    customer = new_customer(org.rep1, kind="individual", name="陈静", phone="13500000000")
    contact = contacts.add_contact(db.session, customer, {"name": "陈静", "phone": "13500000000",
                                                          "email": "cj@example.cn"}, org.rep1)
    contacts.record_consent(db.session, contact, "资讯", ["email"], local_today(), org.rep1)
    interactions.log_interaction(db.session, customer, {"kind": "call", "summary": "咨询价格",
                                                        "contact_id": contact.id}, org.rep1)
    db.session.commit()
    report = privacy.access_report(db.session, contact, org.manager)
    assert report["contact"]["email"] == "cj@example.cn" and len(report["consents"]) == 1
    assert report["interactions"][0]["summary"] == "咨询价格"

    with pytest.raises(CRMError):
        privacy.anonymise_contact(db.session, contact, org.manager, "")
    privacy.anonymise_contact(db.session, contact, org.manager, "本人邮件申请 5月3日")
    db.session.commit()
    contact = db.session.get(Contact, contact.id)
    assert (contact.phone, contact.email) == (None, None) and contact.name == privacy.ANONYMOUS
    assert db.session.scalar(select(Consent.withdrawn_at)) is not None
    customer = db.session.get(Customer, customer.id)
    assert customer.phone is None and customer.name == privacy.ANONYMOUS
    assert db.session.scalar(select(func.count(Interaction.id))) == 1  # the business record stays
    with pytest.raises(CRMError):
        contacts.update_contact(db.session, contact, {"name": "x"}, org.rep1)


def test_a_customer_is_invited_by_searching_and_only_one_the_organiser_sees(app, db, client, org, login_as,
                                                                          new_customer):
    """Issue 12: the invite box is a searchable select of the organiser's customers; a forged id is refused."""
    mine = new_customer(org.rep1, name="星河科技")
    theirs = new_customer(org.rep2, name="远山贸易")
    event = events.create_event(db.session, {"title": "秋季新品沙龙", "kind": "experience",
                                             "starts_at": utcnow() + timedelta(days=3)}, org.rep1)
    db.session.commit()
    login_as(org.rep1)
    assert 'data-lookup="/lookup/crm.customer"' in client.get(f"/crm/events/{event.id}").get_data(as_text=True)
    refused = client.post(f"/crm/events/{event.id}/invite", data={"customer_id": str(theirs.id)},
                          follow_redirects=True)
    assert refused.status_code == 200 and "请选择要邀请的客户。" in refused.get_data(as_text=True)
    client.post(f"/crm/events/{event.id}/invite", data={"customer_id": str(mine.id)})
    invited = client.get(f"/crm/events?customer={mine.id}").get_data(as_text=True)
    assert "秋季新品沙龙" in invited
    other_team = client.get(f"/crm/events?customer={theirs.id}").get_data(as_text=True)
    assert "远山贸易" not in other_team and "不是“客户”的有效值" in other_team  # refused as a filter, name untold
