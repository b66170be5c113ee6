"""Shop order exports: idempotent on (channel, order number); bad rows reported and nothing of their order saved."""

from decimal import Decimal

from sqlalchemy import func, select

from plugins.pipeline.models import Order, OrderLine
from plugins.pipeline.services.shop_import import import_orders, read_rows

EXPORT = (
    "channel,order_number,ordered_at,customer,phone,email,sku,quantity,unit_price\n"
    "tmall,TM1001,2026-11-11 00:05,李雷,13900001111,lilei@example.com,NS-HW-1,2,379.00\n"
    "tmall,TM1001,2026-11-11 00:05,李雷,13900001111,lilei@example.com,NS-CRM-1,1,18800.00\n"
    "jd,JD2002,2026-11-12 10:00,杭州云帆科技有限公司,13800138000,,NS-HW-1,1,399.00\n"
    "jd,JD2003,2026-11-12 11:00,韩梅梅,13700001111,,NO-SUCH-SKU,1,10.00\n"
    "douyin,DY3004,2026-11-13 09:00,王芳,,,NS-HW-1,abc,10.00\n"
).encode("utf-8-sig")


def counts(db):
    return (db.session.scalar(select(func.count(Order.id))), db.session.scalar(select(func.count(OrderLine.id))))


def test_an_export_imported_twice_creates_its_orders_once(db, team, customer, products):
    rows = read_rows("tmall.csv", EXPORT)
    first = import_orders(db.session, rows, team["rep"])
    db.session.commit()
    assert first.created == ["TM1001", "JD2002"]
    assert [n for n, _msg in first.problems] == [5, 6]
    assert counts(db) == (2, 3)
    again = import_orders(db.session, rows, team["rep"])
    db.session.commit()
    assert again.created == [] and again.skipped_existing == ["TM1001", "JD2002"]
    assert counts(db) == (2, 3)


def test_the_customer_is_matched_by_phone_or_created(db, team, customer, products):
    from plugins.crm.models import Customer

    import_orders(db.session, read_rows("x.csv", EXPORT), team["rep"])
    db.session.commit()
    jd = db.session.scalar(select(Order).where(Order.external_number == "JD2002"))
    assert jd.customer_id == customer.id
    tmall = db.session.scalar(select(Order).where(Order.external_number == "TM1001"))
    assert db.session.get(Customer, tmall.customer_id).name == "李雷"
    assert tmall.total == Decimal("19558.00")
    # 00:05 on 11 November in Shanghai is 16:05 on 10 November UTC.
    assert (tmall.ordered_at.day, tmall.ordered_at.hour) == (10, 16)


def test_a_dry_run_saves_nothing(db, team, customer, products):
    report = import_orders(db.session, read_rows("x.csv", EXPORT), team["rep"], dry_run=True)
    db.session.commit()
    assert report.created == ["TM1001", "JD2002"] and counts(db) == (0, 0)


def test_an_xlsx_export_is_read_like_a_csv(db, team, customer, products):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in EXPORT.decode("utf-8-sig").splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_rows("export.xlsx", buffer.getvalue()) == read_rows("export.csv", EXPORT)


def test_numbers_no_order_line_can_hold_are_reported_and_their_order_not_saved(db, team, customer, products):
    """Infinity, NaN and 10^20 parse as Decimals; none of them may reach the database (or a 500)."""
    header = "channel,order_number,ordered_at,customer,phone,email,sku,quantity,unit_price\n"
    export = (header
              + "tmall,TM9001,2026-11-11 00:05,李雷,13900001111,,NS-HW-1,Infinity,1.00\n"
              + "tmall,TM9002,2026-11-11 00:05,李雷,13900001111,,NS-HW-1,1,NaN\n"
              + "tmall,TM9003,2026-11-11 00:05,李雷,13900001111,,NS-HW-1,100000000000000000000,1.00\n"
              + "tmall,TM9004,2026-11-11 00:05,李雷,13900001111,,NS-HW-1,900000000,2000.00\n"
              + "tmall,TM9005,2026-11-11 00:05,李雷,13900001111,,NS-HW-1,1,399.00\n").encode()
    report = import_orders(db.session, read_rows("tmall.csv", export), team["rep"])
    db.session.commit()
    assert [n for n, _msg in report.problems] == [2, 3, 4, 5]
    assert report.created == ["TM9005"]
    assert counts(db) == (1, 1)
