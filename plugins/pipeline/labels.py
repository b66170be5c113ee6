"""Translated names of the pipeline's codes, for pages, settings and messages."""

from flask_babel import lazy_gettext as _l

PRIORITY_LABELS = {"low": _l("low"), "normal": _l("normal"), "high": _l("high"), "urgent": _l("urgent")}
TICKET_KIND_LABELS = {"support": _l("Support"), "training": _l("Training request"), "complaint": _l("Complaint")}
TICKET_STATE_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                       "closed": _l("Closed")}
CHANNEL_LABELS = {"direct": _l("Direct sale"), "tmall": _l("Tmall"), "jd": _l("JD.com"), "douyin": _l("Douyin"),
                  "wechat_shop": _l("WeChat shop"), "website": _l("Own website"), "other": _l("Other")}
QUOTATION_STATE_LABELS = {"draft": _l("Draft"), "pending_approval": _l("Waiting for discount approval"),
                          "approved": _l("Discount approved"), "sent": _l("Sent"), "accepted": _l("Accepted"),
                          "rejected": _l("Rejected"), "superseded": _l("Superseded")}
DEAL_STATUS_LABELS = {"open": _l("Open"), "won": _l("Won"), "lost": _l("Lost")}
#: The board's won / lost / open filter.
BOARD_SHOW_LABELS = {"open": _l("Open deals"), "won": _l("Won deals"), "lost": _l("Lost deals")}
