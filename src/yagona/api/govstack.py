"""The GovStack Registration Building Block API 0.1.1 (../shared/specs/govstack/registration)
as a facade over the same services. It maps shapes and identifiers; no business rules.

Identifiers: serviceId and eFormId are UUIDs derived from the service code (and the
form's content hash), fileId is the application's UUID, and each application open in
an agency is one task whose taskId is the application's UUID.
"""

from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from ninja import File, Header, NinjaAPI, Query
from ninja.errors import HttpError
from ninja.files import UploadedFile

from yagona.accounts import queries as accounts
from yagona.api.common import (
    OFFICIAL,
    PUBLIC,
    SIGNED_IN,
    install_problem_handlers,
    mediator_client,
)
from yagona.api.govstack_schemas import (
    AdditionalData,
    ApplicationFileResponse,
    ApplicationFileSubmit,
    ApplicationListItem,
    CompletedTask,
    EFormListItem,
    ServiceOut,
    UploadResponse,
    UserTask,
)
from yagona.api.govstack_statistics import router as statistics_router
from yagona.applications import queries as applications
from yagona.applications import services as apply
from yagona.applications.models import Application
from yagona.applications.workflow import ENDED, Status
from yagona.catalogue import queries as catalogue
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid as _is_uuid
from yagona.core.text import localized

api = NinjaAPI(title="GovStack Registration Building Block API", version="0.1.1",
               urls_namespace="govstack-registration", docs_url="/docs",
               description="GovStack Registration BB 0.1.1 served by Yagona.")
# The spec's codes: 400 for a request that is not valid (a missing header or body
# included), 404 for an id in the path that names nothing, malformed or unknown.
install_problem_handlers(api, field_prefix="formData.data.", invalid_status=400,
                         path_not_found=True)
# The spec's optional fields are absent rather than null: every route excludes None.

# Paging is bounded in the schema: a huge offset is a 400, not a database overflow.
MAX_OFFSET = 2**31 - 1
FIRST_RESULT = Query(0, ge=0, le=MAX_OFFSET)
MAX_RESULT = Query(50, ge=1, le=MAX_OFFSET)  # then at most 200 are returned
DECISIONS = ("APPROVED", "REJECTED", "SENDBACK")  # a task's data.status
STATUS_CODES = {
    Status.DRAFT: ("PENDING", "Pending"), Status.SUBMITTED: ("PENDING", "Pending"),
    Status.IN_REVIEW: ("PENDING", "Pending"), Status.INFO_REQUESTED: ("SENDBACK", "Sent back"),
    Status.APPROVED: ("APPROVED", "Approved"), Status.REJECTED: ("REJECTED", "Rejected"),
    Status.WITHDRAWN: ("REJECTED", "Withdrawn"),
}


# --- mapping ------------------------------------------------------------------------------

def status_of(application) -> dict:
    code, title = STATUS_CODES[application.status]
    return {"code": code, "title": title}


def service_out(service) -> dict:
    pack = active_pack()
    body = [("agency", service.agency.code), ("agencyName", localized(service.agency.name)),
            ("fee", pack.format_money(service.fee_minor)),
            ("processingDays", str(service.processing_days)),
            ("legalBasis", localized(service.legal_basis)),
            ("whoMayApply", localized(service.who_may_apply)), ("code", service.code)]
    return {"id": catalogue.service_public_id(service), "name": localized(service.name),
            "version": catalogue.form_version(service.form), "type": "Public",
            "isExecutable": service.online, "isClosed": False,
            "description": localized(service.summary),
            "serviceBody": [{"code": code, "value": value} for code, value in body]}


def eform_out(service, with_schema=False) -> dict:
    out = {"eFormId": str(catalogue.form_public_id(service)), "name": service.code,
           "description": localized(service.name),
           "version": catalogue.form_version(service.form), "latest": True}
    if with_schema:
        out["schema"] = service.form.get("schema", {})
    return out


def document_url(request, attachment_uuid) -> str:
    return request.build_absolute_uri(f"/govstack/registration/documents/{attachment_uuid}")


def wrap(answers: dict) -> dict:
    """The spec's formData.data holds objects: each answer is given as {"value": ...}."""
    return {name: {"value": value} for name, value in answers.items()}


