"""The officials' back office: queues, processing, supervision, assisted applications."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts import services as account_services
from yagona.accounts.models import OfficialRole, Role, User
from yagona.agencies import queries as agencies
from yagona.agencies import services as agency_services
from yagona.applications import forwarding, signed, state_documents
from yagona.applications import queries as applications
from yagona.applications import services as apply
from yagona.applications.files import FileRejected
from yagona.applications.workflow import Status, TransitionNotAllowed, actions_from
from yagona.catalogue import queries as catalogue
from yagona.catalogue import services as catalogue_services
from yagona.catalogue.forms import FormDefinition
from yagona.core import audit
from yagona.core.permissions import OFFICIAL, PLATFORM_ADMIN, permission
from yagona.correspondence import queries as correspondence


@permission(OFFICIAL)
def home(request):
    mine = accounts.official_agencies(request.user)
    if len(mine) == 1:
        return redirect("backoffice:queue", mine[0].code)
    return render(request, "backoffice/home.html", {"agencies": mine})


def _agency_for(user, code):
    agency = agencies.agency_by_code(code)
    if not accounts.roles_in(user, agency):
        raise Http404
    return agency


@permission(OFFICIAL)
def queue(request, code):
    agency = _agency_for(request.user, code)
    status = request.GET.get("status", "")
    if status and status not in Status.values:
        status = ""
    rows = applications.queue(request.user, agency, status=status or None,
                              service=request.GET.get("service") or None,
                              overdue=request.GET.get("overdue") == "1",
                              assigned=request.GET.get("assigned") or None)
    return render(request, "backoffice/queue.html", {
        "agency": agency, "rows": [(row, apply.overdue(row)) for row in rows[:200]],
        "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
        "services": catalogue.active_services().filter(agency=agency),
        "filters": request.GET, "roles": accounts.roles_in(request.user, agency),
    })


@permission(OFFICIAL)
def workload(request, code):
    agency = _agency_for(request.user, code)
    roles = accounts.roles_in(request.user, agency)
    if not roles & {Role.SUPERVISOR, Role.AGENCY_ADMIN}:
        raise Http404
    return render(request, "backoffice/workload.html", {
        "agency": agency, "rows": applications.workload(agency),
        "overdue": applications.queue(request.user, agency, overdue=True)[:100],
    })


@permission(OFFICIAL)
def application(request, uuid):
    if request.method == "POST":
        return _act(request, uuid)
    found = applications.official_application(request.user, uuid)
    form = FormDefinition(found.form_snapshot or found.service.form)
    answers = []
    for page in form.pages:
        for field in form.visible_fields(page, found.answers):
            value = found.answers.get(field.name)
            attachment = found.attachments.filter(uuid=value).first() \
                if field.is_file and value else None
            answers.append({"field": field, "value": field.display(value),
                            "attachment": attachment})
    roles = accounts.roles_in(request.user, found.agency)
    colleagues = User.objects.filter(official_roles__agency=found.agency).distinct()
    return render(request, "backoffice/application.html", {
        "application": found, "answers": answers, "roles": roles,
        "timeline": found.timeline.select_related("actor", "agency"),
        "messages_list": found.messages.select_related("author"),
        "files": found.attachments.exclude(kind="answer"),
        "state_documents": state_documents.read(request.user, found,
                                                again=request.GET.get("read") == "again"),
        "actions": actions_from(found.status, "official"),
        "colleagues": colleagues, "overdue": apply.overdue(found),
        "decision_reason": request.session.get(f"decision_reason:{uuid}", ""),
        "can_decide": found.status == Status.IN_REVIEW and (
            found.assigned_to_id == request.user.pk or Role.SUPERVISOR in roles),
        # Forwarded by competence: the covering letters, and where else it may go.
        "letters": correspondence.from_source(request.user, f"application:{found.uuid}"),
        "other_agencies": [a for a in agencies.active_agencies() if a.pk != found.agency_id],
        # "Assign to me" is pointless once it is theirs; a supervisor may still hand it on.
        "may_assign": "assign" in actions_from(found.status, "official") and (
            found.assigned_to_id != request.user.pk
            or bool(roles & {Role.SUPERVISOR, Role.AGENCY_ADMIN})),
    })


def _act(request, uuid):
    action = request.POST.get("action")
    try:
        if action == "assign":
            assignee = None
            if request.POST.get("assignee"):
                assignee = User.objects.filter(username=request.POST["assignee"]).first()
                if assignee is None:
                    raise ValidationError(_("Choose an official of this agency."))
            apply.assign(request.user, uuid, assignee)
            messages.success(request, _("The application is assigned."))
        elif action == "request_info":
            apply.request_info(request.user, uuid, request.POST.get("text", ""))
            messages.success(request, _("The request was sent to the applicant."))
        elif action in ("approve", "reject"):
            # What was typed survives a wrong code (the file must be chosen again).
            request.session[f"decision_reason:{uuid}"] = request.POST.get("reason", "")
            apply.decide(request.user, uuid, action == "approve", request.POST.get("reason", ""),
                         request.FILES.get("result"), confirmation=request.POST.get("code", ""))
            request.session.pop(f"decision_reason:{uuid}", None)
            messages.success(request, _("The decision is signed and sent to the applicant."))
        elif action == "message":
            apply.send_message(request.user, uuid, request.POST.get("text", ""), official=True)
            messages.success(request, _("Your message was sent."))
        elif action == "forward":
            letter = forwarding.forward(request.user, uuid, request.POST.get("agency", ""),
                                        request.POST.get("text", ""))
            messages.success(request, _("The covering letter is drafted with the application "
                                        "attached: choose who approves and signs it."))
            return redirect("backoffice:document-draft", letter.agency.code, letter.pk)
        else:
            return HttpResponseBadRequest()
    except (ValidationError, FileRejected) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    except TransitionNotAllowed:
        messages.error(request, _("This step is not possible in the application's status."))
    except PermissionDenied:
        messages.error(request, _("Only the assigned official or a supervisor can do this."))
    return redirect("backoffice:application", uuid)


@permission(OFFICIAL)
def download(request, uuid, attachment):
    found = apply.attachment_for(request.user, uuid, attachment, official=True)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type=found.content_type)


@permission(OFFICIAL)
def signed_copy(request, uuid):
    """The application as the applicant signed it (the read is audited)."""
    found = signed.signed_copy_for(request.user, uuid, official=True)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type=found.content_type)


@permission(OFFICIAL)
def assisted(request):
    """A service-centre operator starts an application for a citizen who is present."""
    if not accounts.is_service_centre(request.user):
        raise Http404
    errors, values = {}, {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in ("service", "person_id",
                                                                       "person_name")}
        try:
            service = catalogue.service_by_code(values["service"])
        except Http404:
            errors["service"] = _("Choose a service.")
        if not values["person_name"]:
            errors["person_name"] = _("Enter the citizen's full name.")
        if not errors:
            try:
                found = apply.start_assisted(request.user, service, values["person_id"],
                                             values["person_name"])
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
            else:
                form = FormDefinition(service.form)
                if form.pages:
                    return redirect("portal:form-page", found.uuid, form.pages[0].id)
                return redirect("portal:check", found.uuid)
    # A service the applicant signs is theirs to apply for in the portal.
    services = sorted(catalogue.active_services().filter(online=True,
                                                         signature_required=False),
                      key=lambda s: s.display_name)
    return render(request, "backoffice/assisted.html",
                  {"services": services, "errors": errors, "values": values},
                  status=400 if errors else 200)




@permission(OFFICIAL)
def staff(request, code):
    """An agency administrator gives and takes back roles in their agency."""
    agency = _agency_for(request.user, code)
    if Role.AGENCY_ADMIN not in accounts.roles_in(request.user, agency):
        raise Http404
    actor = audit.Actor(user=request.user, agency=agency.code)
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            account_services.revoke_role(actor, _int(request.POST.get("role_id")), agency)
            messages.success(request, _("The role was taken back."))
            return redirect("backoffice:staff", agency.code)
        person = User.objects.filter(username=request.POST.get("person_id", "").strip()).first()
        role = request.POST.get("role")
        if person is None:
            error = _("No account has this personal identification number.")
        elif role not in Role.values:
            error = _("Choose a role.")
        else:
            account_services.grant_role(actor, person, agency, role,
                                        request.POST.get("service_centre") == "yes")
            messages.success(request, _("The role was given."))
            return redirect("backoffice:staff", agency.code)
    grants = OfficialRole.objects.filter(agency=agency).select_related("user") \
        .order_by("user__last_name", "role")
    return render(request, "backoffice/staff.html", {
        "agency": agency, "grants": grants, "roles": Role.choices, "error": error,
    }, status=400 if error else 200)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@permission(PLATFORM_ADMIN)
def platform(request):
    """The platform administrator keeps the agencies and the catalogue."""
    actor = audit.Actor(user=request.user)
    if request.method == "POST":
        kind, code = request.POST.get("kind"), request.POST.get("code", "")
        active = request.POST.get("active") == "yes"
        if kind == "agency":
            agency_services.set_agency_active(actor, code, active)
        elif kind == "service":
            catalogue_services.set_service_active(actor, code, active)
        else:
            return HttpResponseBadRequest()
        messages.success(request, _("Saved."))
        return redirect("backoffice:platform")
    from yagona.agencies.models import Agency
    from yagona.catalogue.models import Service

    return render(request, "backoffice/platform.html", {
        "agencies": Agency.objects.order_by("code"),
        "services": Service.objects.select_related("agency").order_by("agency__code", "code"),
    })
