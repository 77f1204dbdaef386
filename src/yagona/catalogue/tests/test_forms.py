from datetime import timedelta

import pytest
from django.utils import timezone

from yagona.catalogue.forms import FormDefinition
from yagona.testing.packs import BIRTH

form = FormDefinition(BIRTH["form"])


@pytest.mark.django_db
def test_valid_answers_have_no_errors(country):
    from yagona.conftest import make_person_id

    answers = {"child_name": "Amir", "birth_date": "2026-01-05", "sex": "m",
               "mother_id": make_person_id(5), "hospital_birth": False}
    assert form.errors(answers) == {}


@pytest.mark.django_db
def test_errors_name_the_field(country):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    errors = form.errors({"child_name": "A", "birth_date": tomorrow, "sex": "x",
                          "mother_id": "12345678", "hospital_birth": True})
    assert set(errors) == {"child_name", "birth_date", "sex", "mother_id", "hospital_name"}
    assert "past" in errors["birth_date"]


@pytest.mark.django_db
def test_real_dates_only(country):
    assert form.errors({"birth_date": "2026-02-30"}, only=["birth_date"]) == {
        "birth_date": "Enter a real date."}


def test_conditional_question_is_hidden_and_its_answer_dropped():
    page = form.page("place")
    assert [f.name for f in form.visible_fields(page, {"hospital_birth": False})] == [
        "hospital_birth"]
    assert [f.name for f in form.rendered_fields(page, {})] == ["hospital_birth",
                                                                "hospital_name"]
    assert form.clean({"hospital_birth": False, "hospital_name": "X"}) == {
        "hospital_birth": False}


def test_navigation_between_pages():
    assert form.next_page("child", {}).id == "place"
    assert form.previous_page("documents", {}).id == "place"
    assert form.next_page("documents", {}) is None


def test_unknown_fields_are_reported():
    assert form.unknown_fields({"child_name": "x", "is_admin": True}) == ["is_admin"]


@pytest.mark.django_db
def test_a_date_answer_reads_in_the_packs_date_format(tmp_path):
    """The official's application page and the check-your-answers page show dates as
    the rest of the site does, not as ISO."""
    import yaml

    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.testing.packs import write_pack

    folder = write_pack(tmp_path / "dotted")
    pack = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    (folder / "pack.yaml").write_text(yaml.safe_dump({**pack, "date_format": "DD.MM.YYYY"},
                                                     allow_unicode=True), encoding="utf-8")
    load_pack(SYSTEM, folder)
    assert form.fields["birth_date"].display("2026-01-05") == "05.01.2026"
    assert form.fields["child_name"].display("2026-01-05") == "2026-01-05"  # a text
