"""The CRM's pages through the browser's eyes: record scopes (no IDOR), forms with field errors, public links,
import, and query counts that do not grow with the data."""

import io

import pytest
from sqlalchemy import select

from core.timeutil import local_today
from plugins.crm.models import Customer, Interaction, Survey


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


#: The list's variants (issue 5): plain, searched by name and by phone, filtered by grade and owner, sorted, a
#: page past the first, and the customer's page. {id}: the target customer, {owner}: its owner.
PAGES = ["/crm/customers", "/crm/customers?q=Customer", "/crm/customers?q=1390000", "/crm/customers?q=tomer 1",
         "/crm/customers?grade=C&owner={owner}&sort=name", "/crm/customers?sort=-name&tag=t1",
         "/crm/customers?page=2&per_page=10", "/crm/customers/{id}"]


@pytest.mark.parametrize("role", ["rep1", "sup1", "manager"])
@pytest.mark.parametrize("url", PAGES)
def test_list_and_customer_page_make_a_fixed_number_of_queries(app, db, client, org, login_as, new_customer,
                                                               count_queries, url, role):
    from plugins.crm.services import contacts, grading, interactions

    made = [0]

    def grow(n):
        for _ in range(n):
            k = made[0] = made[0] + 1
            owner = (org.rep1, org.rep1b, org.rep2)[k % 3]
            customer = new_customer(owner, name=f"Customer {k}", tags=f"t{k % 3}", phone=f"139{k:08d}")
            contact = contacts.add_contact(db.session, customer, {"name": f"c{k}"}, owner)
            contacts.record_consent(db.session, contact, "p", ["sms"], local_today(), owner)
            interactions.log_interaction(db.session, customer, {"kind": "call", "summary": "s"}, owner)
        db.session.execute(Customer.__table__.update().values(grade="C"))
        db.session.commit()

    target = new_customer(org.rep1, name="Target", phone="13900000000")
    contacts.add_contact(db.session, target, {"name": "first"}, org.rep1)
    interactions.log_interaction(db.session, target, {"kind": "visit", "summary": "v"}, org.rep1)
    db.session.commit()
    login_as(getattr(org, role))
    address = url.format(id=target.id, owner=org.rep1.id)

    def measure():
        client.get(address)  # warm caches (plugin state, settings)
        with count_queries() as statements:
            response = client.get(address)
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    grow(12)
    few, _page = measure()
    grow(40)
    for _ in range(10):  # a longer history: more interactions, contacts, grade and owner changes, surveys
        interactions.log_interaction(db.session, target, {"kind": "visit", "summary": "v"}, org.rep1)
        contacts.add_contact(db.session, target, {"name": "more"}, org.rep1)
        grading.override(db.session, target, "A", "key account", org.manager)
        grading.release_override(db.session, target, org.manager)
    db.session.commit()
    many, page = measure()
    assert many == few
    assert "Customer" in page or "Target" in page


def test_the_customer_page_reads_little(app, db, client, org, login_as, new_customer, count_queries):
    """Contacts come with their consents, history with the names in it, and the timeline reuses that history."""
    from plugins.crm.services import contacts, interactions

    customer = new_customer(org.rep1, name="Target")
    for k in range(3):
        contact = contacts.add_contact(db.session, customer, {"name": f"c{k}"}, org.rep1)
        contacts.record_consent(db.session, contact, "p", ["sms", "email"], local_today(), org.rep1)
        interactions.log_interaction(db.session, customer, {"kind": "call", "summary": f"note {k}"}, org.rep1b)
    db.session.commit()
    login_as(org.manager)
    client.get(f"/crm/customers/{customer.id}")
    with count_queries() as statements:
        page = client.get(f"/crm/customers/{customer.id}").get_data(as_text=True)
    # Other modules' smart buttons on the page (deals, orders ...) may join the customer table: not the CRM's reads.
    crm = [s for s in statements if "crm_" in s and "pipeline_" not in s and "expense" not in s]
    # customer, tags, contacts with consents, interactions, grade changes, owner changes, surveys, plan with revisit,
    # and the smart buttons' counts (one statement)
    assert len(crm) == 9, crm
    assert not any(".login" in s for s in crm)  # users' names only, not whole users (with their roles)
    assert page.count("note 0") == 2  # in the interactions and in the timeline
    assert "rep1b" in page or org.rep1b.name in page


