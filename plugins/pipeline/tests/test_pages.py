"""The pipeline's pages: permissions, record scopes (IDOR: 404 outside the scope), the browser flow of a deal
through its stages with exit-rule refusals shown as messages, discount approval, orders and their notices."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.timeutil import local_today


@pytest.fixture
def outsider(make_user, team):
    """A representative of another team: must see nothing of the team's deals and orders."""
    boss = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor", superior_id=team["manager"].id)
    return make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=boss.id)


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/pipeline/board", "/pipeline/deals", "/pipeline/orders", "/pipeline/tickets",
                                  "/pipeline/products", "/pipeline/targets", "/pipeline/deals/new",
                                  "/pipeline/orders/import"])
def test_pages_answer_for_a_representative(client, login_as, team, path):
    login_as(team["rep"])
    assert client.get(path).status_code == 200


def test_pages_need_the_permissions(client, login_as, make_user, team):
    assert client.get("/pipeline/deals").status_code == 302  # to the sign-in page
    login_as(make_user("hr1", roles=["hr"]))
    for path in ("/pipeline/deals", "/pipeline/board", "/pipeline/orders", "/pipeline/products/new"):
        assert client.get(path).status_code == 403
    login_as(team["rep"])
    assert client.get("/pipeline/products/new").status_code == 403  # only managers edit the catalogue
    assert client.get("/pipeline/approvals").status_code == 403  # reps approve no discounts


def test_a_rep_of_another_team_cannot_read_the_deal_or_order_by_id(client, login_as, db, deal, outsider, team,
                                                                   customer):
    from plugins.pipeline.models import Order

    order = Order(number="SO-1", customer_id=customer.id, owner_id=team["rep"].id, total=Decimal("10"))
    db.session.add(order)
    db.session.commit()
    login_as(outsider)
    for path in (f"/pipeline/deals/{deal.id}", f"/pipeline/deals/{deal.id}/edit", f"/pipeline/orders/{order.id}",
                 f"/api/v1/pipeline/deals/{deal.id}", f"/api/v1/pipeline/orders/{order.id}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "needs", "expected_version": "1"}
                       ).status_code == 404
    assert deal.title not in html(client.get("/pipeline/deals"))
    login_as(team["supervisor"])  # the rep's supervisor sees the team's deal
    assert client.get(f"/pipeline/deals/{deal.id}").status_code == 200
    assert client.get(f"/api/v1/pipeline/orders/{order.id}").status_code == 200


def test_exit_rule_refusal_is_shown_and_the_deal_stays(client, login_as, db, deal, team):
    from plugins.pipeline.models import Deal

    login_as(team["rep"])
    page = client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "needs", "expected_version": "1"},
                       follow_redirects=True)
    assert page.status_code == 200
    page = client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "quotation", "expected_version": "2"},
                       follow_redirects=True)
    assert page.status_code == 200
    assert "离开需求挖掘阶段前请记录客户业务现状" in html(page)
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "needs"


def test_a_stale_board_move_is_refused_with_a_message(client, login_as, db, deal, team):
    login_as(team["rep"])
    client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "needs", "expected_version": "1"})
    stale = client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": "development", "expected_version": "1"},
                        headers={"Accept": "application/json"})
    assert stale.status_code == 409
    assert "meanwhile" in stale.get_json()["error"]["message"] or "刷新" in stale.get_json()["error"]["message"]


def test_deal_list_shows_the_weighted_forecast(client, login_as, db, deal, team):
    deal.stage = "quotation"  # 40 %
    db.session.commit()
    login_as(team["rep"])
    page = html(client.get("/pipeline/deals?lang=en"))
    assert "40%" in page
    assert "8,000.00" in page  # 20,000 × 40 %


