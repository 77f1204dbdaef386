"""DEMO ONLY: move a demo appeal's history into the past.

The demo plays its appeals through the appeals room's services, which stamp everything
with the real clock, so a freshly loaded demo would have every appeal sent today and no
figures for earlier months. This module rewrites the times the services wrote, right
after each step, to the moment demo.yaml gives it (``days_ago``), and replays the room's
legal clock (``appeals.deadlines``: the deadline from registration, pausing while the
author is asked, resuming, extending, forwarding restarting it) from those days, so
that deadlines, overdue cases and answers on time or late are what they would have
been. ``appeals.figures.rebuild()`` then recomputes the monthly figures from the result.

It writes the appeals room's rows directly, which nothing else outside that room may do
(docs/ARCHITECTURE.md, rule 1): it is the one exception, used by ``demo/appeals.py``
only, and refused in production mode with the rest of the demo. The audit log is left
as written (its entries carry the real time of the run, and their hash chains stay
whole); so are the signed answers, which are dated the day they were really signed.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction

from yagona.appeals import deadlines
from yagona.appeals.models import Appeal, Note, Rules, Step
from yagona.appeals.numbers import next_number
from yagona.appeals.workflow import ENDED
from yagona.core.countries import active_pack


@dataclass(frozen=True)
class Mark:
    """An appeal's rows and legal clock just before a step."""

    step: int
    note: int
    received_on: date
    due_date: date
    paused: int | None


def mark(appeal: Appeal | None) -> Mark | None:
    if appeal is None:
        return None
    appeal = Appeal.objects.get(pk=appeal.pk)
    last_step = Step.objects.filter(appeal=appeal).order_by("-pk").values_list("pk", flat=True)
    last_note = Note.objects.filter(appeal=appeal).order_by("-pk").values_list("pk", flat=True)
    return Mark(step=last_step.first() or 0, note=last_note.first() or 0,
                received_on=appeal.received_on, due_date=appeal.due_date,
                paused=appeal.days_left_at_pause)


def local_day(moment: datetime) -> date:
    return moment.astimezone(active_pack().zone).date()


@transaction.atomic
def settle(appeal: Appeal, action: str, when: datetime, before: Mark | None) -> Appeal:
    """After ``action`` was played on ``appeal`` (``before``: its mark just before, None
    for a new appeal): date what the action wrote at ``when`` and put the legal clock
    where it would stand had the action happened then."""
    if settings.PRODUCTION:
        raise RuntimeError("demo data is refused in production mode")
    appeal = Appeal.objects.select_related("kind").get(pk=appeal.pk)
    day, working = local_day(when), appeal.kind.working_days
    changes: dict = {"updated_at": when}
    if action in ("submit", "forward"):  # registered by the agency handling it from then
        changes.update(received_on=day, due_date=deadlines.due_date(appeal.kind, day),
                       days_left_at_pause=None)
        if action == "submit":
            changes["submitted_at"] = when
            if day.year != deadlines.today().year:  # numbered in its own year's series
                changes["number"] = next_number(Rules.objects.get(), day.year)
    elif action == "request_info":  # the clock stops with what was left that day
        changes["days_left_at_pause"] = max(0, deadlines.between(day, before.due_date,
                                                                 working))
    elif action == "provide_info":  # and runs again from the author's answer
        changes.update(due_date=deadlines.add(day, before.paused or 0, working),
                       days_left_at_pause=None)
    elif action == "answer":
        changes.update(answered_at=when, answered_on_time=day <= before.due_date)
        Appeal.objects.filter(duplicate_of=appeal, answered_at__isnull=False).update(
            answered_at=when)
    elif action == "rate":
        changes["rated_at"] = when
    # "extend" moved the deadline from where it stood (already in the past's terms);
    # "assign", "merge", "withdraw" and notes leave the clock alone.
    Appeal.objects.filter(pk=appeal.pk).update(**changes)
    appeal.refresh_from_db()
    steps = Step.objects.filter(appeal=appeal, pk__gt=before.step if before else 0)
    steps.update(at=when, due_date=None if appeal.status in ENDED else appeal.due_date)
    Note.objects.filter(appeal=appeal, pk__gt=before.note if before else 0).update(at=when)
    return appeal
