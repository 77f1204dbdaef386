"""CKAN's Action API (v3), the part CKAN clients and harvesters use, at /api/3/action/ and
/api/action/: a facade over the open data room (``opendata.queries`` to read,
``opendata.services`` to write) answering in CKAN's envelope and with CKAN's errors, so
that ckanapi and ckanext-harvest work unchanged (api/tests/test_ckan.py proves it with
ckanapi).

Reading is public: GET with query parameters or POST with a JSON body, as CKAN takes them.
package_create and package_update are POST only and need an office token (CKAN's raw
``Authorization: <token>``; ``Bearer <token>`` and ``X-CKAN-API-Key`` too) of an official
who publishes the agency's data; files are uploaded in the back office, so resources come
here as links. ``?lang=`` picks the language of the texts (else the pack's first). The
view is declared ``public`` (core.permissions): the token names an official and is checked
here, and the services check what that official may do."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yagona.accounts import queries as accounts
from yagona.accounts.services import note_token_use
from yagona.api import ckan_dicts as dicts
from yagona.api.ckan_dicts import boolean, integer, names, required, text
from yagona.core.countries import active_pack
from yagona.core.permissions import PUBLIC, permission
from yagona.core.text import localized
from yagona.opendata import queries, services
from yagona.opendata.vocabulary import THEMES

CKAN_VERSION = "2.10.4"
ACTIVITY_LIMIT, ACTIVITY_MAX = 31, 100  # CKAN's ckan.activity_list_limit(_max)
DATASET_TYPE = re.compile(r"(^|\s)\+?dataset_type:\"?dataset\"?(?=\s|$)")  # all are datasets


class Refusal(Exception):
    """An answer other than success: the HTTP status and CKAN's error object."""

    def __init__(self, status: int, error: dict):
        super().__init__(error)
        self.status, self.error = status, error


def not_found(detail: str = "") -> Refusal:
    message = _("Not found") + (f": {detail}" if detail else "")
    return Refusal(404, {"__type": "Not Found Error", "message": message})


def denied(detail: str = "") -> Refusal:
    message = _("Access denied") + (f": {detail}" if detail else "")
    return Refusal(403, {"__type": "Authorization Error", "message": message})


def invalid(errors: dict) -> Refusal:
    return Refusal(409, {**errors, "__type": "Validation Error"})


@dataclass
class Call:
    request: object
    data: dict
    language: str


ACTIONS = {}  # name -> (function, reads): reads take GET parameters (CKAN's side_effect_free)


def action(reads: bool = True):
    def register(function):
        ACTIONS[function.__name__] = (function, reads)
        return function

    return register


def _window(items: list, data: dict, limit: int | None = None) -> list:
    offset = integer(data, "offset", 0)
    return items[offset:offset + integer(data, "limit", len(items) if limit is None else limit)]


def _packages(call, rows) -> list[dict]:
    return [dicts.package(row, list(row.resources.all()), call.language, call.request)
            for row in rows]


# --- reading ---------------------------------------------------------------------------


@action()
def package_list(call):
    """The names of the published datasets, in order (limit, offset)."""
    return _window(queries.published_names(), call.data)


def _facet_title(kind: str, value: str, agencies: dict, language: str) -> str:
    if kind == "organization" and value in agencies:
        return localized(agencies[value].name, language)
    if kind == "groups" and value.upper() in THEMES:
        return str(THEMES[value.upper()])
    return dicts.licence(value)[0] if kind == "license_id" else value


@action()
def package_search(call):
    """Published datasets holding the words of q and matching fq (field:value pairs), one
    page of them (rows, start) in sort order, with the counts of the facet.field values."""
    data = call.data
    q, sort = text(data, "q"), text(data, "sort")
    filters = queries.parse_fq(DATASET_TYPE.sub(" ", text(data, "fq")))
    rows, start = integer(data, "rows", 10, queries.MAX_ROWS), integer(data, "start", 0)
    wanted = names(data, "facet.field") if boolean(data, "facet", True) else []
    limit = integer(data, "facet.limit", 50, minimum=-1)  # -1: all of them
    found = queries.search("" if q == "*:*" else q, filters, sort, rows, start,
                           facet_fields=tuple(wanted), facet_limit=limit if limit >= 0 else 10**6)
    agencies = {agency.code.lower(): agency for agency, _n in queries.organizations()
                } if "organization" in wanted else {}
    search_facets = {kind: {"title": kind, "items": [
        {"name": value, "display_name": _facet_title(kind, value, agencies, call.language),
         "count": n} for value, n in found.facets.get(kind, [])]} for kind in wanted}
    return {"count": found.count, "sort": sort or queries.DEFAULT_SORT,
            "results": _packages(call, found.datasets),
            "facets": {kind: dict(found.facets.get(kind, [])) for kind in wanted},
            "search_facets": search_facets}


