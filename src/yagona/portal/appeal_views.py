"""Writing to the government (issue 12): the kinds of appeal, the form of one kind (to a
named agency, or to the reception that sends it on; a problem's category with its
questions, the place and photos; without a name where the kind allows it), the
confirmation, and following an anonymous report with its tracking code.

An anonymous report is reached with its code alone. Nothing ties it to the browser's
session or to the signed-in person: the code shown after sending, and the code entered to
follow a report, wait in the cache under a random token for a short while (the pages'
addresses carry the token, never the code)."""

import secrets

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.agencies import queries as agencies
from yagona.appeals import queries as appeals
from yagona.appeals import services
from yagona.core.permissions import PUBLIC, permission
from yagona.portal import appeal_display as display

OTHER = "something-else"  # a problem of no category (no category code has a hyphen)
SENT, FOLLOW = "appeal-sent:", "appeal-follow:"
# The code waits in the cache no longer than needed: until the confirmation shows it (and
# a few minutes more for a reload, without it), or while its report is followed.
SENT_SECONDS, SHOWN_SECONDS, FOLLOW_SECONDS = 15 * 60, 10 * 60, 30 * 60
# The form's order, for the error summary.
FIELDS = ("kind", "category", "party", "agency", "subject", "text", "location",
          "attributes", "photos", "anonymous", "contact")


def _kind(code):
    found = appeals.kinds().filter(code=code).first()
    if found is None:
        raise Http404
    return found


@permission(PUBLIC)
def write(request):
    """The kinds of appeal the law knows, each with what it is for."""
    return render(request, "portal/appeal_write.html", {"kinds": appeals.kinds()})


@permission(PUBLIC)
def new(request, kind, category=""):
    """The form for one kind (of a problem report: for one category, or for a problem of
    none). Signed-in people only, except for kinds that may be sent without a name,
    which anyone may send."""
    kind = _kind(kind)
    user = request.user if request.user.is_authenticated else None
    if user is None and not kind.anonymous:
        return redirect_to_login(request.get_full_path())
    categories = list(appeals.categories(kind))
    if category:
        found = next((c for c in categories if c.code == category), None)
        if found is None and (category != OTHER or not categories):
            raise Http404
        category = found
    elif categories:
        return _choose_category(request, kind, categories)
    values, errors = _values(request.POST, category), {}
    if request.method == "POST":
        anonymous = user is None or (kind.anonymous and values["anonymous"])
        draft = services.Draft(
            kind=kind.code, text=values["text"], subject=values["subject"],
            agency="" if category else values["agency"],
            category=category.code if category else "", latitude=values["latitude"],
            longitude=values["longitude"], address=values["address"],
            attributes=values["attributes"], anonymous=anonymous, party=values["party"],
            language=translation.get_language() or "")
        try:
            appeal, code = services.submit(user, draft, request.FILES.getlist("photos"))
        except ValidationError as exc:
            errors = _ordered(exc)
        else:
            if code:
                return redirect("portal:appeal-sent-anonymous", _keep(SENT, {
                    "code": code, "shown": False}, SENT_SECONDS))
            return redirect("portal:appeal-sent", appeal.uuid)
    rules = appeals.rules()
    return render(request, "portal/appeal_form.html", {
        "kind": kind, "category": category, "categories": categories,
        "values": values, "errors": errors,
        "photos_lost": bool(errors and request.FILES.getlist("photos")),
        "questions": _questions(category, values, errors),
        "agencies": agencies.active_agencies(), "rules": rules,
        "forward_within": display.days(rules.forward_days, rules.forward_working_days)
        if rules else "",
        "deadline_days": display.days(kind.days, kind.working_days),
        "parties": accounts.parties_for(user) if user else [],
        "signed_in": user is not None,
        "place": kind.location != "none",  # Kind.Location: none, optional, required
        "place_required": kind.location == "required",
    }, status=400 if errors else 200)


def _choose_category(request, kind, categories):
    """A problem report starts with what it is about (its agency, its questions)."""
    chosen = request.GET.get("category", "")
    if chosen == OTHER or chosen in {c.code for c in categories}:
        return redirect("portal:appeal-new-category", kind.code, chosen)
    errors = {"category": _("Choose what the problem is about.")} \
        if "choose" in request.GET else {}
    return render(request, "portal/appeal_category.html", {
        "kind": kind, "categories": categories, "errors": errors, "other": OTHER},
        status=400 if errors else 200)


