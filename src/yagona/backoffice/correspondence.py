"""The registry office in the back office (issue 11): an agency's journal of documents
with its filters, the reader's drafts and what waits for their decision; a new draft;
incoming paper mail registered at the desk; substitutes while someone is away.

The card of a document, its draft page and its actions: ``correspondence_card``.
Who may do what is the correspondence room's to decide (``queries.visible``, the
services' checks): a document out of reach is a 404 here too.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.agencies import queries as agencies
from yagona.core.identifiers import is_uuid
from yagona.core.permissions import OFFICIAL, permission
from yagona.core.text import localized
from yagona.correspondence import control, delivery, queries, routes, search, services
from yagona.correspondence.models import Access, DocumentType, Kind
from yagona.correspondence.workflow import Status

TABS = ("journal", "drafts", "waiting", "register")
CARD_FIELDS = ("doc_type", "subject", "summary", "pages", "access", "correspondent",
               "correspondent_name", "their_number", "their_date", "department")


def agency_for(user, code):
    """The agency of ``code`` and ``user``'s roles in it; 404 for anyone not its official."""
    agency = agencies.agency_by_code(code)
    roles = accounts.roles_in(user, agency)
    if not roles:
        raise Http404
    return agency, roles


def problems(exc: ValidationError) -> dict:
    """{field: first message} of a service's refusal."""
    if hasattr(exc, "error_dict"):
        return {name: messages_[0] for name, messages_ in exc.message_dict.items()}
    return {"status": exc.messages[0]}


def parse_date(text: str, name: str, errors: dict) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Enter a real date, for example 2026-03-31.")
        return None


def _filters(get, agency) -> tuple[search.Filters, dict, dict]:
    values = {name: get.get(name, "").strip()[:200] for name in
              ("q", "number", "correspondent", "kind", "journal", "status", "from", "to")}
    errors = {}
    correspondent = agencies.agency_named(values["correspondent"]) \
        if values["correspondent"] else None
    filters = search.Filters(
        text=values["q"], number=values["number"][:64],
        correspondent=correspondent.pk if correspondent else None,
        kind=values["kind"] if values["kind"] in Kind.values else "",
        journal=values["journal"] if agency.journals.filter(code=values["journal"]).exists()
        else "",
        status=values["status"] if values["status"] in Status.values else "",
        registered_from=parse_date(values["from"], "from", errors),
        registered_to=parse_date(values["to"], "to", errors))
    return filters, values, errors


@permission(OFFICIAL)
def journal(request, code):
    """The agency's documents, newest registration first, with the filters; the tabs:
    the reader's drafts, what waits for their decision, and (clerks) what waits to be
    registered."""
    agency, roles = agency_for(request.user, code)
    registrar = bool(roles & services.REGISTRARS)
    tab = request.GET.get("view", "journal")
    if tab not in TABS or (tab == "register" and not registrar):
        tab = "journal"
    filters, values, errors = _filters(request.GET, agency)
    user, key = request.user, "created_at"
    if tab == "drafts":
        rows = search.find(user, agency, search.Filters(drafts=True)).filter(
            created_by=user, status=Status.DRAFT)
    elif tab == "waiting":
        rows = queries.waiting_for(user, agency)
    elif tab == "register":
        rows = search.find(user, agency, search.Filters(drafts=True, status=Status.SIGNED))
    else:
        rows, key = search.find(user, agency, filters), "registered_at"
    items, cursor = queries.page(
        rows.select_related("doc_type", "journal", "correspondent_agency"),
        request.GET.get("after"), key)
    following = None
    if cursor:
        query = request.GET.copy()
        query["after"] = cursor
        following = "?" + query.urlencode()
    return render(request, "backoffice/correspondence/journal.html", {
        "agency": agency, "roles": roles, "registrar": registrar, "tab": tab,
        "rows": items, "next": following, "values": values, "errors": errors,
        **tab_counts(user, agency, roles),
        "kinds": Kind.choices, "statuses": Status.choices,
        "journals": journal_choices(agency),
        "correspondents": _agency_choices(agencies.active_agencies().exclude(pk=agency.pk)
                                          .order_by("code")),
    }, status=400 if errors else 200)


