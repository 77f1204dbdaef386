"""CKAN's Action API (/api/3/action/) proven with CKAN's own client, ckanapi, over real
HTTP (live_server): what harvesters read (lists, search with filters, facets, sort and
paging, datasets, resources, organizations, groups, tags, the activity), what an agency's
office token writes, and CKAN's errors; then the error envelopes byte by byte with the
test client."""

import hashlib
import json
from pathlib import Path

import ckanapi
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.core.countries import active_pack
from yagona.opendata import services
from yagona.opendata.models import Dataset
from yagona.testing.tokens import api_token

CSV = b"region,beds\nDushanbe,5200\nSughd,4100\n"
BUDGET = b"year,spent\n2023,100\n2024,120\n"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"


def _publisher(n: int, agency: str):
    user = accounts.create_person(SYSTEM, f"41000000{n}", first_name="Data",
                                  last_name=f"Publisher{n}", password="correct horse battery")
    accounts.grant_role(SYSTEM, user, Agency.objects.get(code=agency), Role.DATA_PUBLISHER)
    return user


def _dataset(user, agency, name, resource, **fields):
    """A dataset made and published the way the back office does it."""
    services.create_dataset(user, agency, {"name": name, "licence": "CC-BY-4.0",
                                           "frequency": "ANNUAL", **fields})
    kind, content = resource
    if kind == "CSV":
        services.add_resource(user, name, title={"tg": "Ҷадвал", "en": "Table"},
                              file_format="CSV", upload=SimpleUploadedFile(
                                  f"{name}.csv", content, content_type="text/csv"))
    else:
        services.add_resource(user, name, title="API", file_format=kind, url=content)
    return services.publish(user, name)


def build(settings, tmp_path) -> dict:
    """The tj pack; MOH publishes hospital beds (a CSV, changed once: two versions) and
    vaccinations (a link), MINFIN the state budget (a CSV); MOH has a draft too."""
    from yagona.catalogue.packs import load_pack

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COUNTRY = "tj"
    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    moh, minfin = _publisher(1, "MOH"), _publisher(2, "MINFIN")
    beds = _dataset(
        moh, "MOH", "hospital-beds", ("CSV", CSV),
        title={"tg": "Катҳои беморхона", "en": "Hospital beds"},
        description={"tg": "Катҳо аз рӯи минтақа", "en": "Beds in hospitals by region"},
        keywords={"tg": ["беморхона"], "en": ["hospitals", "health"]},
        themes=["HEAL", "REGI"], temporal_start="2020-01-01", temporal_end="2023-12-31",
        spatial={"en": "Tajikistan"})
    _dataset(moh, "MOH", "vaccinations", ("JSON", "https://example.org/vaccinations.json"),
             title={"tg": "Эмкунӣ", "en": "Vaccinations"}, description={"en": "Doses given"},
             keywords={"en": ["health", "vaccines"]}, themes=["HEAL"], licence="CC0-1.0")
    _dataset(minfin, "MINFIN", "state-budget", ("CSV", BUDGET),
             title={"tg": "Буҷети давлатӣ", "en": "State budget"},
             description={"en": "Spending by year"}, keywords={"en": ["budget"]},
             themes=["ECON"])
    services.update_dataset(moh, "hospital-beds", {"title": {
        "tg": "Катҳои беморхона", "en": "Hospital beds by region"}})
    services.create_dataset(moh, "MOH", {"name": "secret-draft", "title": "Лоиҳа",
                                         "licence": "CC-BY-4.0", "frequency": "NEVER"})
    return {"moh": moh, "minfin": minfin, "beds": beds,
            "moh_token": api_token(moh), "minfin_token": api_token(minfin)}


@pytest.fixture
def live(live_server, settings, tmp_path, transactional_db):
    """The catalogue behind a live server; ``remote(apikey=...)`` is a ckanapi client,
    closed afterwards (a kept-alive connection holds a server thread and its database
    connection, which PostgreSQL then refuses to drop)."""
    clients = []

    def remote(**options):
        clients.append(ckanapi.RemoteCKAN(live_server.url, **options))
        return clients[-1]

    yield {**build(settings, tmp_path), "url": live_server.url, "remote": remote,
           "ckan": remote()}
    for client in clients:
        client.close()


# --- ckanapi over HTTP ------------------------------------------------------------------


