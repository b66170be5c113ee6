"""Posting a comment on a record's timeline; the timeline itself is rendered by the record's own page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from core.attachments.feedback import pop_errors, remember_error, safe_next
from core.attachments.records import can_see, can_write, record_key, record_url, visible_record
from core.attachments.services import human_size, max_bytes
from core.attachments.sniff import ACCEPT
from core.extensions import db
from core.i18n import FixedWords, gettext_noop
from core.security import authenticated
from core.timeline.mentions import MENTION
from core.timeline.services import MAX_COMMENT_LENGTH, CommentError, CommentRefused, add_comment, timeline_for

bp = Blueprint("core_timeline", __name__, url_prefix="/timeline")

#: The timeline's own words (templates/timeline/_timeline.html), translated once per language and process (issue 18:
#: a template's _() is a catalogue look-up and a walk up the call stack, and "System" or "Attached" come on every line).
WORDS = FixedWords(
    gettext_noop("Timeline"), gettext_noop("Only the most recent entries are shown."), gettext_noop("System"),
    gettext_noop("Attached"),
    gettext_noop("Nothing here yet. Comments, files and changes to this record will appear here."),
    gettext_noop("Type @ and a colleague's login to notify them, e.g. @zhangsan."), gettext_noop("Post comment"),
    gettext_noop("Attach a file"), gettext_noop("Upload"))


@bp.post("/<record_type>/<int:record_id>/comments")
@authenticated
def comment(record_type: str, record_id: int):  # type: ignore[no-untyped-def]
    obj = visible_record(record_type, record_id, current_user)
    if obj is None:
        abort(404)
    back = safe_next(record_url(obj) or request.referrer or "/")
    back = back if "#" in back else back + "#timeline"
    body = request.form.get("body", "")
    try:
        result = add_comment(obj, body, current_user)
    except CommentRefused as exc:  # may see, may not change (issue 11 F8)
        db.session.rollback()
        return render_template("errors/error.html", code=403, title=_("Not allowed"), text=str(exc)), 403
    except CommentError as exc:
        db.session.rollback()
        remember_error(record_type, record_id, "body", str(exc), value=body[:MAX_COMMENT_LENGTH * 2])
        return redirect(back)
    db.session.commit()
    if result.not_notified:
        flash(_("Not notified, as they may not see this record: %(names)s.",
                names=", ".join(u.name for u in result.not_notified)), "warning")
    return redirect(back)


@bp.app_template_global("timeline_context")
def timeline_context(obj: Any) -> dict[str, Any]:
    """What templates/timeline/_timeline.html needs for ``obj``: entries, form targets, remembered errors."""
    record_type, record_id = record_key(obj)
    return {
        "timeline": timeline_for(obj, user=current_user._get_current_object()),
        "may_see": can_see(current_user, obj),
        # The comment and upload forms are offered only to those who may add to the record (issue 11 F8).
        "may_write": can_write(current_user, obj),
        "comment_url": url_for("core_timeline.comment", record_type=record_type, record_id=record_id),
        "upload_url": url_for("core_attachments.upload", record_type=record_type, record_id=record_id),
        "errors": pop_errors(record_type, record_id),
        "next": request.full_path.rstrip("?") if request.query_string else request.path,
        "accept": ACCEPT,
        "max_size": human_size(max_bytes()),
        "max_length": MAX_COMMENT_LENGTH,
        "words": WORDS(),
    }



@bp.app_template_filter("comment_html")
def comment_html(body: str) -> Markup:
    """A comment as HTML: escaped, line breaks kept, @mentions marked."""
    html = str(escape(body))
    html = MENTION.sub(lambda m: f'<span class="mention">@{m.group(1)}</span>', html)
    return Markup(html.replace("\n", "<br>\n"))


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    return human_size(size)