def tab_counts(user, agency, roles) -> dict:
    """What the lists' tabs (``_tabs.html``) and the journal's links need to know."""
    return {"waiting": queries.waiting_for(user, agency).count(),
            "open_tasks": control.assignments_of(user).filter(
                resolution__document__agency=agency).count(),
            "registrar": bool(roles & services.REGISTRARS),
            "may_control": bool(roles & control.VIEWERS)}


def card_values(post) -> dict:
    return {name: post.get(name, "").strip() for name in CARD_FIELDS}


def card_from(values: dict, agency, reachable=None) -> tuple[services.Card, dict]:
    """The card typed on a form, and the problems of what was typed (a number, a date, a
    list's choice); the service names the rest (``services.check_card``)."""
    errors = {}
    try:
        pages = int(values["pages"] or "1")
    except ValueError:
        errors["pages"] = _("Enter the number of pages, from 1 to 10000.")
        pages = 1
    correspondent = None
    if values["correspondent"]:
        choices = {a.code: a for a in (reachable if reachable is not None
                                       else agencies.active_agencies())}
        correspondent = choices.get(values["correspondent"])
        if correspondent is None:
            errors["correspondent"] = _("Choose an agency of the list.")
    card = services.Card(
        doc_type=values["doc_type"], subject=values["subject"][:1001],
        summary=values["summary"][:5000], pages=pages, access=values["access"],
        correspondent_agency=correspondent,
        correspondent_name=values["correspondent_name"][:500],
        their_number=values["their_number"][:64],
        their_date=parse_date(values["their_date"], "their_date", errors),
        department_code=values["department"])
    return card, errors


def refused_card(agency, card: services.Card, errors: dict) -> dict:
    """The input problems together with every problem the service finds in the card."""
    try:
        services.check_card(agency, card)
    except ValidationError as exc:
        return {**problems(exc), **errors}
    return errors


def _card_choices(agency) -> dict:
    return {"doc_types": [(t.code, str(t)) for t in DocumentType.objects.filter(active=True)],
            "departments": [(d.code, localized(d.name))
                            for d in agency.departments.filter(active=True)],
            "accesses": Access.choices}


def _agency_choices(rows) -> list[tuple[str, str]]:
    return [(a.code, a.display_name) for a in rows]


def journal_choices(agency, kind: str = "") -> list[tuple[str, str]]:
    rows = agency.journals.filter(active=True)
    return [(j.code, localized(j.name)) for j in (rows.filter(kind=kind) if kind else rows)]


def case_choices(agency) -> list[tuple[str, str]]:
    return [(c.index, str(c)) for c in agency.file_plan.filter(active=True)]


@permission(OFFICIAL)
def draft_new(request, code):
    """A new outgoing or internal document: its card; then its draft page (files and
    route)."""
    agency, _roles = agency_for(request.user, code)
    reachable = [a for a in delivery.address_book() if a.pk != agency.pk]
    kind = request.POST.get("kind", request.GET.get("kind", Kind.OUTGOING))
    values, errors = {"pages": "1", "access": Access.PUBLIC}, {}
    answered = _answered(request, agency)
    if answered is not None:
        values.update(_answer_values(answered, reachable))
    if request.method == "POST":
        values = card_values(request.POST)
        if kind == Kind.INTERNAL:  # an internal document has no other side
            values.update(correspondent="", correspondent_name="")
        card, errors = card_from(values, agency, reachable)
        if kind not in (Kind.OUTGOING, Kind.INTERNAL):
            errors["kind"] = _("Choose an outgoing or an internal document.")
        if errors:
            errors = refused_card(agency, card, errors)
        else:
            try:
                document = services.create_draft(
                    request.user, agency, kind, card,
                    answers=answered.pk if answered is not None else None)
            except ValidationError as exc:
                errors = problems(exc)
            else:
                messages.success(request, _("The draft is saved. Add its text and route."))
                return redirect("backoffice:document-draft", agency.code, document.pk)
    return render(request, "backoffice/correspondence/new.html", {
        "agency": agency, "kind": kind, "values": values, "errors": errors,
        "answered": answered, "reachable": _agency_choices(reachable),
        "kinds": [(k, label) for k, label in Kind.choices if k != Kind.INCOMING],
        **_card_choices(agency),
    }, status=400 if errors else 200)