def test_harvesters_list_show_and_follow_what_is_published(live):
    ckan, url, beds = live["ckan"], live["url"], live["beds"]
    assert ckan.action.package_list() == ["hospital-beds", "state-budget", "vaccinations"]
    assert ckan.action.package_list(limit=1, offset=1) == ["state-budget"]

    shown = ckan.action.package_show(id="hospital-beds")
    assert shown == ckan.action.package_show(id=str(beds.uuid))  # by name or by id
    assert shown["id"] == str(beds.uuid) and shown["type"] == "dataset"
    assert shown["title"] == "Катҳои беморхона"  # the pack's first language by default
    assert shown["title_translated"] == {"tg": "Катҳои беморхона",
                                         "en": "Hospital beds by region"}
    assert shown["state"] == "active" and shown["private"] is False
    assert shown["version"] == "2"
    assert shown["url"] == f"{url}/data/hospital-beds/"
    assert (shown["license_id"], shown["license_url"]) == (
        "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert shown["organization"]["name"] == shown["owner_org"] == "moh"
    assert shown["organization"]["is_organization"] is True
    assert [t["name"] for t in shown["tags"]] == ["беморхона", "hospitals", "health"]
    assert shown["num_tags"] == 3
    assert [g["name"] for g in shown["groups"]] == ["heal", "regi"]
    assert {e["key"]: e["value"] for e in shown["extras"]} == {
        "frequency": FREQ + "ANNUAL", "temporal_start": "2020-01-01",
        "temporal_end": "2023-12-31", "spatial_text": "Tajikistan", "language": "tg,en"}
    assert shown["metadata_created"] == beds.published_at.replace(tzinfo=None).isoformat()
    assert "+" not in shown["metadata_modified"]

    english = ckan.action.package_show(id="hospital-beds", lang="en")
    assert english["title"] == "Hospital beds by region"
    assert english["notes"] == "Beds in hospitals by region"
    assert english["groups"][0]["title"] == "Health"
    assert english["organization"]["title"].startswith("Ministry of Health")

    (resource,) = shown["resources"]
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"
    assert resource["hash"] == "sha256:" + hashlib.sha256(CSV).hexdigest()
    assert resource["size"] == len(CSV) and resource["mimetype"] == "text/csv"
    assert resource["package_id"] == str(beds.uuid)
    assert resource["url"].startswith(f"{url}/data/hospital-beds/resources/")
    with requests.get(resource["url"], timeout=10) as download:
        assert download.content == CSV
    assert ckan.action.resource_show(id=resource["id"]) == resource
    link = ckan.action.package_show(id="vaccinations")["resources"][0]
    assert (link["url"], link["url_type"], link["hash"]) == (
        "https://example.org/vaccinations.json", None, "")

    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="secret-draft")  # a draft is nobody's business
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-data")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="6a1f1d0e-0000-4000-8000-000000000000")

    # The activity: newest first, each version with the package as that version was.
    activity = ckan.action.recently_changed_packages_activity_list()
    assert [(a["data"]["package"]["name"], a["activity_type"]) for a in activity] == [
        ("hospital-beds", "changed package"), ("state-budget", "new package"),
        ("vaccinations", "new package"), ("hospital-beds", "new package")]
    assert activity[0]["object_id"] == activity[3]["object_id"] == str(beds.uuid)
    assert activity[0]["data"]["package"]["title_translated"]["en"] == \
        "Hospital beds by region"
    assert activity[3]["data"]["package"]["title_translated"]["en"] == "Hospital beds"
    assert activity[3]["data"]["package"]["version"] == "1"
    old = activity[3]["data"]["package"]["resources"][0]
    assert old["url"].startswith(f"{url}/data/hospital-beds/versions/1/")
    assert activity[0]["user_id"] == "moh"  # the agency, not the person's national ID
    assert len({a["id"] for a in activity}) == 4
    assert ckan.action.recently_changed_packages_activity_list(limit=1, offset=1)[0][
        "data"]["package"]["name"] == "state-budget"
    assert ckan.action.recently_changed_packages_activity_list(limit=2) == activity[:2]


