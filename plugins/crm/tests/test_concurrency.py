"""Concurrent transitions of one CRM record: exactly one wins, the other is told (DESIGN.md; issue 11 F3).

The concurrency suite lives beside each plugin's other tests (``plugins/<name>/tests/test_concurrency.py``; the
pipeline's module says why). Each test runs two app instances (two connection pools, as two processes) through
``core.testing.concurrency.race``, which holds each request just before its first write until both have read the
record, so both pass the state checks: deterministic, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core.testing.concurrency import race
from core.timeutil import local_today, utcnow
from plugins.crm.models import AccessLog, Campaign, CampaignMessage, Customer, MergeRecord, Survey
from plugins.crm.services import campaigns, contacts, events, surveys


@pytest.fixture
def english(db: Any, org: Any) -> None:
    for user in vars(org).values():
        user.locale = "en"
    db.session.commit()


@pytest.fixture
def two(make_app: Any, login_as: Any) -> Any:
    """``two(user_a, user_b)`` → test clients of two app instances, signed in as each."""

    def build(*users: Any) -> list[Any]:
        clients = []
        for user in users:
            client = make_app().test_client()
            login_as(user, on=client)
            clients.append(client)
        return clients

    return build


def _flashes(client: Any) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def _count(db: Any, model: Any, *where: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _run(*posts: tuple[Any, str, dict[str, Any]]) -> list[Any]:
    outcome = race(*(lambda c=c, u=u, d=d: c.post(u, data=d) for c, u, d in posts))
    outcome.raise_errors()
    assert outcome.interleaved
    statuses = [r.status_code for r in outcome.results]
    assert all(s < 500 for s in statuses), statuses
    return outcome.results


def _one_told(clients: list[Any], refusal: str) -> None:
    """Exactly one of the two read ``refusal`` (the other its success)."""
    told = [refusal in _flashes(client) for client in clients]
    assert sorted(told) == [False, True], [_flashes(c) for c in clients]


def test_two_state_changes_of_one_customer_at_once(db, org, english, new_customer, two):
    customer = new_customer(org.rep1)
    url = f"/crm/customers/{customer.id}/state"
    clients = two(org.rep1, org.sup1)
    _run((clients[0], url, {"state": "prospect"}), (clients[1], url, {"state": "lost"}))
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).state in ("prospect", "lost")
    _one_told(clients, "Someone else changed this customer's state meanwhile; reload and try again.")


def test_two_api_state_changes_of_one_customer_at_once_give_a_409(db, org, english, new_customer, make_app):
    """The API's PATCH with a new state: the loser gets 409 with the message, not a field error."""
    from core.api.tokens import create_token

    customer = new_customer(org.rep1)
    headers = []
    for user in (org.rep1, org.sup1):
        _row, secret = create_token(db.session, user.id, "race", None)
        headers.append({"Authorization": f"Bearer {secret}"})
    db.session.commit()
    url = f"/api/v1/crm/customers/{customer.id}"
    clients = [make_app().test_client(), make_app().test_client()]
    outcome = race(lambda: clients[0].patch(url, json={"state": "prospect"}, headers=headers[0]),
                   lambda: clients[1].patch(url, json={"state": "customer"}, headers=headers[1]))
    outcome.raise_errors()
    assert outcome.interleaved
    answers = sorted((r.status_code, r.get_json()) for r in outcome.results)
    assert [status for status, _body in answers] == [200, 409]
    assert answers[1][1] == {"error": {"status": 409, "message": "Someone else changed this customer's state "
                                                                 "meanwhile; reload and try again."}}
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).state == answers[0][1]["state"]


def _campaign(db: Any, org: Any, new_customer: Any) -> Campaign:
    customer = new_customer(org.rep1, state="customer")
    for name in ("张伟", "王芳"):
        contact = contacts.add_contact(db.session, customer, {"name": name, "email": f"{len(name)}{name}@example.cn"},
                                       org.rep1)
        contacts.record_consent(db.session, contact, "促销", ["email"], local_today(), org.rep1)
    campaign = campaigns.create_campaign(db.session, {"name": "双十一", "channel": "email", "subject": "优惠",
                                                      "body": "全场八折"}, org.sup1)
    db.session.commit()
    return campaign


def test_two_people_sending_one_campaign_at_once_send_it_once(db, org, english, new_customer, two):
    from core.notifications.models import EmailOutbox

    campaign = _campaign(db, org, new_customer)
    url = f"/crm/campaigns/{campaign.id}/send"
    clients = two(org.sup1, org.manager)
    _run((clients[0], url, {}), (clients[1], url, {}))
    assert _count(db, CampaignMessage, CampaignMessage.campaign_id == campaign.id) == 2
    assert _count(db, EmailOutbox) == 2  # one e-mail to each of the two contacts, not four
    _one_told(clients, "Someone else sent this campaign a moment ago.")


def test_two_retries_of_a_campaigns_failures_at_once_send_each_message_once(app, db, org, english, new_customer,
                                                                            two):
    from core.notifications.models import EmailOutbox

    campaign = _campaign(db, org, new_customer)
    with app.test_request_context("/"):
        campaigns.send_campaign(db.session, campaign, Customer.id.is_not(None))
    db.session.execute(CampaignMessage.__table__.update().values(status="failed"))
    db.session.execute(EmailOutbox.__table__.delete())
    db.session.commit()
    url = f"/crm/campaigns/{campaign.id}/retry"
    clients = two(org.sup1, org.manager)
    _run((clients[0], url, {}), (clients[1], url, {}))
    assert _count(db, EmailOutbox) == 2
    assert _count(db, CampaignMessage, CampaignMessage.status == "sent") == 2


