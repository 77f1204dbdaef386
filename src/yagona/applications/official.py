"""The official's commands: assign, request information, decide."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts import services as account_services
from yagona.accounts.models import Role
from yagona.applications import files, results
from yagona.applications.models import Application, Message
from yagona.applications.steps import _is_uuid, _local_today, _lock, _step
from yagona.applications.workflow import OFFICIAL, Status
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.signing.pades import NotAPdf


def _official(user, uuid):
    """The application and the official's roles in its agency; 404 outside their agencies."""
    application = Application.objects.select_related("agency", "service").filter(
        uuid=uuid).first() if _is_uuid(uuid) else None
    if application is None or application.status == Status.DRAFT:
        raise Http404
    roles = accounts.roles_in(user, application.agency)
    if not roles:
        raise Http404
    return application, roles


def _role_label(roles: set[str]) -> str:
    for role in (Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.OPERATOR):
        if role in roles:
            return role
    return Role.OPERATOR


def _official_actor(user, application) -> audit.Actor:
    return audit.Actor(user=user, represented=application.party_id,
                       agency=application.agency.code)


def assign(user, uuid, assignee=None) -> Application:
    """Take an application (operators) or give it to a colleague (supervisors)."""
    application, roles = _official(user, uuid)
    assignee = assignee or user
    if assignee != user and Role.SUPERVISOR not in roles and Role.AGENCY_ADMIN not in roles:
        raise PermissionDenied
    if not accounts.roles_in(assignee, application.agency):
        raise ValidationError({"assignee": _("Choose an official of this agency.")})
    with transaction.atomic():
        application = _lock(application)
        application.assigned_to = assignee
        _step(_official_actor(user, application), application, "assign", OFFICIAL,
              role=_role_label(roles), agency=application.agency, assignee=assignee.username)
    return application


def _must_handle(user, application, roles):
    if application.assigned_to_id != user.pk and Role.SUPERVISOR not in roles:
        raise PermissionDenied


def request_info(user, uuid, text: str) -> Application:
    """Ask the applicant for more; the application returns to them and the clock pauses."""
    application, roles = _official(user, uuid)
    _must_handle(user, application, roles)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what the applicant must provide.")})
    with transaction.atomic():
        application = _lock(application)
        Message.objects.create(application=application, author=user, from_agency=True,
                               kind="info_request", body=text)
        application.days_left_at_pause = active_pack().calendar.working_days_between(
            _local_today(), application.due_date)
        application.paused_at = timezone.now()
        _step(_official_actor(user, application), application, "request_info", OFFICIAL,
              role=_role_label(roles), agency=application.agency, note=text)
    return application


def decide(user, uuid, approve: bool, reason: str, result=None,
           confirmation: str | None = None) -> Application:
    """Approve (with an optional result document) or reject (with a reason). The decision
    is issued as a signed document (applications.results). ``confirmation``: the
    official's authenticator code, which lets the platform sign in their name beside the
    agency seal (the back office always asks for it); ``None`` for a system's API call,
    sealed by the agency alone."""
    application, roles = _official(user, uuid)
    _must_handle(user, application, roles)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if result is not None:
        files.check_upload(result, accept=("application/pdf",), max_bytes=20 * 1024 * 1024)
    if confirmation is not None:
        if not accounts.has_second_factor(user):
            raise ValidationError({"confirmation": _(
                "Set up an authenticator app in your account to sign decisions.")})
        if not account_services.check_totp(user, confirmation):
            raise ValidationError({"confirmation": _(
                "The code from your authenticator app is not right, or was used already "
                "(each code works once). Enter the next code it shows.")})
    role = _role_label(roles)
    with transaction.atomic():
        application = _lock(application)
        application.decided_at = timezone.now()
        application.decision_reason = reason
        try:
            results.issue(application, user, role, approved=approve, reason=reason,
                          upload=result, personally=confirmation is not None)
        except NotAPdf as exc:
            raise files.FileRejected(_("The result document cannot be signed: it is not a "
                                       "readable PDF.")) from exc
        _step(_official_actor(user, application), application,
              "approve" if approve else "reject", OFFICIAL, role=role,
              agency=application.agency, note=reason, result=result is not None,
              signed_by_official=confirmation is not None)
    return application
