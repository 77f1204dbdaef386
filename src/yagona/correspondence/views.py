"""What the platform serves exchange nodes for the registry offices: the addressee's
side of ``documents/sendDocument`` (arrival.receive)."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yagona.core.permissions import PUBLIC, permission
from yagona.correspondence import arrival
from yagona.correspondence.capsule import FAULT_SIZE_LIMIT
from yagona.exchange import queries as exchange


@csrf_exempt  # a node's call, authenticated by its system token, not a browser's
@require_POST
@permission(PUBLIC)
def consignments(request):
    """A capsule an agency's node brings for its agency: the node checked the sender's
    signature and access right; the token says which node (and so which agency)."""
    node = exchange.node_for_system_token(request.headers.get("Authorization", ""))
    if node is None or node.member.agency is None:
        return JsonResponse({"detail": "Not an agency's exchange node"}, status=401)
    limit = settings.CORRESPONDENCE_CAPSULE_BYTES
    raw = request.read(limit + 1)  # never more than the limit held in memory
    if len(raw) > limit:
        answer = arrival.fault(FAULT_SIZE_LIMIT, f"The capsule is over {limit} bytes.")
    else:
        answer = arrival.receive(node.member.agency, request.headers.get("X-Road-Client", ""),
                                 raw, request.headers.get("X-Road-Id", ""))
    return JsonResponse(answer.body, status=answer.status)