def test_the_list_finds_text_anywhere_in_names_phones_and_emails(app, db, client, org, login_as, new_customer):
    new_customer(org.rep1, name="北京星河科技有限公司", phone="+86 138-0013-8000", email="Sales@XingHe.cn")
    new_customer(org.rep1, name="星河贸易", phone="13900000000")
    new_customer(org.rep1, name="100%_Co", phone="13700000000", email="a%b_c@x.cn")
    login_as(org.rep1)

    def found(q):
        page = client.get("/crm/customers", query_string={"q": q}).get_data(as_text=True)
        return sorted(name for name in ("北京星河科技有限公司", "星河贸易", "100%_Co") if name in page)

    assert found("北京星河") == ["北京星河科技有限公司"]
    assert found("星河") == ["北京星河科技有限公司", "星河贸易"]  # inside the name as well as at its start
    assert found("科技") == ["北京星河科技有限公司"]
    assert found("北京 星河 科技有限公司") == ["北京星河科技有限公司"]  # spaces and the suffix are ignored
    assert found("138 0013") == ["北京星河科技有限公司"]
    assert found("8000") == ["北京星河科技有限公司"]  # the last digits of a mobile number
    assert found("139") == ["星河贸易"]
    assert found("xinghe") == ["北京星河科技有限公司"]  # in the e-mail (and in no name)
    assert found("@xinghe.c") == ["北京星河科技有限公司"]
    assert found("100%") == ["100%_Co"]
    assert found("%b_c@") == ["100%_Co"]  # in the e-mail, "%" and "_" as typed
    assert found("100x") == []
    assert found("%bxc@") == []  # "%" and "_" are not wildcards
    assert found("a%c") == []
    assert found("贸易科技") == []  # the whole text, not each part of it


def test_the_tag_filter_offers_only_tags_in_the_users_scope(app, db, client, org, login_as, new_customer):
    from plugins.crm.views.customer_list import visible_tags

    new_customer(org.rep1, name="A", tags="重点, 华东")
    new_customer(org.rep2, name="B", tags="华南, 重点")
    merged = new_customer(org.rep1, name="C", tags="已合并")
    merged.merged_into_id = merged.id
    db.session.commit()
    assert visible_tags(org.rep1) == ["华东", "重点"]
    assert visible_tags(org.sup2) == ["华南", "重点"]
    assert visible_tags(org.manager) == ["华东", "华南", "重点"]
    assert visible_tags(org.manager, limit=2) == ["华东", "华南"]
    login_as(org.rep1)
    page = client.get("/crm/customers?tag=华东").get_data(as_text=True)
    assert ">A<" in page and "华南" not in page


def test_a_team_sees_its_own_customers_in_order_through_every_page(app, db, client, org, login_as, new_customer):
    for k in range(7):
        new_customer((org.rep1, org.rep1b, org.rep2)[k % 3], name=f"N{k}")
    login_as(org.sup1)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/crm/customers?sort=name&per_page=2&page={number}").get_data(as_text=True)
        seen += [f"N{k}" for k in range(7) if f">N{k}<" in page]
    assert seen == ["N0", "N1", "N3", "N4", "N6"]  # rep2 (N2, N5) is another team's


def test_object_url_works_in_a_job_without_a_request(app, db, org, new_customer):
    """Notifications sent by jobs link to the customer (object_url used to need a request for url_for)."""
    from flask import has_request_context

    from core.attachments.records import record_url
    from core.notifications.models import Notification
    from core.timeline.services import add_comment
    from plugins.crm.models import Contact
    from plugins.crm.services import contacts

    customer = new_customer(org.rep1)
    contact = contacts.add_contact(db.session, customer, {"name": "张伟"}, org.rep1)
    assert not has_request_context()
    assert record_url(customer) == f"/crm/customers/{customer.id}"
    assert record_url(db.session.get(Contact, contact.id)) == f"/crm/customers/{customer.id}"
    add_comment(customer, f"@{org.sup1.login} 请跟进", org.rep1)
    db.session.commit()
    assert db.session.scalar(select(Notification.url).where(Notification.recipient_id == org.sup1.id)) == (
        f"/crm/customers/{customer.id}")
    with app.test_request_context("/"):
        assert record_url(customer) == f"/crm/customers/{customer.id}"


def test_exports_need_their_permission_and_are_logged(app, db, client, org, login_as, new_customer):
    from plugins.crm.models import AccessLog

    new_customer(org.rep1, name="导出客户")
    login_as(org.manager)
    response = client.get("/crm/customers?export=csv&q=导出")
    assert response.status_code == 200 and "导出客户" in response.get_data(as_text=True)
    assert client.get("/crm/customers?export=xlsx").status_code == 200
    logged = db.session.execute(select(AccessLog.action, AccessLog.records, AccessLog.user_id)).all()
    assert sorted(logged) == [("export", 1, org.manager.id), ("export", 1, org.manager.id)]


