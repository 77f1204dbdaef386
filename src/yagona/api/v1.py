"""/api/v1/: the catalogue, applicants' applications and officials' work, as JSON."""

from datetime import date, datetime
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import File, Form, Header, NinjaAPI, Router, Schema, Status
from ninja.files import UploadedFile

from yagona.accounts.models import User
from yagona.agencies import queries as agencies
from yagona.api.common import OFFICIAL, PUBLIC, SIGNED_IN, install_problem_handlers
from yagona.api.v1_registries import router as registries_router
from yagona.api.v1_verify import router as verify_router
from yagona.applications import queries as applications
from yagona.applications import services as apply
from yagona.applications.models import Application
from yagona.catalogue import queries as catalogue
from yagona.catalogue import search as catalogue_search
from yagona.core.text import localized

api = NinjaAPI(title="Yagona API", version="1", urls_namespace="api-v1",
               description="The one-window platform's own API. Errors are "
                           "application/problem+json with field paths.",
               docs_url="/docs")
install_problem_handlers(api, field_prefix="answers.")
PAGE = 50


# --- schemas ---------------------------------------------------------------------------

class AgencyOut(Schema):
    code: str
    name: dict[str, str]
    website: str
    email: str
    phone: str


class ServiceSummary(Schema):
    code: str
    agency: str
    name: dict[str, str]
    summary: dict[str, str]
    online: bool


class StateDocumentOut(Schema):
    """A document the agency reads from a base registry instead of asking for it."""

    registry: str
    label: dict[str, str]
    fields: list[str]


class ServiceOut(ServiceSummary):
    description: dict[str, str]
    who_may_apply: dict[str, str]
    documents: list[dict[str, str]]
    state_documents: list[StateDocumentOut]
    fee_minor: int
    currency: str
    processing_days: int
    legal_basis: dict[str, str]
    offline: dict[str, str]
    life_events: list[str]
    form: dict
    # The applicant signs the application in the portal; this API cannot submit it.
    signature_required: bool


class ServicePage(Schema):
    items: list[ServiceSummary]
    next_cursor: str | None


class SearchHit(Schema):
    code: str
    name: str
    score: int


class ApplicationIn(Schema):
    service: str
    party: str = "self"
    answers: dict = {}
    submit: bool = False


class AnswersIn(Schema):
    answers: dict


class StepOut(Schema):
    at: datetime
    action: str
    status: str
    role: str
    agency: str | None
    note: str


class ApplicationOut(Schema):
    id: UUID
    service: str
    agency: str
    status: str
    registration_number: str | None
    party_id: str
    party_name: str
    channel: str
    answers: dict
    submitted_at: datetime | None
    due_date: date | None
    created_at: datetime
    errors: dict[str, str] = {}
    timeline: list[StepOut] = []


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next_cursor: str | None


class TextIn(Schema):
    text: str


class AssignIn(Schema):
    assignee: str | None = None


class FileOut(Schema):
    id: UUID
    field: str
    filename: str
    content_type: str
    size: int
    sha256: str


def service_summary(service) -> dict:
    return {"code": service.code, "agency": service.agency.code, "name": service.name,
            "summary": service.summary, "online": service.online}


def application_out(application: Application, errors=None, timeline=False) -> dict:
    out = {
        "id": application.uuid, "service": application.service.code,
        "agency": application.agency.code, "status": application.status,
        "registration_number": application.registration_number,
        "party_id": application.party_id, "party_name": application.party_name,
        "channel": application.channel, "answers": application.answers,
        "submitted_at": application.submitted_at, "due_date": application.due_date,
        "created_at": application.created_at, "errors": errors or {},
    }
    if timeline:
        out["timeline"] = [{"at": s.at, "action": s.action, "status": s.to_status,
                            "role": s.actor_role, "agency": s.agency.code if s.agency else None,
                            "note": s.note}
                           for s in application.timeline.select_related("agency")]
    return out


