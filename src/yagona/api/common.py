"""What every API of the platform shares: token auth, declared permissions, problem+json.

Every operation is declared with one of ``PUBLIC``, ``SIGNED_IN`` or ``OFFICIAL``
(spread into the route decorator). The declaration sets the authentication and
is published in the OpenAPI document as ``x-permission``; a test fails on any
operation without one. Object-level access is decided in the service layer.
"""

import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from yagona.accounts import queries as accounts
from yagona.accounts.services import note_token_use
from yagona.applications.files import FileRejected
from yagona.applications.services import SignatureRequired, Tampered
from yagona.applications.workflow import TransitionNotAllowed
from yagona.registries import services as registries


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens are issued to people (citizens, officials).
    Any unexpired, unrevoked token opens citizen endpoints."""

    office = False

    def authenticate(self, request, token):
        row = accounts.token_for(token, office=self.office)
        if row is None:
            return None
        request.user = row.user
        note_token_use(row)
        return row.user


class OfficialTokenAuth(TokenAuth):
    """Office endpoints: an office-scoped token of an official with a second factor."""

    office = True


PUBLIC = {"auth": None, "openapi_extra": {"x-permission": "public"}}
SIGNED_IN = {"auth": TokenAuth(), "openapi_extra": {"x-permission": "signed_in"}}
OFFICIAL = {"auth": OfficialTokenAuth(), "openapi_extra": {"x-permission": "official"}}


def problem(status: int, title: str, detail: str = "", errors: list | None = None,
            **extra) -> HttpResponse:
    """An RFC 9457 problem document."""
    import json

    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/problem+json")


def field_errors(mapping: dict) -> list[dict]:
    """[{"field": "answers.child_name", "message": ...}] from a {field: message(s)} mapping."""
    out = []
    for field, messages in mapping.items():
        for message in messages if isinstance(messages, list) else [messages]:
            out.append({"field": field, "message": str(message)})
    return out


def install_problem_handlers(api: NinjaAPI, field_prefix: str = "", *,
                             invalid_status: int = 422, path_not_found: bool = False) -> None:
    """``invalid_status``: the code of a request or data that is not valid (the GovStack
    Registration spec's is 400); ``path_not_found``: a path whose id is not one names
    nothing, 404 (the GovStack facades), where our own API says 422 for both."""
    def prefixed(mapping):
        return {f"{field_prefix}{k}" if k != "__all__" else "": v for k, v in mapping.items()}

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc):
        if path_not_found and any(err.get("loc", ("",))[0] == "path"
                                  for err in exc.errors):
            return problem(404, "Not found")
        errors = [{"field": ".".join(str(p) for p in err.get("loc", ())[1:]) or
                   ".".join(str(p) for p in err.get("loc", ())),
                   "message": err.get("msg", "")} for err in exc.errors]
        return problem(invalid_status, "The request is not valid", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request, exc):
        if hasattr(exc, "error_dict"):
            return problem(invalid_status, "The data is not valid", errors=field_errors(
                prefixed(exc.message_dict)))
        return problem(invalid_status, "The data is not valid",
                       detail="; ".join(exc.messages))

    @api.exception_handler(FileRejected)
    def file_rejected(request, exc):
        return problem(invalid_status, "The file was refused", detail=str(exc))

    @api.exception_handler(Tampered)
    def tampered(request, exc):
        names = exc.args[0] if exc.args else []
        return problem(400, "Unknown fields", errors=[
            {"field": f"{field_prefix}{name}", "message": "not a question of this form"}
            for name in names])

    @api.exception_handler(SignatureRequired)
    def signature_required(request, exc):
        # The signature is the applicant's own, confirmed with their second factor on the
        # portal's signing page; an API client cannot give it, so it is sent there.
        where = f"/applications/{exc.application}/check/" if exc.application else ""
        detail = ("This service requires the applicant's electronic signature. Sign and "
                  "submit the application in the portal" +
                  (f" at {where}" if where else ": start it there, or open a draft here "
                   "(without submit) and sign it at /applications/<id>/check/") + ".")
        return problem(invalid_status, "The application must be signed", detail=detail,
                       signature_required=True, **({"sign_at": where} if where else {}))

    @api.exception_handler(TransitionNotAllowed)
    def not_allowed(request, exc):
        return problem(409, "Not possible in the current status", detail=str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(404, "Not found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(403, "Forbidden")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem(401, "Authentication required",
                       detail="Send 'Authorization: Bearer <token>'.")

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return problem(exc.status_code, str(exc), detail=str(exc))

    @api.exception_handler(registries.RecordInvalid)
    def record_invalid(request, exc):
        return problem(422, "The record is not valid", errors=[
            {"field": f"{field_prefix}{e.path.lstrip('/').replace('/', '.')}",
             "path": e.path, "message": str(e.message)} for e in exc.errors])

    @api.exception_handler(registries.DuplicateKey)
    def duplicate_key(request, exc):
        return problem(409, "Already in the registry", detail=str(exc),
                       errors=[{"field": f"{field_prefix}{exc.field}", "path": f"/{exc.field}",
                                "message": str(exc)}])

    @api.exception_handler(registries.ReasonRequired)
    def reason_required(request, exc):
        return problem(422, "A reason is required", detail=str(exc),
                       errors=[{"field": "reason", "message": str(exc)}])

    @api.exception_handler(registries.DefinitionInvalid)
    def definition_invalid(request, exc):
        return problem(422, "The registry definition is not valid", detail=str(exc),
                       errors=[{"field": "", "message": p} for p in exc.problems])

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return problem(413, "The request body is too large")


# X-Road's Information-Mediator-Client header, which the GovStack APIs require.
MEDIATOR = re.compile(r"[^/\s]+/[A-Z]+/[^/\s]+/[^/\s]+")


def mediator_client(value: str) -> str:
    """The Information-Mediator-Client header: INSTANCE/CLASS/MEMBER/SUBSYSTEM."""
    if not MEDIATOR.fullmatch(value or ""):
        raise HttpError(400, "Information-Mediator-Client must be INSTANCE/CLASS/MEMBER/"
                             "SUBSYSTEM")
    return value


def now_iso() -> str:
    return timezone.now().isoformat()