def test_the_api_searches_inside_names_and_phones_like_the_list_page(app, db, client, org, login_as, new_customer):
    new_customer(org.rep1, name="北京星河科技有限公司", phone="13800138000")
    new_customer(org.rep1, name="启明贸易", phone="13900001111")
    new_customer(org.rep2, name="星河物流")  # another team's: never listed for rep1
    login_as(org.rep1)

    def names(q: str) -> list[str]:
        response = client.get("/api/v1/crm/customers", query_string={"q": q})
        assert response.status_code == 200
        return sorted(item["name"] for item in response.get_json()["items"])

    assert names("星河") == ["北京星河科技有限公司"]
    assert names("8000") == ["北京星河科技有限公司"]  # the last digits of a phone
    assert names("%") == [] and names("_") == []  # wildcards are text, not patterns


def test_merging_with_a_number_no_customer_can_have_is_refused_and_keeps_both(app, db, client, org, login_as,
                                                                               new_customer):
    """R5.1.2: a typo in the merge box (20 digits overflow the database driver) gets the form's message."""
    keep = new_customer(org.rep1, name="星河科技")
    other = new_customer(org.rep1, name="星河科技有限公司")
    login_as(org.sup1)
    response = client.post(f"/crm/customers/{keep.id}/merge", data={"other_id": "99999999999999999999"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "请选择要合并到此客户的客户。" in response.get_data(as_text=True)  # "Choose the customer to merge ..."
    db.session.expire_all()
    assert db.session.get(Customer, other.id).merged_into_id is None


def test_the_merge_box_searches_customers_and_refuses_one_the_user_does_not_see(app, db, client, org, login_as,
                                                                                new_customer):
    """Issue 12: a searchable select, not a number to know by heart; a forged id of another team's file is refused."""
    keep = new_customer(org.rep1, name="星河科技")
    theirs = new_customer(org.rep2, name="星河科技有限公司")
    login_as(org.sup1)
    page = client.get(f"/crm/customers/{keep.id}").get_data(as_text=True)
    assert 'data-lookup="/lookup/crm.customer"' in page
    response = client.post(f"/crm/customers/{keep.id}/merge", data={"other_id": str(theirs.id)}, follow_redirects=True)
    assert response.status_code == 200 and "请选择要合并到此客户的客户。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Customer, theirs.id).merged_into_id is None


def test_the_customer_list_groups_by_grade_owner_and_source_with_counts_and_sums(app, db, client, org, login_as,
                                                                                 new_customer, count_queries):
    """Issue 12: group-by with counts and sums, each group linking to the list filtered to it; within scope."""
    from decimal import Decimal

    for name, owner, grade, value in (("甲", org.rep1, "A", "1000"), ("乙", org.rep1, "A", "250.50"),
                                      ("丙", org.rep1b, "C", "0"), ("丁", org.rep2, "B", "99999")):
        customer = new_customer(owner, name=name, potential_value=value, source="referral")
        customer.grade = grade
    db.session.commit()
    login_as(org.sup1)  # rep1's and rep1b's supervisor: not rep2's customer
    page = client.get("/crm/customers?group=grade").get_data(as_text=True)
    assert "list-groups" in page and "3 customer files" not in page
    with app.app_context(), app.test_request_context("/crm/customers?group=grade"):
        from flask_login import login_user

        from plugins.crm.forms import grade_choices
        from plugins.crm.views.customer_list import customer_listing

        login_user(org.sup1)
        grouped = customer_listing().page()
        label = {code: str(text) for code, text in grade_choices()}  # "A（高价值）": labels, never codes
    groups = {g.label: (g.count, g.sums["potential"]) for g in grouped.groups}
    assert groups == {label["A"]: (2, Decimal("1250.50")), label["C"]: (1, Decimal("0"))}
    assert grouped.group_totals.count == 3
    assert [g.url for g in grouped.groups][0].endswith("grade=A")
    by_owner = client.get("/crm/customers?group=owner").get_data(as_text=True)
    assert org.rep1.name in by_owner and org.rep2.name not in by_owner
    by_source = client.get("/crm/customers?group=source").get_data(as_text=True)
    assert ">转介绍</a>" in by_source  # the source's label in the CRM's words (the group links to its rows), never its code
    client.get("/crm/customers?group=owner")
    with count_queries() as statements:
        assert client.get("/crm/customers?group=owner").status_code == 200
    assert len([s for s in statements if "GROUP BY" in s]) == 1


def test_a_saved_view_of_the_customer_list_comes_back_as_a_chip(app, db, client, org, login_as, new_customer):
    new_customer(org.rep1, name="星河科技")
    login_as(org.rep1)
    client.post("/list-views", data={"list_key": "crm.customers", "name": "我的A类", "query": "grade=A",
                                     "next": "/crm/customers?grade=A"})
    page = client.get("/crm/customers").get_data(as_text=True)
    assert "我的A类" in page and 'href="/crm/customers?grade=A"' in page
