"""Storing and finding attachments. No request objects here except the uploaded FileStorage itself."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from core.attachments.models import Attachment
from core.attachments.records import can_write, record_key
from core.attachments.sniff import sniff
from core.extensions import db
from core.identity.models import User

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "attachments"
CHUNK = 64 * 1024


class AttachmentError(ValueError):
    """An upload that is refused; the message is for the user, next to the upload field."""


class AttachmentRefused(AttachmentError):
    """The user may see the record but not add to it (issue 11 F8): 403."""


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def storage_root() -> Path:
    """Under the instance folder, which is never served: files leave only through the download view's check."""
    return Path(current_app.instance_path) / STORAGE_DIR


def _clean_filename(raw: str | None) -> str:
    """The last path component of what the browser sent, without control characters, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def _spool(stream: IO[bytes], limit: int) -> tuple[IO[bytes], int, str]:
    """Copy the upload to a temporary file, stopping as soon as it passes ``limit``; returns (file, size, sha256)."""
    spooled = tempfile.SpooledTemporaryFile(max_size=CHUNK * 16)  # noqa: SIM115 (returned open to the caller)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise AttachmentError(_("The file is larger than the limit of %(limit)s.", limit=human_size(limit)))
        digest.update(chunk)
        spooled.write(chunk)
    spooled.seek(0)
    return spooled, size, digest.hexdigest()


def _store(content: IO[bytes], sha256: str) -> str:
    """Write the content under its hash (the same file uploaded twice is stored once); returns the relative path."""
    relative = f"{STORAGE_DIR}/{sha256[:2]}/{sha256}"
    target = Path(current_app.instance_path) / relative
    if target.is_file():
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := content.read(CHUNK):
                out.write(chunk)
        os.replace(temporary, target)  # atomic: a concurrent reader never sees half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return relative


def attach(obj: Any, file_storage: FileStorage | None, user: Any) -> Attachment:
    """Store an uploaded file on record ``obj`` as uploaded by ``user``; the caller commits.

    Raises AttachmentError (nothing stored) when there is no file, it is empty or too large, or its content is
    not an allowed type or does not match its extension. The caller checks that ``user`` may see ``obj``."""
    record_type, record_id = record_key(obj)
    if file_storage is None or not file_storage.filename:
        raise AttachmentError(_("Choose a file to upload."))
    filename = _clean_filename(file_storage.filename)
    if not filename:
        raise AttachmentError(_("The file has no usable name."))
    spooled, size, sha256 = _spool(file_storage.stream, max_bytes())
    with spooled:
        if size == 0:
            raise AttachmentError(_("The file is empty."))
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        kind = sniff(spooled, extension)
        if kind is None:
            raise AttachmentError(_("This kind of file is not allowed. Upload images, PDF or office documents."))
        if extension not in kind.extensions:
            raise AttachmentError(_("The file's content (%(kind)s) does not match its name %(name)s.",
                                    kind=kind.label, name=filename))
        storage_path = _store(spooled, sha256)
    attachment = Attachment(record_type=record_type, record_id=record_id, filename=filename,
                            content_type=kind.content_type, size=size, sha256=sha256,
                            storage_path=storage_path, uploaded_by_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def attach_as(obj: Any, file_storage: FileStorage | None, user: Any) -> Attachment:
    """attach() for a user who picked the record themselves (the upload route): they need the record's edit
    permission (records.can_write), not only its view permission; AttachmentRefused otherwise, nothing stored.

    A plugin's own flow that has checked its rules already (an applicant's CV, a course's material) calls attach()."""
    if not can_write(user, obj):
        raise AttachmentRefused(_("You may see this record but not add files to it."))
    return attach(obj, file_storage, user)


def attachments_for(obj: Any, limit: int | None = None) -> list[Attachment]:
    """The record's attachments, newest first, with their uploaders loaded in the same query."""
    record_type, record_id = record_key(obj)
    query = (select(Attachment)
             .options(joinedload(Attachment.uploaded_by).lazyload(User.roles))  # roles are not shown here
             .where(Attachment.record_type == record_type, Attachment.record_id == record_id)
             .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def open_attachment(attachment: Attachment) -> Path:
    """The stored file's path; FileNotFoundError if the instance folder lost it."""
    root = Path(current_app.instance_path).resolve()
    path = (root / attachment.storage_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise FileNotFoundError(attachment.storage_path)
    return path


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"