def test_search_filters_sorts_pages_and_counts_facets(live):
    ckan = live["ckan"]
    fields = ["organization", "groups", "tags", "res_format", "license_id"]
    everything = ckan.action.package_search(q="*:*", rows=10, **{"facet.field": fields})
    assert everything["count"] == 3
    assert everything["facets"] == {
        "organization": {"moh": 2, "minfin": 1},
        "groups": {"heal": 2, "econ": 1, "regi": 1},
        "tags": {"health": 2, "budget": 1, "hospitals": 1, "vaccines": 1, "беморхона": 1},
        "res_format": {"CSV": 2, "JSON": 1},
        "license_id": {"CC-BY-4.0": 2, "CC0-1.0": 1}}
    items = everything["search_facets"]["organization"]["items"]
    assert [(i["name"], i["count"]) for i in items] == [("moh", 2), ("minfin", 1)]
    assert items[0]["display_name"].startswith("Вазорати тандурустӣ")
    assert everything["search_facets"]["license_id"]["items"][1]["display_name"] == \
        "Creative Commons Zero 1.0 (public domain)"

    def names(**params):
        found = ckan.action.package_search(**params)
        return found["count"], [p["name"] for p in found["results"]]

    assert names(sort="name asc") == (3, ["hospital-beds", "state-budget", "vaccinations"])
    assert names(sort="name desc", rows=2) == (3, ["vaccinations", "state-budget"])
    assert names(sort="name asc", rows=1, start=1) == (3, ["state-budget"])
    assert names(sort="name asc", rows=0) == (3, [])
    assert names(q="budget") == (1, ["state-budget"])
    assert names(q="health", sort="name asc") == (2, ["hospital-beds", "vaccinations"])
    assert names(q="hosp") == (1, ["hospital-beds"])  # words are found by their start
    assert names(q="беморхона") == (1, ["hospital-beds"])
    assert names(fq="organization:moh", sort="name asc") == (
        2, ["hospital-beds", "vaccinations"])
    assert names(fq='tags:"health" +res_format:CSV') == (1, ["hospital-beds"])
    assert names(fq="groups:econ") == (1, ["state-budget"])
    assert names(fq="+dataset_type:dataset organization:minfin") == (1, ["state-budget"])
    assert names(fq="license_id:CC0-1.0", q="health") == (1, ["vaccinations"])
    assert names(fq="organization:moh", q="budget") == (0, [])

    filtered = ckan.action.package_search(fq="organization:moh", **{
        "facet.field": json.dumps(["tags", "groups"]), "facet.limit": 1})
    assert filtered["facets"] == {"tags": {"health": 2}, "groups": {"heal": 2}}
    assert ckan.action.package_search(facet="false", **{"facet.field": fields})[
        "facets"] == {}
    # CKAN answers without facets unless facet.field names them.
    assert ckan.action.package_search()["search_facets"] == {}

    # GET, as clients that only read do (ckanapi's get_only).
    reader = live["remote"](get_only=True)
    assert reader.action.package_search(fq="organization:minfin")["count"] == 1

    with pytest.raises(ckanapi.ValidationError) as refused:
        ckan.action.package_search(fq="colour:red")
    assert "colour" in refused.value.error_dict["fq"][0]
    with pytest.raises(ckanapi.ValidationError) as refused:
        ckan.action.package_search(sort="popularity desc")
    assert "sort" in refused.value.error_dict


def test_organizations_groups_tags_and_status(live):
    ckan, url = live["ckan"], live["url"]
    organizations = ckan.action.organization_list()
    assert organizations == sorted(organizations) and len(organizations) == 14
    assert {"moh", "minfin", "president"} <= set(organizations)
    counts = {o["name"]: o["package_count"]
              for o in ckan.action.organization_list(all_fields=True, limit=100)}
    assert (counts["moh"], counts["minfin"], counts["president"]) == (2, 1, 0)

    moh = ckan.action.organization_show(id="moh", include_datasets=True, lang="en")
    assert moh["title"].startswith("Ministry of Health") and moh["package_count"] == 2
    assert sorted(p["name"] for p in moh["packages"]) == ["hospital-beds", "vaccinations"]
    assert "packages" not in ckan.action.organization_show(id="MOH")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.organization_show(id="nasa")

    groups = ckan.action.group_list()
    assert len(groups) == 13 and groups[:3] == ["agri", "econ", "educ"]
    themes = {g["name"]: g for g in ckan.action.group_list(all_fields=True, lang="en")}
    assert (themes["heal"]["package_count"], themes["heal"]["title"]) == (2, "Health")
    assert themes["agri"]["package_count"] == 0

    assert ckan.action.tag_list() == sorted(
        ["budget", "health", "hospitals", "vaccines", "беморхона"])
    assert ckan.action.tag_list(query="vacc") == ["vaccines"]

    status = ckan.action.status_show()
    assert (status["ckan_version"], status["locale_default"]) == ("2.10.4", "tg")
    assert status["site_url"] == url and status["extensions"] == []


