"""Open311 GeoReport v2 at /open311/v2/: the problem categories of the pack as services,
problem reports as service requests. A facade over the appeals room: categories and
public reports through ``appeals.queries``, a new report through ``appeals.services.submit``
(channel ``open311``, the application's key as ``app``). A service request shows only what
the public map shows (``appeals.public``): no author, contact, text beyond the subject,
address or photos; the place rounded to about 100 m.

Spec: http://wiki.open311.org/GeoReport_v2 (its source: github.com/open311/open311.github.io,
GeoReport_v2/index.md). Every method in XML and JSON (``.xml``, ``.json``). Reading needs no
key; POST requests needs an ``api_key`` (``yagona open311-key create NAME``). Service types
are ``realtime``: the service_request_id (the report's uuid) comes back at once, so there
is no token method. ``media_url`` is ignored: the platform fetches nothing from elsewhere
(photos come with the portal's form). ``jurisdiction_id`` is optional; when given it must
be the pack's country code or the platform's host name.

Each view is declared ``public`` (core.permissions): the api_key names an application,
not a person, and is checked here."""

from datetime import datetime, time, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yagona.api.open311_format import Open311Error, errors, render
from yagona.appeals import queries as appeals
from yagona.appeals import services as appeal_services
from yagona.appeals.workflow import Status
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid
from yagona.core.permissions import PUBLIC, permission
from yagona.core.text import localized

MAX_REQUESTS = 1000  # the spec's default query limit: 90 days or 1000 requests
SPAN = timedelta(days=90)
MAX_DESCRIPTION = 4000  # the spec's limit of a description
CONTACT = ("email", "first_name", "last_name", "phone", "device_id", "account_id")


def endpoint(view):
    """Public, without CSRF (a form post from another application), the jurisdiction
    checked, and every refusal in the spec's error format of the asked format."""

    def wrapped(request, fmt="xml", **kwargs):
        try:
            _jurisdiction(request)
            return view(request, fmt, **kwargs)
        except Open311Error as refusal:
            return errors(fmt, refusal.status, *refusal.descriptions)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    wrapped.__module__ = view.__module__
    return permission(PUBLIC)(csrf_exempt(wrapped))


def _jurisdiction(request) -> None:
    given = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
             or "").strip().lower()
    host = (urlparse(settings.PUBLIC_URL).hostname or "").lower()
    known = {active_pack().code.lower(), host, host.removeprefix("www.")} - {""}
    if given and given not in known:
        raise Open311Error(404, f"jurisdiction_id '{given[:100]}' was not found")


# --- services --------------------------------------------------------------------------


def _service(category) -> dict:
    return {"service_code": category.code, "service_name": localized(category.name),
            "description": localized(category.description) or None,
            "metadata": bool(category.attributes), "type": "realtime",
            "keywords": ", ".join(category.keywords) or None,
            "group": localized(category.kind.name)}


@endpoint
def services(request, fmt):
    """GET Service List: the pack's problem categories."""
    _method(request, "GET")
    return render(fmt, "services", [_service(c) for c in appeals.categories()])


@endpoint
def service_definition(request, fmt, code):
    """GET Service Definition: the category's questions as attributes."""
    _method(request, "GET")
    category = appeals.categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code '{code[:100]}' was not found")
    attributes = [{
        "variable": True, "code": item["code"], "datatype": item["type"],
        "required": bool(item.get("required")), "datatype_description": None,
        "order": order, "description": localized(item["name"]),
        **({"values": [{"key": value["key"], "name": localized(value["name"])}
                       for value in item.get("values") or []]}
           if item["type"] == "singlevaluelist" else {}),
    } for order, item in enumerate(category.attributes, start=1)]
    return render(fmt, "service_definition", {"service_code": category.code,
                                              "attributes": attributes})


# --- service requests ------------------------------------------------------------------


def _moment(value) -> str | None:
    """W3C date and time with the offset, in the pack's zone (2010-01-01T00:00:00+05:00)."""
    if value is None:
        return None
    return timezone.localtime(value, active_pack().zone).isoformat(timespec="seconds")


def _service_request(report) -> dict:
    expected = None
    if report.due_date is not None:
        expected = datetime.combine(report.due_date, time(23, 59, 59),
                                    tzinfo=active_pack().zone)
    return {"service_request_id": report.id, "status": "open" if report.open else "closed",
            "status_notes": str(Status(report.status).label),
            "service_name": localized(report.category_name) or None,
            "service_code": report.category or None, "description": report.subject,
            "agency_responsible": localized(report.agency_name), "service_notice": None,
            "requested_datetime": _moment(report.submitted_at),
            "updated_datetime": _moment(report.updated_at),
            "expected_datetime": _moment(expected), "address": None, "address_id": None,
            "zipcode": None, "lat": report.latitude, "long": report.longitude,
            "media_url": None}


def _listed(found) -> list[dict]:
    return [_service_request(appeals.PublicReport.of(appeal))
            for appeal in found[:MAX_REQUESTS]]


