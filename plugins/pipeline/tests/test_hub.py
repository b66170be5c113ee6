"""Records as hubs (issue 12): smart buttons on a customer, a deal, a quotation and an order count what the viewer
may see and open the list narrowed to the same rows; "New deal" on a customer brings the customer and their needs
into the deal; searchable selects of products and deals; the board keeps won deals with open tickets in
after-sales (R6.6), filters won / lost / open, quick-creates a deal and names the deal a refused move is about."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from plugins.pipeline.tests.conftest import sign_contract


def _deal(db, customer, owner, title, **values):
    from plugins.pipeline.models import Deal

    row = Deal(title=title, customer_id=customer.id, owner_id=owner.id, **values)
    db.session.add(row)
    db.session.commit()
    return row


def _won_with_order(db, deal, team, products, next_month):
    """The deal through an accepted quotation, a contract and its order; won at after-sales."""
    from plugins.pipeline.services.orders import order_from_quotation
    from plugins.pipeline.services.quotations import LineInput, create_quotation, mark_sent, record_response

    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[1].id, Decimal("2"))],
                                 next_month)
    mark_sent(db.session, quotation)
    record_response(db.session, quotation, True)
    sign_contract(db, deal, team["rep"], f"HT-{deal.id}")
    order = order_from_quotation(db.session, quotation, team["rep"])
    deal.stage, deal.status = "after_sales", "won"
    db.session.commit()
    return quotation, order


def _buttons(app, obj, user):
    from core.web.smart_buttons import smart_buttons_for

    with app.test_request_context():
        return {b.key: b for b in smart_buttons_for(obj, user)}


def rows_on(client, url) -> int:
    html = client.get(url).get_data(as_text=True)
    body = html[html.index("<tbody>"):html.index("</tbody>")] if "<tbody>" in html else ""
    return body.count("<tr")


def test_a_customers_buttons_count_what_the_viewer_may_see_and_open_the_same_rows(
        app, client, login_as, db, deal, team, customer, products, next_month, count_queries):
    from plugins.pipeline.services.tickets import open_ticket

    _quotation, order = _won_with_order(db, deal, team, products, next_month)
    _deal(db, customer, team["rep"], "二期扩容", expected_value=Decimal("5000"))
    _deal(db, customer, team["other"], "别人的商机")  # another representative's: not the rep's to count
    open_ticket(db.session, customer_id=customer.id, kind="support", priority="normal", subject="无法登录",
                assignee_id=team["rep"].id, order_id=order.id)
    db.session.commit()

    buttons = _buttons(app, customer, team["rep"])
    assert {k: b.count for k, b in buttons.items() if k.startswith("pipeline.")} == {
        "pipeline.deals": 2, "pipeline.quotations": 1, "pipeline.orders": 1, "pipeline.tickets": 1,
        "pipeline.new_deal": None}
    assert "5,000.00" in buttons["pipeline.deals"].figure  # the open deals' expected value
    login_as(team["rep"])
    for key in ("pipeline.deals", "pipeline.quotations", "pipeline.orders", "pipeline.tickets"):
        url = buttons[key].url
        assert f"customer={customer.id}" in url
        assert rows_on(client, url) == buttons[key].count, url

    # On the customer's own page (the CRM's), with "New deal" carrying the customer.
    page = client.get(f"/crm/customers/{customer.id}").get_data(as_text=True)
    assert re.search(rf'href="/pipeline/deals\?customer={customer.id}" data-key="pipeline.deals"', page)
    assert f'href="/pipeline/deals/new?customer_id={customer.id}" data-key="pipeline.new_deal"' in page

    # The supervisor sees the whole team's: the other representative's deal too.
    assert _buttons(app, customer, team["supervisor"])["pipeline.deals"].count == 3

    # One aggregate statement a group, however many records.
    _buttons(app, customer, team["rep"])  # permissions read and kept
    from plugins.pipeline.smart_buttons import buttons_for

    with app.test_request_context(), count_queries() as statements:
        buttons_for(customer, team["rep"])
    pipeline_statements = [s for s in statements if "pipeline_" in s]
    assert len(pipeline_statements) == 4, "\n".join(pipeline_statements)


def test_the_narrowed_list_names_the_customer_and_can_be_cleared(client, login_as, db, deal, team, customer):
    login_as(team["rep"])
    html = client.get(f"/pipeline/deals?customer={customer.id}").get_data(as_text=True)
    assert customer.name in html[html.index('class="narrowing"'):]
    assert 'href="/pipeline/deals"' in html  # the × removes the narrowing
    # Not a number, or another's id: ignored or names nothing, never a 500.
    assert client.get("/pipeline/deals?customer=abc").status_code == 200
    assert rows_on(client, "/pipeline/deals?customer=99999") == 0


def test_new_deal_from_a_customer_brings_the_customer_and_their_needs(client, login_as, db, team, customer):
    from plugins.pipeline.models import Deal

    customer.needs = "需要统一多平台订单"
    db.session.commit()
    login_as(team["rep"])
    page = client.get(f"/pipeline/deals/new?customer_id={customer.id}").get_data(as_text=True)
    assert f'value="{customer.id}"' in page and customer.name in page
    assert "需要统一多平台订单" in page
    saved = client.post("/pipeline/deals/new", data={"title": "多平台订单", "customer_id": str(customer.id),
                                                     "expected_value": "8000", "situation": "需要统一多平台订单"})
    assert saved.status_code == 302
    deal = db.session.scalar(select(Deal).where(Deal.title == "多平台订单"))
    assert (deal.customer_id, deal.situation, deal.stage) == (customer.id, "需要统一多平台订单", "development")


def test_a_forged_customer_is_refused_on_the_new_deal_form(client, login_as, db, team, make_user):
    from plugins.crm.models import Customer

    theirs = Customer(name="别人的客户", name_key="别人的客户", owner_id=team["other"].id, state="customer")
    db.session.add(theirs)
    db.session.commit()
    login_as(team["rep"])
    refused = client.post("/pipeline/deals/new", data={"title": "x", "customer_id": str(theirs.id),
                                                       "expected_value": "0"})
    assert refused.status_code == 422
    assert 'class="field-error"' in refused.get_data(as_text=True)


def test_a_deals_quotation_and_orders_pages_show_their_buttons(client, login_as, db, deal, team, products,
                                                               next_month):
    quotation, order = _won_with_order(db, deal, team, products, next_month)
    login_as(team["rep"])
    deal_page = client.get(f"/pipeline/deals/{deal.id}").get_data(as_text=True)
    for key, url in (("pipeline.quotations", f"/pipeline/quotations?deal={deal.id}"),
                     ("pipeline.orders", f"/pipeline/orders?deal={deal.id}"),
                     ("pipeline.tickets", f"/pipeline/tickets?deal={deal.id}")):
        assert re.search(rf'href="{re.escape(url)}" data-key="{key}"', deal_page), key
    assert rows_on(client, f"/pipeline/orders?deal={deal.id}") == 1
    assert 'data-key="pipeline.deal"' in client.get(f"/pipeline/quotations/{quotation.id}").get_data(as_text=True)
    assert f'/pipeline/tickets?order={order.id}' in client.get(f"/pipeline/orders/{order.id}").get_data(as_text=True)


def test_product_and_deal_lookups_find_what_the_user_may_see(client, login_as, db, deal, team, products):
    products[0].active = False
    db.session.commit()
    login_as(team["rep"])
    found = client.get("/lookup/pipeline.product?q=NS").get_json()
    assert [r["id"] for r in found["results"]] == [products[1].id]  # the inactive one cannot be quoted
    assert found["results"][0]["label"] == "扫码枪 (NS-HW-1)"
    assert [r["id"] for r in client.get("/lookup/pipeline.deal?q=CRM").get_json()["results"]] == [deal.id]
    login_as(team["other"])
    assert client.get("/lookup/pipeline.deal?q=CRM").get_json()["results"] == []


def board_cards(client, url) -> dict[str, list[str]]:
    html = client.get(url).get_data(as_text=True)
    columns = {}
    for stage, body in re.findall(r'<section class="board-column" data-stage="(\w+)".*?>(.*?)</section>', html, re.S):
        columns[stage] = re.findall(r'data-deal="(\d+)"', body)
    return columns


def test_won_deals_with_open_tickets_stay_in_after_sales(client, login_as, db, deal, team, customer, products,
                                                        next_month):
    from plugins.pipeline.services.stages import lose_deal
    from plugins.pipeline.services.tickets import change_state, open_ticket

    _quotation, order = _won_with_order(db, deal, team, products, next_month)
    lost = _deal(db, customer, team["rep"], "丢单")
    lose_deal(db.session, lost, team["rep"], "预算取消")
    db.session.commit()
    login_as(team["rep"])
    assert str(deal.id) not in board_cards(client, "/pipeline/board")["after_sales"]  # won, nothing open

    ticket = open_ticket(db.session, customer_id=customer.id, kind="training", priority="normal", subject="培训",
                         assignee_id=team["rep"].id, order_id=order.id)
    db.session.commit()
    columns = board_cards(client, "/pipeline/board")
    assert columns["after_sales"] == [str(deal.id)]
    assert str(lost.id) not in sum(columns.values(), [])
    page = client.get("/pipeline/board").get_data(as_text=True)
    card = page[page.index(f'data-deal="{deal.id}"'):]
    assert 'draggable="true"' not in card[:card.index("</li>")]  # a won deal is not moved around

    change_state(db.session, ticket, "resolved", "已培训")
    db.session.commit()
    assert board_cards(client, "/pipeline/board")["after_sales"] == []
    assert board_cards(client, "/pipeline/board?show=won")["after_sales"] == [str(deal.id)]
    assert sum(board_cards(client, "/pipeline/board?show=lost").values(), []) == [str(lost.id)]
    assert client.get("/pipeline/board?show=<script>").status_code == 200  # an unknown choice: the open deals


def test_quick_create_on_the_board(client, login_as, db, team, customer):
    from plugins.pipeline.models import Deal, DealStageChange

    login_as(team["rep"])
    page = client.get("/pipeline/board").get_data(as_text=True)
    assert 'id="quick-create"' in page
    made = client.post("/pipeline/board/quick-create", data={"title": "展会线索", "customer_id": str(customer.id),
                                                             "expected_value": "12000", "next": "/pipeline/board"})
    assert made.status_code == 302 and made.headers["Location"].endswith("/pipeline/board")
    deal = db.session.scalar(select(Deal).where(Deal.title == "展会线索"))
    assert (deal.stage, deal.status, deal.owner_id, deal.expected_value) == (
        "development", "open", team["rep"].id, Decimal("12000.00"))
    assert db.session.scalar(select(DealStageChange.to_stage).where(DealStageChange.deal_id == deal.id)) == \
        "development"
    assert str(deal.id) in board_cards(client, "/pipeline/board")["development"]

    missing = client.post("/pipeline/board/quick-create", data={"title": "", "customer_id": "abc"})
    assert missing.status_code == 422  # the full form, with the messages next to the fields
    html = missing.get_data(as_text=True)
    assert html.count('class="field-error"') >= 2 and 'action="/pipeline/deals/new"' in html
    assert db.session.scalar(select(Deal.id).where(Deal.title == "")) is None


def test_a_refused_move_names_the_deal(client, login_as, db, deal, team):
    deal.stage = "needs"
    team["rep"].locale = "en"
    db.session.commit()
    login_as(team["rep"])
    refused = client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "quotation", "expected_version":
                                                                   str(deal.version)},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 409
    message = refused.get_json()["error"]["message"]
    assert message.startswith(f"“{deal.title}” was not moved:")
    assert "situation" in message  # and why: R6.2.1 asks for the customer's situation first
