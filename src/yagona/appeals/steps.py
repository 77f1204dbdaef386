"""What both sides of an appeal share: the workflow step (status, history, audit entry,
event in one go), the row lock, and the actor an entry names. An anonymous appeal's
entries name nobody: not the signed-in user, not an address."""

from yagona.appeals.models import Appeal, Step
from yagona.appeals.workflow import next_status
from yagona.core import audit, events
from yagona.core.identifiers import is_uuid  # noqa: F401 - the sides' import

ANONYMOUS = audit.Actor(system="anonymous")


def lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("kind", "agency").get(
        pk=appeal.pk)


def author_actor(user, appeal) -> audit.Actor:
    if user is None or appeal.author_id is None:
        return ANONYMOUS
    represented = "" if appeal.party_id == user.username else appeal.party_id
    return audit.Actor(user=user, represented=represented)


def official_actor(user, appeal) -> audit.Actor:
    return audit.Actor(user=user, represented=appeal.party_id, agency=appeal.agency.code)


def step(actor: audit.Actor, appeal: Appeal, action: str, side: str, *, note: str = "",
         to_agency=None, **summary) -> Step:
    """Move an appeal along the workflow table; history, audit entry and event in one go.
    ``appeal`` is locked and saved here."""
    before = appeal.status
    appeal.status = next_status(before, action, side)
    from_agency = appeal.agency
    if to_agency is not None:
        appeal.agency = to_agency
    appeal.save()
    row = Step.objects.create(
        appeal=appeal, action=action, from_status=before, to_status=appeal.status,
        actor=actor.user, agency=from_agency, to_agency=to_agency, note=note,
        due_date=None if appeal.ended else appeal.due_date)
    audit.record(actor, f"appeal.{action}", "appeal", appeal.uuid,
                 {"from": before, "to": appeal.status, **summary}, agency=from_agency.code)
    events.publish("appeal.stepped", appeal=appeal.pk, action=action, step=row.pk)
    return row