def _one_deal_through_the_stages(client, db, deal, products, next_month) -> None:
    """Drive the deal from development to after-sales through the pages, as a representative would."""
    from plugins.pipeline.models import Contract, Deal, Quotation

    def move(stage):
        db.session.expire_all()  # the version as the page would show it now
        version = db.session.get(Deal, deal.id).version
        moved = client.post(f"/pipeline/deals/{deal.id}/move", data={"stage": stage, "expected_version": version})
        assert moved.status_code == 302
        db.session.expire_all()
        assert db.session.get(Deal, deal.id).stage == stage, html(client.get(f"/pipeline/deals/{deal.id}"))

    move("needs")
    client.post(f"/pipeline/deals/{deal.id}/edit", data={
        "title": deal.title, "expected_value": "20000", "situation": "50 人销售团队", "pain_points": "靠 Excel",
        "goals": "统一客户档案"})
    move("quotation")
    added = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        "lines-0-product_id": products[0].id, "lines-0-quantity": "1", "add_line": "1",
        "valid_until": next_month.isoformat()})
    assert added.status_code == 200 and "lines-1-product_id" in html(added)  # another line, without JavaScript
    saved = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        "lines-0-product_id": products[0].id, "lines-0-quantity": "1", "lines-0-discount": "0",
        "lines-1-product_id": products[1].id, "lines-1-quantity": "2", "lines-1-discount": "0",
        "valid_until": next_month.isoformat(), "solution": "标准版"})
    assert saved.status_code == 302
    quotation = db.session.scalar(select(Quotation).where(Quotation.deal_id == deal.id))
    assert client.post(f"/pipeline/quotations/{quotation.id}/send").status_code == 302
    move("negotiation")
    client.post(f"/pipeline/deals/{deal.id}/edit", data={
        "title": deal.title, "expected_value": "20000", "situation": "50 人销售团队", "pain_points": "靠 Excel",
        "goals": "统一客户档案", "concerns": "价格", "bottom_line": "九折"})
    move("contract")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    recorded = client.post(f"/pipeline/deals/{deal.id}/contract", data={
        "number": "HT-2026-009", "signed_on": local_today().isoformat(),
        "signed_file": (io.BytesIO(pdf), "signed.pdf")}, content_type="multipart/form-data")
    assert recorded.status_code == 302, html(recorded)
    assert db.session.scalar(select(Contract.signed_file_id).where(Contract.deal_id == deal.id)) is not None
    move("after_sales")


def test_one_deal_from_development_to_after_sales(client, login_as, db, deal, team, products, next_month):
    from plugins.pipeline.models import Deal, DealStageChange

    login_as(team["rep"])
    _one_deal_through_the_stages(client, db, deal, products, next_month)
    db.session.expire_all()
    assert (db.session.get(Deal, deal.id).stage, db.session.get(Deal, deal.id).status) == ("after_sales", "won")
    history = db.session.scalars(select(DealStageChange.to_stage).where(DealStageChange.deal_id == deal.id)
                                 .order_by(DealStageChange.id)).all()
    assert history == ["needs", "quotation", "negotiation", "contract", "after_sales"]
    page = html(client.get(f"/pipeline/deals/{deal.id}"))
    assert "HT-2026-009" in page


def test_sending_a_quotation_emails_a_pdf_link_and_the_link_serves_the_pdf(client, login_as, db, deal, team,
                                                                          products, next_month):
    from core.notifications.models import EmailOutbox
    from plugins.pipeline.services.quotations import LineInput, create_quotation

    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))],
                                 next_month)
    db.session.commit()
    login_as(team["rep"])
    client.post(f"/pipeline/quotations/{quotation.id}/send")
    mail = db.session.scalar(select(EmailOutbox).where(EmailOutbox.to == "buyer@yunfan.example"))
    assert mail is not None and quotation.number in mail.subject
    link = next(word for word in mail.body_text.split() if "/pipeline/q/" in word)
    client.post("/logout")
    anonymous = client.application.test_client()
    response = anonymous.get(link[link.index("/pipeline/q/"):])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert anonymous.get("/pipeline/q/forged-token.pdf").status_code == 404


def test_a_discount_above_the_reps_limit_waits_for_the_supervisor(client, login_as, db, deal, team, products,
                                                                 next_month):
    from core.notifications.models import Notification
    from plugins.pipeline.models import Quotation

    login_as(team["rep"])
    client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        "lines-0-product_id": products[0].id, "lines-0-quantity": "1", "lines-0-discount": "10",
        "valid_until": next_month.isoformat()})
    quotation = db.session.scalar(select(Quotation).where(Quotation.deal_id == deal.id))
    assert quotation.approval_level == "supervisor"
    refused = client.post(f"/pipeline/quotations/{quotation.id}/send", follow_redirects=True)
    assert "approv" in html(refused) or "审批" in html(refused)
    client.post(f"/pipeline/quotations/{quotation.id}/request-approval")
    told = db.session.scalar(select(Notification).where(Notification.recipient_id == team["supervisor"].id))
    assert told is not None
    login_as(team["supervisor"])
    queue = html(client.get("/pipeline/approvals"))
    assert quotation.number in queue
    client.post(f"/pipeline/quotations/{quotation.id}/decide", data={"decision": "refuse", "reason": ""})
    db.session.expire_all()
    assert db.session.get(Quotation, quotation.id).state == "pending_approval"  # a refusal needs a reason
    client.post(f"/pipeline/quotations/{quotation.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(Quotation, quotation.id).state == "approved"
    login_as(team["rep"])
    client.post(f"/pipeline/quotations/{quotation.id}/send")
    db.session.expire_all()
    assert db.session.get(Quotation, quotation.id).state == "sent"


def test_quotation_form_reports_a_bad_line_next_to_the_form_and_saves_nothing(client, login_as, db, deal, team,
                                                                              products, next_month):
    from plugins.pipeline.models import Quotation

    login_as(team["rep"])
    response = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        "lines-0-product_id": products[0].id, "lines-0-quantity": "0", "valid_until": next_month.isoformat()})
    assert response.status_code == 422
    assert db.session.scalar(select(Quotation.id)) is None


