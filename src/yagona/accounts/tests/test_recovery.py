"""Password recovery without e-mail: an SMS code to a verified phone, or a one-time reset
issued at a service centre to a person who is present."""

import re

import pytest
from django.test import Client

from yagona.accounts import services
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.notifications import sms
from yagona.testing.web import TOTP_SECRET, signed_in

PHONE = "+992901234567"
NEW = "a brand new pass phrase 7"


@pytest.fixture
def citizen(people):
    user = people["citizen"]
    user.phone, user.phone_verified = PHONE, True
    user.save()
    sms.outbox.clear()
    return user


def set_new_password(client, response):
    """Follow allauth's one-time reset address and set NEW; the final answer."""
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else response["Location"]
    return client.post(form_url, {"password1": NEW, "password2": NEW})


def can_sign_in(user, password):
    return Client().post("/accounts/login/", {"login": user.username,
                                              "password": password}).status_code == 302


@pytest.mark.django_db
def test_recovery_by_a_code_sent_to_the_verified_phone(citizen):
    client = Client()
    assert "/accounts/recover/phone/" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/recover/phone/", {"person_id": citizen.username,
                                                        "phone": "+992 90 123 4567"})
    assert response["Location"] == "/accounts/recover/phone/code/"
    phone, text = sms.outbox[-1]
    assert phone == PHONE
    code = re.search(r"\b(\d{6})\b", text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/accounts/recover/phone/code/", {"code": wrong}).status_code == 400
    done = set_new_password(client, client.post("/accounts/recover/phone/code/",
                                                {"code": code}))
    assert done.status_code == 302
    assert can_sign_in(citizen, NEW)
    assert not can_sign_in(citizen, "correct horse battery")
    actions = set(AuditEntry.objects.filter(object_id=citizen.username)
                  .values_list("action", flat=True))
    assert {"account.recovery_code_sent", "account.recovery_phone_verified",
            "account.password_reset"} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["unverified", "other phone", "other person"])
def test_no_code_unless_person_and_verified_phone_belong_together(citizen, people, change):
    if change == "unverified":
        citizen.phone_verified = False
        citizen.save()
    form = {"person_id": citizen.username, "phone": PHONE}
    if change == "other phone":
        form["phone"] = "+992901111111"
    if change == "other person":
        form["person_id"] = people["other"].username
    client = Client()
    response = client.post("/accounts/recover/phone/", form)
    assert response["Location"] == "/accounts/recover/phone/code/"  # same answer: no hints
    assert sms.outbox == []
    for code in ("000000", "123456"):
        assert client.post("/accounts/recover/phone/code/", {"code": code}).status_code == 400


@pytest.mark.django_db
def test_a_code_allows_five_tries(citizen):
    client = Client()
    client.post("/accounts/recover/phone/", {"person_id": citizen.username, "phone": PHONE})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/accounts/recover/phone/code/", {"code": wrong})
    response = client.post("/accounts/recover/phone/code/", {"code": code})
    assert response["Location"] == "/accounts/recover/phone/"  # start again


@pytest.mark.django_db
def test_sms_codes_are_rate_limited_per_phone(citizen, settings):
    settings.ACCOUNT_RATE_LIMITS = {"recover_by_phone": "2/15m/key"}
    form = {"person_id": citizen.username, "phone": PHONE}
    for _ in range(2):
        assert Client().post("/accounts/recover/phone/", form).status_code == 302
    refused = Client().post("/accounts/recover/phone/", form)
    assert refused.status_code == 429
    assert len(sms.outbox) == 2


@pytest.mark.django_db
def test_a_service_centre_official_issues_a_one_time_reset(people):
    centre, citizen = people["centre"], people["citizen"]
    services.enable_totp(SYSTEM, centre, TOTP_SECRET)
    office = signed_in(centre)
    assert "/accounts/recover/assisted/" in office.get("/office/assisted/").content.decode()
    refused = office.post("/accounts/recover/assisted/", {"person_id": citizen.username})
    assert refused.status_code == 400  # the identity document must be checked
    page = office.post("/accounts/recover/assisted/", {"person_id": citizen.username,
                                                       "identity_checked": "on"})
    assert page.status_code == 200
    link = page.context["link"]
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    person = Client()
    path = link.split("testserver", 1)[1]
    assert set_new_password(person, person.get(path)).status_code == 302
    assert can_sign_in(citizen, NEW)
    entry = AuditEntry.objects.get(action="account.password_reset_issued")
    assert (entry.object_id, entry.agency) == (citizen.username, "REG")
    # The link works once.
    again = Client().get(path)
    assert again.status_code == 200 and again.context["token_fail"]
    # Officials are not recovered at the counter.
    refused = office.post("/accounts/recover/assisted/", {"person_id": people["operator"]
                                                          .username, "identity_checked": "on"})
    assert refused.status_code == 400 and refused.context.get("link") is None


@pytest.mark.django_db
def test_only_service_centre_officials_issue_resets(people):
    operator = people["operator"]
    services.enable_totp(SYSTEM, operator, TOTP_SECRET)
    office = signed_in(operator)
    response = office.post("/accounts/recover/assisted/", {
        "person_id": people["citizen"].username, "identity_checked": "on"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="account.password_reset_issued").exists()


@pytest.mark.django_db
def test_the_sign_in_pages_say_forgot_once_and_use_the_packs_person_id_label(citizen,
                                                                               settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/accounts/login/").content.decode()
    assert page.count("Забыли пароль?") == 1
    assert "Personal number (ru)" in page  # the field and the sign-up link
    assert "персональный идентификационный номер" not in page.lower()
    client.post("/accounts/recover/phone/", {"person_id": citizen.username,
                                             "phone": "+992 90 123 4567"})
    page = client.get("/accounts/recover/phone/code/").content.decode()
    assert "Personal number (ru)" in page
    assert "персональный идентификационный номер" not in page.lower()