def unwrap(value):
    """Accept the spec's {"value": ...} objects, the examples' plain values, and the
    examples' document objects ({"url": ...} or a list of them)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0]
    if isinstance(value, dict):
        return value.get("value", value.get("url"))
    return value


def file_response(request, application) -> dict:
    return {
        "fileId": str(application.uuid), "applicantId": application.party_id,
        "registered": application.submitted_at,
        "serviceId": catalogue.service_public_id(application.service),
        "serviceName": localized(application.service.name), "status": status_of(application),
        "ended": application.status in ENDED,
        "applicationData": {
            "applicantId": application.party_id, "applicationName": application.party_name,
            "created": application.created_at,
            "formData": {"data": wrap(application.answers),
                         "eFormId": str(catalogue.form_public_id(application.service))},
            "documentUrls": [document_url(request, a.uuid)
                             for a in application.attachments.all()],
        },
    }


def list_item(request, application) -> dict:
    assignee = application.assigned_to
    return {
        "fileId": str(application.uuid), "mainTaskId": str(application.uuid),
        "taskTitle": f"{application.reference} {localized(application.service.name)}",
        "roleId": None, "roleName": None,
        "assigneeId": assignee.username if assignee else None,
        "operatorName": assignee.display_name if assignee else None,
        "status": status_of(application), "applicantId": application.party_id,
        "created": application.created_at, "registered": application.submitted_at,
        "description": application.registration_number or "",
        "serviceName": localized(application.service.name),
        "serviceId": catalogue.service_public_id(application.service),
        "eformId": str(catalogue.form_public_id(application.service)),
        "documentUrls": [document_url(request, a.uuid) for a in application.attachments.all()],
    }


def task_out(application) -> dict:
    return {
        "taskId": str(application.uuid), "mainTaskId": str(application.uuid),
        "name": f"Process {application.reference}",
        "assigneeId": application.assigned_to.username if application.assigned_to else None,
        "roleId": None, "created": application.submitted_at,
        "description": localized(application.service.name),
        "serviceId": catalogue.service_public_id(application.service),
        "serviceName": localized(application.service.name), "fileId": str(application.uuid),
        "eFormId": str(catalogue.form_public_id(application.service)),
        "status": status_of(application),
    }


# --- endpoints ----------------------------------------------------------------------------

@api.get("/services", response=list[ServiceOut], exclude_none=True, **PUBLIC)
def list_services(request, name: str | None = None):
    services = catalogue.active_services()
    if name:
        services = [s for s in services if name.casefold() in
                    " ".join(s.name.values()).casefold()]
    return [service_out(s) for s in services]


@api.get("/services/{serviceId}", response=ServiceOut, exclude_none=True, **PUBLIC)
def get_service(request, serviceId: UUID):
    return service_out(catalogue.service_by_public_id(serviceId))


@api.get("/services/{serviceId}/eForms", response=list[EFormListItem], exclude_none=True, **PUBLIC)
def list_eforms(request, serviceId: UUID):
    service = catalogue.service_by_public_id(serviceId)
    return [eform_out(service)] if service.online else []


@api.get("/eForms/{eFormId}", response=dict, exclude_none=True, **PUBLIC)
def get_eform(request, eFormId: str):
    return eform_out(catalogue.service_by_form_id(eFormId), with_schema=True)


@api.post("/services/{serviceId}/applications", response=ApplicationFileResponse,
          exclude_none=True, **SIGNED_IN)
def submit_application(request, serviceId: UUID, payload: ApplicationFileSubmit,
                       information_mediator_client: str = Header(
                           ..., alias="Information-Mediator-Client")):
    """Apply and submit in one go for the caller or a party they represent (applicantId)."""
    mediator_client(information_mediator_client)
    service = catalogue.service_by_public_id(serviceId)
    party = next((p for p in accounts.parties_for(request.user, service.code)
                  if p.party_id == payload.applicantId), None)
    if party is None:
        raise HttpError(404, "Unknown applicant for this caller")
    data = {name: unwrap(value) for name, value in payload.formData.data.items()}
    properties = service.form.get("schema", {}).get("properties", {})
    documents = {name: value.rstrip("/").rsplit("/", 1)[-1] for name, value in data.items()
                 if "x-attachment" in properties.get(name, {}) and isinstance(value, str)}
    answers = {k: v for k, v in data.items() if k not in documents}
    application = apply.apply_in_one_go(
        request.user, service, answers, party_key=party.key, documents=documents,
        idempotency_key=(request.headers.get("Idempotency-Key") or "")[:100] or None)
    return file_response(request, application)


@api.post("/documents", response=UploadResponse, exclude_none=True, **SIGNED_IN)
def upload_document(request, file: UploadedFile = File(...)):
    """Upload a document; list its URL (or id) in an application's form data to use it."""
    attachment = apply.upload_document(request.user, file)
    return {"code": 200, "type": attachment.content_type, "message": "uploaded",
            "url": document_url(request, attachment.uuid)}


@api.get("/documents/{documentId}", exclude_none=True, **SIGNED_IN)
def download_document(request, documentId: str):
    """A document's content, for whoever may see it (not part of the spec: its URLs)."""
    document = apply.document_for(request.user, documentId)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.filename, content_type=document.content_type)


