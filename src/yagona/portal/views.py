"""The citizen portal: the catalogue, applying and following an application (the personal
account is in account_views.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.agencies import queries as agencies
from yagona.applications import prefill, signed, state_documents
from yagona.applications import queries as applications
from yagona.applications import services as apply
from yagona.applications.files import FileRejected
from yagona.applications.workflow import Status
from yagona.catalogue import queries as catalogue
from yagona.catalogue import search as catalogue_search
from yagona.catalogue.forms import FormDefinition
from yagona.core.middleware import cache_anonymous
from yagona.core.permissions import PUBLIC, SIGNED_IN, permission
from yagona.signing import queries as signing
from yagona.signing import remote

# --- catalogue ------------------------------------------------------------------------


@cache_anonymous
@permission(PUBLIC)
def home(request):
    return render(request, "portal/home.html", {
        "life_events": catalogue.life_events_with_counts(),
        "agency_count": agencies.active_agencies().count(),
        "service_count": catalogue.active_services().count(),
    })


@cache_anonymous
@permission(PUBLIC)
def service_list(request):
    services = catalogue.active_services()
    event = request.GET.get("event", "")
    agency = request.GET.get("agency", "")
    if event:
        services = services.filter(life_events__code=event)
    if agency:
        services = services.filter(agency__code=agency)
    return render(request, "portal/service_list.html", {
        "services": sorted(services, key=lambda s: s.display_name),
        "life_events": catalogue.life_events_with_counts(),
        "agencies": agencies.active_agencies(), "event": event, "agency": agency,
    })


@cache_anonymous
@permission(PUBLIC)
def search(request):
    query = request.GET.get("q", "")[:200]
    language, mapping = translation.get_language(), catalogue_search.table()
    terms, hits = catalogue_search.search(query, language=language)
    results = [{
        "service": hit.service,
        "name": catalogue_search.highlight(hit.service.display_name, terms, mapping),
        "summary": catalogue_search.highlight(_text(hit.service.summary), terms, mapping),
        # Found through another language's name only: show it, marked, in that language.
        "matched_in": hit.name_language,
        "matched_name": catalogue_search.highlight(
            hit.service.name.get(hit.name_language or language, ""), terms, mapping),
    } for hit in hits]
    return render(request, "portal/search.html", {"query": query, "results": results})


def _text(texts):
    from yagona.core.text import localized

    return localized(texts)


@cache_anonymous
@permission(PUBLIC)
def service_detail(request, code):
    service = catalogue.service_by_code(code)
    return render(request, "portal/service_detail.html", {
        "service": service, "state_documents": state_documents.listed(service),
        "paragraphs": [p for p in _text(service.description).split("\n\n") if p.strip()],
    })


@cache_anonymous
@permission(PUBLIC)
def agency_list(request):
    return render(request, "portal/agency_list.html",
                  {"agencies": agencies.active_agencies()})


@cache_anonymous
@permission(PUBLIC)
def agency_detail(request, code):
    agency = agencies.agency_by_code(code)
    services = sorted(catalogue.active_services().filter(agency=agency),
                      key=lambda s: s.display_name)
    return render(request, "portal/agency_detail.html", {"agency": agency, "services": services})


# --- applying -------------------------------------------------------------------------


@permission(SIGNED_IN)
def start(request, code):
    """Choose whom to apply for (when the user holds mandates), then open a draft."""
    service = catalogue.service_by_code(code)
    if not service.online:
        raise Http404
    parties = accounts.parties_for(request.user, service.code)
    if request.method == "POST":
        try:
            application = apply.start(request.user, service, request.POST.get("party", "self"))
        except ValidationError as exc:
            return render(request, "portal/start.html",
                          {"service": service, "parties": parties, "error": exc.messages[0]})
        return redirect(_first_page_url(application))
    return render(request, "portal/start.html", {"service": service, "parties": parties})


def _first_page_url(application):
    form = FormDefinition(application.service.form)
    if not form.pages:
        return reverse("portal:check", args=[application.uuid])
    return reverse("portal:form-page", args=[application.uuid, form.pages[0].id])


def _draft_or_sent(request, uuid):
    """(the draft to edit, None), or (None, a redirect) once it is sent: the browser's
    Back after sending lands on the application itself, not on a bare 404."""
    try:
        return apply.editable(request.user, uuid), None
    except Http404:
        sent = _own_or_assisted(request.user, uuid)  # 404 when it is not theirs at all
        if sent.status == Status.DRAFT:
            raise
        own = sent.channel != "assisted" or sent.created_by_id != request.user.pk
        return None, redirect("portal:application" if own else "portal:submitted", sent.uuid)


@permission(SIGNED_IN)
def form_page(request, uuid, page_id):
    application, sent = _draft_or_sent(request, uuid)
    if sent:
        return sent
    form = FormDefinition(application.service.form)
    page = form.page(page_id)
    if page is None:
        raise Http404
    known = prefill.prefilled(request.user, application)  # read-only: the state holds it
    answers = {**application.answers, **prefill.values(known)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        fields = [f for f in page.fields if f.name not in known]
        posted = {f.name: f.coerce(request.POST.get(f.name, "")) for f in fields if not f.is_file}
        # A value posted for a prefilled field is ignored: the register's value stands.
        extra = set(request.POST) - {f.name for f in page.fields} - {"csrfmiddlewaretoken",
                                                                     "action"}
        try:
            errors = apply.save_answers(request.user, application, {
                **posted, **{name: request.POST.get(name) for name in extra}},
                [f.name for f in fields])
        except apply.Tampered:
            return HttpResponseBadRequest(_("The form was changed. Please start again."))
        application.refresh_from_db()
        answers = {**application.answers, **prefill.values(known)}
        # A file question is answered by its upload below, not by the fields above.
        errors = {name: message for name, message in errors.items()
                  if not (name in form.fields and form.fields[name].is_file)}
        for field in form.rendered_fields(page, answers):
            upload = request.FILES.get(field.name)
            if field.is_file and upload is not None:
                try:
                    apply.upload(request.user, application, field.name, upload)
                except FileRejected as exc:
                    errors[field.name] = str(exc)
                application.refresh_from_db()
                answers = {**application.answers, **prefill.values(known)}
        if field_errors := form.errors(answers, only=[
                f.name for f in form.visible_fields(page, answers)]):
            errors = {**field_errors, **errors}
        if request.POST.get("action") == "save":
            messages.success(request, _("Your answers are saved. You can come back later."))
            return redirect("portal:account")
        if not errors:
            following = form.next_page(page.id, answers)
            if following is None or request.GET.get("change"):
                return redirect("portal:check", application.uuid)
            return redirect("portal:form-page", application.uuid, following.id)
    previous = form.previous_page(page.id, answers)
    back = (reverse("portal:form-page", args=[application.uuid, previous.id]) if previous
            else reverse("portal:service", args=[application.service.code]))
    index = [p.id for p in form.pages].index(page.id)
    return render(request, "portal/form_page.html", {
        "application": application, "page": page, "errors": errors,
        "fields": [{**_bound(field, answers, errors, application),
                    "prefilled": known.get(field.name)}
                   for field in form.rendered_fields(page, answers)],
        "back_url": back, "step": index + 1, "steps": len(form.pages),
    }, status=400 if errors else 200)


def _bound(field, answers, errors, application):
    value = answers.get(field.name)
    shown = "" if value is None else value
    if isinstance(value, bool):
        shown = "yes" if value else "no"
    attachment = None
    if field.is_file and value:
        attachment = application.attachments.filter(uuid=value).first()
    return {"field": field, "value": shown, "error": errors.get(field.name),
            "attachment": attachment}


@permission(SIGNED_IN)
def check_answers(request, uuid):
    application, sent = _draft_or_sent(request, uuid)
    if sent:
        return sent
    form = FormDefinition(application.service.form)
    known = prefill.prefilled(request.user, application)
    errors = apply.submission_errors(application, prefilled=prefill.values(known))
    if request.method == "POST" and not errors:
        try:
            if application.service.signature_required:  # signed first, then submitted
                found = signed.start(request.user, application.uuid, next_url=reverse(
                    "portal:submitted", args=[application.uuid]))
                return redirect("portal:sign", found.uuid)
            application = apply.submit(request.user, application, prefill.values(known))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else \
                {"sign": exc.messages[0]}
        else:
            return redirect("portal:submitted", application.uuid)
    rows = []
    answers = {**application.answers, **prefill.values(known)}
    for page in form.pages:
        for field in form.visible_fields(page, answers):
            value = answers.get(field.name)
            if field.is_file and value:
                attachment = application.attachments.filter(uuid=value).first()
                value = attachment.filename if attachment else ""
            found = known.get(field.name)
            shown = found["shown"] if found and "shown" in found else field.display(value)
            rows.append({"field": field, "value": shown, "page": page,
                         "error": errors.get(field.name), "prefilled": found})
    return render(request, "portal/check_answers.html",
                  {"application": application, "rows": rows, "errors": errors,
                   "can_sign": remote.channel_for(request.user) is not None},
                  status=400 if request.method == "POST" and errors else 200)


@permission(SIGNED_IN)
def submitted(request, uuid):
    application = _own_or_assisted(request.user, uuid)
    return render(request, "portal/submitted.html", {"application": application})


def _own_or_assisted(user, uuid):
    """The applicant's application, or one a service-centre operator just submitted."""
    try:
        return applications.applicant_application(user, uuid)
    except Http404:
        from yagona.applications.models import Application

        try:
            found = Application.objects.filter(uuid=uuid, created_by=user,
                                               channel="assisted").first()
        except ValidationError:  # not a UUID at all
            found = None
        if found is None:
            raise
        return found


