import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from yagona.accounts.models import User
from yagona.applications.models import Application
from yagona.core import audit


@pytest.mark.django_db
def test_demo_data_holds_applications_in_every_status(country, settings, tmp_path, capsys):
    settings.COUNTRIES_DIR = tmp_path
    settings.COUNTRY = "xx"
    call_command("demo-data")
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "in_review", "info_requested", "approved",
                        "rejected", "withdrawn"}
    out = capsys.readouterr().out
    assert "12345674" in out and "demo-password-2026" in out
    admin = User.objects.get(username="00000133")
    assert admin.is_platform_admin and not admin.is_official
    assert Authenticator.objects.filter(user=admin).exists()  # the second factor is set
    # The demo people are in the population register, beside synthetic ones.
    from yagona.registries.models import Record, RecordKey

    mine = RecordKey.objects.get(field="person_id", value="12345674").record
    assert mine.data["surname"] == "Rahimova" and mine.data["sex"] == "f"
    child = RecordKey.objects.get(field="person_id", value="00000034").record
    assert child.data["mother_id"] == "12345674"
    population = Record.objects.count()
    assert population > 60
    count = Application.objects.count()
    call_command("demo-data")  # idempotent
    assert Application.objects.count() == count and Record.objects.count() == population
    assert audit.verify() == []


@pytest.mark.django_db
def test_demo_data_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo-data")
