"""Orders from online shops (Tmall, JD, Douyin, WeChat shop, own website...): a shop's order export (CSV or XLSX)
or the JSON API. Idempotent on (channel, external order number); the customer is matched by phone, e-mail or name,
or created; an order whose rows are not all valid is reported and nothing of it is saved."""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.timeutil import local_to_utc, utcnow
from plugins.pipeline.models import CHANNELS, Order, OrderLine, Product
from plugins.pipeline.services.money import MAX_AMOUNT, line_fits, to_fen
from plugins.pipeline.services.orders import _after_status, next_number

COLUMNS = ("channel", "shop", "order_number", "ordered_at", "customer", "phone", "email", "sku", "quantity",
           "unit_price")
SHOP_MAX = 60  # Order.shop
REQUIRED = ("channel", "order_number", "customer", "sku", "quantity", "unit_price")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # external order numbers
    skipped_existing: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM, or GB18030 as Chinese Excel saves it) or XLSX file."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip().lower() for h in rows[0]]
        return [{header[i]: "" if v is None else str(v).strip() for i, v in enumerate(row) if i < len(header)}
                for row in rows[1:] if any(v not in (None, "") for v in row)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _parse_time(value: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _check_row(number: int, row: dict[str, str], products: dict[str, Product]) -> list[str]:
    problems = [_("%(column)s is missing", column=c) for c in REQUIRED if not row.get(c)]
    if problems:
        return problems
    if row["channel"] not in CHANNELS or row["channel"] == "direct":
        problems.append(_("unknown channel %(channel)s", channel=row["channel"]))
    if row["sku"] not in products:
        problems.append(_("unknown product %(sku)s", sku=row["sku"]))
    try:
        if not line_fits(Decimal(row["quantity"]), Decimal(row["unit_price"])):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(_("quantity and unit price must be numbers (quantity above zero, below what an order "
                          "line holds)"))
    if len(row.get("shop") or "") > SHOP_MAX:
        problems.append(_("the shop's name may have at most %(n)s characters", n=SHOP_MAX))
    if row.get("ordered_at") and _parse_time(row["ordered_at"]) is None:
        problems.append(_("ordered_at is not a date and time like 2026-11-27 14:30"))
    return problems


def _ordered_at(row: dict[str, str]) -> datetime:
    local = _parse_time(row.get("ordered_at") or "")
    return local_to_utc(local) if local else utcnow()


def _customer_for(session: Any, row: dict[str, str], user: Any) -> int:
    from plugins.crm.services.customers import create_customer, find_duplicates

    matches = find_duplicates(session, row["customer"], row.get("phone"), row.get("email"), limit=1)
    if matches:
        return matches[0].customer_id
    customer = create_customer(session, {"name": row["customer"], "phone": row.get("phone") or None,
                                         "email": row.get("email") or None, "source": "online_shop",
                                         "state": "customer"}, user, allow_duplicate=True)
    return customer.id


def _order_total(numbered: list[tuple[int, dict[str, str]]]) -> Decimal:
    """The revenue of an order's rows (already checked to be numbers that fit a line)."""
    return sum((Decimal(row["quantity"]) * Decimal(row["unit_price"]) for _n, row in numbered), Decimal("0"))


def import_orders(session: Any, rows: list[dict[str, str]], user: Any, dry_run: bool = False) -> ImportReport:
    """Create the orders of ``rows`` that are new. Each order is all or nothing; a dry run saves nothing."""
    report = ImportReport()
    skus = {row.get("sku") for row in rows if row.get("sku")}
    products = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(skus)))} if skus else {}
    grouped: OrderedDict[tuple[str, str], list[tuple[int, dict[str, str]]]] = OrderedDict()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        grouped.setdefault((row.get("channel", ""), row.get("order_number", "")), []).append((number, row))
    keys = [k for k in grouped if k[0] and k[1]]
    existing = {
        (c, n) for c, n in session.execute(select(Order.channel, Order.external_number).where(
            Order.external_number.in_([n for _c, n in keys])))
    } if keys else set()
    for key, numbered in grouped.items():
        problems = [(n, msg) for n, row in numbered for msg in _check_row(n, row, products)]
        if not problems and _order_total(numbered) >= MAX_AMOUNT:
            problems = [(numbered[0][0], _("the order's total is larger than an order holds"))]
        if problems:
            report.problems += problems
            continue
        if key in existing:
            report.skipped_existing.append(key[1])
            continue
        if dry_run:
            report.created.append(key[1])
            continue
        with session.begin_nested():  # one order: all its lines or none
            first = numbered[0][1]
            customer_id = _customer_for(session, first, user)
            order = Order(number=next_number(session, "SH"), channel=key[0], external_number=key[1],
                          shop=(first.get("shop") or "").strip() or None,
                          customer_id=customer_id, owner_id=user.id, status="confirmed",
                          ordered_at=_ordered_at(first))
            for _n, row in numbered:
                product = products[row["sku"]]
                quantity, price = Decimal(row["quantity"]), Decimal(row["unit_price"])
                order.lines.append(OrderLine(product_id=product.id, quantity=quantity, unit_price=price,
                                             revenue=to_fen(quantity * price), cost=to_fen(quantity * product.cost)))
            order.total = sum((ln.revenue for ln in order.lines), Decimal("0"))
            order.cost_total = sum((ln.cost for ln in order.lines), Decimal("0"))
            session.add(order)
            session.flush()
            _after_status(session, order, None, user)
        existing.add(key)
        report.created.append(key[1])
        current_app.extensions["netsales"].call("order_confirmed", order=order)
    return report
