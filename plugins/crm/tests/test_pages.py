"""The CRM's pages through the browser's eyes: record scopes (no IDOR), forms with field errors, public links,
import, and query counts that do not grow with the data."""

import io
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from core.timeutil import local_today
from plugins.crm.models import Customer, Interaction, Survey


@contextmanager
def count_queries(db):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_every_crm_page_renders_for_a_manager_with_data(app, db, client, org, login_as, new_customer):
    from plugins.crm.services import contacts, interactions

    customer = new_customer(org.rep1, state="customer", tags="重点", phone="13800000000")
    contact = contacts.add_contact(db.session, customer, {"name": "张伟", "email": "zw@example.cn"}, org.rep1)
    contacts.record_consent(db.session, contact, "资讯", ["email"], local_today(), org.rep1)
    interactions.log_interaction(db.session, customer, {"kind": "call", "summary": "通话", "next_step": "报价",
                                                        "next_step_on": local_today()}, org.rep1)
    db.session.commit()
    login_as(org.manager)
    for url in ("/crm/customers", f"/crm/customers/{customer.id}", "/crm/customers/new",
                f"/crm/customers/{customer.id}/edit", "/crm/revisits", "/crm/cleanup", "/crm/allocation",
                "/crm/reps", "/crm/plans", "/crm/plans/A", "/crm/campaigns", "/crm/campaigns/new", "/crm/events",
                "/crm/events/new", "/crm/import", f"/crm/customers/{customer.id}/contacts/new",
                f"/crm/customers/{customer.id}/contacts/{contact.id}/consent",
                f"/crm/customers/{customer.id}/contacts/{contact.id}/anonymise", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/crm/customers/{customer.id}").get_data(as_text=True)
    assert "张伟" in page and "通话" in page


def test_a_representative_cannot_reach_another_teams_customer_by_html_or_api(app, db, client, org, login_as,
                                                                              new_customer):
    theirs = new_customer(org.rep2, name="别人的客户")
    mine = new_customer(org.rep1, name="我的客户")
    login_as(org.rep1)
    listing = client.get("/crm/customers").get_data(as_text=True)
    assert "我的客户" in listing and "别人的客户" not in listing
    assert client.get(f"/crm/customers/{theirs.id}").status_code == 404
    assert client.get(f"/crm/customers/{theirs.id}/edit").status_code == 404
    assert client.post(f"/crm/customers/{theirs.id}/edit", data={"name": "hijacked", "kind": "company"}
                       ).status_code == 404
    assert client.post(f"/crm/customers/{theirs.id}/interactions", data={"kind": "call", "summary": "x"}
                       ).status_code == 404
    assert client.post(f"/crm/customers/{theirs.id}/contacts/new", data={"name": "x"}).status_code == 404
    assert client.get(f"/api/v1/crm/customers/{theirs.id}").status_code == 404
    assert client.patch(f"/api/v1/crm/customers/{theirs.id}", json={"name": "hijacked"}).status_code == 404
    assert client.post(f"/api/v1/crm/customers/{theirs.id}/interactions",
                       json={"kind": "call", "summary": "x"}).status_code == 404
    api_list = client.get("/api/v1/crm/customers").get_json()
    assert [c["id"] for c in api_list["items"]] == [mine.id]
    assert db.session.get(Customer, theirs.id).name == "别人的客户"
    assert db.session.scalar(select(Interaction.id)) is None
    # Supervisor 1 sees their team's, not supervisor 2's.
    login_as(org.sup1)
    assert client.get(f"/crm/customers/{mine.id}").status_code == 200
    assert client.get(f"/crm/customers/{theirs.id}").status_code == 404
    # Representatives do not allocate, export or run campaigns.
    login_as(org.rep1)
    for url in ("/crm/allocation", "/crm/reps", "/crm/campaigns", "/crm/customers?export=csv"):
        assert client.get(url).status_code == 403, url


def test_a_supervisor_reassigns_only_within_the_team(app, db, client, org, login_as, new_customer):
    mine = new_customer(org.rep1, name="A")
    other = new_customer(org.rep2, name="B")
    login_as(org.sup1)
    client.post("/crm/allocation/assign", data={"ids": [mine.id, other.id], "to_user_ids": [org.rep1b.id, org.rep2.id]})
    db.session.expire_all()
    assert db.session.get(Customer, mine.id).owner_id == org.rep1b.id  # rep2 is not in sup1's team
    assert db.session.get(Customer, other.id).owner_id == org.rep2.id


def test_the_customer_form_explains_errors_next_to_fields_and_flags_duplicates(app, db, client, org, login_as,
                                                                                new_customer):
    new_customer(org.rep2, name="星河科技有限公司", phone="13800000000")
    login_as(org.rep1)
    bad = client.post("/crm/customers/new", data={"name": "X", "kind": "company", "state": "lead",
                                                  "email": "nope", "phone": "1"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert 'id="email-error"' in text and 'id="phone-error"' in text
    duplicate = client.post("/crm/customers/new", data={"name": "星河科技", "kind": "company", "state": "lead"})
    assert duplicate.status_code == 422 and "星河科技有限公司" in duplicate.get_data(as_text=True)
    assert db.session.scalar(select(Customer.id).where(Customer.name == "星河科技")) is None
    confirmed = client.post("/crm/customers/new", data={"name": "星河科技", "kind": "company", "state": "lead",
                                                        "confirm_duplicate": "y"})
    assert confirmed.status_code == 302


def test_the_survey_page_takes_one_answer_without_login(app, db, client, org, new_customer):
    from plugins.crm.services import surveys

    customer = new_customer(org.rep1)
    with app.test_request_context("/"):
        sent = surveys.create_survey(db.session, customer, org.rep1)
    db.session.commit()
    url = f"/crm/p/survey/{sent.token}"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"rating": "7"}).status_code == 422
    assert client.post(url, data={"rating": "5", "comment": "好"}).status_code == 200
    assert client.get(url).status_code == 404
    assert client.post(url, data={"rating": "1"}).status_code == 404
    assert client.get("/crm/p/survey/" + "x" * 43).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(Survey.rating)) == 5