@permission(SIGNED_IN)
def application_list(request):
    """Every application of the person, newest first, a page at a time."""
    from django.core.paginator import Paginator

    rows = applications.listed_for_applicant(request.user).order_by("-updated_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "portal/application_list.html", {"page": page})


@permission(SIGNED_IN)
def application_detail(request, uuid):
    application = applications.applicant_application(request.user, uuid)
    if application.status == Status.DRAFT:
        return redirect(_first_page_url(application))
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                apply.answer_request(request.user, uuid, request.POST.get("answer", ""),
                                     request.FILES.get("file"))
                messages.success(request, _("Your answer was sent to the agency."))
            elif action == "message":
                apply.send_message(request.user, uuid, request.POST.get("text", ""),
                                   official=False)
                messages.success(request, _("Your message was sent."))
            elif action == "rate":
                apply.rate(request.user, uuid, _int(request.POST.get("score")),
                           request.POST.get("comment", ""))
                messages.success(request, _("Thank you for rating the service."))
            elif action == "withdraw":
                apply.withdraw(request.user, uuid)
            else:
                return HttpResponseBadRequest()
            return redirect("portal:application", uuid)
        except ValidationError as exc:
            error = exc.messages[0]
        except FileRejected as exc:
            error = str(exc)
    return render(request, "portal/application_detail.html", {
        "application": application,
        "timeline": application.timeline.select_related("agency", "actor"),
        "messages_list": application.messages.all(),
        # Each result with the signed document it is (verification, the wallet).
        "results": [(f, signing.issued_with_hash(f.sha256))
                    for f in application.attachments.filter(kind="result")],
        "error": error,
        "rating_register": applications.rating_groups_register(),
        "can_withdraw": application.status in (Status.SUBMITTED, Status.IN_REVIEW,
                                               Status.INFO_REQUESTED),
    }, status=400 if error else 200)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@permission(SIGNED_IN)
def download(request, uuid, attachment):
    found = apply.attachment_for(request.user, uuid, attachment, official=False)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename,
                        content_type=found.content_type)


@permission(PUBLIC)
def set_language(request, code):
    """Switch the interface language (a link, so cached pages need no CSRF token)."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    from yagona.core.countries import active_pack

    if code not in active_pack().languages:
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                        samesite="Lax", secure=request.is_secure())
    if request.user.is_authenticated:
        from yagona.accounts.services import remember_language

        remember_language(request.user, code)
    return response