def test_an_agencys_token_creates_and_updates_datasets(live):
    moh = live["remote"](apikey=live["moh_token"])
    created = moh.action.package_create(
        name="clinics", title="Clinics", owner_org="MOH", notes="Clinics of the country",
        tags=[{"name": "health"}, {"name": "clinics"}], groups=[{"name": "heal"}],
        license_id="CC0-1.0", extras=[{"key": "frequency", "value": FREQ + "MONTHLY"}],
        resources=[{"name": "Clinics", "url": "https://example.org/clinics.json",
                    "format": "json"}])
    assert (created["state"], created["version"], created["owner_org"]) == (
        "active", "1", "moh")
    assert created["resources"][0]["url"] == "https://example.org/clinics.json"
    assert created["resources"][0]["format"] == "JSON"
    assert {e["key"]: e["value"] for e in created["extras"]}["frequency"] == FREQ + "MONTHLY"
    public = live["ckan"]
    assert public.action.package_show(id="clinics")["title"] == "Clinics"
    assert public.action.package_search(fq="tags:clinics")["count"] == 1

    # CKAN's way to change a dataset: show it, change the dict, send it back.
    shown = moh.action.package_show(id=created["id"], lang="en")
    shown["title"] = "Clinics and health centres"
    shown["resources"].append({"name": "Map", "name_translated": {"tg": "Харита"},
                               "url": "https://example.org/map", "format": "HTML"})
    updated = moh.action.package_update(lang="en", **shown)
    assert updated["title_translated"] == {"tg": "Clinics", "en": "Clinics and health centres"}
    assert [r["format"] for r in updated["resources"]] == ["JSON", "HTML"]
    assert updated["version"] == "3"  # the metadata, then the resource: one version each
    again = moh.action.package_update(**updated)
    assert again["version"] == "3"  # nothing changed, no new version
    trimmed = moh.action.package_update(**{**updated, "resources": updated["resources"][1:],
                                           "tags": [{"name": "clinics"}]})
    assert [r["format"] for r in trimmed["resources"]] == ["HTML"]
    assert [t["name"] for t in trimmed["tags"]] == ["clinics"]

    # Without resources a new dataset stays a draft, seen by its publishers only.
    draft = moh.action.package_create(name="clinic-queues", title="Навбат", owner_org="moh",
                                      notes="Queues", extras=[{"key": "frequency",
                                                               "value": "DAILY"}])
    assert draft["state"] == "draft" and draft["num_resources"] == 0
    with pytest.raises(ckanapi.NotFound):
        public.action.package_show(id="clinic-queues")
    assert moh.action.package_show(id="clinic-queues")["state"] == "draft"
    published = moh.action.package_update(
        id="clinic-queues", title="Навбат", notes="Queues", state="active",
        frequency="DAILY", resources=[{"url": "https://example.org/queues.csv"}])
    assert published["state"] == "active" and published["resources"][0]["format"] == "CSV"
    assert public.action.package_show(id="clinic-queues")["version"] == "1"

    with pytest.raises(ckanapi.ValidationError) as refused:
        moh.action.package_create(name="clinics", title="Again", owner_org="moh",
                                  frequency="DAILY")
    assert list(refused.value.error_dict) == ["name", "__type"]
    with pytest.raises(ckanapi.ValidationError) as refused:
        moh.action.package_create(name="no-frequency", title="T", owner_org="moh")
    assert "frequency" in refused.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as refused:
        moh.action.package_create(name="bad-link", title="T", owner_org="moh", notes="N",
                                  frequency="DAILY", resources=[
                                      {"url": "https://example.org/a.csv"},
                                      {"url": "ftp://example.org/b.csv", "format": "CSV"}])
    assert refused.value.error_dict["resources"][0] == {}
    assert "url" in refused.value.error_dict["resources"][1]
    assert not Dataset.objects.filter(name="bad-link").exists()  # all or nothing


def test_writing_needs_an_office_token_of_the_agency(live):
    fields = {"name": "x-data", "title": "X", "owner_org": "moh", "frequency": "DAILY"}
    with pytest.raises(ckanapi.NotAuthorized):
        live["ckan"].action.package_create(**fields)
    citizen = accounts.create_person(SYSTEM, "410000009", first_name="C", last_name="Z")
    with pytest.raises(ckanapi.NotAuthorized):  # a citizen's token opens no office work
        live["remote"](apikey=api_token(citizen)).action.package_create(**fields)
    minfin = live["remote"](apikey=live["minfin_token"])
    with pytest.raises(ckanapi.NotAuthorized):  # another agency's
        minfin.action.package_create(**fields)
    with pytest.raises(ckanapi.NotAuthorized):
        minfin.action.package_update(id="hospital-beds", title="Mine")
    with pytest.raises(ckanapi.NotFound):  # another agency's draft is not even there
        minfin.action.package_update(id="secret-draft", title="Mine")
    with pytest.raises(ckanapi.ValidationError) as refused:
        minfin.action.package_create(**{**fields, "owner_org": "nasa"})
    assert "owner_org" in refused.value.error_dict
    assert not Dataset.objects.filter(name="x-data").exists()


