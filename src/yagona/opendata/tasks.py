"""Periodic jobs of open data (huey finds this module in every installed app)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yagona.opendata import own_data


@db_periodic_task(crontab(hour="3", minute="40"))
def refresh_own_data() -> None:
    """The platform's own datasets, once a day when the night is quiet."""
    own_data.refresh()