def test_unsubscribing_needs_a_confirmation_post(app, db, client, org, new_customer):
    from plugins.crm.access import owner_condition
    from plugins.crm.services import campaigns, contacts

    customer = new_customer(org.rep1)
    contact = contacts.add_contact(db.session, customer, {"name": "a", "email": "a@example.cn"}, org.rep1)
    contacts.record_consent(db.session, contact, "p", ["email"], local_today(), org.rep1)
    with app.test_request_context("/"):
        campaign = campaigns.create_campaign(db.session, {"name": "c", "channel": "email", "subject": "s",
                                                          "body": "b"}, org.manager)
        campaigns.send_campaign(db.session, campaign, owner_condition(org.manager, "crm.customer.view"))
    db.session.commit()
    from core.notifications.models import EmailOutbox

    body = db.session.scalar(select(EmailOutbox.body_text))
    path = "/crm/p/unsubscribe/" + body.rsplit("/crm/p/unsubscribe/", 1)[1].split()[0]
    assert client.get(path).status_code == 200
    assert contacts.consented_channels(db.session, contact.id) == {"email"}
    assert client.post(path).status_code == 200
    db.session.expire_all()
    assert contacts.consented_channels(db.session, contact.id) == set()


def test_import_through_the_page_dry_run_then_import(app, db, client, org, login_as):
    login_as(org.rep1)
    csv = "name,phone\n启明贸易,13800000001\n博达实业,13800000002\n".encode()
    dry = client.post("/crm/import", data={"what": "customers", "file": (io.BytesIO(csv), "c.csv"),
                                           "action": "dry_run"}, content_type="multipart/form-data")
    assert dry.status_code == 200 and db.session.scalar(select(Customer.id)) is None
    token = dry.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/crm/import", data={"what": "customers", "token": token, "action": "import",
                                            "map_name": "name", "map_phone": "phone"})
    assert done.status_code == 302
    assert sorted(db.session.scalars(select(Customer.name))) == ["博达实业", "启明贸易"]


