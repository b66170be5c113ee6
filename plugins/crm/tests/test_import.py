"""Import from CSV and XLSX (R5.1.1): mapping, dry run, per-row report, all or nothing."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from plugins.crm.models import Contact, Customer, Purchase
from plugins.crm.services import importing
from plugins.crm.services.errors import CRMError

CSV = ("客户名称,手机,邮箱,行业,联系人,Contact e-mail\n"
       "启明贸易有限公司,13800000001,a@qm.cn,零售,赵敏,zm@qm.cn\n"
       "博达实业,13800000002,,制造业,,\n"
       "启明贸易,13900000000,,零售,,\n")


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_a_dry_run_reports_each_row_and_saves_nothing_then_the_import_saves_the_good_rows(db, org, new_customer):
    new_customer(org.rep2, name="博达实业", phone="13800000002")
    table = importing.read_table("customers.csv", CSV.encode("utf-8-sig"))
    mapping = importing.guess_mapping(table.headers, importing.CUSTOMER_FIELDS)
    assert mapping == {"name": "客户名称", "phone": "手机", "email": "邮箱", "industry": "行业",
                       "contact_name": "联系人", "contact_email": "Contact e-mail"}
    report = importing.import_customers(db.session, table, mapping, org.rep1, dry_run=True)
    assert [(r.line, r.status) for r in report.rows] == [(2, "ok"), (3, "duplicate"), (4, "duplicate")]
    assert _count(db, Customer) == 1

    report = importing.import_customers(db.session, table, mapping, org.rep1, dry_run=False)
    db.session.commit()
    assert report.saved and report.ok == 1
    assert _count(db, Customer) == 2 and _count(db, Contact) == 1
    imported = db.session.scalar(select(Customer).where(Customer.phone == "13800000001"))
    assert imported.owner_id == org.rep1.id and imported.contacts_count == 1


def test_one_bad_row_stops_the_whole_import(db, org):
    data = b"name,email,state\nGood Co,g@g.cn,lead\nBad Co,not-an-email,flying\n"
    table = importing.read_table("c.csv", data)
    report = importing.import_customers(db.session, table, importing.guess_mapping(table.headers,
                                                                                   importing.CUSTOMER_FIELDS),
                                        org.rep1, dry_run=False)
    assert not report.saved and report.errors == 1
    assert len(report.rows[1].messages) == 2
    db.session.commit()
    assert _count(db, Customer) == 0


def test_xlsx_purchases_from_a_shop_export_are_matched_to_customers(db, org, new_customer):
    customer = new_customer(org.rep1, name="陈静", phone="13500000000")
    book = Workbook()
    sheet = book.active
    sheet.append(["订单号", "买家电话", "下单时间", "实付金额"])
    sheet.append(["T1001", "13500000000", "2026-10-01 10:00:00", 199.5])
    sheet.append(["T1002", "135 0000 0000", "2026/10/02", "1,000"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = importing.read_table("orders.xlsx", buffer.getvalue())
    mapping = importing.guess_mapping(table.headers, importing.PURCHASE_FIELDS)
    report = importing.import_purchases(db.session, table, mapping, org.rep1, dry_run=False, default_shop="天猫")
    db.session.commit()
    assert report.saved and report.ok == 2
    assert sorted(db.session.scalars(select(Purchase.amount).where(Purchase.customer_id == customer.id))) == [
        199.5, 1000]
    again = importing.import_purchases(db.session, table, mapping, org.rep1, dry_run=False, default_shop="天猫")
    assert again.duplicates == 2 and _count(db, Purchase) == 2


def test_unreadable_files_and_missing_mappings_are_explained(db, org):
    with pytest.raises(CRMError):
        importing.read_table("x.pdf", b"%PDF")
    with pytest.raises(CRMError):
        importing.read_table("x.xlsx", b"not a zip")
    table = importing.read_table("x.csv", b"a,b\n1,2\n")
    with pytest.raises(CRMError):
        importing.import_customers(db.session, table, {"phone": "a"}, org.rep1, dry_run=True)


def test_purchase_amounts_no_column_can_hold_are_reported_and_nothing_is_imported(db, org, new_customer):
    """Nothing is half-imported: Infinity and 10^13 parse as Decimals but are row errors, like "abc"."""
    new_customer(org.rep1, name="陈静", phone="13500000000")
    csv = ("订单号,买家电话,下单时间,实付金额\n"
           "T2001,13500000000,2026-10-01,Infinity\n"
           "T2002,13500000000,2026-10-01,10000000000000\n"
           "T2003,13500000000,2026-10-01,88.00\n").encode()
    table = importing.read_table("orders.csv", csv)
    mapping = importing.guess_mapping(table.headers, importing.PURCHASE_FIELDS)
    report = importing.import_purchases(db.session, table, mapping, org.rep1, dry_run=False, default_shop="天猫")
    db.session.commit()
    assert not report.saved
    assert _count(db, Purchase) == 0