def official(request, needed: bool = True):
    """The official an office token names, else 403 (or None when not ``needed``)."""
    header = (request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
              or "").strip()
    token = header[7:].strip() if header.lower().startswith("bearer ") else header
    row = accounts.token_for(token, office=True) if token else None
    if row is None:
        if needed:
            raise denied(_("an office token of a data publisher is needed"))
        return None
    note_token_use(row)
    return row.user


@action()
def package_show(call):
    """A published dataset by name or id; its publishers' token shows their drafts too."""
    ident = required(call.data, "id", "name_or_id")
    dataset = queries.public_dataset(ident, include_withdrawn=False)
    if dataset is None and (user := official(call.request, needed=False)):
        dataset = own_dataset(user, ident, quiet=True)
    if dataset is None:
        raise not_found(_("the dataset was not found"))
    return dicts.package(dataset, queries.resources(dataset), call.language, call.request)


@action()
def resource_show(call):
    """A resource of a published dataset by its id."""
    row = queries.public_resource(required(call.data, "id"))
    if row is None:
        raise not_found(_("the resource was not found"))
    return dicts.resource(row, row.dataset, call.language, call.request)


@action()
def organization_list(call):
    """The agencies' names, or with all_fields their dictionaries (limit, offset)."""
    rows = sorted(queries.organizations(), key=lambda pair: pair[0].code.lower())
    if not boolean(call.data, "all_fields", False):
        return _window([agency.code.lower() for agency, _n in rows], call.data)
    return [dicts.organization(agency, call.language, n)
            for agency, n in _window(rows, call.data, 25)]


@action()
def organization_show(call):
    """An agency with its number of datasets; include_datasets adds them."""
    agency = queries.organization(required(call.data, "id"))
    if agency is None:
        raise not_found(_("the organization was not found"))
    include = boolean(call.data, "include_datasets", False)
    found = queries.search(filters=[("organization", agency.code.lower())],
                           rows=queries.MAX_ROWS if include else 0, facet_fields=())
    shown = {**dicts.organization(agency, call.language, found.count), "users": [],
             "extras": [], "groups": [], "tags": []}
    return {**shown, "packages": _packages(call, found.datasets)} if include else shown


@action()
def group_list(call):
    """The EU's data themes as groups: names, or with all_fields their dictionaries."""
    codes = sorted(THEMES)
    if not boolean(call.data, "all_fields", False):
        return _window([code.lower() for code in codes], call.data)
    counts = queries.theme_counts()
    return [dicts.group(code, call.language, counts.get(code.lower(), 0))
            for code in _window(codes, call.data)]


@action()
def group_show(call):
    """A theme by its name."""
    code = required(call.data, "id").upper()
    if code not in THEMES:
        raise not_found(_("the group was not found"))
    return dicts.group(code, call.language, queries.theme_counts().get(code.lower(), 0))


@action()
def tag_list(call):
    """The tags of published datasets (those holding query, if given)."""
    found = queries.tag_names(text(call.data, "query"))
    return [dicts.tag(name) for name in found] if boolean(call.data, "all_fields",
                                                           False) else found


@action()
def status_show(call):
    """What the site is, for clients that ask which CKAN they speak to."""
    pack = active_pack()
    return {"site_title": f"{_('Yagona')}: {localized(pack.name, call.language)}",
            "site_description": _("Open data of the state agencies"),
            "site_url": call.request.build_absolute_uri("/").rstrip("/"),
            "ckan_version": CKAN_VERSION, "error_emails_to": None,
            "locale_default": pack.languages[0], "extensions": []}


@action()
def recently_changed_packages_activity_list(call):
    """The latest published versions, newest first, each with the package as it was."""
    limit = integer(call.data, "limit", ACTIVITY_LIMIT, ACTIVITY_MAX)
    rows = queries.recent_versions(limit, integer(call.data, "offset", 0))
    return [dicts.activity(row, call.language, call.request) for row in rows]


@action()
def help_show(call):
    """The documentation of an action (the ``help`` address of every answer)."""
    entry = ACTIONS.get(required(call.data, "name"))
    if entry is None:
        raise not_found(_("Action function not found"))
    return entry[0].__doc__


# --- writing ---------------------------------------------------------------------------


def own_dataset(user, ident: str, quiet: bool = False):
    """A dataset of the official's agencies (drafts too) by name or id; another agency's
    published one is refused (403), anything else is not found."""
    for row in queries.datasets_of(services.publisher_agencies(user)):
        if ident in (row.name, str(row.uuid)):
            return row
    if quiet:
        return None
    if queries.public_dataset(ident):
        raise denied(_("the dataset is another agency's"))
    raise not_found(_("the dataset was not found"))


def _state(data: dict) -> str:
    state = text(data, "state", "active")
    if state not in ("active", "draft"):
        raise ValidationError({"state": _("Value must be one of: active, draft")})
    return state


def _resources(data: dict) -> list | None:
    items = data.get("resources")
    if items is not None and not (isinstance(items, list)
                                  and all(isinstance(item, dict) for item in items)):
        raise ValidationError({"resources": _("Must be a list of resources")})
    return items