def _answered(request, agency):
    """The registered document a new draft answers (``?answers=<id>``, kept by the form),
    if the reader can see it; another id: 404."""
    wanted = request.POST.get("answers", request.GET.get("answers", "")).strip()
    if not wanted:
        return None
    if not is_uuid(wanted):
        raise Http404
    found = queries.in_agency(request.user, agency, wanted)
    if found.registered_at is None:
        raise Http404
    return found


def _answer_values(answered, reachable) -> dict:
    """An answer's card begun from the letter it answers: its subject and its sender (an
    agency on the exchange, else by name)."""
    sender = answered.correspondent_agency
    return {"subject": answered.subject,
            "correspondent": sender.code if sender and sender in reachable else "",
            "correspondent_name": "" if sender and sender in reachable else (
                answered.correspondent_name or (sender.display_name if sender else ""))}


@permission(OFFICIAL)
def incoming(request, code):
    """A registry clerk registers a letter that came on paper: the number is drawn at
    once; the paper original is scanned and filed as the clerk's office does."""
    agency, roles = agency_for(request.user, code)
    if not roles & services.REGISTRARS:
        raise Http404
    values, errors = {"pages": "1", "access": Access.PUBLIC}, {}
    journals = journal_choices(agency, Kind.INCOMING)
    if request.method == "POST":
        values = {**card_values(request.POST), "journal": request.POST.get("journal", "")}
        card, errors = card_from(values, agency)
        if errors:
            errors = refused_card(agency, card, errors)
        else:
            try:
                document = services.register_incoming(request.user, agency, card,
                                                      journal_code=values["journal"])
            except ValidationError as exc:
                errors = problems(exc)
            except PermissionError as exc:
                errors = {"status": str(exc)}
            else:
                messages.success(request, _("Registered as %(number)s.")
                                 % {"number": document.number})
                return redirect("backoffice:document", agency.code, document.pk)
    return render(request, "backoffice/correspondence/incoming.html", {
        "agency": agency, "values": values, "errors": errors, "journals": journals,
        "correspondents": _agency_choices(agencies.active_agencies().exclude(pk=agency.pk)
                                          .order_by("code")),
        **_card_choices(agency),
    }, status=400 if errors else 200)


@permission(OFFICIAL)
def substitutes(request, code):
    """Who stands in for whom, now and to come: an official appoints their own
    substitute, a head anyone's; either cancels."""
    agency, roles = agency_for(request.user, code)
    manager = bool(roles & routes.MANAGERS)
    people = {u.username: u for u in queries.officials(agency)}
    values, errors = {"official": request.user.username}, {}
    if request.method == "POST" and request.POST.get("action") == "cancel":
        number = number_from(request.POST.get("substitution"))
        if not queries.substitutions(agency).filter(pk=number).exists():
            raise Http404
        try:
            routes.cancel_substitution(request.user, number)
        except PermissionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The substitution is cancelled."))
        return redirect("backoffice:substitutes", agency.code)
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip()[:200]
                  for name in ("official", "substitute", "starts", "ends", "reason")}
        official = people.get(values["official"])
        substitute = people.get(values["substitute"])
        if official is None:
            errors["official"] = _("Choose an official of the agency.")
        if substitute is None:
            errors["substitute"] = _("Choose an official of the agency.")
        starts = parse_date(values["starts"], "starts", errors)
        ends = parse_date(values["ends"], "ends", errors)
        for name, value in (("starts", starts), ("ends", ends)):
            if value is None and name not in errors:
                errors[name] = _("Enter the date.")
        if not errors:
            try:
                routes.appoint_substitute(request.user, agency, official, substitute, starts,
                                          ends, values["reason"])
            except ValidationError as exc:
                errors = problems(exc)
            except PermissionError as exc:
                errors = {"official": str(exc)}
            else:
                messages.success(request, _("The substitute is appointed."))
                return redirect("backoffice:substitutes", agency.code)
    rows = queries.substitutions(agency)
    return render(request, "backoffice/correspondence/substitutes.html", {
        "agency": agency, "manager": manager, "values": values,
        "people_choices": [(u.username, u.display_name) for u in people.values()],
        "errors": errors, "rows": [(row, manager or request.user.pk == row.official_id)
                                   for row in rows],
    }, status=400 if errors else 200)


def number_from(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