def page_of(rows, cursor: str | None, key: str, limit: int = PAGE):
    """Keyset pagination: rows ordered by ``key``; the cursor is the last key seen."""
    if cursor:
        rows = rows.filter(**{f"{key}__gt": cursor})
    items = list(rows.order_by(key)[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (str(getattr(items[-1], key)) if more and items else None)


# --- catalogue (public) ------------------------------------------------------------------

public = Router(tags=["catalogue"])


@public.get("/agencies", response=list[AgencyOut], **PUBLIC)
def list_agencies(request):
    return list(agencies.active_agencies())


@public.get("/services", response=ServicePage, **PUBLIC)
def list_services(request, cursor: str | None = None, agency: str | None = None,
                  life_event: str | None = None):
    rows = catalogue.active_services()
    if agency:
        rows = rows.filter(agency__code=agency)
    if life_event:
        rows = rows.filter(life_events__code=life_event)
    items, next_cursor = page_of(rows, cursor, "code")
    return {"items": [service_summary(s) for s in items], "next_cursor": next_cursor}


@public.get("/services/{code}", response=ServiceOut, **PUBLIC)
def get_service(request, code: str):
    from yagona.core.countries import active_pack

    service = catalogue.service_by_code(code)
    return {**service_summary(service), "description": service.description,
            "who_may_apply": service.who_may_apply, "documents": service.documents,
            "state_documents": service.state_documents,
            "fee_minor": service.fee_minor, "currency": active_pack().currency,
            "processing_days": service.processing_days, "legal_basis": service.legal_basis,
            "offline": service.offline, "form": service.form,
            "life_events": [e.code for e in service.life_events.all()],
            "signature_required": service.signature_required}


@public.get("/search", response=list[SearchHit], **PUBLIC)
def search_services(request, q: str):
    _terms, hits = catalogue_search.search(q[:200])
    return [{"code": h.service.code, "name": localized(h.service.name), "score": h.score}
            for h in hits]


# --- the applicant's applications --------------------------------------------------------

mine = Router(tags=["applications"])


@mine.post("/applications", response={201: ApplicationOut}, **SIGNED_IN)
def create_application(request, payload: ApplicationIn,
                       idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Open a draft (optionally with answers), or with ``submit`` apply in one go.
    The same ``Idempotency-Key`` again returns the first application."""
    service = catalogue.service_by_code(payload.service)
    key = (idempotency_key or "")[:100] or None
    if payload.submit:
        application = apply.apply_in_one_go(request.user, service, payload.answers,
                                            party_key=payload.party, idempotency_key=key)
        return Status(201, application_out(application, timeline=True))
    application, errors = apply.start_with_answers(
        request.user, service, payload.party, payload.answers, idempotency_key=key,
        channel="api")
    return Status(201, application_out(application, errors))


@mine.get("/applications", response=ApplicationPage, **SIGNED_IN)
def list_applications(request, cursor: str | None = None, status: str | None = None):
    rows = applications.for_applicant(request.user)
    if status:
        rows = rows.filter(status=status)
    items, next_cursor = page_of(rows, cursor, "uuid")
    return {"items": [application_out(a) for a in items], "next_cursor": next_cursor}


@mine.get("/applications/{uuid}", response=ApplicationOut, **SIGNED_IN)
def get_application(request, uuid: UUID):
    return application_out(applications.applicant_application(request.user, uuid),
                           timeline=True)


@mine.patch("/applications/{uuid}", response=ApplicationOut, **SIGNED_IN)
def update_answers(request, uuid: UUID, payload: AnswersIn):
    """Save answers to a draft; wrong answers are kept and reported in ``errors``."""
    application = apply.editable(request.user, uuid)
    errors = apply.save_answers(request.user, application, payload.answers,
                                list(payload.answers))
    application.refresh_from_db()
    return application_out(application, errors)


@mine.post("/applications/{uuid}/files/{field}", response={201: FileOut}, **SIGNED_IN)
def upload_file(request, uuid: UUID, field: str, file: UploadedFile = File(...)):
    application = apply.editable(request.user, uuid)
    attachment = apply.upload(request.user, application, field, file)
    return Status(201, {"id": attachment.uuid, "field": attachment.field,
                        "filename": attachment.filename, "content_type": attachment.content_type,
                        "size": attachment.size, "sha256": attachment.sha256})


@mine.post("/applications/{uuid}/submit", response=ApplicationOut, **SIGNED_IN)
def submit_application(request, uuid: UUID):
    """Submit a draft; again on a submitted application returns it unchanged."""
    application = applications.applicant_application(request.user, uuid)
    if application.status == "draft":
        application = apply.submit(request.user, apply.editable(request.user, uuid))
    return application_out(application, timeline=True)


@mine.post("/applications/{uuid}/answer", response=ApplicationOut, **SIGNED_IN)
def answer_request(request, uuid: UUID, text: str = Form(...),
                   file: UploadedFile | None = File(None)):
    """Answer the agency's request for more information (multipart: text, optional file)."""
    return application_out(apply.answer_request(request.user, uuid, text, file),
                           timeline=True)


@mine.post("/applications/{uuid}/messages", response={201: dict}, **SIGNED_IN)
def message_agency(request, uuid: UUID, payload: TextIn):
    message = apply.send_message(request.user, uuid, payload.text, official=False)
    return Status(201, {"id": message.pk, "created_at": message.created_at.isoformat()})


# --- officials -------------------------------------------------------------------------

office = Router(tags=["office"])


@office.get("/{agency}/queue", response=ApplicationPage, **OFFICIAL)
def agency_queue(request, agency: str, status: str | None = None, service: str | None = None,
                 overdue: bool = False, cursor: str | None = None):
    rows = applications.queue(request.user, agencies.agency_by_code(agency), status=status,
                              service=service, overdue=overdue)
    items, next_cursor = page_of(rows, cursor, "uuid")
    return {"items": [application_out(a) for a in items], "next_cursor": next_cursor}


@office.get("/applications/{uuid}", response=ApplicationOut, **OFFICIAL)
def office_application(request, uuid: UUID):
    """Read an application of one's agency (the read is audited)."""
    return application_out(applications.official_application(request.user, uuid),
                           timeline=True)


@office.post("/applications/{uuid}/assign", response=ApplicationOut, **OFFICIAL)
def assign(request, uuid: UUID, payload: AssignIn):
    assignee = None
    if payload.assignee:
        assignee = get_object_or_404(User, username=payload.assignee)
    return application_out(apply.assign(request.user, uuid, assignee), timeline=True)


@office.post("/applications/{uuid}/request-info", response=ApplicationOut, **OFFICIAL)
def request_info(request, uuid: UUID, payload: TextIn):
    return application_out(apply.request_info(request.user, uuid, payload.text),
                           timeline=True)


@office.post("/applications/{uuid}/decision", response=ApplicationOut, **OFFICIAL)
def decide(request, uuid: UUID, approve: bool = Form(...), reason: str = Form(""),
           result: UploadedFile | None = File(None)):
    """Approve or reject (multipart: approve, reason, optional result PDF)."""
    return application_out(apply.decide(request.user, uuid, approve, reason, result),
                           timeline=True)


api.add_router("/catalogue", public)
api.add_router("/", mine)
api.add_router("/office", office)
api.add_router("/registries", registries_router)
api.add_router("/", verify_router)
