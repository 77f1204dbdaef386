"""The author of an appeal hears what the agencies do with it (appeals publish
appeal.stepped, appeal.message, appeal.answer_shared), in their own language, never of
their own steps; an anonymous report's author is nobody to tell."""

import pyotp
import pytest
from django.test import Client
from django.utils import translation

from yagona.accounts import services as accounts
from yagona.appeals import services
from yagona.core.audit import SYSTEM
from yagona.notifications.messages import body, title
from yagona.notifications.models import InboxItem
from yagona.testing.web import TOTP_SECRET, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(people):
    for name in ("operator", "supervisor"):
        accounts.enable_totp(SYSTEM, people[name], TOTP_SECRET)
    return people


def send(user, kind="statement", **fields):
    fields.setdefault("text", "The office keeps no queue.")
    return services.submit(user, services.Draft(kind=kind, **fields))[0]


def events_of(user):
    return list(InboxItem.objects.filter(recipient=user).order_by("pk")
                .values_list("event", flat=True))


def test_the_author_hears_of_every_step_of_the_agency_and_none_of_their_own(desk):
    citizen = desk["citizen"]
    appeal = send(citizen)
    services.assign(desk["operator"], appeal.uuid)
    services.request_info(desk["operator"], appeal.uuid, "Which office?")
    services.provide_info(citizen, appeal.uuid, "Rudaki 5")
    services.extend(desk["supervisor"], appeal.uuid, 10, "A check is needed")
    services.write(citizen, appeal.uuid, "Thank you")
    services.note(desk["operator"], appeal.uuid, "We went there.", to_author=True)
    services.note(desk["operator"], appeal.uuid, "Internal only.", to_author=False)
    services.answer(desk["operator"], appeal.uuid, "A queue is set up.",
                    pyotp.TOTP(TOTP_SECRET).now())
    assert events_of(citizen) == ["appeal_request_info", "appeal_extend", "appeal_message",
                                  "appeal_answer"]
    other = send(desk["other"])
    services.forward(desk["operator"], other.uuid, "TAX", "Taxes are theirs.")
    services.withdraw(desk["other"], other.uuid)
    assert events_of(desk["other"]) == ["appeal_forward"]
    forward = InboxItem.objects.get(event="appeal_forward")
    assert forward.params["appeal"] == str(other.uuid)
    assert "Taxes are theirs." in body(forward)


def test_a_merged_duplicates_author_hears_of_the_merge_and_the_answer(desk):
    first = send(desk["citizen"], "problem", category="dumping", latitude="38.5",
                 longitude="68.7", attributes={"size": "bag"})
    again = send(desk["other"], "problem", category="dumping", latitude="38.5",
                 longitude="68.7", attributes={"size": "bag"}, text="A dump")
    services.merge(desk["operator"], again.uuid, first.number)
    services.assign(desk["operator"], first.uuid)
    services.answer(desk["operator"], first.uuid, "Cleared.", pyotp.TOTP(TOTP_SECRET).now())
    assert events_of(desk["other"]) == ["appeal_merge", "appeal_answer_shared"]
    merged = InboxItem.objects.get(event="appeal_merge")
    assert first.number in title(merged)


def test_an_anonymous_report_tells_nobody(desk):
    appeal, _code = services.submit(desk["citizen"], services.Draft(
        kind="corruption", anonymous=True, text="Cash asked."))
    services.forward(desk["operator"], appeal.uuid, "TAX", "Theirs.")
    assert not InboxItem.objects.exists()


def test_a_notice_reads_in_the_readers_language_and_leads_to_the_appeal(desk):
    appeal = send(desk["citizen"])
    services.forward(desk["operator"], appeal.uuid, "TAX", "Налоги — их дело.")
    item = InboxItem.objects.get()
    with translation.override("ru"):
        assert "Налоговая служба" in title(item)
    with translation.override("en"):
        assert "Tax Service" in title(item) and appeal.number in title(item)
    inbox = signed_in(desk["citizen"]).get("/account/inbox/").content.decode()
    assert f"/account/appeals/{appeal.uuid}/" in inbox
    assert Client().get("/account/inbox/").status_code == 302