def test_order_steps_tell_the_customer_and_the_page_shows_who_was_told(client, login_as, db, deal, team, products,
                                                                       next_month):
    from plugins.pipeline.models import Order
    from plugins.pipeline.services.quotations import LineInput, create_quotation, mark_sent, record_response

    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[1].id, Decimal("3"))],
                                 next_month)
    mark_sent(db.session, quotation)
    record_response(db.session, quotation, True)
    db.session.commit()
    login_as(team["rep"])
    # R6.5.1 (issue 12): no order while the deal has no signed contract, and the page says why
    refused = html(client.post(f"/pipeline/quotations/{quotation.id}/order", follow_redirects=True))
    assert "R6.5.1" in refused and db.session.scalar(select(Order.id)) is None
    from plugins.pipeline.tests.conftest import sign_contract

    sign_contract(db, deal, team["rep"])
    created = client.post(f"/pipeline/quotations/{quotation.id}/order")
    order = db.session.scalar(select(Order).where(Order.quotation_id == quotation.id))
    assert created.status_code == 302 and order is not None
    page = html(client.get(f"/pipeline/orders/{order.id}"))
    # the quotation's lines, discount, tax and total (399.00 × 3 + 13 % VAT), and a link back to it
    assert money_text(quotation.total) in page and money_text(quotation.tax_total) in page
    assert f"/pipeline/quotations/{quotation.id}" in page
    assert "未发送" in page or "Queued" in page  # the customer's e-mail is queued, not "told"
    assert f"/pipeline/orders/{order.id}" in html(client.get(f"/pipeline/quotations/{quotation.id}"))
    missing = client.post(f"/pipeline/orders/{order.id}/status", data={"status": "shipped"}, follow_redirects=True)
    assert "tracking" in html(missing) or "运单" in html(missing)
    client.post(f"/pipeline/orders/{order.id}/status", data={"status": "shipped", "carrier": "顺丰",
                                                              "tracking_number": "SF123"})
    page = html(client.get(f"/pipeline/orders/{order.id}"))
    assert page.count("buyer@yunfan.example") == 2  # told at "confirmed" and at "shipped"
    assert "SF123" in page


def test_the_import_page_reports_rows_and_a_second_import_creates_nothing(client, login_as, db, team, products):
    from plugins.pipeline.models import Order

    csv = ("channel,order_number,ordered_at,customer,phone,email,sku,quantity,unit_price\n"
           "tmall,TM-1,2026-03-01 10:00,张三,13900000000,,NS-HW-1,2,399.00\n"
           "jd,JD-9,2026-03-01 11:00,李四,,,NO-SUCH-SKU,1,10\n").encode()
    login_as(team["rep"])

    def upload(dry_run: bool):
        data = {"file": (io.BytesIO(csv), "shop.csv")}
        if dry_run:
            data["dry_run"] = "y"
        return html(client.post("/pipeline/orders/import", data=data, content_type="multipart/form-data"))

    report = upload(dry_run=True)
    assert "NO-SUCH-SKU" in report or "3" in report
    assert db.session.scalar(select(Order.id)) is None  # a dry run saves nothing
    upload(dry_run=False)
    assert db.session.query(Order).count() == 1
    again = upload(dry_run=False)
    assert db.session.query(Order).count() == 1
    assert "TM-1" not in again or "1" in again


def test_targets_manager_sets_the_year_and_supervisor_breaks_it_down(client, login_as, db, team):
    from plugins.pipeline.models import SalesTarget

    year = local_today().year
    login_as(team["manager"])
    client.post("/pipeline/targets", data={"year": year, "user_id": "", "month": "", "amount": "1000000"})
    login_as(team["supervisor"])
    refused = client.post("/pipeline/targets", data={"year": year, "user_id": "", "month": "", "amount": "5"})
    assert refused.status_code == 422
    client.post("/pipeline/targets", data={"year": year, "user_id": str(team["rep"].id), "month": "",
                                           "amount": "400000"})
    too_much = client.post("/pipeline/targets", data={"year": year, "user_id": str(team["other"].id), "month": "",
                                                      "amount": "700000"})
    assert too_much.status_code == 422
    amounts = {(t.user_id, t.month): t.amount for t in db.session.scalars(select(SalesTarget))}
    assert amounts == {(None, None): Decimal("1000000.00"), (team["rep"].id, None): Decimal("400000.00")}



