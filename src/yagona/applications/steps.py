"""What both sides of an application share: the workflow step (status, timeline, audit
entry, event in one go), the row lock, the actor an entry names."""

from django.utils import timezone

from yagona.applications.models import Application, StatusChange
from yagona.applications.workflow import next_status
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid as _is_uuid  # noqa: F401 - the sides' import


class Tampered(Exception):
    """A request no honest form can send (unknown field, another person's draft ...)."""


class SignatureRequired(Exception):
    """A service whose applications the applicant signs (the pack's ``signature:
    required``), submitted unsigned: only the portal's "Sign and submit"
    (``applications.signed``) submits those. ``application``: the draft's uuid, if any."""

    def __init__(self, application=None):
        super().__init__("The applicant must sign this application in the portal")
        self.application = application


def refuse_unsigned(service, application=None) -> None:
    """Raise SignatureRequired unless the service needs no signature or the draft has one."""
    if service.signature_required and getattr(application, "signed_document_id", None) is None:
        raise SignatureRequired(application.uuid if application is not None else None)


def _local_today():
    return timezone.localtime(timezone.now(), active_pack().zone).date()


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _step(actor, application, action, side, *, role, note="", agency=None, **summary):
    """Move an application along the workflow table; timeline, audit and event in one go."""
    before = application.status
    application.status = next_status(before, action, side)
    application.save()
    StatusChange.objects.create(application=application, action=action, from_status=before,
                                to_status=application.status, actor=actor.user, actor_role=role,
                                agency=agency, note=note)
    audit.record(actor, f"application.{action}", "application", application.uuid,
                 {"from": before, "to": application.status, **summary},
                 agency=application.agency.code)
    events.publish("application.stepped", application=application.pk, action=action,
                   note=note)


def _applicant_role(actor, application) -> str:
    return "applicant" if application.party_id == actor.user.username else "representative"


def _actor_for(user, application) -> audit.Actor:
    represented = "" if application.party_id == user.username else application.party_id
    return audit.Actor(user=user, represented=represented)