def _add(user, name: str, items, language: str) -> None:
    """Add new resources, (position, item) each; an error names the resource's position,
    as CKAN's does."""
    for position, item in items:
        try:
            services.add_resource(user, name, **dicts.resource_from(item, language))
        except ValidationError as error:
            raise invalid({"resources": [{}] * position + [_errors(
                error, dicts.RESOURCE_FIELDS)]}) from None


def _shown(call, user, name: str) -> dict:
    dataset = own_dataset(user, name)
    return dicts.package(dataset, queries.resources(dataset), call.language, call.request)


@action(reads=False)
def package_create(call):
    """A new dataset of owner_org; published at once when it has resources (links) and
    state is not "draft"."""
    user, data = official(call.request), call.data
    agency = queries.organization(required(data, "owner_org"))
    if agency is None:
        raise ValidationError({"owner_org": _("Organization does not exist")})
    fields = {**dicts.fields_from(data, call.language), "name": required(data, "name")}
    state, items = _state(data), _resources(data) or []
    with transaction.atomic():
        dataset = services.create_dataset(user, agency.code, fields)
        _add(user, dataset.name, enumerate(items), call.language)
        if items and state == "active":
            services.publish(user, dataset.name)
    return _shown(call, user, dataset.name)


@action(reads=False)
def package_update(call):
    """Replace a dataset's metadata and, when given, its resources (those without a known
    id are added as links, those left out removed); state "active" publishes a draft."""
    user, data = official(call.request), call.data
    dataset = own_dataset(user, required(data, "id", "name"))
    if text(data, "name") not in ("", dataset.name):
        raise ValidationError({"name": _("A dataset keeps its name: it is its address.")})
    state, items = _state(data), _resources(data)
    changed = dicts.changed_fields(dataset, dicts.fields_from(data, call.language, dataset))
    with transaction.atomic():
        if changed:
            services.update_dataset(user, dataset.name, changed)
        if items is not None:
            existing = {str(row.uuid) for row in queries.resources(dataset)}
            ids = [str(item.get("id") or "") for item in items]
            _add(user, dataset.name, [(position, item) for position, item in enumerate(items)
                                      if ids[position] not in existing], call.language)
            for gone in sorted(existing.difference(ids)):
                try:
                    services.remove_resource(user, dataset.name, gone)
                except ValidationError as error:
                    raise invalid({"resources": error.messages}) from None
        if state == "active" and dataset.state == "draft":
            services.publish(user, dataset.name)
    return _shown(call, user, dataset.name)


# --- the view --------------------------------------------------------------------------


def _language(request, data: dict) -> str:
    languages = active_pack().languages
    asked = request.GET.get("lang") or data.pop("lang", None)
    return asked if asked in languages else languages[0]


def _bad_request(message: str, status: int = 400) -> JsonResponse:
    """CKAN answers an unknown action or unreadable data with a bare JSON string."""
    return JsonResponse(f"{_('Bad request')} - {message}", status=status, safe=False)


def _errors(error: ValidationError, fields=dicts.CKAN_FIELDS) -> dict:
    """A ValidationError as CKAN's: field -> [messages], in CKAN's names of the fields."""
    if hasattr(error, "error_dict"):
        return {fields.get(key, key): [str(m) for m in messages]
                for key, messages in error.message_dict.items()}
    return {"message": [str(m) for m in error.messages]}


def _answer(function, call) -> dict:
    """The action's result, or its refusal, as CKAN reports them."""
    try:
        return {"success": True, "result": function(call)}
    except queries.BadQuery as error:
        refusal = invalid({str(error).split(":", 1)[0] if ":" in str(error) else "q":
                           [str(error)]})
    except ValidationError as error:
        refusal = invalid(_errors(error))
    except PermissionDenied:
        refusal = denied()
    except Http404:
        refusal = not_found()
    except Refusal as error:
        refusal = error
    return {"success": False, "error": refusal.error, "status": refusal.status}


@permission(PUBLIC)
@csrf_exempt
def dispatch(request, name):
    """One action of the API, answered in CKAN's envelope."""
    entry = ACTIONS.get(name)
    if entry is None:
        return _bad_request(f"Action name not known: {name[:100]}")
    try:
        data = dicts.request_data(request, reads=entry[1])
    except RequestDataTooBig:
        return _bad_request(_("The request is too large."), status=413)
    except ValueError as error:
        return _bad_request(f"JSON Error: {error}")
    language = _language(request, data)
    with translation.override(language):
        answer = _answer(entry[0], Call(request, data, language))
    status = answer.pop("status", 200)
    address = reverse("ckan:action", kwargs={"name": "help_show"}) + "?" + urlencode(
        {"name": name})
    return JsonResponse({"help": request.build_absolute_uri(address), **answer}, status=status)


urlpatterns = [
    path("api/3/action/<str:name>", dispatch, name="action"),
    path("api/action/<str:name>", dispatch, name="action-unversioned"),
]