# --- envelopes and refusals, with the test client ---------------------------------------


@pytest.fixture
def catalogue(settings, tmp_path, db):
    return build(settings, tmp_path)


def _call(client, action, status, data=None, method="post", **headers):
    if method == "get":
        response = client.get(f"/api/3/action/{action}", data or {}, **headers)
    else:
        response = client.post(f"/api/3/action/{action}", data if isinstance(data, bytes)
                               else json.dumps(data or {}), content_type="application/json",
                               **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_answers_and_errors_come_in_ckans_envelope(client, catalogue):
    body = _call(client, "status_show", 200, method="get")
    assert body["success"] is True
    assert body["help"] == "http://testserver/api/3/action/help_show?name=status_show"
    assert client.get("/api/action/package_list").json()["result"][0] == "hospital-beds"
    assert "facet.field" in _call(client, "help_show", 200, {"name": "package_search"})[
        "result"]

    assert _call(client, "no_such_action", 400) == \
        "Bad request - Action name not known: no_such_action"
    assert _call(client, "package_list", 400, b"{not json").startswith(
        "Bad request - JSON Error: Error decoding JSON data.")
    assert "needs to be a dictionary" in _call(client, "package_list", 400, b"[1, 2]")
    assert "POST" in _call(client, "package_create", 400, {"name": "x"}, method="get")

    missing = _call(client, "package_show", 404, {"id": "missing"})
    assert missing["success"] is False and missing["help"].endswith("name=package_show")
    assert missing["error"]["__type"] == "Not Found Error"
    assert _call(client, "package_show", 404, {"id": "-" * 36})["success"] is False
    assert _call(client, "package_show", 409, {"lang": "en"})["error"] == {
        "__type": "Validation Error", "id": ["Missing value"]}
    with translation.override(active_pack().languages[0]):  # the pack's first by default
        expected = _("Missing value")
    assert expected != "Missing value"
    assert _call(client, "package_show", 409, {})["error"]["id"] == [expected]

    for params in ({"rows": "abc"}, {"rows": -1}, {"start": "1.5"}, {"facet.field": "[tags"},
                   {"facet.field": [1]}, {"q": {"a": 1}}, {"fq": "groups:heal OR x"},
                   {"facet.limit": "many"}, {"facet": "perhaps"}):
        error = _call(client, "package_search", 409, params)["error"]
        assert error["__type"] == "Validation Error" and len(error) == 2, (params, error)
    assert _call(client, "package_search", 409, {"rows": "abc", "lang": "en"})["error"][
        "rows"] == ["Invalid integer"]
    assert _call(client, "package_search", 200, {"rows": "5000"}, method="get")[
        "result"]["count"] == 3  # over the maximum is cut to it, as CKAN does

    denied = _call(client, "package_create", 403, {"name": "x"})
    assert denied["error"]["__type"] == "Authorization Error"
    assert _call(client, "package_create", 403, {"name": "x"},
                 HTTP_AUTHORIZATION="Bearer not-a-token")["success"] is False


def test_wrong_types_are_validation_errors_not_crashes(client, catalogue):
    token = {"HTTP_AUTHORIZATION": f"Bearer {catalogue['moh_token']}"}
    base = {"name": "typed", "title": "T", "owner_org": "moh", "frequency": "DAILY"}
    for wrong in ({"title": ["a"]}, {"tags": 5}, {"groups": [{"name": "space"}]},
                  {"resources": [1]}, {"resources": "x"}, {"extras": {"a": 1}},
                  {"license_id": {"x": 1}}, {"state": "deleted"}, {"owner_org": ["moh"]},
                  {"temporal_start": "yesterday"}, {"maintainer_email": "nobody"},
                  {"resources": [{"url": "https://example.org/f", "format": "EXE"}]},
                  {"resources": [{"url": "https://e.org/f.csv", "upload": "x"}]}):
        body = _call(client, "package_create", 409, {**base, **wrong}, **token)
        assert body["error"]["__type"] == "Validation Error", wrong
    created = _call(client, "package_create", 200, {**base, "tags": "a,b"}, **token)
    assert [t["name"] for t in created["result"]["tags"]] == ["a", "b"]
    assert _call(client, "package_update", 409, {"id": "typed", "name": "renamed"},
                 **token)["error"]["name"]
    assert _call(client, "package_update", 404, {"id": "nothing"}, **token)["success"] is False
