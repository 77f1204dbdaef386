import json

import pytest
from django.utils import timezone

from yagona.conftest import make_person_id
from yagona.registries.tests.test_records import person

BASE = "/api/v1/registries"


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_keepers_write_others_read_what_they_may(api):  # noqa: F811
    keeper = api["keeper"]
    created = send(keeper, "post", f"{BASE}/population/records", {"data": person(1),
                                                               "reason": "Birth record 17"})
    assert created.status_code == 201, created.content
    uuid = created.json()["id"]
    invalid = send(keeper, "post", f"{BASE}/population/records",
                   {"data": {**person(2), "birth_date": "2999-01-01"}, "reason": "r"})
    assert invalid.status_code == 422
    assert [e["path"] for e in invalid.json()["errors"]] == ["/birth_date"]
    assert send(keeper, "post", f"{BASE}/population/records",
                {"data": person(1), "reason": "Birth record 17"}).status_code == 409
    before = timezone.now().isoformat()
    assert send(keeper, "patch", f"{BASE}/population/records/{uuid}",
                {"changes": {"surname": "Karimova"}, "reason": ""}).status_code == 422
    changed = send(keeper, "patch", f"{BASE}/population/records/{uuid}",
                   {"changes": {"surname": "Karimova"}, "reason": "Marriage"})
    assert changed.json()["data"]["surname"] == "Karimova"
    old = keeper.get(f"{BASE}/population/records/{uuid}", {"at": before}).json()
    assert old["data"]["surname"] == "Раҳимова"
    history = keeper.get(f"{BASE}/population/records/{uuid}/history").json()
    assert [h["operation"] for h in history] == ["create", "correct"]
    found = api["tax"].get(f"{BASE}/population/records",
                           {"field": "person_id", "value": make_person_id(1)}).json()
    assert set(found["data"]) == {"person_id", "surname"}
    listed = {r["code"]: r for r in api["tax"].get(BASE).json()}
    assert listed["population"]["fields"] == ["person_id", "surname"]
    assert api["citizen"].get(BASE).json() == []
    assert api["citizen"].get(f"{BASE}/population/records/{uuid}").status_code == 404
    retired = send(keeper, "post", f"{BASE}/population/records/{uuid}/retire",
                   {"reason": "Duplicate"})
    assert retired.status_code == 200
    assert keeper.get(f"{BASE}/population/records/{uuid}").status_code == 404
