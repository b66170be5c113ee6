"""Attachments: stored outside the web root within size and type limits, downloaded only by those who may see
the record (issue 4: "Upload attachments ... download them only if they may see the record they belong to")."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core.attachments import AttachmentError, attach, attachments_for
from core.attachments.models import Attachment
from tests.core.attachments.helpers import docx_bytes, greeting_by, png_bytes


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def _stored(app, content: bytes) -> bool:
    """Whether ``content`` is in the attachment store (files are named by their SHA-256)."""
    digest = hashlib.sha256(content).hexdigest()
    return (Path(app.instance_path) / "attachments" / digest[:2] / digest).exists()


def test_upload_then_download_by_the_owner(app, db, client, make_user, login_as, greetings):
    rep = make_user("rep")
    greeting = greeting_by(rep)
    login_as(rep)
    data = png_bytes()

    response = client.post(f"/attachments/hello_greeting/{greeting.id}",
                           data={"file": (io.BytesIO(data), "照片.png")}, content_type="multipart/form-data")
    assert response.status_code == 302

    attachment = db.session.scalar(select(Attachment))
    assert (attachment.filename, attachment.content_type, attachment.size) == ("照片.png", "image/png", len(data))
    assert attachment.uploaded_by_id == rep.id
    stored = Path(app.instance_path) / attachment.storage_path
    assert stored.read_bytes() == data
    assert not stored.resolve().is_relative_to(Path(app.static_folder).resolve())  # outside the web root

    download = client.get(f"/attachments/{attachment.id}/download")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert [a.id for a in attachments_for(greeting)] == [attachment.id]


def test_a_record_outside_the_users_scope_is_404_for_download_and_upload(app, db, client, make_user, login_as,
                                                                         greetings):
    owner, other = make_user("owner"), make_user("other")  # representatives: own scope on greetings
    greeting = greeting_by(owner)
    attachment = attach(greeting, FileStorage(io.BytesIO(png_bytes()), "a.png"), owner)
    db.session.commit()

    login_as(other)
    assert client.get(f"/attachments/{attachment.id}/download").status_code == 404
    assert client.post(f"/attachments/hello_greeting/{greeting.id}", data={"file": (io.BytesIO(png_bytes()), "b.png")},
                       content_type="multipart/form-data").status_code == 404
    assert _count(db) == 1

    manager = make_user("manager", roles=["sales_manager"])  # scope "all"
    login_as(manager)
    assert client.get(f"/attachments/{attachment.id}/download").status_code == 200


def test_unknown_record_types_and_models_without_a_view_permission_are_404(app, db, client, make_user, login_as):
    admin = make_user("boss", roles=["admin"])
    login_as(admin)
    png = {"file": (io.BytesIO(png_bytes()), "a.png")}
    assert client.post("/attachments/no_such_table/1", data=png, content_type="multipart/form-data").status_code == 404
    # core_user declares no __view_permission__: nobody attaches files to it through this route
    png = {"file": (io.BytesIO(png_bytes()), "a.png")}
    assert client.post(f"/attachments/core_user/{admin.id}", data=png,
                       content_type="multipart/form-data").status_code == 404
    assert client.get("/attachments/999999/download").status_code == 404


def test_a_disabled_plugins_records_hide_their_attachments(app, db, client, make_user, login_as, greetings,
                                                         disable_plugin):
    rep = make_user("rep")
    greeting = greeting_by(rep)
    attachment = attach(greeting, FileStorage(io.BytesIO(png_bytes()), "a.png"), rep)
    db.session.commit()
    disable_plugin("hello")
    login_as(rep)
    assert client.get(f"/attachments/{attachment.id}/download").status_code == 404


def test_oversize_is_refused_with_a_message_and_nothing_stored(app, db, client, make_user, login_as, greetings):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    rep = make_user("rep")
    greeting = greeting_by(rep)
    login_as(rep)
    big = b"%PDF-1.4\n" + b"0" * 2000

    response = client.post(f"/attachments/hello_greeting/{greeting.id}", data={"file": (io.BytesIO(big), "big.pdf")},
                           content_type="multipart/form-data",
                           headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 422
    assert "1 KB" in response.json["error"]["fields"]["file"]
    assert _count(db) == 0
    assert not _stored(app, big)

    # Without JavaScript: back to the record page, the message kept for the field of its timeline.
    response = client.post(f"/attachments/hello_greeting/{greeting.id}", data={"file": (io.BytesIO(big), "big.pdf"),
                           "next": "/hello/"}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/hello/#timeline")
    with client.session_transaction() as session:
        remembered = session["netsales_timeline_errors"][f"hello_greeting:{greeting.id}:file"]
    assert "1 KB" in remembered["message"]
    assert _count(db) == 0


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"MZ\x90\x00" + b"\x00" * 100, "setup.exe", "not allowed"),
    (b"MZ\x90\x00" + b"\x00" * 100, "report.pdf", "not allowed"),  # the extension alone is not trusted
    (b"<html><script>alert(1)</script></html>", "page.html", "not allowed"),
    (png_bytes() + os.urandom(16), "photo.pdf", "does not match"),  # unique: the store is content-addressed
    (b"PK\x03\x04" + b"\x00" * 50, "archive.zip", "not allowed"),
    (b"", "empty.pdf", "empty"),
], ids=["exe", "exe-named-pdf", "html", "png-named-pdf", "zip", "empty"])  # stable ids: parallel runs compare them
def test_wrong_types_are_refused_by_their_content(app, db, make_user, greetings, content, name, message):
    rep = make_user("rep")
    greeting = greeting_by(rep)
    with force_locale("en"), pytest.raises(AttachmentError, match=message):
        attach(greeting, FileStorage(io.BytesIO(content), name), rep)
    db.session.rollback()
    assert _count(db) == 0
    assert not content or not _stored(app, content)


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "合同.pdf", "application/pdf"),
    (docx_bytes(), "方案.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("客户,金额\n张三,100\n".encode("gb18030"), "客户.csv", "text/csv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "application/vnd.ms-excel"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "scan.JPG", "image/jpeg"),
])
def test_allowed_types_are_stored_with_the_sniffed_content_type(app, db, make_user, greetings, content, name,
                                                               content_type):
    rep = make_user("rep")
    greeting = greeting_by(rep)
    attachment = attach(greeting, FileStorage(io.BytesIO(content), name, content_type="text/html"), rep)
    assert attachment.content_type == content_type
    assert attachment.filename == name


def test_a_path_in_the_filename_is_dropped(app, db, make_user, greetings):
    rep = make_user("rep")
    attachment = attach(greeting_by(rep), FileStorage(io.BytesIO(png_bytes()), "../../etc/a.png"), rep)
    assert attachment.filename == "a.png"
    assert ".." not in attachment.storage_path
