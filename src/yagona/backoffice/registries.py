"""The registries in the back office: officials search and read records, registry
keepers create, correct and retire them with a reason, the owner agency's definers
publish schema versions and give other agencies access.

Who may do what is decided by the registries app (``queries.opened``,
``services.registry_for_keeper``, ``services.registry_for_definer``): a registry or
record out of reach is a 404 here too.
"""

import yaml
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.agencies import queries as agencies
from yagona.core import audit
from yagona.core.display import date_format
from yagona.core.permissions import OFFICIAL, permission
from yagona.registries import queries, services, terms
from yagona.registries.forms import RecordForm

MAX_DEFINITION = 200_000  # bytes of a definition file, characters of a pasted one


def _actor(request) -> audit.Actor:
    return audit.Actor(user=request.user)


@permission(OFFICIAL)
def registry_list(request):
    return render(request, "backoffice/registries/list.html", {
        "rows": queries.readable(_actor(request)),
        "may_define": bool(queries.definer_agencies(request.user))})


@permission(OFFICIAL)
def registry_page(request, code):
    """Search a registry: by key (one index probe) or by words of the search fields.
    A registry of personal data lists nobody until asked: no browsing of people."""
    actor = _actor(request)
    registry, version, access = queries.opened(actor, code)
    key_fields = [f for f in version.key_fields if access.shows(f)]
    search_fields = [f for f in version.search_fields if access.shows(f)]
    key, words = request.GET.get("key", "").strip(), request.GET.get("q", "").strip()
    searched = bool(key or terms.query_words(words))  # "-" alone lists nobody either
    items, cursor = [], None
    if searched or not version.personal_fields:
        if key and key_fields:
            rows = queries.matching(registry, version, {key_fields[0]: key})
        else:
            rows = queries.search(registry, words, search_fields)
        items, cursor = queries.page(rows, request.GET.get("after"))
        queries.note_reads(actor, items)
    columns = [f for f in version.fields if f in key_fields or f in search_fields]
    return render(request, "backoffice/registries/registry.html", {
        "registry": registry, "version": version, "access": access,
        "key_field": key_fields[0] if key_fields else None,
        "search_labels": [queries.display_label(version, f) for f in search_fields],
        "key": key, "q": words, "searched": searched, "date_format": date_format(),
        "columns": [queries.display_label(version, f) for f in columns],
        "results": [(row, [queries.display_text(version, f, row.data.get(f)) for f in columns])
                    for row in items],
        "next": cursor, "may_define": _may_define(actor, code),
        "corrections": queries.open_corrections(registry) if access.write else [],
    })


