"""What the central authority serves to exchange nodes."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from yagona.core import audit
from yagona.core.permissions import PUBLIC, permission
from yagona.exchange import ca, globalconf, queries, services
from yagona.exchange.ids import BadIdentifier, SubsystemId
from yagona.registries import queries as registries
from yagona.signing import tsa


@permission(PUBLIC)  # signed and public, as X-Road's: nodes check it against their anchor
def configuration(request):
    return HttpResponse(globalconf.current(), content_type="application/jose")


@csrf_exempt  # machines post DER here, with no session to forge
@require_POST
@permission(PUBLIC)  # like any public TSA: a token proves only what the caller hashed
def timestamp(request):
    if request.content_type != "application/timestamp-query":
        return HttpResponseBadRequest("Send application/timestamp-query")
    if int(request.headers.get("Content-Length") or 0) > tsa.MAX_REQUEST:
        return HttpResponseBadRequest("The request is too large")
    try:
        answer = tsa.stamp(request.body)
    except tsa.BadTimestampRequest as exc:
        return HttpResponseBadRequest(str(exc))
    return HttpResponse(answer, content_type="application/timestamp-reply")


@permission(PUBLIC)  # the configuration anchor: a public certificate, checked by fingerprint
def anchor(request):
    return HttpResponse(ca.Authority().root.certificate_pem,
                        content_type="application/x-pem-file")


ENROLMENT_BYTES = 16 * 1024  # two PEM requests fit many times over


def _enrolment_code(request) -> str:
    scheme, _, code = request.headers.get("Authorization", "").partition(" ")
    return code if scheme.lower() == "bearer" else ""


@csrf_exempt  # a node posts here with its enrolment code, not a session
@require_POST
@permission(PUBLIC)  # the node's enrolment code is checked below
def enrol(request):
    """A node sends a certificate signing request (exchange/node/enrol.py)."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > ENROLMENT_BYTES or len(request.body) > ENROLMENT_BYTES:
        return JsonResponse({"detail": "The request is too large"}, status=413)
    try:
        data = json.loads(request.body)
        member, name, kind, csr = (str(data[k]) for k in ("member", "node", "kind", "csr"))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "Send JSON with member, node, kind and csr"},
                            status=400)
    try:
        signing_request = services.enrol(member, name, _enrolment_code(request), kind, csr)
    except PermissionDenied:
        return JsonResponse({"detail": "No such node, or the enrolment code is wrong or "
                                       "expired: ask the authority for a new one"}, status=401)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages[0]}, status=400)
    return JsonResponse({"request": signing_request.pk, "status": signing_request.status},
                        status=202)


@require_GET
@permission(PUBLIC)  # the node's enrolment code is checked in the query
def enrolment(request, number):
    """Where a node's request stands, with its certificate once issued."""
    found = queries.enrolment_request(number, _enrolment_code(request))
    if found is None:
        return JsonResponse({"detail": "No such request for this enrolment code"},
                            status=404)
    answer = {"request": found.pk, "status": found.status}
    if found.certificate is not None:
        answer["certificate"] = found.certificate.pem
    if found.status == found.Status.REJECTED:
        answer["reason"] = found.reason
    return JsonResponse(answer)


@permission(PUBLIC)  # called by an exchange node; its system token is checked below
def provide_registry(request, code):
    """A registry behind its owner's exchange node: the node has checked the caller's
    signature and access right; this answers with what the caller's agency may read."""
    node = queries.node_for_system_token(request.headers.get("Authorization", ""))
    if node is None:
        return JsonResponse({"detail": "Not an exchange node of this platform"}, status=401)
    try:
        client = SubsystemId.parse(request.headers.get("X-Road-Client", ""))
    except BadIdentifier as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    caller = queries.member(client.member)
    if caller is None or not queries.provides(node, code):
        return JsonResponse({"detail": "No such registry here"}, status=404)
    reader = audit.Actor(system=str(client), agency=caller.agency.code if caller.agency else "",
                         represented=request.headers.get("X-Road-Represented-Party", ""))
    try:
        data = registries.read_for_exchange(
            reader, code, caller.agency_id, request.GET.get("field", ""),
            request.GET.get("value", ""), user=request.headers.get("X-Road-UserId", ""),
            purpose=request.headers.get("X-Road-Issue", ""),
            xroad_id=request.headers.get("X-Road-Id", ""),
            consent_of="" if caller.member_class == "GOV" else str(caller.identifier),
            organisation="" if caller.member_class == "GOV" else caller.name,
            only=[f for f in request.GET.get("fields", "").split(",") if f] or None)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages[0]}, status=422)
    except Http404:
        return JsonResponse({"detail": "No such record, or none this caller may read"},
                            status=404)
    return JsonResponse(data)
