"""One place to record who did what to personal data (the audit trail).

Every entry is written to the database (:class:`AuditEntry`) and to the
``kalanso.audit`` logger, so that it reaches the server's logs as well.
"""

import logging

from .models import AuditEntry

logger = logging.getLogger("kalanso.audit")


def record(actor, action: str, target=None, **detail) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``target`` (a model instance)."""
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    entry = AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(str(actor) if getattr(actor, "pk", None) else "system")[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    logger.info(
        "%s by user=%s on %s:%s %s",
        action,
        entry.actor_id,
        target_type,
        target_id,
        detail,
        extra={"action": action, "user_id": entry.actor_id, **{"detail": detail}},
    )
    return entry