@api.get("/applications", response=list[ApplicationListItem], exclude_none=True, **SIGNED_IN)
def list_applications(request, serviceId: UUID | None = None, applicantId: str | None = None,
                      firstResult: int = FIRST_RESULT, maxResult: int = MAX_RESULT,
                      sortBy: str = "created", sortOrder: str = "desc",
                      information_mediator_client: str = Header(
                          ..., alias="Information-Mediator-Client")):
    """The caller's applications: as applicant, and those of the agencies they work in."""
    mediator_client(information_mediator_client)
    scope = applications.applicant_scope(request.user) | (
        Q(agency_id__in=applications.official_agency_ids(request.user))
        & ~Q(status=Status.DRAFT))
    rows = Application.objects.filter(scope).select_related(
        "service", "agency", "assigned_to").distinct()
    if serviceId:  # a filter: a service that is not one has no applications
        try:
            rows = rows.filter(service=catalogue.service_by_public_id(serviceId))
        except Http404:
            rows = rows.none()
    if applicantId:
        rows = rows.filter(party_id=applicantId)
    order = {"created": "created_at", "registered": "submitted_at",
             "status": "status"}.get(sortBy, "created_at")
    rows = rows.order_by(order if sortOrder == "asc" else f"-{order}", "pk")
    first, count = firstResult, min(maxResult, 200)
    return [list_item(request, a) for a in rows[first:first + count]]


@api.get("/applications/{fileId}", response=ApplicationFileResponse, exclude_none=True, **SIGNED_IN)
def get_application(request, fileId: str,
                    information_mediator_client: str = Header(
                        ..., alias="Information-Mediator-Client")):
    mediator_client(information_mediator_client)
    return file_response(request, _visible(request.user, fileId))


def _existing(value: str) -> str:
    """A fileId or taskId (the spec's plain strings): ours are UUIDs, anything else is
    no application."""
    if not _is_uuid(value):
        raise Http404
    return value


def _visible(user, file_id):
    file_id = _existing(file_id)
    try:
        return applications.applicant_application(user, file_id)
    except Http404:  # not theirs as applicant: perhaps as an official, else 404
        return applications.official_application(user, file_id)


@api.put("/applications/{fileId}", response=ApplicationFileResponse, exclude_none=True, **SIGNED_IN)
def update_application(request, fileId: str, payload: ApplicationFileSubmit,
                       information_mediator_client: str = Header(
                           ..., alias="Information-Mediator-Client")):
    """Answer a send-back: the applicant's corrected form data goes to the agency."""
    mediator_client(information_mediator_client)
    application = applications.applicant_application(request.user, _existing(fileId))
    if application.status != Status.INFO_REQUESTED:
        raise HttpError(409, "The application was not sent back")
    text = str(unwrap(payload.formData.data.get("comment")) or payload.applicationName or "")
    application = apply.answer_request(request.user, fileId,
                                       text or "Corrected data sent through the API")
    return file_response(request, application)


@api.get("/tasks", response=list[UserTask], exclude_none=True, **OFFICIAL)
def list_tasks(request, mainTaskId: str | None = None, fileId: str | None = None,
               assigneeId: str | None = None, firstResult: int = FIRST_RESULT,
               maxResult: int = MAX_RESULT, sortBy: str = "created", sortOrder: str = "asc"):
    rows = Application.objects.filter(
        agency_id__in=applications.official_agency_ids(request.user),
        status__in=[Status.SUBMITTED, Status.IN_REVIEW],
    ).select_related("service", "assigned_to")
    for value in (mainTaskId, fileId):
        if value:
            rows = rows.filter(uuid=value) if _is_uuid(value) else rows.none()
    if assigneeId:
        rows = rows.filter(assigned_to__username=assigneeId)
    rows = rows.order_by("submitted_at" if sortOrder == "asc" else "-submitted_at", "pk")
    first, count = firstResult, min(maxResult, 200)
    return [task_out(a) for a in rows[first:first + count]]


@api.get("/tasks/{taskId}", response=UserTask, exclude_none=True, **OFFICIAL)
def get_task(request, taskId: str):
    return task_out(applications.official_application(request.user, _existing(taskId)))


@api.post("/tasks/{taskId}/complete", response=CompletedTask, exclude_none=True, **OFFICIAL)
def complete_task(request, taskId: str, payload: AdditionalData):
    """Complete the processing task with its decision: ``data.status`` APPROVED,
    REJECTED (with ``data.reason``) or SENDBACK (``data.reason``: what the applicant must
    provide), each a plain value or the spec's object ({"value": ...}). The spec's data
    is free-form, but our task is the decision: without one it cannot be completed."""
    data = payload.data
    outcome = str(unwrap(data.get("status")) or "").upper()
    reason = str(unwrap(data.get("reason")) or "")
    application = applications.official_application(request.user, _existing(taskId))
    if outcome not in DECISIONS:
        raise HttpError(400, "data.status is required to complete this task: APPROVED, "
                             "REJECTED or SENDBACK (with data.reason for the last two); "
                             "the task is the application's decision")
    with transaction.atomic():  # taken and decided together: a refused decision undoes both
        if application.assigned_to_id is None:
            apply.assign(request.user, application.uuid)
        if outcome == "SENDBACK":
            application = apply.request_info(request.user, application.uuid, reason)
        else:
            application = apply.decide(request.user, application.uuid, outcome == "APPROVED",
                                       reason)
    return {"taskId": str(application.uuid), "fileId": str(application.uuid),
            "serviceId": catalogue.service_public_id(application.service),
            "status": status_of(application), "variables": {"data": {"status": outcome}}}


api.add_router("", statistics_router)
