"""The product catalogue and each product's knowledge page (R2.1.2): features, advantages, selling points and
attachments (spec sheets, brochures) that representatives read before talking to a customer."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from core.extensions import db
from core.security import require
from core.web.listing import ExportColumn, Filter, ListQuery, export_response, wants_export
from plugins.pipeline import forms
from plugins.pipeline.models import Product
from plugins.pipeline.views.common import bp, may

VIEW, MANAGE = "pipeline.product.view", "pipeline.product.manage"


def category_choices() -> list[tuple[str, str]]:
    return [(c, c) for c in db.session.scalars(select(Product.category).distinct().order_by(Product.category))]


def product_listing() -> ListQuery:
    return ListQuery(
        select(Product),
        sorts={"name": Product.name, "sku": Product.sku, "price": Product.list_price, "category": Product.category},
        default_sort="name", search=[Product.name, Product.sku, Product.category],
        filters=[Filter.choice("category", _l("Category"), Product.category, category_choices),
                 Filter.choice("active", _l("Active"), Product.active,
                               lambda: [("1", _("Active")), ("0", _("Inactive"))], coerce=lambda v: v == "1")],
    )


@bp.get("/products")
@require(VIEW)
def products():  # type: ignore[no-untyped-def]
    listing = product_listing()
    fmt = wants_export()
    if fmt:
        columns = [ExportColumn("sku", _("SKU")), ExportColumn("name", _("Name")),
                   ExportColumn("category", _("Category")), ExportColumn("list_price", _("List price")),
                   ExportColumn("unit", _("Unit")), ExportColumn("active", _("Active"))]
        return export_response(listing.export_rows(), columns, fmt, filename=_("products"))
    return render_template("pipeline/products.html", page=listing.page(), may_manage=may(MANAGE))


def _product_or_404(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return product


@bp.get("/products/<int:product_id>")
@require(VIEW)
def product(product_id: int):  # type: ignore[no-untyped-def]
    return render_template("pipeline/product.html", product=_product_or_404(product_id), may_manage=may(MANAGE))


def _save(form: forms.ProductForm, product: Product | None):  # type: ignore[no-untyped-def]
    if form.validate_on_submit():
        sku = form.sku.data.strip()
        # SQLite's lower() folds ASCII only: the exact SKU too, or "Ä1" again broke the unique index (a 500).
        clash = db.session.scalar(select(Product.id).where(or_(Product.sku == sku,
                                                               func.lower(Product.sku) == sku.lower())))
        if clash is not None and (product is None or clash != product.id):
            form.sku.errors.append(_("Another product already has this SKU."))
        else:
            product = product or Product()
            product.sku, product.name, product.category = sku, form.name.data.strip(), form.category.data.strip()
            product.list_price, product.cost = form.list_price.data, form.cost.data or Decimal("0")
            product.unit, product.active = form.unit.data.strip(), form.active.data
            product.tax_rate = (form.tax_rate.data / 100).quantize(Decimal("0.0001"))
            for name in ("features", "advantages", "selling_points"):
                setattr(product, name, (form[name].data or "").strip() or None)
            db.session.add(product)
            db.session.commit()
            flash(_("Product %(name)s saved.", name=product.name), "success")
            return redirect(url_for("pipeline.product", product_id=product.id))
    title = _("Edit product") if product else _("New product")
    cancel = url_for("pipeline.product", product_id=product.id) if product else url_for("pipeline.products")
    return render_template("pipeline/form.html", form=form, title=title, cancel_url=cancel), \
        422 if form.errors else 200


@bp.route("/products/new", methods=["GET", "POST"])
@require(MANAGE)
def new_product():  # type: ignore[no-untyped-def]
    return _save(forms.ProductForm(), None)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@require(MANAGE)
def edit_product(product_id: int):  # type: ignore[no-untyped-def]
    product = _product_or_404(product_id)
    form = forms.ProductForm(obj=product)
    if not form.is_submitted():
        form.tax_rate.data = product.tax_rate * 100
    return _save(form, product)