@pytest.mark.parametrize("who", ["supervisor", "rep", "manager"])
def test_the_targets_page_shows_and_takes_the_representatives_of_the_users_scope(client, login_as, db, team,
                                                                                 make_user, who):
    """R2.2.1–R2.2.2: a supervisor sees and breaks down the targets of their own team only (the representatives
    reporting to them), a representative sees themselves, the manager everyone."""
    from plugins.pipeline.models import SalesTarget

    sup2 = make_user("sup2", name="主管乙", roles=["sales_supervisor"], position="sales_supervisor",
                     superior_id=team["manager"].id)
    far = make_user("rep-far", name="远方代表", roles=["sales_rep"], position="sales_rep", superior_id=sup2.id)
    login_as(team[who])
    page = html(client.get(f"/pipeline/targets?year={local_today().year}&per_page=100"))
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    shown = {user.login for user in (team["rep"], team["other"], far) if f">{user.name}<" in rows}
    assert shown == {"supervisor": {"rep", "rep2"}, "rep": {"rep"}, "manager": {"rep", "rep2", "rep-far"}}[who]
    if who == "supervisor":
        refused = client.post("/pipeline/targets", data={"year": local_today().year, "user_id": str(far.id),
                                                         "month": "", "amount": "100"})
        assert refused.status_code == 422
        assert db.session.scalar(select(SalesTarget.id).where(SalesTarget.user_id == far.id)) is None

def test_product_knowledge_page(client, login_as, db, team, products):
    login_as(team["manager"])
    client.post(f"/pipeline/products/{products[0].id}/edit", data={
        "sku": "NS-CRM-1", "name": "网销 CRM 年费", "category": "software", "list_price": "19800", "cost": "4000",
        "unit": "套", "tax_rate": "6", "active": "y", "selling_points": "省一半人力"})
    login_as(team["rep"])
    page = html(client.get(f"/pipeline/products/{products[0].id}"))
    assert "省一半人力" in page
    assert "4,000" not in page  # costs are for managers


def test_the_order_list_finds_an_order_by_its_customers_name(client, login_as, db, team, customer):
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Order

    other = Customer(name="宁波海曙贸易", name_key="宁波海曙贸易", owner_id=team["rep"].id, state="customer")
    db.session.add(other)
    db.session.flush()
    db.session.add_all([Order(number="SO-FIND-1", customer_id=customer.id, owner_id=team["rep"].id),
                        Order(number="SO-FIND-2", customer_id=other.id, owner_id=team["rep"].id)])
    db.session.commit()
    login_as(team["rep"])
    found = html(client.get("/pipeline/orders?q=云帆"))
    assert "SO-FIND-1" in found and "SO-FIND-2" not in found and "杭州云帆科技有限公司" in found
    assert "宁波海曙贸易" in html(client.get("/pipeline/orders?sort=number"))


@pytest.mark.parametrize("path", ["/pipeline/board?owner=²", "/pipeline/board?owner=99999999999999999999",
                                  "/pipeline/deals/new?customer_id=²", "/pipeline/targets?year=²",
                                  "/pipeline/tickets/new?order_id=²",
                                  "/pipeline/tickets/new?order_id=99999999999999999999"])
def test_numbers_a_page_cannot_use_are_ignored_not_a_server_error(client, login_as, team, deal, path):
    """A hand-edited or stale link ("²" passes str.isdigit, 20 digits overflow the driver) shows the page as if
    the parameter were absent."""
    login_as(team["supervisor"])
    response = client.get(path)
    assert response.status_code == 200
    if path.startswith("/pipeline/board"):
        assert deal.title in html(response)  # the owner filter was dropped, not applied as "nobody"


@pytest.mark.parametrize(("field", "value"), [("quantity", "1e20"), ("quantity", "1e309"), ("unit_price", "1e15"),
                                              ("discount", "NaN"), ("quantity", "Infinity")])
def test_an_absurd_quotation_line_is_refused_with_a_message_and_nothing_saved(client, login_as, db, deal, products,
                                                                               team, field, value):
    """R6.3.1: money stays exact (Decimal): a number no amount column can hold is an input error, not a 500."""
    from plugins.pipeline.models import Quotation

    db.session.get(type(deal), deal.id).stage = "quotation"
    db.session.commit()
    login_as(team["rep"])
    line = {"lines-0-product_id": products[0].id, "lines-0-quantity": "1", "lines-0-discount": "0",
            f"lines-0-{field}": value}
    response = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        **line, "valid_until": (local_today() + timedelta(days=30)).isoformat()})
    assert response.status_code in (200, 400, 422)
    assert db.session.scalar(select(Quotation.id).where(Quotation.deal_id == deal.id)) is None


def money_text(value) -> str:
    from core.web.locale import money

    return money(value)
