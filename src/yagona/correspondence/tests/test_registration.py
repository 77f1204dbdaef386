"""Journals and file plans from the pack, registration numbers, cards, filing, access."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry
from yagona.core.pack_correspondence import NumberFormat, number_format_problems
from yagona.correspondence import services, workflow
from yagona.correspondence.models import Access, Case, Document, Journal
from yagona.correspondence.queries import visible
from yagona.correspondence.services import Card


def letter(**changes) -> Card:
    values = {"doc_type": "letter", "subject": "On the exchange of civil status records",
              "correspondent_name": "Ministry of Justice", "their_number": "12/345",
              "pages": 2}
    return Card(**{**values, **changes})


def test_the_pack_gives_every_agency_its_journals_and_file_plan(office):
    reg, tax = office["reg"], office["tax"]
    assert {j.code: j.kind for j in reg.journals.all()} == {
        "IN": "incoming", "OUT": "outgoing", "ORD": "internal"}
    assert list(tax.file_plan.values_list("index", flat=True)) == ["01-01", "01-05"]
    own = reg.file_plan.get(index="02-01")  # REG's own case, on top of the standard ones
    assert own.retention_years == 75 and own.basis == "Standard list, item 1"
    assert reg.file_plan.get(index="01-01").retention_years is None  # permanent
    assert [d.code for d in reg.departments.all()] == ["01", "02"]


def test_incoming_documents_are_numbered_in_their_journal_without_gaps_or_repeats(office):
    first = services.register_incoming(office["clerk"], office["reg"], letter())
    second = services.register_incoming(office["clerk"], office["reg"], letter(subject="Another"))
    year = first.registered_at.year % 100
    assert (first.number, second.number) == (f"1-in/{year:02d}", f"2-in/{year:02d}")
    assert first.status == workflow.Status.REGISTERED and first.journal.code == "IN"
    entry = AuditEntry.objects.filter(action="document.register_received",
                                      object_id=str(first.pk)).get()
    assert entry.summary["number"] == first.number


def test_an_outgoing_number_carries_the_case_and_needs_one(office):
    draft = services.create_draft(office["operator"], office["reg"], "outgoing", letter())
    for action in ("approve_without_route", "sign"):  # the route and signing: later steps
        draft.status = workflow.next_status("outgoing", draft.status, action)
    draft.save()
    with pytest.raises(ValidationError) as refused:
        services.register(office["clerk"], draft.pk)
    assert "case" in refused.value.message_dict
    document = services.register(office["clerk"], draft.pk, case_index="01-05")
    assert document.number.startswith("01-05/1/") and document.case.index == "01-05"
    assert Document.objects.get(pk=draft.pk).status == workflow.Status.REGISTERED


def test_only_clerks_register_and_others_agencies_see_nothing(office):
    with pytest.raises(PermissionError):
        services.register_incoming(office["operator"], office["reg"], letter())
    with pytest.raises(Http404):
        services.register_incoming(office["tax_operator"], office["reg"], letter())
    document = services.register_incoming(office["clerk"], office["reg"], letter())
    assert not visible(office["tax_operator"]).filter(pk=document.pk).exists()
    assert not visible(office["citizen"]).exists()
    with pytest.raises(Http404):
        services.file_document(office["tax_operator"], document.pk, "01-05")


def test_for_official_use_is_hidden_from_officials_not_on_it(office):
    secret = services.register_incoming(office["clerk"], office["reg"],
                                        letter(access=Access.OFFICIAL_USE))
    plain = services.register_incoming(office["clerk"], office["reg"], letter())
    seen = set(visible(office["operator"]).values_list("pk", flat=True))
    assert plain.pk in seen and secret.pk not in seen
    assert visible(office["clerk"]).filter(pk=secret.pk).exists()


def test_a_bad_card_is_refused_whole_with_every_problem_named(office):
    before = Document.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.register_incoming(office["clerk"], office["reg"], letter(
            doc_type="poem", subject=" ", pages=0, department_code="99"))
    assert set(refused.value.message_dict) == {"doc_type", "subject", "pages", "department"}
    assert Document.objects.count() == before


def test_filing_a_finished_document_into_a_case(office):
    document = services.register_incoming(office["clerk"], office["reg"], letter())
    with pytest.raises(workflow.TransitionNotAllowed):  # still registered: not done yet
        services.file_document(office["clerk"], document.pk, "01-05")
    document.status = workflow.next_status("incoming", document.status, "complete")
    document.save()
    filed = services.file_document(office["clerk"], document.pk, "01-05")
    assert filed.status == workflow.Status.FILED and filed.case == Case.objects.get(
        agency=office["reg"], index="01-05")


@pytest.mark.parametrize(("template", "problem"), [
    ("{seq}", "one year"), ("{seq}/{seq}/{yy}", "exactly one {seq}"),
    ("{seq:0}/{yy}", "N from 1 to 9"), ("{case:3}/{seq}/{yy}", "only {seq:N}"),
    ("{serial}/{yy}", "not a token"), ("{seq}/{yy}; DROP", "besides the tokens"), ("", "needed")])
def test_numbering_formats_are_checked(template, problem):
    assert any(problem in p for p in number_format_problems(template))


def test_numbering_formats_render():
    assert NumberFormat("{agency}/{case}/{seq:4}-вх/{yyyy}").render(
        agency="MOJ", journal="IN", seq=7, year=2026, case="01-05") == "MOJ/01-05/0007-вх/2026"
    assert number_format_problems("№ {seq}-вх/{yy}") == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(country):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    reg = Agency.objects.get(code="REG")
    clerk = accounts.create_person(SYSTEM, make_person_id(21), first_name="A", last_name="B",
                                   password="correct horse battery")
    accounts.grant_role(SYSTEM, clerk, reg, Role.CLERK)
    numbers, errors = [], []

    def work():
        try:
            for _ in range(5):
                numbers.append(services.register_incoming(clerk, reg, letter()).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(numbers)) == 20
    assert Journal.objects.get(agency=reg, code="IN").documents.count() == 20
