import re

import pytest
from django.test import Client

from yagona.accounts.models import User
from yagona.conftest import make_person_id
from yagona.core.audit import AuditEntry
from yagona.notifications import sms


@pytest.mark.django_db
def test_citizen_registers_with_person_id_and_verifies_the_phone(country):
    sms.outbox.clear()
    client = Client()
    form = {"username": make_person_id(500), "last_name": "Saidova", "first_name": "Mehri",
            "phone": "+992901234567", "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42"}
    response = client.post("/accounts/signup/", {**form, "username": "12345678"})
    assert response.status_code == 200
    assert "valid personal identification number" in response.content.decode()
    assert not User.objects.filter(last_name="Saidova").exists()

    response = client.post("/accounts/signup/", form)
    assert response.status_code == 302
    user = User.objects.get(username=form["username"])
    assert (user.phone, user.phone_verified) == ("+992901234567", False)
    assert AuditEntry.objects.filter(action="account.registered",
                                     object_id=user.username).exists()
    phone, text = sms.outbox[-1]
    code = re.search(r": (\S+)$", text).group(1)
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified


@pytest.mark.django_db
def test_wrong_password_is_refused_without_saying_which_part(people):
    response = Client().post("/accounts/login/", {"login": people["citizen"].username,
                                                  "password": "wrong"})
    assert response.status_code == 200
    assert "personal identification number or the password" in response.content.decode()


@pytest.mark.django_db
def test_operator_commands(people, capsys):
    from django.core.management import call_command

    from yagona.accounts.models import OfficialRole

    call_command("grant-role", people["other"].username, "TAX", "agency_admin")
    assert OfficialRole.objects.filter(user=people["other"], role="agency_admin").exists()
    call_command("issue-token", people["other"].username)
    token = capsys.readouterr().out.strip().splitlines()[-1]
    from yagona.accounts.queries import token_for

    assert token_for(token).user == people["other"]
    call_command("platform-admin", people["other"].username)
    people["other"].refresh_from_db()
    assert people["other"].is_platform_admin
    assert AuditEntry.objects.filter(action="role.platform_admin",
                                     object_id=people["other"].username).exists()
    call_command("platform-admin", people["other"].username, "--revoke")
    people["other"].refresh_from_db()
    assert not people["other"].is_platform_admin
