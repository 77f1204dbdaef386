"""Country differences as pack data: money, fees in a unit of account, transferred working
days, registration numbers and phone numbers (issue 9, point 21)."""

import copy
from datetime import date

import pytest
import yaml
from django.test import Client

from yagona.catalogue.packs import load_pack, read_full_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, active_pack, pack_from_data
from yagona.testing import packs

SUM = {"en": "sum", "ru": "сум"}


def pack(**changes):
    data = copy.deepcopy(packs.PACK)
    data.update(changes)
    return data


def write(folder, data, services=None):
    packs.write_pack(folder, **({"services": services} if services else {}))
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                      encoding="utf-8")
    return folder


def test_money_is_written_as_the_pack_declares(settings):
    from django.utils import translation

    grouped = pack_from_data(pack(money={"symbol": SUM, "position": "after", "group": " ",
                                         "decimal": ","}))
    with translation.override("ru"):
        assert grouped.format_money(123456789) == "1 234 567,89\u00a0сум"
        assert grouped.format_money(100000) == "1 000\u00a0сум"
    with translation.override("en"):
        assert grouped.format_money(5) == "0,05\u00a0sum"
    before = pack_from_data(pack(money={"symbol": "$", "position": "before", "group": ",",
                                        "space": False}))
    assert before.format_money(123450) == "$1,234.50"
    assert pack_from_data(pack()).format_money(150000) == "1500\u00a0XTS"


def test_bad_money_and_unit_declarations_are_named():
    with pytest.raises(PackError) as caught:
        pack_from_data(pack(money={"symbol": {"en": "sum"}, "position": "middle", "sep": "."},
                            fee_units={"brv": {"name": {"en": "BCA"}, "amount_minor": "a lot"}}))
    text = str(caught.value)
    assert "money.symbol: missing text in 'ru'" in text
    assert "money.position: 'before' or 'after'" in text
    assert "money.sep: unknown key" in text
    assert "fee_units.brv.amount_minor: a whole number" in text


BRV = {"brv": {"name": {"en": "Base calculation amount", "ru": "Базовая расчётная величина"},
               "amount_minor": 41200000}}


@pytest.mark.django_db
def test_a_fee_in_units_of_account_is_loaded_as_money(tmp_path):
    from yagona.catalogue.models import Service

    passport = {**copy.deepcopy(packs.OFFLINE), "fee": {"units": 2, "of": "brv"}}
    del passport["fee_minor"]
    half = {**copy.deepcopy(packs.TAX_CERTIFICATE), "fee": {"units": 0.5, "of": "brv"}}
    del half["fee_minor"]
    folder = write(tmp_path / "xx", pack(fee_units=BRV), [packs.BIRTH, half, passport])
    load_pack(SYSTEM, folder)
    assert Service.objects.get(code="passport-issue").fee_minor == 82400000
    assert Service.objects.get(code="tax-clearance").fee_minor == 20600000
    assert Service.objects.get(code="birth-registration").fee_minor == 1500

    # The pack changes the amount (a new year's decree): reloading changes every fee.
    write(folder, pack(fee_units={"brv": {**BRV["brv"], "amount_minor": 45000000}}),
          [packs.BIRTH, half, passport])
    load_pack(SYSTEM, folder)
    assert Service.objects.get(code="passport-issue").fee_minor == 90000000


def test_a_fee_in_an_undeclared_unit_is_named(tmp_path):
    passport = {**copy.deepcopy(packs.OFFLINE), "fee": {"units": 2, "of": "mrp"}}
    folder = write(tmp_path / "xx", pack(fee_units=BRV), [packs.BIRTH, passport])
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    assert "services/passport-issue.yaml: fee: give fee or fee_minor, not both" in str(
        caught.value)
    del passport["fee_minor"]
    write(folder, pack(fee_units=BRV), [packs.BIRTH, passport])
    with pytest.raises(PackError, match=r"fee.of: 'mrp' is not in pack.yaml's fee_units"):
        read_full_pack(folder)


def test_a_saturday_worked_instead_of_a_day_off_is_pack_data():
    calendar = copy.deepcopy(packs.PACK["calendar"])
    calendar["working_days"] = ["2026-03-28"]  # a Saturday
    country = pack_from_data(pack(calendar=calendar))
    assert country.calendar.is_working_day(date(2026, 3, 28))
    # Deadlines count it: Friday + 1 working day is that Saturday.
    assert country.calendar.add_working_days(date(2026, 3, 27), 1) == date(2026, 3, 28)
    calendar["working_days"] = ["2026-03-27", "2026-02-30"]  # a Friday; no such day
    with pytest.raises(PackError) as caught:
        pack_from_data(pack(calendar=calendar))
    assert "calendar.working_days[0]: 2026-03-27 is a working day anyway" in str(caught.value)
    assert "calendar.working_days[1]: a date YYYY-MM-DD is needed" in str(caught.value)


@pytest.fixture
def country(db, tmp_path):
    """The test pack with its own registration number and phone formats."""
    data = pack(registration_number={"pattern": "{agency}/{year}/{number}", "digits": 5},
                phone={"pattern": r"^\+998[0-9]{9}$", "display": "+998 ## ### ## ##",
                       "example": "+998901234567"})
    return load_pack(SYSTEM, write(tmp_path / "xx", data))


@pytest.mark.django_db
def test_registration_numbers_follow_the_pack_format(people):
    from yagona.applications import services as apply
    from yagona.applications.tests.test_services import fill
    from yagona.catalogue.models import Service

    citizen = people["citizen"]
    birth = Service.objects.get(code="birth-registration")
    numbers = []
    for _ in range(2):
        application = apply.submit(citizen, fill(citizen, apply.start(citizen, birth)))
        numbers.append(application.registration_number)
    year = application.submitted_at.year
    assert numbers == [f"REG/{year}/00001", f"REG/{year}/00002"]


@pytest.mark.django_db
def test_phone_numbers_follow_the_pack_format(country):
    from yagona.accounts.models import User
    from yagona.conftest import make_person_id

    assert active_pack().format_phone("+998901234567") == "+998 90 123 45 67"
    assert active_pack().format_phone("+99290123456") == "+99290123456"  # another shape
    assert active_pack().clean_phone("+998 (90) 123-45-67") == "+998901234567"
    assert active_pack().clean_phone("+992901234567") is None
    client = Client()
    form = {"username": make_person_id(500), "last_name": "Saidova", "first_name": "Mehri",
            "phone": "+992901234567", "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42"}
    page = client.get("/accounts/signup/").content.decode()
    assert "+998 90 123 45 67" in page
    refused = client.post("/accounts/signup/", form)
    assert refused.status_code == 200 and not User.objects.filter(last_name="Saidova").exists()
    assert "Enter the mobile number as in +998 90 123 45 67." in refused.content.decode()
    assert client.post("/accounts/signup/", {**form, "phone": "+998 90 123 45 67"}
                       ).status_code == 302
    assert User.objects.get(last_name="Saidova").phone == "+998901234567"


def test_a_registration_pattern_must_end_in_the_number():
    with pytest.raises(PackError, match="registration_number.pattern"):
        pack_from_data(pack(registration_number={"pattern": "{number}-{agency}"}))
    with pytest.raises(PackError, match="phone.example: does not fit"):
        pack_from_data(pack(phone={"pattern": r"^\+998[0-9]{9}$", "example": "+99890"}))
