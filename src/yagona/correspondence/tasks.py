"""Jobs of the registry offices (huey finds this module in every installed app)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yagona.correspondence import delivery
from yagona.correspondence.resolutions import remind_if_due


@db_task()
def deliver(ids: list[int]) -> None:
    """The first attempt of new deliveries, right after the clerk sent them."""
    for pk in ids:
        delivery.attempt(pk)


@db_periodic_task(crontab(minute="*"))
def deliver_due() -> None:
    """Deliveries waiting for their next attempt (their pauses grow: delivery.py)."""
    delivery.deliver_due()


@db_periodic_task(crontab(minute="7"))
def remind_executors() -> None:
    """Hourly, and idempotent: the day's reminders go once the pack's hour has come in its
    zone (huey's crontab runs in UTC), at most one a day per task."""
    remind_if_due()
