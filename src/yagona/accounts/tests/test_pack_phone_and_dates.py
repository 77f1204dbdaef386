"""The phone recovery form and the tokens page follow the pack (issue 9): its phone example,
pattern and date format, not Tajikistan's."""

import pytest
import yaml
from django.test import Client

from yagona.accounts import services
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.notifications import sms
from yagona.testing.packs import write_pack
from yagona.testing.web import signed_in

AZ_PHONE = {"pattern": r"^\+994[0-9]{9}$", "display": "+994 ## ### ## ##",
            "example": "+994501234567"}


@pytest.fixture
def az_phones(people, tmp_path):
    """The test pack (loaded again after the people's) with Azerbaijan's phone numbers."""
    folder = write_pack(tmp_path / "az-phones")
    pack = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    (folder / "pack.yaml").write_text(yaml.safe_dump({**pack, "phone": AZ_PHONE},
                                                     allow_unicode=True), encoding="utf-8")
    load_pack(SYSTEM, folder)
    citizen = people["citizen"]
    citizen.phone, citizen.phone_verified = "+994501234567", True
    citizen.save()
    sms.outbox.clear()
    return citizen


@pytest.mark.django_db
def test_the_recovery_form_shows_the_packs_example(az_phones):
    page = Client().get("/accounts/recover/phone/").content.decode()
    assert "+994 50 123 45 67" in page
    assert "+992" not in page


@pytest.mark.django_db
def test_the_recovery_form_cleans_brackets_and_checks_the_packs_pattern(az_phones):
    sent = Client().post("/accounts/recover/phone/", {"person_id": az_phones.username,
                                                      "phone": "+994 (50) 123-45-67"})
    assert sent.status_code == 302
    assert sms.outbox[-1][0] == "+994501234567"
    refused = Client().post("/accounts/recover/phone/", {"person_id": az_phones.username,
                                                         "phone": "+992 90 123 4567"})
    assert refused.status_code == 400
    assert "+994 50 123 45 67" in refused.content.decode()  # the error shows the example
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_the_tokens_page_writes_dates_in_the_packs_format(people):
    from django.utils import timezone

    services.issue_api_token(SYSTEM, people["citizen"], "laptop")
    page = signed_in(people["citizen"]).get("/accounts/tokens/").content.decode()
    assert timezone.now().date().isoformat() in page  # the test pack: YYYY-MM-DD
    assert timezone.now().strftime("%d.%m.%Y") not in page
