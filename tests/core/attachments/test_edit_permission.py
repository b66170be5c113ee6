"""Adding files and comments to a record needs its edit permission, not only its view permission (issue 11 F8):
a representative reads the product catalogue (pipeline.product.view) but may not attach files to a product or
comment on it; a sales manager (pipeline.product.manage, the Product model's __edit_permission__) may."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.attachments.models import Attachment
from core.attachments.records import can_see, can_write, edit_permission
from core.timeline import add_comment
from core.timeline.models import Comment
from core.timeline.services import CommentRefused
from tests.core.attachments.helpers import png_bytes


@pytest.fixture
def product(db, enable_plugin):
    enable_plugin("pipeline")
    from plugins.pipeline.models import Product

    row = Product(sku="NS-F8", name="网销 CRM 年费", category="software", list_price=Decimal("19800.00"),
                  cost=Decimal("4000.00"), tax_rate=Decimal("0.06"))
    db.session.add(row)
    db.session.commit()
    return row


def counts(db, product):
    db.session.expire_all()
    where = {"record_type": "pipeline_product", "record_id": product.id}
    return (db.session.scalar(select(func.count()).select_from(Attachment).filter_by(**where)),
            db.session.scalar(select(func.count()).select_from(Comment).filter_by(**where)))


def post_both(client, product):
    upload = client.post(f"/attachments/pipeline_product/{product.id}",
                         data={"file": (io.BytesIO(png_bytes()), "photo.png")}, content_type="multipart/form-data")
    comment = client.post(f"/timeline/pipeline_product/{product.id}/comments", data={"body": "看这里"})
    return upload, comment


def test_a_reader_of_the_catalogue_may_not_attach_or_comment(client, login_as, db, make_user, product):
    rep = make_user("f8rep", roles=["sales_rep"], locale="en")
    assert can_see(rep, product) and not can_write(rep, product)
    login_as(rep)
    page = client.get(f"/pipeline/products/{product.id}").get_data(as_text=True)
    assert "timeline-comment-form" not in page and "attachment-upload" not in page  # no forms offered
    upload, comment = post_both(client, product)
    assert upload.status_code == 403 and "not add files" in upload.get_data(as_text=True)
    assert comment.status_code == 403 and "not comment" in comment.get_data(as_text=True)
    json_upload = client.post(f"/attachments/pipeline_product/{product.id}", headers={"Accept": "application/json"},
                              data={"file": (io.BytesIO(png_bytes()), "photo.png")},
                              content_type="multipart/form-data")
    assert json_upload.status_code == 403 and json_upload.get_json()["error"]["message"]
    assert counts(db, product) == (0, 0)
    with pytest.raises(CommentRefused):  # the service itself refuses, whoever calls it
        add_comment(product, "直接调用", rep)
    db.session.rollback()
    assert counts(db, product) == (0, 0)


def test_the_catalogue_editor_attaches_and_comments(client, login_as, db, make_user, product):
    manager = make_user("f8mgr", roles=["sales_manager"], locale="en")
    login_as(manager)
    page = client.get(f"/pipeline/products/{product.id}").get_data(as_text=True)
    assert "timeline-comment-form" in page and "attachment-upload" in page
    upload, comment = post_both(client, product)
    assert upload.status_code == 302 and comment.status_code == 302
    assert counts(db, product) == (1, 1)


def test_the_edit_permission_follows_the_declaration_then_the_edit_convention(app, enable_plugin):
    enable_plugin("pipeline")
    enable_plugin("crm")
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal, Product

    assert edit_permission(Product) == "pipeline.product.manage"  # declared
    assert edit_permission(Deal) == "pipeline.deal.edit"  # pipeline.deal.view's sibling
    assert edit_permission(Customer) == "crm.customer.edit"
