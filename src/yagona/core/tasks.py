"""Background jobs of the shared kernel."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yagona.core import audit


def _every(minutes: int):
    if not minutes:
        return lambda timestamp: False  # checkpoints turned off
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")


@db_periodic_task(_every(settings.AUDIT_CHECKPOINT_MINUTES))
def checkpoint_audit_log() -> None:
    """Seal the audit chain heads, so that entries up to now cannot be removed unseen.
    Fails (CheckpointGap, in the worker's log) after a gap in the checkpoints, until an
    operator acknowledges it (``yagona audit checkpoint --acknowledge``)."""
    audit.checkpoint()