def _values(post, category) -> dict:
    """What was typed, kept as typed (an error shows it again)."""
    values = {name: post.get(name, "") for name in (
        "subject", "text", "agency", "latitude", "longitude", "address")}
    values["party"] = post.get("party", "self")
    values["anonymous"] = post.get("anonymous") == "yes"
    values["attributes"] = {a["code"]: post.get(f"attribute_{a['code']}", "")
                            for a in (category.attributes if category else [])}
    return values


def _ordered(exc: ValidationError) -> dict:
    found = {name: messages[0] for name, messages in exc.message_dict.items()}

    def place(name):
        name = "attributes" if name.startswith("attribute_") else name
        return FIELDS.index(name) if name in FIELDS else len(FIELDS)

    return dict(sorted(found.items(), key=lambda item: place(item[0])))


def _questions(category, values, errors) -> list[dict]:
    """The category's questions (Open311 attributes) as fields of the form."""
    return [{"code": a["code"], "name": a["name"], "type": a["type"],
             "required": a.get("required", False), "options": a.get("values", []),
             "value": values["attributes"].get(a["code"], ""),
             "error": errors.get(f"attribute_{a['code']}")}
            for a in (category.attributes if category else [])]


def _keep(prefix: str, value, seconds: int) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(prefix + token, value, seconds)
    return token


def _kept(prefix: str, token: str):
    return cache.get(prefix + token) if 0 < len(token) <= 64 else None


@permission(PUBLIC)
def sent_anonymous(request, token):
    """The confirmation of an anonymous report: its number, agency and deadline, and the
    tracking code, shown this once."""
    kept = _kept(SENT, token)
    appeal = appeals.by_tracking_code(kept["code"]) if kept else None
    if appeal is None:
        raise Http404
    code = "" if kept["shown"] else kept["code"]
    if code:
        cache.set(SENT + token, {**kept, "shown": True}, SHOWN_SECONDS)
    response = render(request, "portal/appeal_sent.html", {
        "appeal": appeal, "code": code, "anonymous": True, **_sent(appeal)})
    response["Cache-Control"] = "no-store"
    return response


def _sent(appeal) -> dict:
    rules = appeals.rules()
    return {"to_reception": rules is not None and appeal.agency_id == rules.reception_id
            and appeal.category_id is None,
            "forward_within": display.days(rules.forward_days, rules.forward_working_days)
            if rules else "",
            "deadline_days": display.days(appeal.kind.days, appeal.kind.working_days)}


@permission(PUBLIC)
def track(request):
    """Follow an anonymous report: its tracking code is entered here (POST, so that it
    stays out of addresses and logs)."""
    errors, code = {}, ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        if not code:
            errors = {"code": _("Enter the tracking code of your report.")}
        elif appeals.by_tracking_code(code) is None:
            errors = {"code": _("No report has this code. Check it and try again.")}
        else:
            return redirect("portal:appeal-tracked", _keep(FOLLOW, code, FOLLOW_SECONDS))
    return render(request, "portal/appeal_track.html", {"errors": errors, "code": code},
                  status=400 if errors else 200)


def _followed(token):
    code = _kept(FOLLOW, token)
    appeal = appeals.by_tracking_code(code) if code else None
    if appeal is None:
        raise Http404
    return appeal


@permission(PUBLIC)
def tracked(request, token):
    """An anonymous report as its author follows it (for half an hour after the code)."""
    appeal = _followed(token)
    response = render(request, "portal/appeal_tracked.html", {
        **display.context(appeal), "token": token})
    response["Cache-Control"], response["Referrer-Policy"] = "no-store", "no-referrer"
    return response


@permission(PUBLIC)
def tracked_photo(request, token, photo):
    return photo_response(_followed(token), photo)


@permission(PUBLIC)
def tracked_answer(request, token):
    return answer_response(_followed(token))


def photo_response(appeal, photo: int) -> FileResponse:
    found = appeal.photos.filter(pk=photo).first()
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def answer_response(appeal) -> FileResponse:
    """The signed answer, as it was signed."""
    if appeal.answer_document is None:
        raise Http404
    document = appeal.answer_document
    response = FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=document.filename, content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
