"""The public figures of appeals, kept current by the commands in their transactions
(the statistics page reads a few hundred rows, whatever the number of appeals): per
agency and month, received (new or forwarded in), forwarded on, answered, on time,
ratings, and a histogram of days to answer for the median. ``rebuild()`` recomputes all
of it from the appeals themselves (after an import; tests hold the two equal)."""

from collections import Counter as Tally
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from yagona.appeals.models import AnswerDays, Appeal, MonthlyFigures, Step
from yagona.core.countries import active_pack

FIELDS = ("received", "forwarded", "answered", "answered_on_time", "rated", "rated_useful",
          "rated_on_time")


def month_of(day: date) -> date:
    return day.replace(day=1)


def _row(model, **key):
    row = model.objects.filter(**key).first()
    if row is None:
        try:
            with transaction.atomic():  # a savepoint: another writer may create it first
                row = model.objects.create(**key)
        except IntegrityError:
            row = model.objects.get(**key)
    return row


def count(agency_id: int, day: date, **increments: int) -> None:
    row = _row(MonthlyFigures, agency_id=agency_id, month=month_of(day))
    MonthlyFigures.objects.filter(pk=row.pk).update(
        **{name: F(name) + value for name, value in increments.items()})


def answered(appeal, day: date) -> None:
    count(appeal.agency_id, day, answered=1, answered_on_time=int(appeal.answered_on_time))
    row = _row(AnswerDays, agency_id=appeal.agency_id, month=month_of(day),
               days=min(max((day - appeal.received_on).days, 0), 365))
    AnswerDays.objects.filter(pk=row.pk).update(count=F("count") + 1)


def _local(moment) -> date:
    return moment.astimezone(active_pack().zone).date()


@transaction.atomic
def rebuild() -> None:
    """Recompute every figure from the appeals and their steps."""
    figures: dict[tuple[int, date], Tally] = {}
    days: Tally = Tally()

    def add(agency_id, day, **values):
        figures.setdefault((agency_id, month_of(day)), Tally()).update(values)

    for step in Step.objects.filter(action__in=("submit", "forward")).only(
            "action", "at", "agency_id", "to_agency_id").iterator():
        if step.action == "submit":
            add(step.agency_id, _local(step.at), received=1)
        else:
            add(step.agency_id, _local(step.at), forwarded=1)
            add(step.to_agency_id, _local(step.at), received=1)
    for appeal in Appeal.objects.filter(answered_at__isnull=False).only(
            "agency_id", "answered_at", "answered_on_time", "received_on", "rated_at",
            "useful", "on_time").iterator():
        day = _local(appeal.answered_at)
        add(appeal.agency_id, day, answered=1, answered_on_time=int(appeal.answered_on_time))
        days[(appeal.agency_id, month_of(day), min(max((day - appeal.received_on).days, 0),
                                                    365))] += 1
        if appeal.rated_at:
            add(appeal.agency_id, _local(appeal.rated_at), rated=1,
                rated_useful=int(bool(appeal.useful)), rated_on_time=int(bool(appeal.on_time)))
    MonthlyFigures.objects.all().delete()
    AnswerDays.objects.all().delete()
    MonthlyFigures.objects.bulk_create(
        [MonthlyFigures(agency_id=agency, month=month, **{f: tally[f] for f in FIELDS})
         for (agency, month), tally in figures.items()], batch_size=1000)
    AnswerDays.objects.bulk_create(
        [AnswerDays(agency_id=agency, month=month, days=d, count=n)
         for (agency, month, d), n in days.items()], batch_size=1000)