@permission(OFFICIAL)
def correction_answer(request, code, number):
    """A keeper closes a person's correction request: corrected, or why not."""
    if request.method != "POST":
        return redirect("backoffice:registry", code)
    try:
        services.close_correction(_actor(request), _number(number),
                                  request.POST.get("corrected") == "yes",
                                  request.POST.get("answer", ""))
    except services.ReasonRequired as exc:
        messages.error(request, str(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("The person is told."))
    return redirect("backoffice:registry", code)


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _may_define(actor, code) -> bool:
    try:
        services.registry_for_definer(actor, code)
    except (PermissionDenied, Http404):
        return False
    return True


@permission(OFFICIAL)
def record_page(request, code, uuid):
    actor = _actor(request)
    registry, current, access = queries.opened(actor, code)
    row = queries.record(actor, code, uuid)  # audited when personal
    version = queries.version(registry, row.version)
    shown = {k: v for k, v in row.data.items() if access.shows(k)}
    return render(request, "backoffice/registries/record.html", {
        "registry": registry, "record": row, "version": version, "current": current,
        "title": " ".join(str(shown[f]) for f in version.key_fields if f in shown),
        "access": access, "rows": queries.display_rows(version, shown),
        "history": queries.revisions(row, access),
    })


def _reason_fields(request) -> dict:
    return {"reason": request.POST.get("reason", "").strip(),
            "requested_by": request.POST.get("requested_by", "").strip()[:64]}


def _check_all(version, data: dict, reason: str) -> None:
    """A missing reason is reported with every problem of the record, not first alone."""
    if reason:
        return
    problems = []
    try:
        services.check(version, data)
    except services.RecordInvalid as exc:
        problems = exc.errors
    raise _Refusal(problems)


class _Refusal(Exception):
    def __init__(self, problems):
        self.problems = problems


def _refused(form, exc) -> None:
    """Put a refusal of the registries services on the form."""
    if isinstance(exc, _Refusal):
        form.show_errors(exc.problems)
        form.errors["reason"] = _("Give the reason for the change.")
    elif isinstance(exc, services.RecordInvalid):
        form.show_errors(exc.errors)
    elif isinstance(exc, services.DuplicateKey):
        form.show_errors([services.FieldError("/" + exc.field, _(
            "This value is already in the registry."))])
    elif isinstance(exc, services.ReasonRequired):
        form.errors["reason"] = str(exc)


@permission(OFFICIAL)
def record_new(request, code):
    return _edit(request, code, None)


@permission(OFFICIAL)
def record_correct(request, code, uuid):
    return _edit(request, code, uuid)


def _edit(request, code, uuid):
    """The form of a new record (``uuid`` None) or of a correction: every field on the
    form is set as typed, and one emptied is removed."""
    actor = _actor(request)
    registry, version, access = queries.opened(actor, code)
    if not access.write:
        raise Http404
    row = queries.record(actor, code, uuid) if uuid else None
    form = RecordForm(version, access.fields)
    if row is not None:
        form.fill(row.data)
    values = {"reason": "", "requested_by": ""}
    if request.method == "POST":
        values = _reason_fields(request)
        try:
            data = form.parse(request.POST)
            if row is None:
                _check_all(version, data, values["reason"])
                row = services.create(actor, code, data, **values)
                messages.success(request, _("The record was added."))
            else:
                changes = {b.field.name.split(".")[0]: None for b in form.bound}
                changes.update(data)
                _check_all(version, services.corrected(row.data, changes), values["reason"])
                services.correct(actor, code, row.uuid, changes, **values)
                messages.success(request, _("The correction is saved."))
        except (_Refusal, services.RecordInvalid, services.DuplicateKey,
                services.ReasonRequired) as exc:
            _refused(form, exc)
        else:
            return redirect("backoffice:registry-record", code, row.uuid)
    return render(request, "backoffice/registries/edit.html", {
        "registry": registry, "version": version, "form": form, "errors": form.errors,
        "values": values, "record": row if uuid else None,
    }, status=400 if form.errors else 200)


@permission(OFFICIAL)
def record_retire(request, code, uuid):
    actor = _actor(request)
    registry, version, access = queries.opened(actor, code)
    if not access.write:
        raise Http404
    row = queries.record(actor, code, uuid)
    values, error = {"reason": "", "requested_by": ""}, ""
    if request.method == "POST":
        values = _reason_fields(request)
        try:
            services.retire(actor, code, row.uuid, **values)
        except services.ReasonRequired as exc:
            error = str(exc)
        else:
            messages.success(request, _("The record is retired; its history is kept."))
            return redirect("backoffice:registry", code)
    return render(request, "backoffice/registries/retire.html", {
        "registry": registry, "record": row, "values": values,
        "errors": {"reason": error} if error else {},
        "rows": queries.display_rows(version, {k: v for k, v in row.data.items()
                                               if access.shows(k)})[:3],
    }, status=400 if error else 200)


@permission(OFFICIAL)
def registry_define(request):
    """Publish a registry definition (YAML or JSON, as in a country pack): a new
    registry, or a new version of one, with its records migrated or side by side."""
    mine = queries.definer_agencies(request.user)
    if not mine:
        raise Http404
    text, problems, migrate = "", [], request.POST.get("migrate") == "yes"
    if request.method == "POST":
        upload = request.FILES.get("file")
        too_long = upload.size > MAX_DEFINITION if upload else False
        text = "" if too_long else (upload.read().decode("utf-8", "replace") if upload
                                    else request.POST.get("definition", ""))
        definition = None
        if too_long or len(text) > MAX_DEFINITION:
            problems = [_("The definition is too long.")]
        else:
            try:
                definition = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                problems = [_("The definition is not valid YAML or JSON: %(error)s")
                            % {"error": str(exc).splitlines()[0]}]
            if definition is not None and not isinstance(definition, dict):
                problems, definition = [_("A definition is a mapping of its fields.")], None
            elif definition is None and not problems:
                problems = [_("Paste a definition or choose its file.")]
        if definition is not None:
            try:
                version = services.publish(_actor(request), definition, migrate=migrate)
            except services.DefinitionInvalid as exc:
                problems = exc.problems
            except (PermissionDenied, Http404):
                problems = [_("You may define registries only for your own agency.")]
            else:
                messages.success(request, _(
                    "%(registry)s: version %(version)s is published.") % {
                    "registry": version.registry.display_name, "version": version.version})
                return redirect("backoffice:registry", version.registry.code)
    return render(request, "backoffice/registries/define.html", {
        "agencies": mine, "text": text, "problems": problems, "migrate": migrate,
    }, status=400 if problems else 200)


@permission(OFFICIAL)
def registry_grants(request, code):
    actor = _actor(request)
    try:
        registry = services.registry_for_definer(actor, code)
    except PermissionDenied as exc:  # a reader, not a definer: nothing to see here
        raise Http404 from exc
    version = services.current_version(registry)
    error, values = "", {}
    if request.method == "POST":
        values = {"agency": request.POST.get("agency", ""),
                  "fields": request.POST.getlist("fields"),
                  "write": request.POST.get("write") == "yes"}
        try:
            if request.POST.get("action") == "take_back":
                services.take_back_grant(actor, code, values["agency"])
                messages.success(request, _("The access was taken back."))
            else:
                services.give_grant(actor, code, values["agency"], values["fields"],
                                    values["write"])
                messages.success(request, _("The access was given."))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("backoffice:registry-grants", code)
    return render(request, "backoffice/registries/grants.html", {
        "registry": registry, "version": version, "error": error, "values": values,
        "grants": queries.grants(registry),
        "fields": [(f, queries.display_label(version, f)) for f in version.fields],
        "agencies": [a for a in agencies.active_agencies() if a.pk != registry.agency_id],
    }, status=400 if error else 200)