@pytest.mark.parametrize("crossed", [False, True], ids=["same-merge-twice", "each-into-the-other"])
def test_two_merges_of_the_same_files_at_once_make_one(db, org, english, new_customer, two, crossed):
    first = new_customer(org.rep1, name="星河科技有限公司")
    second = new_customer(org.rep1, name="星河科技")
    clients = two(org.sup1, org.manager)
    posts = [(clients[0], f"/crm/customers/{first.id}/merge", {"other_id": str(second.id)}),
             (clients[1], f"/crm/customers/{second.id if crossed else first.id}/merge",
              {"other_id": str(first.id if crossed else second.id)})]
    _run(*posts)
    assert _count(db, MergeRecord) == 1
    merged = _count(db, Customer, Customer.id.in_((first.id, second.id)), Customer.merged_into_id.is_not(None))
    assert merged == 1  # never both archived, each into the other
    _one_told(clients, "Someone else merged one of these customers a moment ago. Reload and check.")


def test_two_erasures_of_one_contact_at_once_are_one_request(db, org, english, new_customer, two):
    customer = new_customer(org.rep1)
    contact = contacts.add_contact(db.session, customer, {"name": "李娜", "email": "lina@example.cn"}, org.rep1)
    db.session.commit()
    url = f"/crm/customers/{customer.id}/contacts/{contact.id}/anonymise"
    other = two(org.manager)[0]
    clients = [two(org.manager)[0], other]
    results = _run((clients[0], url, {"reason": "本人电话要求"}), (clients[1], url, {"reason": "本人邮件要求"}))
    assert _count(db, AccessLog, AccessLog.action == "pipl_deletion") == 1
    refusal = "Someone else erased this contact&#39;s data a moment ago."
    assert sorted(r.status_code for r in results) == [302, 422]
    assert refusal in next(r for r in results if r.status_code == 422).get_data(as_text=True)


def test_two_people_marking_one_walk_in_as_attended_make_one_lead(db, org, english, two):
    event = events.create_event(db.session, {"title": "产品体验会", "kind": "experience",
                                             "starts_at": utcnow() + timedelta(days=3)}, org.rep2)
    walk_in = events.register(db.session, event, {"name": "赵敏", "company": "启明贸易", "phone": "13600000000"})
    db.session.commit()
    url = f"/crm/events/{event.id}/attendees/{walk_in.id}/status"
    clients = two(org.rep2, org.rep1)
    _run((clients[0], url, {"status": "attended"}), (clients[1], url, {"status": "attended"}))
    assert _count(db, Customer) == 1  # one lead, not two
    _one_told(clients, "Someone else changed this attendee's state a moment ago. Reload the event.")


def test_two_imports_of_one_uploaded_file_at_once_import_it_once(db, org, english, two):
    from plugins.crm.models import ImportUpload

    upload = ImportUpload(user_id=org.rep1.id, filename="customers.csv",
                          data="客户名称,手机\n云帆科技,13800000001\n博达实业,13800000002\n".encode())
    db.session.add(upload)
    db.session.commit()
    form = {"what": "customers", "token": str(upload.id), "action": "import", "map_name": "客户名称",
            "map_phone": "手机"}
    clients = two(org.rep1, org.rep1)
    results = _run((clients[0], "/crm/import", form), (clients[1], "/crm/import", form))
    assert _count(db, Customer) == 2  # each row once
    assert sorted(r.status_code for r in results) == [302, 422]
    page = next(r for r in results if r.status_code == 422).get_data(as_text=True)
    assert "This file was imported a moment ago." in page


def test_one_survey_link_answered_twice_at_once_keeps_one_answer(app, db, org, new_customer, make_app):
    customer = new_customer(org.rep1)
    with app.test_request_context("/"):
        sent = surveys.create_survey(db.session, customer, org.rep1, email=False)
    db.session.commit()
    url = f"/crm/p/survey/{sent.token}"
    clients = [make_app().test_client(), make_app().test_client()]
    results = _run((clients[0], url, {"rating": "5"}), (clients[1], url, {"rating": "1"}))
    assert sorted(r.status_code for r in results) == [200, 422]
    assert _count(db, Survey, Survey.answered_at.is_not(None)) == 1
    kept = db.session.scalar(select(Survey.rating))
    assert kept == (5 if results[0].status_code == 200 else 1)


def test_two_supervisors_giving_one_pool_lead_away_at_once_give_it_once(db, org, english, new_customer, two):
    """R2.2.3: a lead in the unassigned pool is reachable by both supervisors; once one has given it to their
    representative it is outside the other's team, so the other's allocation must not move it on."""
    from plugins.crm.models import OwnershipChange

    lead = new_customer(None, name="无主线索")
    clients = two(org.sup1, org.sup2)
    _run((clients[0], "/crm/allocation/assign", {"ids": str(lead.id), "to_user_ids": str(org.rep1.id)}),
         (clients[1], "/crm/allocation/assign", {"ids": str(lead.id), "to_user_ids": str(org.rep2.id)}))
    moves = _count(db, OwnershipChange, OwnershipChange.customer_id == lead.id,
                   OwnershipChange.to_user_id.in_((org.rep1.id, org.rep2.id)))
    assert moves == 1
    assert db.session.get(Customer, lead.id).owner_id in (org.rep1.id, org.rep2.id)
    _one_told(clients, "Someone else gave some of these customers to another person a moment ago. Reload the list "
                       "and choose again.")