def test_the_api_creates_customers_with_422_and_409_answers(app, db, client, org, login_as):
    login_as(org.rep1)
    created = client.post("/api/v1/crm/customers", json={"name": "API Co", "phone": "13800000009"})
    assert created.status_code == 201 and created.get_json()["owner_id"] == org.rep1.id
    bad = client.post("/api/v1/crm/customers", json={"name": "X", "email": "nope"})
    assert bad.status_code == 422 and "email" in bad.get_json()["error"]["fields"]
    duplicate = client.post("/api/v1/crm/customers", json={"name": "Other", "phone": "138 0000 0009"})
    assert duplicate.status_code == 409
    customer_id = created.get_json()["id"]
    moved = client.patch(f"/api/v1/crm/customers/{customer_id}", json={"state": "prospect", "region": "上海"})
    assert moved.status_code == 200 and moved.get_json()["state"] == "prospect"
    assert client.patch(f"/api/v1/crm/customers/{customer_id}", json={"state": "inactive"}).status_code == 422
    note = client.post(f"/api/v1/crm/customers/{customer_id}/interactions",
                       json={"kind": "call", "summary": "电话", "next_step": "报价", "next_step_on": "2099-01-01"})
    assert note.status_code == 201
    assert client.get(f"/api/v1/crm/customers/{customer_id}/interactions").get_json()["total"] == 1
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/crm/customers/{customer_id}/contacts" in spec["paths"]


@pytest.mark.parametrize("url", ["/crm/customers?sort=name&grade=C", "/crm/customers/{id}"])
def test_list_and_customer_page_make_a_fixed_number_of_queries(app, db, client, org, login_as, new_customer, url):
    from plugins.crm.services import contacts, interactions

    def grow(n):
        for k in range(n):
            customer = new_customer(org.rep1, name=f"Customer {k} {n}", tags=f"t{k % 3}", grade="C")
            contact = contacts.add_contact(db.session, customer, {"name": f"c{k}"}, org.rep1)
            contacts.record_consent(db.session, contact, "p", ["sms"], local_today(), org.rep1)
            interactions.log_interaction(db.session, customer, {"kind": "call", "summary": "s"}, org.rep1)
        db.session.execute(Customer.__table__.update().values(grade="C"))
        db.session.commit()

    target = new_customer(org.rep1, name="Target")
    contacts.add_contact(db.session, target, {"name": "first"}, org.rep1)
    interactions.log_interaction(db.session, target, {"kind": "visit", "summary": "v"}, org.rep1)
    db.session.commit()
    login_as(org.rep1)

    def measure():
        client.get(url.format(id=target.id))  # warm caches (plugin state, settings)
        with count_queries(db) as statements:
            assert client.get(url.format(id=target.id)).status_code == 200
        return len(statements)

    grow(2)
    few = measure()
    grow(20)
    for _ in range(10):
        interactions.log_interaction(db.session, target, {"kind": "visit", "summary": "v"}, org.rep1)
        contacts.add_contact(db.session, target, {"name": "more"}, org.rep1)
    db.session.commit()
    assert measure() == few


def test_exports_need_their_permission_and_are_logged(app, db, client, org, login_as, new_customer):
    from plugins.crm.models import AccessLog

    new_customer(org.rep1, name="导出客户")
    login_as(org.manager)
    response = client.get("/crm/customers?export=csv&q=导出")
    assert response.status_code == 200 and "导出客户" in response.get_data(as_text=True)
    assert client.get("/crm/customers?export=xlsx").status_code == 200
    logged = db.session.execute(select(AccessLog.action, AccessLog.records, AccessLog.user_id)).all()
    assert sorted(logged) == [("export", 1, org.manager.id), ("export", 1, org.manager.id)]
