"""Upload (multipart POST, also from the drag-and-drop script) and download of attachments.

Both answer 404 unless the user may see the record the file belongs to (core.attachments.records.can_see)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from core.attachments.feedback import remember_error, safe_next
from core.attachments.models import Attachment
from core.attachments.records import record_url, visible_record
from core.attachments.services import AttachmentError, AttachmentRefused, attach_as, open_attachment
from core.extensions import db
from core.security import authenticated

bp = Blueprint("core_attachments", __name__, url_prefix="/attachments")


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


def _anchor(url: str) -> str:
    return url if "#" in url else url + "#timeline"


@bp.post("/<record_type>/<int:record_id>")
@authenticated
def upload(record_type: str, record_id: int):  # type: ignore[no-untyped-def]
    obj = visible_record(record_type, record_id, current_user)
    if obj is None:
        abort(404)
    back = safe_next(record_url(obj) or request.referrer or "/")
    try:
        attachment = attach_as(obj, request.files.get("file"), current_user)
    except AttachmentRefused as exc:  # may see, may not change (issue 11 F8)
        db.session.rollback()
        if _wants_json():
            return jsonify(error={"code": "forbidden", "message": str(exc)}), 403
        return render_template("errors/error.html", code=403, title=_("Not allowed"), text=str(exc)), 403
    except AttachmentError as exc:
        db.session.rollback()
        if _wants_json():
            return jsonify(error={"code": "invalid", "message": str(exc), "fields": {"file": str(exc)}}), 422
        remember_error(record_type, record_id, "file", str(exc))
        return redirect(_anchor(back))
    db.session.commit()
    if _wants_json():
        return jsonify(id=attachment.id, filename=attachment.filename, size=attachment.size,
                       content_type=attachment.content_type), 201
    flash(_("Attached %(name)s.", name=attachment.filename), "success")
    return redirect(_anchor(back))


@bp.get("/<int:attachment_id>/download")
@authenticated
def download(attachment_id: int):  # type: ignore[no-untyped-def]
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or visible_record(attachment.record_type, attachment.record_id, current_user) is None:
        abort(404)
    try:
        path = open_attachment(attachment)
    except FileNotFoundError:
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, etag=attachment.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
