"""My documents: what agencies signed for the person (and for the organisations they act
for), downloaded as signed, shared with someone by a link that expires, with a log of
who opened it; and the public page such a link opens."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yagona.agencies import queries as agencies
from yagona.core.permissions import PUBLIC, SIGNED_IN, permission
from yagona.portal.views import _int
from yagona.signing import queries as wallet
from yagona.signing import services as signing

DOCUMENT_ROWS = 20
NEW_LINK = "wallet_new_link"  # the session key holding a new link's token until shown


def _agencies(documents) -> dict:
    """{agency code: Agency} for a page of documents (a handful of agencies at most)."""
    return {code: agencies.agency_named(code)
            for code in {d.agency_code for d in documents if d.agency_code}}


@permission(SIGNED_IN)
def documents(request):
    """The person's documents, newest first, a page at a time."""
    page = Paginator(wallet.documents_of(request.user), DOCUMENT_ROWS) \
        .get_page(request.GET.get("page"))
    rows = list(page.object_list)
    statuses, found = wallet.statuses_of(rows), _agencies(rows)
    holders = wallet.holders_of(request.user)
    return render(request, "portal/documents.html", {
        "page": page, "several_holders": len(holders) > 1,
        "rows": [{"document": d, "status": statuses[d.pk], "agency": found.get(d.agency_code),
                  "holder": holders.get((d.holder_kind, d.holder_id), "")} for d in rows]})


@require_POST
@permission(SIGNED_IN)
def registry_extract(request, code):
    """A sealed extract of what a register holds about the person, into their wallet."""
    document = signing.registry_extract(request.user, code)
    messages.success(request, _("The extract is sealed by the agency that keeps the "
                                "register and kept in your documents."))
    return redirect("portal:document", document.uuid)


@permission(SIGNED_IN)
def document_detail(request, uuid):
    """One document: its details and signers, download, verification, and its share
    links with who opened them; a new link is made and an old one ended here."""
    document = wallet.document_for(request.user, uuid)
    errors, values = {}, {"days": "7", "label": ""}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            signing.revoke_share(request.user, _int(request.POST.get("link")))
            messages.success(request, _("The link no longer works."))
            return redirect("portal:document", uuid=document.uuid)
        values = {"days": request.POST.get("days", ""),
                  "label": request.POST.get("label", "")}
        try:
            _link, token = signing.share(request.user, document.uuid, _int(values["days"]),
                                         values["label"])
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()}
        else:
            # Shown once, after the redirect; only the token's hash is kept for good.
            request.session[NEW_LINK] = [str(document.uuid), token]
            return redirect("portal:document", uuid=document.uuid)
    new_link, link_url = request.session.pop(NEW_LINK, None), ""
    if new_link and new_link[0] == str(document.uuid):
        link_url = request.build_absolute_uri(reverse("portal:shared", args=[new_link[1]]))
    return render(request, "portal/document.html", {
        "document": document, "status": wallet.status_of(document),
        "agency": agencies.agency_named(document.agency_code),
        "holder": wallet.holders_of(request.user).get(
            (document.holder_kind, document.holder_id), ""),
        "links": wallet.share_links_of(request.user, document), "now": timezone.now(),
        "days": signing.SHARE_DAYS, "errors": errors, "values": values, "link_url": link_url,
    }, status=400 if errors else 200)


@permission(SIGNED_IN)
def document_download(request, uuid):
    document = wallet.document_for(request.user, uuid)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.filename, content_type=document.content_type)


# --- what a share link opens, for anyone who has it -------------------------------------


def _private(response):
    """The token is in the address: no Referer carries it elsewhere, no cache keeps it."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _address(request) -> str:
    """The client's address as the sign-in rate limits see it (allauth honours the
    trusted proxies of the deployment)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def _opened(request, token, what):
    return signing.open_share(
        token, reader=request.user.username if request.user.is_authenticated else "",
        network=_address(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        what=what)


@permission(PUBLIC)
def shared(request, token):
    """The page a share link opens: what the document is and its download; no personal
    ID of the holder. An unknown, expired or revoked link says so, as a 404."""
    try:
        document = _opened(request, token, "page")
    except Http404:
        return _private(render(request, "portal/shared_invalid.html", status=404))
    return _private(render(request, "portal/shared.html", {
        "document": document, "status": wallet.status_of(document),
        "agency": agencies.agency_named(document.agency_code), "token": token}))


@permission(PUBLIC)
def shared_download(request, token):
    try:
        document = _opened(request, token, "download")
    except Http404:
        return _private(render(request, "portal/shared_invalid.html", status=404))
    return _private(FileResponse(document.file.open("rb"), as_attachment=True,
                                 filename=document.filename,
                                 content_type=document.content_type))
