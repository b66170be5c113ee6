"""Attachments: files on any business record, stored outside the web root, within size and type limits.

Public API (DESIGN.md "Shared services"): ``attach(obj, file_storage, user)``, ``attachments_for(obj)``,
``AttachmentError``; ``core.attachments.records`` finds and checks access to the record a file belongs to.
"""

from core.attachments.services import AttachmentError, attach, attachments_for, open_attachment

__all__ = ["AttachmentError", "attach", "attachments_for", "open_attachment"]