@endpoint
def requests(request, fmt):
    """GET Service Requests (no key) or POST Service Request (api_key)."""
    if request.method == "POST":
        return _create(request, fmt)
    _method(request, "GET")
    query = request.GET
    if query.get("service_request_id"):  # "This overrides all other arguments."
        ids = [i.strip() for i in query["service_request_id"].split(",")][:MAX_REQUESTS]
        found = appeals.reports(ids=[i for i in ids if is_uuid(i)], merged=True,
                                categorised=True)
        return render(fmt, "service_requests", _listed(found))
    statuses = {s.strip() for s in query.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both, comma delimited")
    since, until = _span(query.get("start_date", ""), query.get("end_date", ""))
    codes = [c.strip() for c in query.get("service_code", "").split(",") if c.strip()]
    found = appeals.reports(status=statuses.pop() if len(statuses) == 1 else "",
                            categories=codes, since=since, until=until, merged=True,
                            categorised=True)
    return render(fmt, "service_requests", _listed(found))


def _when(text: str, name: str, end: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+"))  # a "+" the query string lost
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, f"{name} must be a W3C date and time, e.g. "
                                "2010-01-01T00:00:00Z")
    return timezone.make_aware(moment, active_pack().zone) if timezone.is_naive(
        moment) else moment


def _span(start: str, end: str) -> tuple[datetime, datetime]:
    """start_date and end_date: at most 90 days apart; the last 90 days by default."""
    since, until = _when(start, "start_date"), _when(end, "end_date", end=True)
    if since is None and until is None:
        until = timezone.now()
    if since is None:
        since = until - SPAN
    if until is None:
        until = since + SPAN
    if until < since:
        raise Open311Error(400, "end_date is before start_date")
    if until - since > SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return since, until


@endpoint
def service_request(request, fmt, request_id):
    """GET Service Request: one report, as a list of one."""
    _method(request, "GET")
    found = appeals.reports(ids=[request_id], merged=True, categorised=True) \
        if is_uuid(request_id) else None
    appeal = found.first() if found is not None else None
    if appeal is None:
        raise Open311Error(404, f"service_request_id '{request_id[:100]}' was not found")
    return render(fmt, "service_requests",
                  [_service_request(appeals.PublicReport.of(appeal))])


def _create(request, fmt):
    """POST Service Request: form-encoded, as the spec says; the api_key first."""
    data = request.POST
    app = appeals.app_key(data.get("api_key", ""))  # in the body: never in a URL's logs
    if app is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with "
                                "create_request.")
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    category = appeals.categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code '{code[:100]}' was not found")
    latitude, longitude = data.get("lat", "").strip(), data.get("long", "").strip()
    if bool(latitude) != bool(longitude):
        raise Open311Error(400, "lat and long must be sent together")
    if not latitude and not data.get("address_string", "").strip():
        raise Open311Error(400, "A location is required: lat and long (address_id is not "
                                "supported)")
    description = data.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is limited to {MAX_DESCRIPTION} characters")
    contact = {name: data[name].strip() for name in CONTACT if data.get(name, "").strip()}
    if "email" in contact:
        try:
            validate_email(contact["email"])
        except ValidationError as exc:
            raise Open311Error(400, "email is not a valid e-mail address") from exc
    draft = appeal_services.Draft(
        kind=category.kind.code, category=category.code, text=description,
        latitude=latitude or None, longitude=longitude or None,
        address=data.get("address_string", ""), attributes=_attributes(data),
        contact=contact, language=(get_language() or "").split("-")[0])
    try:
        appeal, _code = appeal_services.submit(None, draft, channel="open311", app=app)
    except ValidationError as refusal:
        raise Open311Error(400, *_messages(refusal)) from refusal
    notice = _("Registered as %(number)s. %(agency)s answers by %(date)s.") % {
        "number": appeal.number, "agency": localized(appeal.agency.name),
        "date": appeal.due_date.isoformat()}
    return render(fmt, "service_requests", [{
        "service_request_id": str(appeal.uuid), "service_notice": notice,
        "account_id": contact.get("account_id")}], status=201)


def _attributes(data) -> dict:
    """attribute[code]=value (and attribute[code][]=value of a list: one value here)."""
    found = {}
    for key in data:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute["):-1].removesuffix("][")
            values = data.getlist(key)
            if len(values) > 1:
                raise Open311Error(400, f"attribute[{code[:40]}] takes one value")
            found[code] = values[0]
    return found


FIELDS = {"text": "description", "location": "lat/long", "attributes": "attribute"}


def _messages(refusal: ValidationError) -> list[str]:
    """The core's refusals, named by the spec's fields."""
    out = []
    for field, messages in refusal.message_dict.items():
        name = FIELDS.get(field) or (f"attribute[{field.removeprefix('attribute_')}]"
                                     if field.startswith("attribute_") else field)
        out.extend(f"{name}: {message}" for message in messages)
    return out


def _method(request, allowed: str) -> None:
    if request.method != allowed:
        raise Open311Error(400, f"{request.method} is not allowed here; use {allowed}")


@endpoint
def unknown(request, fmt, path=""):
    """Anything else under /open311/v2/: 404 in the spec's format (.json or XML)."""
    raise Open311Error(404, "No such resource: see the services, requests and "
                            "requests/{id} methods")


def _format_of(view):
    """The view with its format taken from the path's suffix (XML unless .json)."""

    def wrapped(request, path=""):
        return view(request, fmt="json" if path.endswith(".json") else "xml", path=path)

    wrapped.permission = view.permission
    wrapped.csrf_exempt = True
    wrapped.__name__, wrapped.__module__ = view.__name__, view.__module__
    return wrapped


FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(rf"^services{FORMAT}", services, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FORMAT}", service_definition, name="service"),
    re_path(rf"^requests{FORMAT}", requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+){FORMAT}", service_request, name="request"),
    re_path(r"^(?P<path>.*)$", _format_of(unknown), name="unknown"),
]
