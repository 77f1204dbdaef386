"""Open311 GeoReport v2 (/open311/v2/): every method in JSON and XML, each answer held to
schemas written from the spec's field lists (open311/georeport-v2.schema.json, *.xsd);
the api_key, refusals in the spec's error format, and nothing of the author in a service
request."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator
from lxml import etree

from yagona.appeals import services
from yagona.appeals.models import Appeal, AppKey
from yagona.appeals.tests import conftest as appeal_fixtures
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry

pytestmark = pytest.mark.django_db
desk = appeal_fixtures.desk  # officials with an authenticator (they sign answers)
HERE = Path(__file__).parent / "open311"
JSON_SCHEMA = json.loads((HERE / "georeport-v2.schema.json").read_text(encoding="utf-8"))
XSD = {name: etree.XMLSchema(etree.parse(str(HERE / name)))
       for name in ("georeport-v2.xsd", "georeport-v2-created.xsd")}
BASE = "/open311/v2"
# Someone's own data, sent with a report: none of it may come back from a public read.
PERSONAL = {"email": "nodira@example.org", "first_name": "Nodira", "last_name": "Sharipova",
            "phone": "+992900111222", "device_id": "device-8812", "account_id": "acct-5531",
            "address_string": "Rudaki 14, flat 7"}


def valid(response, fmt: str, kind: str, status: int = 200):
    """The response's body, after checking status, content type and schema."""
    assert response.status_code == status, response.content[:1000]
    assert response["Content-Type"] == {"json": "application/json; charset=utf-8",
                                        "xml": "text/xml; charset=utf-8"}[fmt]
    if fmt == "json":
        body = json.loads(response.content)
        validator = Draft202012Validator({**JSON_SCHEMA, "$ref": f"#/$defs/{kind}"})
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert problems == [], problems
        return body
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    document = etree.fromstring(response.content)
    schema = XSD["georeport-v2-created.xsd" if kind == "created" else "georeport-v2.xsd"]
    assert schema.validate(document), schema.error_log
    root = {"created": "service_requests"}.get(kind, kind)
    assert document.tag == root
    return document


@pytest.fixture
def key(people):
    _row, key = services.create_app_key(SYSTEM, "FixIt", "dev@fixit.example")
    return key


