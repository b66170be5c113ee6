"""The audit trail (issue 3 §5, R13): every create, update, archive, state change and delete of a business record,
with who, when and old → new values; append-only.

Public API::

    from core.audit import audit_actor, history_for, log_event, AuditEntry
    with audit_actor("cli:import"): ...          # CLI commands and jobs name themselves
    history_for(customer) -> list[AuditEntry]    # a record's changes, oldest first (for timelines)

Models opt out with ``__audit__ = False``; see core/audit/recorder.py.
"""

from core.audit.actor import audit_actor, current_actor
from core.audit.entries import AuditEntry, history_for, log_event, record_key
from core.audit.recorder import AuditLogIsAppendOnly, install, is_audited

install()

__all__ = ["AuditEntry", "AuditLogIsAppendOnly", "audit_actor", "current_actor", "history_for", "is_audited",
           "log_event", "record_key"]
