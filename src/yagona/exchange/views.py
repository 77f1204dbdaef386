"""What the central authority serves to exchange nodes."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yagona.core.permissions import PUBLIC, permission
from yagona.exchange import globalconf, tsa


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
