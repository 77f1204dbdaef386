import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yagona.catalogue.models import SearchDocument, Service
from yagona.catalogue.packs import load_pack, read_full_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, active_pack
from yagona.testing import packs


def test_a_well_formed_pack_reads(tmp_path):
    content = read_full_pack(packs.write_pack(tmp_path / "xx"))
    assert content.country.languages == ("en", "ru")
    assert len(content.services) == 4


def test_problems_are_all_listed_with_their_place(tmp_path):
    broken = copy.deepcopy(packs.BIRTH)
    del broken["name"]["ru"]
    broken["agency"] = "NOPE"
    broken["form"]["ui"]["pages"][0]["fields"].remove("mother_id")
    broken["form"]["ui"]["fields"]["sex"]["options"].pop("f")
    packs.write_pack(tmp_path / "xx", services=[broken])
    with pytest.raises(PackError) as caught:
        read_full_pack(tmp_path / "xx")
    text = str(caught.value)
    assert "services/birth-registration.yaml: name: missing text in 'ru'" in text
    assert "unknown agency 'NOPE'" in text
    assert "field 'mother_id' is on no page" in text
    assert "options.f: expected a text per language" in text


def test_a_text_cut_by_a_comma_in_a_flow_mapping_is_caught(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    text = (folder / "life_events.yaml").read_text(encoding="utf-8")
    (folder / "life_events.yaml").write_text(text + (
        "- code: school\n"
        "  name: {en: Education, ru: Образование}\n"
        "  description: {en: Kindergarten, school and universities, ru: Детсад и школа}\n"),
        encoding="utf-8")
    with pytest.raises(PackError, match="description: 'school and universities' is not a "
                                        "language of the pack"):
        read_full_pack(folder)


def test_show_if_must_refer_to_an_earlier_question(tmp_path):
    broken = copy.deepcopy(packs.BIRTH)
    broken["form"]["ui"]["fields"]["child_name"]["show_if"] = {"hospital_birth": True}
    packs.write_pack(tmp_path / "xx", services=[broken])
    with pytest.raises(PackError, match="show_if names 'hospital_birth'"):
        read_full_pack(tmp_path / "xx")


def test_invalid_identifier_example_is_refused(tmp_path):
    pack = copy.deepcopy(packs.PACK)
    pack["person_id"]["example"] = "12345678"  # wrong Luhn digit
    folder = packs.write_pack(tmp_path / "xx")
    import yaml

    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True))
    with pytest.raises(PackError, match="person_id: the example"):
        read_full_pack(folder)


@pytest.mark.django_db
def test_loading_is_idempotent_and_deactivates_what_the_pack_dropped(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    load_pack(SYSTEM, folder)
    load_pack(SYSTEM, folder)
    assert Service.objects.count() == 4
    assert SearchDocument.objects.count() == 8
    assert list(Service.objects.filter(signature_required=True).values_list(
        "code", flat=True)) == ["trade-licence"]
    (folder / "services" / "tax-clearance.yaml").unlink()
    load_pack(SYSTEM, folder)
    assert not Service.objects.get(code="tax-clearance").active
    assert active_pack().code == "xx"


@pytest.mark.django_db
def test_commands_report_problems(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    call_command("check-country", str(folder))
    (folder / "agencies.yaml").write_text("- code: lower\n  name: {en: x}\n")
    with pytest.raises(CommandError, match="code must be 2-16 upper-case letters"):
        call_command("check-country", str(folder))
    with pytest.raises(CommandError):
        call_command("load-country", path=folder)


@pytest.mark.parametrize("code", ["tj", "az"])
def test_shipped_packs_are_valid(code, settings):
    from pathlib import Path

    folder = Path(settings.COUNTRIES_DIR) / code
    if not (folder / "pack.yaml").exists():
        pytest.fail(f"country pack {code} is missing")
    content = read_full_pack(folder)
    assert len(content.services) >= 25
    assert sum(1 for s in content.services if s.get("online", True)) >= 20


def test_state_documents_and_prefills_name_fields_the_agency_may_read(tmp_path):
    """A service may list only what its agency keeps, is granted, or is public; and only
    from a register that can name its applicants."""
    import yaml

    from yagona.testing.packs import POPULATION, TAX_CERTIFICATE, write_pack

    passport = {"registry": "population", "label": packs.T("Passport"),
                "fields": ["identity_document"]}
    tax = copy.deepcopy(TAX_CERTIFICATE)
    tax["state_documents"] = [passport, {**passport, "registry": "pensions"},
                              {**passport, "fields": ["shoe_size"]},
                              {"registry": "population", "label": {"en": "Passport"}},
                              {**passport, "label": {"en": "Passport"}}]
    tax["form"]["ui"]["fields"]["purpose"]["prefill"] = {"registry": "population",
                                                         "field": "address"}
    folder = write_pack(tmp_path / "xx", services=[packs.BIRTH, tax])
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    text = str(caught.value)
    where = "services/tax-clearance: "
    assert f"{where}state_documents[0]: TAX may not read population.identity_document " \
           "(add a grant)" in text
    assert f"{where}state_documents[1]: unknown registry 'pensions'" in text
    assert f"{where}state_documents[2]: 'population' has no field 'shoe_size'" in text
    assert f"{where}state_documents[3]: {{registry, label, fields}}" in text
    assert f"{where}state_documents[4]: label: missing text in 'ru'" in text
    assert f"{where}field 'purpose': prefill: TAX may not read population.address" in text

    granted = {**POPULATION, "grants": [{"agency": "TAX",
                                         "fields": ["identity_document", "address"]}]}
    (folder / "registries/population.yaml").write_text(
        yaml.safe_dump(granted, allow_unicode=True), encoding="utf-8")
    tax["state_documents"] = [passport]
    tax["applicant_kinds"] = ["organisation"]
    (folder / "services/tax-clearance.yaml").write_text(
        yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    assert str(caught.value).count("registry 'population' has no key naming the "
                                   "applicant (organisation)") == 2
    tax["applicant_kinds"] = ["person", "organisation"]  # a person's passport, then
    (folder / "services/tax-clearance.yaml").write_text(
        yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    assert read_full_pack(folder).services[1]["state_documents"] == [passport]
