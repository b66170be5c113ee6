"""JSON API of the pipeline (/api/v1/pipeline), in the OpenAPI document: products, deals (list, read, move),
orders (list, read) and shop orders posted by an online shop (idempotent on channel + shop order number, like the
import). The same services and record scopes as the pages: outside the caller's scope is a 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.api.validation import SOME_TEXT
from core.extensions import db
from core.money import money_schema
from core.security import get_scoped_or_404, scoped
from plugins.crm.api import EMAIL_INPUT, PHONE_INPUT
from plugins.crm.services.errors import CRMError, FieldErrors
from plugins.pipeline.models import CHANNELS, DEAL_STATUSES, ORDER_STATUSES, STAGES, Deal, Order, Product
from plugins.pipeline.services import Conflict, PipelineError
from plugins.pipeline.services.shop_import import import_orders
from plugins.pipeline.services.stages import DEFAULT_PROBABILITY, move_deal

bp = Blueprint("pipeline_api", __name__, url_prefix="/api/v1/pipeline")
TAGS = ("Pipeline",)
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "CNY, exact, two decimals"}
NULLABLE = {"type": ["string", "null"]}

PRODUCT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "sku": {"type": "string"}, "name": {"type": "string"},
    "category": {"type": "string"}, "list_price": MONEY, "unit": {"type": "string"},
    "tax_rate": {"type": "string"}, "active": {"type": "boolean"}, "features": NULLABLE, "advantages": NULLABLE,
    "selling_points": NULLABLE}}
DEAL = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "customer_id": {"type": "integer"},
    "owner_id": {"type": "integer"}, "stage": {"enum": list(STAGES)}, "status": {"enum": list(DEAL_STATUSES)},
    "expected_value": MONEY, "probability": {"type": "integer"}, "weighted_value": MONEY,
    "expected_close": {"type": ["string", "null"], "format": "date"}, "version": {"type": "integer"},
    "stage_entered_at": {"type": "string", "format": "date-time"}}}
ORDER_LINE = {"type": "object", "properties": {
    "product_id": {"type": "integer"}, "quantity": {"type": "string"}, "unit_price": MONEY, "revenue": MONEY}}
ORDER = {"type": "object", "properties": {
    "id": {"type": "integer"}, "number": {"type": "string"}, "channel": {"enum": list(CHANNELS)},
    "external_number": NULLABLE, "customer_id": {"type": "integer"}, "owner_id": {"type": "integer"},
    "deal_id": {"type": ["integer", "null"]}, "status": {"enum": list(ORDER_STATUSES)},
    "ordered_at": {"type": "string", "format": "date-time"}, "total": MONEY, "carrier": NULLABLE,
    "tracking_number": NULLABLE, "lines": {"type": "array", "items": ORDER_LINE}}}
MOVE_INPUT = {"type": "object", "properties": {
    "stage": {"enum": list(STAGES)}, "expected_version": {"type": "integer", "minimum": 1},
    "note": {"type": ["string", "null"], "maxLength": 500}},
    "required": ["stage", "expected_version"], "additionalProperties": False}
TEXT = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": SOME_TEXT}
_DAY = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_CLOCK = "[0-9]{2}:[0-9]{2}(:[0-9]{2})?"
#: What an order line holds (quantity Numeric(12, 3) below 1e9), as text or a number (issue 11 F4, F7).
QUANTITY = {"type": ["string", "number"], "maxLength": 13, "pattern": r"^[0-9]{1,9}(\.[0-9]{1,3})?$",
            "not": {"type": "string", "pattern": r"^0+(\.0*)?$"}, "minimum": 0.001, "exclusiveMaximum": 1e9,
            "description": "above zero, below 1,000,000,000, at most three decimals"}
SHOP_ORDER_INPUT = {"type": "object", "properties": {
    "channel": {"enum": [c for c in CHANNELS if c != "direct"]}, "order_number": {"type": "string", "minLength": 1,
                                                                                   "maxLength": 64},
    "shop": {"type": "string", "maxLength": 60, "description": "the shop on its channel, e.g. 天猫旗舰店 (optional)"},
    "ordered_at": {"type": "string", "pattern": f"^$|^{_DAY}( {_CLOCK})?$|^[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}} {_CLOCK}$",
                   "description": "YYYY-MM-DD HH:MM[:SS], company time zone"},
    "customer": TEXT, "phone": PHONE_INPUT, "email": EMAIL_INPUT,
    "lines": {"type": "array", "minItems": 1, "maxItems": 200, "items": {"type": "object", "properties": {
        "sku": {"type": "string", "minLength": 1, "maxLength": 64},
        "quantity": QUANTITY, "unit_price": money_schema()},
        "required": ["sku", "quantity", "unit_price"], "additionalProperties": False}}},
    "required": ["channel", "order_number", "customer", "lines"], "additionalProperties": False}
SHOP_ORDER_RESULT = {"type": "object", "properties": {"created": {"type": "boolean"}, "order": ORDER}}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def product_json(p: Product) -> dict[str, Any]:
    return {"id": p.id, "sku": p.sku, "name": p.name, "category": p.category, "list_price": f"{p.list_price:.2f}",
            "unit": p.unit, "tax_rate": str(p.tax_rate), "active": p.active, "features": p.features,
            "advantages": p.advantages, "selling_points": p.selling_points}


def deal_json(d: Deal) -> dict[str, Any]:
    probability = DEFAULT_PROBABILITY[d.stage] if d.status == "open" else (100 if d.status == "won" else 0)
    return {"id": d.id, "title": d.title, "customer_id": d.customer_id, "owner_id": d.owner_id, "stage": d.stage,
            "status": d.status, "expected_value": f"{d.expected_value:.2f}", "probability": probability,
            "weighted_value": f"{d.expected_value * probability / 100:.2f}",
            "expected_close": _stamp(d.expected_close), "version": d.version,
            "stage_entered_at": _stamp(d.stage_entered_at)}


def order_json(o: Order) -> dict[str, Any]:
    return {"id": o.id, "number": o.number, "channel": o.channel, "external_number": o.external_number,
            "customer_id": o.customer_id, "owner_id": o.owner_id, "deal_id": o.deal_id, "status": o.status,
            "ordered_at": _stamp(o.ordered_at), "total": f"{o.total:.2f}", "carrier": o.carrier,
            "tracking_number": o.tracking_number,
            "lines": [{"product_id": ln.product_id, "quantity": str(ln.quantity),
                       "unit_price": f"{ln.unit_price:.2f}", "revenue": f"{ln.revenue:.2f}"} for ln in o.lines]}


@bp.get("/products")
@api_endpoint("pipeline.product.view", summary=_l("List products"), paginated=True, response=PRODUCT,
              tags=TAGS, query={"type": "object", "properties": {
                  "q": {"type": "string", "maxLength": 100}, "category": {"type": "string", "maxLength": 100},
                  "active": {"type": "boolean"}}})
def list_products(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(Product).order_by(Product.name, Product.id)
    if query.get("q"):
        stmt = stmt.where(or_(Product.name.ilike(f"%{query['q']}%"), Product.sku.ilike(f"%{query['q']}%")))
    if query.get("category"):
        stmt = stmt.where(Product.category == query["category"])
    if query.get("active") is not None:
        stmt = stmt.where(Product.active.is_(query["active"]))
    return paginate(stmt, product_json)


@bp.get("/products/<int:product_id>")
@api_endpoint("pipeline.product.view", summary=_l("Read a product"), response=PRODUCT, tags=TAGS)
def get_product(product_id: int):  # type: ignore[no-untyped-def]
    product = db.session.get(Product, product_id)
    if product is None:
        raise ApiError(404)
    return product_json(product)


@bp.get("/deals")
@api_endpoint("pipeline.deal.view", summary=_l("List deals"), paginated=True, response=DEAL, tags=TAGS,
              query={"type": "object", "properties": {"stage": {"enum": list(STAGES)},
                                                      "status": {"enum": list(DEAL_STATUSES)},
                                                      "owner_id": {"type": "integer"}}})
def list_deals(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped(select(Deal), Deal, "pipeline.deal.view").order_by(Deal.id)
    for key, column in (("stage", Deal.stage), ("status", Deal.status), ("owner_id", Deal.owner_id)):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    return paginate(stmt, deal_json)


@bp.get("/deals/<int:deal_id>")
@api_endpoint("pipeline.deal.view", summary=_l("Read a deal"), response=DEAL, tags=TAGS)
def get_deal(deal_id: int):  # type: ignore[no-untyped-def]
    return deal_json(get_scoped_or_404(Deal, deal_id, "pipeline.deal.view"))


@bp.post("/deals/<int:deal_id>/move")
@api_endpoint("pipeline.deal.edit", summary=_l("Move a deal to another stage"), body=MOVE_INPUT, response=DEAL,
              tags=TAGS, description=_l("One stage forward once the stage's exit rule is met (R6), or back to any "
                                        "earlier stage. expected_version is the version you read: if someone "
                                        "moved the deal since, the move is refused with 409."),
              rules={"stage": _l("one stage forward once the stage's exit rule is met, or back to an earlier one")})
def move(deal_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    deal = get_scoped_or_404(Deal, deal_id, "pipeline.deal.edit")
    try:
        move_deal(db.session, deal, body["stage"], current_user, expected_version=body["expected_version"],
                  note=body.get("note"))
    except PipelineError as exc:
        db.session.rollback()
        if isinstance(exc, Conflict):  # someone else moved it since the caller read it
            raise ApiError(409, str(exc)) from None
        raise ValidationError({exc.field or "stage": [str(exc)]}) from None
    db.session.commit()
    return deal_json(deal)


@bp.get("/orders")
@api_endpoint("pipeline.order.view", summary=_l("List orders"), paginated=True, response=ORDER,
              tags=TAGS, query={"type": "object", "properties": {"status": {"enum": list(ORDER_STATUSES)},
                                                                 "channel": {"enum": list(CHANNELS)},
                                                                 "customer_id": {"type": "integer"}}})
def list_orders(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped(select(Order), Order, "pipeline.order.view").order_by(Order.id)
    for key, column in (("status", Order.status), ("channel", Order.channel), ("customer_id", Order.customer_id)):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    return paginate(stmt, order_json)


@bp.get("/orders/<int:order_id>")
@api_endpoint("pipeline.order.view", summary=_l("Read an order"), response=ORDER, tags=TAGS)
def get_order(order_id: int):  # type: ignore[no-untyped-def]
    return order_json(get_scoped_or_404(Order, order_id, "pipeline.order.view"))


@bp.post("/orders")
@api_endpoint("pipeline.order.edit", summary=_l("Post an online shop's order"), body=SHOP_ORDER_INPUT,
              status=201, response=SHOP_ORDER_RESULT, tags=TAGS,
              description=_l("Idempotent on (channel, order_number), like the file import: posting the same order "
                             "again answers 200 with the existing order and creates nothing. The customer is "
                             "matched by phone, e-mail or name, or created."),
              rules={"lines": _l("every SKU a product's; each line's quantity × unit price and the order's total "
                                 "below 1,000,000,000,000.00"),
                     "ordered_at": _l("a real date and time")})
def post_shop_order(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    rows = [{"channel": body["channel"], "shop": body.get("shop", ""), "order_number": body["order_number"],
             "ordered_at": body.get("ordered_at", ""), "customer": body["customer"], "phone": body.get("phone", ""),
             "email": body.get("email", ""), "sku": line["sku"], "quantity": str(line["quantity"]),
             "unit_price": str(line["unit_price"])} for line in body["lines"]]
    try:
        report = import_orders(db.session, rows, current_user)
    except CRMError as exc:  # the customer it would create is refused (its schema should have said so)
        db.session.rollback()
        fields = exc.errors if isinstance(exc, FieldErrors) else {"customer": exc.message}
        raise ValidationError({key if key in ("phone", "email") else "customer": [message]
                               for key, message in fields.items()}) from None
    if report.problems:
        db.session.rollback()
        raise ValidationError({"lines": [f"{row - 1}: {message}" for row, message in report.problems]})
    db.session.commit()
    order = db.session.scalar(select(Order).where(Order.channel == body["channel"],
                                                  Order.external_number == body["order_number"]))
    if report.skipped_existing:  # posted before: answer with it, if the caller may see it
        return {"created": False, "order": order_json(get_scoped_or_404(Order, order.id, "pipeline.order.view"))}, 200
    return {"created": True, "order": order_json(order)}
