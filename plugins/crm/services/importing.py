"""Importing customers (with a contact each) and shop purchases from CSV or XLSX (R5.1.1, R5.1.2).

A file is read into rows, its columns are mapped to fields, and every row is checked: errors and duplicates (of
existing customers or of earlier rows of the file) are reported per row. A dry run saves nothing; a real run saves
every good row or, if any row has an error, nothing at all (one savepoint for the whole file).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from plugins.crm.models import Purchase
from plugins.crm.services import normalise
from plugins.crm.services.contacts import add_contact, clean_contact
from plugins.crm.services.customers import clean_customer, create_customer, find_duplicates
from plugins.crm.services.errors import CRMError, FieldErrors

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

CUSTOMER_FIELDS: dict[str, Any] = {
    "name": _l("Name"), "kind": _l("Kind"), "state": _l("State"), "source": _l("Source channel"),
    "industry": _l("Industry"), "region": _l("Region"), "phone": _l("Phone"), "email": _l("E-mail"),
    "wechat": _l("WeChat"), "needs": _l("Needs"), "potential_value": _l("Potential value"), "tags": _l("Tags"),
    "contact_name": _l("Contact name"), "contact_title": _l("Contact title"), "contact_phone": _l("Contact phone"),
    "contact_email": _l("Contact e-mail"),
}
PURCHASE_FIELDS: dict[str, Any] = {
    "customer_phone": _l("Customer phone"), "customer_email": _l("Customer e-mail"),
    "customer_name": _l("Customer name"), "shop": _l("Shop"), "reference": _l("Order number"),
    "ordered_on": _l("Order date"), "amount": _l("Amount"),
}
#: Header words that map to a field without the user choosing (English and Chinese exports).
ALIASES = {
    "name": ("name", "customer", "客户名称", "名称", "客户", "公司名称"), "phone": ("phone", "mobile", "电话", "手机", "手机号"),
    "email": ("email", "e-mail", "邮箱", "电子邮件"), "wechat": ("wechat", "微信"), "region": ("region", "地区", "区域"),
    "industry": ("industry", "行业"), "source": ("source", "来源", "渠道"), "needs": ("needs", "需求"),
    "tags": ("tags", "标签"), "kind": ("kind", "type", "类型"), "state": ("state", "status", "状态"),
    "potential_value": ("potential", "potential value", "潜在价值"),
    "contact_name": ("contact", "contact name", "联系人"), "contact_phone": ("contact phone", "联系人电话"),
    "contact_email": ("contact email", "联系人邮箱"), "contact_title": ("contact title", "职务"),
    "customer_phone": ("customer phone", "买家电话", "收货人电话"), "customer_email": ("customer email", "买家邮箱"),
    "customer_name": ("customer name", "买家", "收货人"), "shop": ("shop", "店铺", "平台"),
    "reference": ("order", "order number", "reference", "订单号", "订单编号"),
    "ordered_on": ("date", "order date", "下单时间", "订单日期", "日期"), "amount": ("amount", "total", "金额", "实付金额"),
}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class RowResult:
    line: int
    status: str  # ok, error, duplicate
    messages: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult]
    saved: bool = False

    @property
    def ok(self) -> int:
        return sum(1 for r in self.rows if r.status == "ok")

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.status == "error")

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rows if r.status == "duplicate")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(filename: str, data: bytes) -> Table:
    """Rows of a CSV (UTF-8, with or without BOM, or GB18030 as Chinese Excel writes it) or XLSX file."""
    if not data:
        raise CRMError(_("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise CRMError(_("The file is larger than 10 MB; split it."), field="file")
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            raw = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise CRMError(_("This is not a readable XLSX file."), field="file") from exc
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CRMError(_("The CSV file is neither UTF-8 nor GB18030 text."), field="file")
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise CRMError(_("Upload a .csv or .xlsx file."), field="file")
    raw = [row for row in raw if any(c for c in row)]
    if not raw:
        raise CRMError(_("The file is empty."), field="file")
    if len(raw) - 1 > MAX_ROWS:
        raise CRMError(_("At most %(n)s rows per file.", n=MAX_ROWS), field="file")
    headers = [h or f"#{i + 1}" for i, h in enumerate(raw[0])]
    width = len(headers)
    return Table(headers, [(row + [""] * width)[:width] for row in raw[1:]])


def guess_mapping(headers: list[str], fields: dict[str, Any]) -> dict[str, str]:
    """{field: header} for headers that name a field (its key, English label or a known alias)."""
    from core.i18n import source_text

    mapping: dict[str, str] = {}
    for header in headers:
        key = header.strip().lower()
        for field_name in fields:
            if field_name in mapping:
                continue
            # The field's label in English and in the user's language both name it.
            names = {field_name, *ALIASES.get(field_name, ()), source_text(fields[field_name]).lower(),
                     str(fields[field_name]).lower()}
            if key in names:
                mapping[field_name] = header
                break
    return mapping


def _record(table: Table, row: list[str], mapping: dict[str, str]) -> dict[str, str]:
    index = {h: i for i, h in enumerate(table.headers)}
    return {f: row[index[h]] for f, h in mapping.items() if h in index}


def _check_mapping(mapping: dict[str, str], table: Table, required: tuple[str, ...]) -> None:
    unknown = [h for h in mapping.values() if h and h not in table.headers]
    if unknown:
        raise CRMError(_("These columns are not in the file: %(cols)s", cols=", ".join(unknown)), field="mapping")
    missing = [f for f in required if not mapping.get(f)]
    if missing:
        raise CRMError(_("Map a column to: %(fields)s", fields=", ".join(missing)), field="mapping")


def import_customers(session: Any, table: Table, mapping: dict[str, str], by_user: Any, dry_run: bool,
                     owner_id: int | None | str = "self") -> ImportReport:
    mapping = {f: h for f, h in mapping.items() if h and f in CUSTOMER_FIELDS}
    _check_mapping(mapping, table, ("name",))
    results: list[RowResult] = []
    good: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    seen_phone: set[str] = set()
    seen_email: set[str] = set()
    seen_name: set[str] = set()
    for line, row in enumerate(table.rows, start=2):
        record = _record(table, row, mapping)
        result = RowResult(line, "ok", name=record.get("name", ""))
        results.append(result)
        customer_data = {k: v for k, v in record.items() if not k.startswith("contact_")}
        try:
            clean_customer(customer_data)
        except FieldErrors as exc:
            result.status = "error"
            result.messages += [f"{CUSTOMER_FIELDS.get(k, k)}: {v}" for k, v in exc.errors.items()]
        contact_data = None
        if any(record.get(k) for k in ("contact_name", "contact_phone", "contact_email")):
            contact_data = {"name": record.get("contact_name"), "title": record.get("contact_title"),
                            "phone": record.get("contact_phone"), "email": record.get("contact_email"),
                            "is_primary": True}
            try:
                clean_contact(contact_data)
            except FieldErrors as exc:
                result.status = "error"
                result.messages += [f"{CUSTOMER_FIELDS.get('contact_' + k, k)}: {v}" for k, v in exc.errors.items()]
        if result.status == "error":
            continue
        phone = normalise.phone(record.get("phone"))
        email = normalise.email(record.get("email"))
        key = normalise.name_key(record.get("name", ""))
        duplicates = find_duplicates(session, record.get("name"), phone, email, limit=3)
        if duplicates:
            result.status = "duplicate"
            result.messages += [_("looks like existing customer #%(id)s %(name)s (%(why)s)", id=d.customer_id,
                                  name=d.name, why=", ".join(d.reasons)) for d in duplicates]
        elif (phone and phone in seen_phone) or (email and email in seen_email) or key in seen_name:
            result.status = "duplicate"
            result.messages.append(_("repeats an earlier row of this file"))
        else:
            good.append((customer_data, contact_data))
        seen_phone |= {phone} if phone else set()
        seen_email |= {email} if email else set()
        seen_name.add(key)
    report = ImportReport(results)
    if dry_run or report.errors:
        return report
    with session.begin_nested():  # all or nothing
        for customer_data, contact_data in good:
            customer = create_customer(session, customer_data, by_user, owner_id=owner_id, allow_duplicate=True)
            if contact_data:
                add_contact(session, customer, contact_data, by_user)
    report.saved = True
    return report


def _parse_date(text: str) -> date:
    text = text.strip()
    for candidate in (text[:10], text[:10].replace("/", "-"), text[:10].replace(".", "-")):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    raise ValueError(text)


def import_purchases(session: Any, table: Table, mapping: dict[str, str], by_user: Any, dry_run: bool,
                     default_shop: str = "") -> ImportReport:
    """Purchases from an online shop's order export, matched to customers by phone, e-mail or exact name.

    An order already imported (same shop and order number) is reported as a duplicate and skipped."""
    from plugins.crm.models import Customer

    mapping = {f: h for f, h in mapping.items() if h and f in PURCHASE_FIELDS}
    _check_mapping(mapping, table, ("reference", "ordered_on", "amount"))
    if not any(mapping.get(k) for k in ("customer_phone", "customer_email", "customer_name")):
        raise CRMError(_("Map a column that identifies the customer: phone, e-mail or name."), field="mapping")
    results: list[RowResult] = []
    good: list[Purchase] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(table.rows, start=2):
        record = _record(table, row, mapping)
        result = RowResult(line, "ok", name=record.get("reference", ""))
        results.append(result)
        shop = (record.get("shop") or default_shop or "").strip()[:60]
        reference = (record.get("reference") or "").strip()[:100]
        if not shop:
            result.messages.append(_("Shop: give the shop (column or default)."))
        if not reference:
            result.messages.append(_("Order number: required."))
        try:
            ordered_on = _parse_date(record.get("ordered_on") or "")
        except ValueError:
            result.messages.append(_("Order date: give a date as YYYY-MM-DD."))
        try:
            amount = Decimal((record.get("amount") or "").replace(",", "").replace("¥", "").strip())
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):  # Numeric(14, 2)
                raise InvalidOperation
        except InvalidOperation:
            result.messages.append(_("Amount: give an amount in CNY."))
        stmt = select(Customer.id).where(Customer.merged_into_id.is_(None))
        phone = normalise.phone(record.get("customer_phone"))
        email = normalise.email(record.get("customer_email"))
        if phone:
            customer_id = session.scalar(stmt.where(Customer.phone == phone).limit(1))
        elif email:
            customer_id = session.scalar(stmt.where(Customer.email == email).limit(1))
        else:
            customer_id = session.scalar(stmt.where(Customer.name == (record.get("customer_name") or "").strip())
                                         .limit(1))
        if customer_id is None:
            result.messages.append(_("No customer matches this row's phone, e-mail or name."))
        if result.messages:
            result.status = "error"
            continue
        if (shop, reference) in seen or session.scalar(select(Purchase.id).where(
                Purchase.shop == shop, Purchase.reference == reference)) is not None:
            result.status = "duplicate"
            result.messages.append(_("this order was imported already"))
            continue
        seen.add((shop, reference))
        good.append(Purchase(customer_id=customer_id, shop=shop, reference=reference, ordered_on=ordered_on,
                             amount=amount.quantize(Decimal("0.01"))))
    report = ImportReport(results)
    if dry_run or report.errors:
        return report
    with session.begin_nested():
        session.add_all(good)
        session.flush()
    report.saved = True
    return report
