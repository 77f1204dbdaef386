"""What the central authority serves to exchange nodes."""

from django.http import HttpResponse

from yagona.core.permissions import PUBLIC, permission
from yagona.exchange import globalconf


@permission(PUBLIC)  # signed and public, as X-Road's: nodes check it against their anchor
def configuration(request):
    return HttpResponse(globalconf.current(), content_type="application/jose")
