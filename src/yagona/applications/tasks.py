"""Periodic jobs of applications (huey finds this module in every installed app)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yagona.applications.files import expire_unclaimed_documents


@db_periodic_task(crontab(minute="17"))
def expire_documents() -> None:
    expire_unclaimed_documents()