def report(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "dumping", "lat": "38.561234",
            "long": "68.774321", "description": "Rubbish by the river\nCall me, I live "
            "at Rudaki 14", "attribute[size]": "truck", **fields}
    return client.post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_every_method_answers_to_the_spec_in_both_formats(client, key, fmt):
    listed = valid(client.get(f"{BASE}/services.{fmt}"), fmt, "services")
    if fmt == "json":
        assert {s["service_code"] for s in listed} == {"street_light", "dumping"}
        assert all(s["type"] == "realtime" and s["metadata"] for s in listed)
    else:
        assert listed.xpath("service/service_code/text()") == ["street_light", "dumping"]
    for code in ("dumping", "street_light"):
        valid(client.get(f"{BASE}/services/{code}.{fmt}"), fmt, "service_definition")
    definition = client.get(f"{BASE}/services/dumping.json").json()
    assert definition["attributes"][0] | {"values": None} == {
        "variable": True, "code": "size", "datatype": "singlevaluelist", "required": True,
        "datatype_description": None, "order": 1, "description": "Size", "values": None}
    assert [v["key"] for v in definition["attributes"][0]["values"]] == ["bag", "truck"]

    created = valid(report(client, key, fmt), fmt, "created", status=201)
    new_id = created[0]["service_request_id"] if fmt == "json" else \
        created.findtext("request/service_request_id")
    appeal = Appeal.objects.get(uuid=new_id)
    assert (appeal.channel, appeal.app.name, appeal.category.code) == ("open311", "FixIt",
                                                                       "dumping")
    for url in (f"requests.{fmt}", f"requests.{fmt}?status=open&service_code=dumping,x",
                f"requests.{fmt}?service_request_id={new_id},nonsense",
                f"requests/{new_id}.{fmt}", f"requests.{fmt}?jurisdiction_id=xx"):
        found = valid(client.get(f"{BASE}/{url}"), fmt, "service_requests")
        ids = [r["service_request_id"] for r in found] if fmt == "json" else \
            found.xpath("request/service_request_id/text()")
        assert ids == [new_id], url
    for url in (f"requests.{fmt}?status=closed", f"requests.{fmt}?service_code=street_light"):
        assert len(valid(client.get(f"{BASE}/{url}"), fmt, "service_requests")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_request_shows_nothing_of_its_author(client, key, fmt):
    new_id = report(client, key, **PERSONAL).json()[0]["service_request_id"]
    appeal = Appeal.objects.get(uuid=new_id)
    assert appeal.contact["email"] == PERSONAL["email"]  # kept for the agency's answer
    for url in (f"requests.{fmt}", f"requests/{new_id}.{fmt}"):
        body = client.get(f"{BASE}/{url}").content.decode()
        for value in (*PERSONAL.values(), "Rudaki 14", "Call me"):
            assert value not in body, (url, value)
    one = client.get(f"{BASE}/requests/{new_id}.json").json()[0]
    assert (one["lat"], one["long"]) == (38.561, 68.774)  # about 100 m
    assert one["description"] == "Rubbish by the river"  # the subject, not the text
    assert one["agency_responsible"] == "Civil Registry" and one["status"] == "open"
    assert one["expected_datetime"].startswith(appeal.due_date.isoformat())


def test_another_applications_post_needs_no_csrf_token_but_its_key_in_the_body(key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert report(strict, key).status_code == 201
    in_url = strict.post(f"{BASE}/requests.json?api_key={key}", {
        "service_code": "dumping", "lat": "38.5", "long": "68.7", "description": "x",
        "attribute[size]": "bag"})
    assert in_url.status_code == 403


def test_media_url_is_ignored_and_nothing_is_fetched(client, key):
    response = report(client, key, media_url="http://203.0.113.5/photo.jpg")
    appeal = Appeal.objects.get(uuid=response.json()[0]["service_request_id"])
    assert not appeal.photos.exists()
    assert "203.0.113.5" not in client.get(f"{BASE}/requests/{appeal.uuid}.json").content.decode()


def _revoked(client):
    row, key = services.create_app_key(SYSTEM, "Old app")
    services.revoke_app_key(SYSTEM, row.pk)
    return key


REFUSALS = [  # (method, path, data or a callable giving it, status)
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7"}, 403),
    ("post", "requests", {"api_key": "guessed", "service_code": "dumping"}, 403),
    ("post", "requests", lambda client, key: {"api_key": _revoked(client),
                                              "service_code": "dumping"}, 403),
    ("post", "requests", {"service_code": ""}, 400),
    ("post", "requests", {"service_code": "potholes"}, 404),
    ("post", "requests", {"service_code": "dumping", "description": "x"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "NaN", "long": "68.7",
                          "description": "x", "attribute[size]": "bag"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "51.5", "long": "-0.1",
                          "description": "x", "attribute[size]": "bag"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7",
                          "description": "x"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7",
                          "description": "x", "attribute[size]": ["bag", "truck"]}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7",
                          "description": "x" * 4001, "attribute[size]": "bag"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7",
                          "description": "x", "attribute[size]": "bag",
                          "email": "not an address"}, 400),
    ("post", "requests", {"service_code": "dumping", "lat": "38.5", "long": "68.7",
                          "description": "", "attribute[size]": "bag"}, 400),
    ("get", "services/potholes", None, 404),
    ("get", "requests/not-a-number", None, 404),
    ("get", "requests/00000000-0000-4000-8000-000000000000", None, 404),
    ("get", "requests", {"status": "pending"}, 400),
    ("get", "requests", {"start_date": "yesterday"}, 400),
    ("get", "requests", {"start_date": "2020-01-01T00:00:00Z",
                         "end_date": "2021-01-01T00:00:00Z"}, 400),
    ("get", "requests", {"start_date": "2021-01-01T00:00:00Z",
                         "end_date": "2020-12-01T00:00:00Z"}, 400),
    ("get", "services", {"jurisdiction_id": "elsewhere.example"}, 404),
    ("put", "requests", None, 400),
    ("get", "tokens/123", None, 404),
    ("get", "discovery", None, 404),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("method, path, data, status", REFUSALS)
def test_refusals_come_in_the_specs_error_format(client, key, fmt, method, path, data,
                                                 status):
    if callable(data):
        data = data(client, key)
    elif method == "post" and data is not None and status != 403:
        data = {"api_key": key, **data}
    response = getattr(client, method)(f"{BASE}/{path}.{fmt}", data or {})
    errors = valid(response, fmt, "errors", status=status)
    codes = [e["code"] for e in errors] if fmt == "json" else errors.xpath("error/code/text()")
    assert set(codes) == {status if fmt == "json" else str(status)}
    assert not Appeal.objects.exists()


def test_an_unknown_format_is_refused_in_xml(client):
    response = client.get(f"{BASE}/services.csv")
    valid(response, "xml", "errors", status=404)


def test_the_default_window_is_the_last_90_days(client, key):
    old, new = (report(client, key, description=f"Report {n}").json()[0]["service_request_id"]
                for n in (1, 2))
    Appeal.objects.filter(uuid=old).update(submitted_at=timezone.now() - timedelta(days=100))
    ids = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert ids == [new]
    start = (timezone.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = [r["service_request_id"] for r in
           client.get(f"{BASE}/requests.json", {"start_date": start}).json()]
    assert ids == [old]  # start_date and 90 days after it
    asked = client.get(f"{BASE}/requests.json", {"service_request_id": f"{old},{new}"}).json()
    assert {r["service_request_id"] for r in asked} == {old, new}  # ids override the window


def test_a_merged_duplicate_is_a_closed_request(client, key, desk):
    first, second = (report(client, key, description=f"Dump {n}").json()[0][
        "service_request_id"] for n in (1, 2))
    services.merge(desk["operator"], second, Appeal.objects.get(uuid=first).number)
    merged = client.get(f"{BASE}/requests/{second}.json").json()[0]
    assert merged["status"] == "closed" and merged["status_notes"]
    listed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in listed] == [second]


def test_the_key_command_prints_a_key_once_and_revokes_it(client, people):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311-key", "create", "City app", "--contact", "it@city.example",
                 stdout=out, stderr=err)
    key = out.getvalue().strip()
    row = AppKey.objects.get()
    assert len(key) >= 40 and key not in row.key_hash and row.name == "City app"
    created = AuditEntry.objects.get(action="appeals.app_key_created")
    assert key not in json.dumps(created.summary) and created.actor.startswith("cli:")
    assert report(client, key).status_code == 201
    listing = io.StringIO()
    call_command("open311-key", "list", stdout=listing)
    assert "City app" in listing.getvalue() and key not in listing.getvalue()
    call_command("open311-key", "revoke", str(row.pk), stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="appeals.app_key_revoked").count() == 1
    refused = report(client, key, description="Another one")
    assert refused.status_code == 403 and Appeal.objects.count() == 1
