"""A customer's page is a hub (issue 12): counts of its contacts, interactions, open revisits and events at the top,
each opening the list behind it filtered to the customer, counted only for whoever may see the customer."""

from __future__ import annotations

from datetime import timedelta

from core.contracts import SmartButton
from core.timeutil import local_today, utcnow
from plugins.crm.models import CustomerEvent, EventAttendee, Revisit
from plugins.crm.services import contacts, interactions


def _buttons(app, customer, user, language="en"):
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": language}):  # a new g
        found = app.extensions["netsales"].collect("record_smart_buttons", SmartButton, only="crm", obj=customer,
                                                   user=user)
    return {b.key: b for b in found}


def _history(db, org, customer, calls=3):
    kept = contacts.add_contact(db.session, customer, {"name": "王经理"}, org.rep1)
    erased = contacts.add_contact(db.session, customer, {"name": "李离职"}, org.rep1)
    erased.anonymised_at = utcnow()
    for k in range(calls):
        interactions.log_interaction(db.session, customer, {"kind": "call", "summary": f"通话 {k}"}, org.rep1)
    db.session.add(Revisit(customer_id=customer.id, owner_id=org.rep1.id, due_on=local_today() - timedelta(days=2)))
    db.session.commit()
    return kept


def test_the_counts_are_the_customers_and_link_to_lists_filtered_to_it(app, db, org, new_customer):
    customer = new_customer(org.rep1, name="星河科技")
    _history(db, org, customer)
    buttons = _buttons(app, customer, org.rep1)
    assert {k: b.count for k, b in buttons.items()} == {
        "crm.contacts": 1, "crm.interactions": 3, "crm.revisits": 1, "crm.events": 0}  # the erased contact is gone
    assert buttons["crm.interactions"].url == f"/crm/interactions?customer={customer.id}"
    assert buttons["crm.revisits"].url == f"/crm/revisits?customer={customer.id}"
    assert buttons["crm.events"].url == f"/crm/events?customer={customer.id}"
    assert buttons["crm.contacts"].url == f"/crm/customers/{customer.id}#contacts"
    assert buttons["crm.revisits"].figure == "1 overdue"  # said, not left to the reader to work out
    assert _buttons(app, customer, org.rep1, "zh-CN")["crm.revisits"].label == "待办回访"


def test_nothing_is_counted_for_whoever_may_not_see_the_customer_nor_for_other_records(app, db, org, new_customer):
    customer = new_customer(org.rep1, name="星河科技")
    _history(db, org, customer)
    assert _buttons(app, customer, org.rep2) == {}  # another team's representative
    assert _buttons(app, "not a customer", org.rep1) == {}
    assert _buttons(app, customer, org.sup1)["crm.interactions"].count == 3  # rep1's supervisor


def test_open_revisits_are_counted_within_each_viewers_scope_on_their_owner(app, db, org, new_customer):
    """The statement is built once per scope: whose revisits it counts comes with each request (R2.2)."""
    mine, theirs = new_customer(org.rep1, name="星河科技"), new_customer(org.rep2, name="远山贸易")
    due = local_today() + timedelta(days=3)
    for customer, owner in ((mine, org.rep1), (mine, org.rep2), (theirs, org.rep2), (theirs, org.rep2),
                            (theirs, org.rep1)):
        db.session.add(Revisit(customer_id=customer.id, owner_id=owner.id, due_on=due))
    db.session.commit()
    counted = {(customer.name, user.login): _buttons(app, customer, user)["crm.revisits"].count
               for customer, user in ((mine, org.rep1), (theirs, org.rep2), (mine, org.sup1), (mine, org.manager),
                                      (theirs, org.manager))}
    assert counted == {("星河科技", org.rep1.login): 1, ("远山贸易", org.rep2.login): 2,
                       ("星河科技", org.sup1.login): 1, ("星河科技", org.manager.login): 2,
                       ("远山贸易", org.manager.login): 3}


def test_events_are_counted_only_for_those_who_organise_them(app, db, org, new_customer, make_user):
    customer = new_customer(org.rep1, name="星河科技")
    for title in ("新品体验会", "行业论坛"):
        event = CustomerEvent(title=title, kind="seminar", starts_at=utcnow())
        db.session.add(event)
        db.session.flush()
        db.session.add(EventAttendee(event_id=event.id, customer_id=customer.id, name="王经理"))
    db.session.commit()
    assert _buttons(app, customer, org.rep1)["crm.events"].count == 2
    head = make_user("head", roles=["department_head"], position="department_head")
    org.manager.superior_id = head.id
    db.session.commit()
    seen = _buttons(app, customer, head)
    assert "crm.events" not in seen and seen["crm.interactions"].count == 0  # reads the team's, organises nothing


def test_all_the_counts_are_one_statement_whatever_the_history(app, db, org, new_customer, count_queries):
    customer = new_customer(org.rep1, name="星河科技")
    _history(db, org, customer, calls=2)
    _buttons(app, customer, org.sup1)  # warm the permission caches

    def statements():
        assert customer.name and customer.tag_names == []  # loaded again after the commit, before counting
        with count_queries() as ran:
            _buttons(app, customer, org.sup1)
        return [s for s in ran if "crm_" in s]

    few = statements()
    _history(db, org, customer, calls=20)
    assert len(statements()) == len(few) == 1


def test_the_page_shows_them_and_the_filtered_lists_show_only_that_customer(app, db, client, org, login_as,
                                                                          new_customer):
    customer = new_customer(org.rep1, name="星河科技")
    other = new_customer(org.rep1, name="远山贸易")
    theirs = new_customer(org.rep2, name="别组客户")
    _history(db, org, customer)
    interactions.log_interaction(db.session, other, {"kind": "visit", "summary": "远山的拜访"}, org.rep1)
    db.session.add(Revisit(customer_id=other.id, owner_id=org.rep1.id, due_on=local_today()))
    db.session.commit()
    login_as(org.rep1)
    page = client.get(f"/crm/customers/{customer.id}").get_data(as_text=True)
    assert 'class="smart-buttons"' in page and f'href="/crm/interactions?customer={customer.id}"' in page
    listed = client.get(f"/crm/interactions?customer={customer.id}").get_data(as_text=True)
    assert "通话 0" in listed and "远山的拜访" not in listed
    everything = client.get("/crm/interactions").get_data(as_text=True)
    assert "通话 0" in everything and "远山的拜访" in everything
    revisits = client.get(f"/crm/revisits?customer={customer.id}").get_data(as_text=True)
    assert "星河科技" in revisits and "远山贸易" not in revisits
    refused = client.get(f"/crm/interactions?customer={theirs.id}")  # not in the representative's scope
    assert refused.status_code == 200 and "别组客户" not in refused.get_data(as_text=True)
    assert client.get("/crm/interactions?customer=abc").status_code == 200


def test_the_interaction_and_revisit_lists_group_with_counts(app, db, client, org, login_as, new_customer):
    customer = new_customer(org.rep1, name="星河科技")
    _history(db, org, customer, calls=3)
    interactions.log_interaction(db.session, customer, {"kind": "visit", "summary": "上门拜访"}, org.rep1)
    db.session.commit()
    login_as(org.rep1)
    by_kind = client.get("/crm/interactions?group=kind").get_data(as_text=True)
    assert '<a href="/crm/interactions?kind=call">电话</a>' in by_kind and ">3<" in by_kind  # labels, never codes
    by_author = client.get("/crm/interactions?group=by").get_data(as_text=True)
    assert org.rep1.name in by_author and ">4<" in by_author
    assert "list-groups" in client.get("/crm/revisits?group=grade").get_data(as_text=True)
