"""The record timeline (Odoo's chatter): comments with @mentions, attachments, audit changes and plugins' entries.

Public API: ``add_comment(obj, body, user)``, ``comments_for(obj)``, ``timeline_for(obj, user)``; record pages put
``{% include "timeline/_timeline.html" %}`` (with ``obj`` set to the record) at their bottom.
"""

from core.timeline.services import CommentError, add_comment, comments_for, timeline_for

__all__ = ["CommentError", "add_comment", "comments_for", "timeline_for"]
