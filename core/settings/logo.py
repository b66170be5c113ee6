"""The company logo: an image uploaded on the settings page, kept under the instance folder (not the web root)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.settings.store import SettingError, store_raw, stored_raw

LOGO_KEY = "core.logo"
DEFAULT_MAX_BYTES = 1024 * 1024
#: Recognised by their first bytes, not by the name the browser sent. No SVG: it can carry scripts.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))
MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def logo_folder() -> Path:
    return Path(current_app.instance_path) / "branding"


def image_kind(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((kind for signature, kind in SIGNATURES if data.startswith(signature)), None)


def check_logo(data: bytes) -> str:
    """The image kind of an uploaded logo; SettingError if it is empty, too large or not an image we accept."""
    limit = int(current_app.config.get("LOGO_MAX_BYTES", DEFAULT_MAX_BYTES))
    if not data:
        raise SettingError(_l("The file is empty."))
    if len(data) > limit:
        raise SettingError(_l("The logo may be at most %(kb)s KB.", kb=limit // 1024))
    kind = image_kind(data)
    if kind is None:
        raise SettingError(_l("Upload a PNG, JPEG, GIF or WebP image."))
    return kind


def save_logo(data: bytes, kind: str, user: object = None) -> None:
    """Write the file (named by its content, so a failed save leaves nothing wrong behind) and point the setting
    at it, in the caller's transaction."""
    name = f"logo-{hashlib.sha256(data).hexdigest()[:16]}.{kind}"
    folder = logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    store_raw(LOGO_KEY, name, user=user)


def remove_logo(user: object = None) -> None:
    store_raw(LOGO_KEY, None, user=user)


def company_logo_path() -> Path | None:
    """The logo file for pages and PDF reports, or None when there is none."""
    name = stored_raw(LOGO_KEY)
    if not name or "/" in name or "\\" in name:
        return None
    path = logo_folder() / name
    return path if path.is_file() else None
