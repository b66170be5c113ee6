"""Which allowed type a file is, judged from its first bytes (and, for ZIP-based office files, its entries).

The browser's content type and the extension are not trusted; the extension must agree with the content so that
a file opens with the right program after download."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


TYPES = {
    "png": FileType("image/png", _l("PNG image"), ("png",)),
    "jpeg": FileType("image/jpeg", _l("JPEG image"), ("jpg", "jpeg")),
    "gif": FileType("image/gif", _l("GIF image"), ("gif",)),
    "webp": FileType("image/webp", _l("WebP image"), ("webp",)),
    "pdf": FileType("application/pdf", _l("PDF document"), ("pdf",)),
    "doc": FileType("application/msword", _l("Word document"), ("doc",)),
    "xls": FileType("application/vnd.ms-excel", _l("Excel workbook"), ("xls",)),
    "ppt": FileType("application/vnd.ms-powerpoint", _l("PowerPoint presentation"), ("ppt",)),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     _l("Word document"), ("docx",)),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _l("Excel workbook"), ("xlsx",)),
    "pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     _l("PowerPoint presentation"), ("pptx",)),
    "odt": FileType("application/vnd.oasis.opendocument.text", _l("OpenDocument text"), ("odt",)),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _l("OpenDocument spreadsheet"), ("ods",)),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", _l("OpenDocument presentation"), ("odp",)),
    "csv": FileType("text/csv", _l("CSV table"), ("csv",)),
    "txt": FileType("text/plain", _l("Text file"), ("txt",)),
}

#: What the upload form's file picker offers; the server decides by content anyway.
ACCEPT = ",".join(f".{ext}" for t in TYPES.values() for ext in t.extensions)

_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _ODF_TYPES.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):  # Chinese CSV exports from Excel are often GBK
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return True  # a multi-byte character cut by the sample's end
    return False


def sniff(stream: IO[bytes], extension: str) -> FileType | None:
    """The allowed type of ``stream``'s content, or None. ``extension`` only chooses among types that the content
    cannot tell apart (the legacy Office formats share one container; CSV and text are both plain text)."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind: str | None = None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(OLE2):
        kind = extension if extension in ("doc", "xls", "ppt") else None
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
    elif head and extension in ("csv", "txt") and _is_text(head):
        kind = extension
    return TYPES.get(kind) if kind else None
