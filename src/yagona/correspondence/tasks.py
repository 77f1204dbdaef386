"""Periodic jobs of the document flow (huey finds this module in every installed app)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yagona.correspondence.resolutions import remind_if_due


@db_periodic_task(crontab(minute="7"))
def remind_executors() -> None:
    """Hourly, and idempotent: the day's reminders go once the pack's hour has come in its
    zone (huey's crontab runs in UTC), at most one a day per task."""
    remind_if_due()
