"""The demo's registry offices (demo.yaml ``correspondence``, played by
demo/correspondence.py through the room's services)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from yagona.accounts.models import OfficialRole
from yagona.core import audit
from yagona.core.models import AuditEntry
from yagona.correspondence.models import Assignment, Document, DocumentFile, Link
from yagona.correspondence.workflow import Status
from yagona.demo import correspondence as demo_correspondence
from yagona.demo import data as demo
from yagona.testing.packs import DEMO


@pytest.fixture
def pack(country, settings, tmp_path):
    from yagona.core.countries import active_pack

    settings.COUNTRIES_DIR = tmp_path
    settings.COUNTRY = "xx"
    return active_pack()


def by_subject(subject):
    return Document.objects.get(subject=subject)


@pytest.mark.django_db
def test_the_demo_holds_documents_in_every_state_of_the_flow(pack, capsys):
    call_command("demo-data")
    assert "Registry offices: 10 demo documents (REG, TAX)" in capsys.readouterr().out
    statuses = {(d.agency.code, d.kind, d.status) for d in Document.objects.all()}
    assert statuses == {
        ("REG", "incoming", Status.IN_WORK), ("REG", "incoming", Status.DONE),
        ("REG", "incoming", Status.REGISTERED), ("REG", "outgoing", Status.REGISTERED),
        ("REG", "outgoing", Status.IN_APPROVAL), ("REG", "outgoing", Status.APPROVED),
        ("REG", "internal", Status.REGISTERED), ("REG", "internal", Status.DRAFT),
        # No exchange in the test: TAX's letter waits, registered, for its clerk.
        ("TAX", "outgoing", Status.REGISTERED), ("TAX", "internal", Status.SIGNED)}
    # The officials' departments come from demo.yaml.
    head = OfficialRole.objects.get(user__username="00000166", role="head")
    assert head.department.code == "02"

    # A paper letter from an organisation: their number and a working day before today.
    centre = by_subject("On statistics of registered births and marriages")
    assert (centre.correspondent_name, centre.their_number) == ("Civil Rights Centre", "27")
    assert centre.number.endswith("-in/" + centre.number[-2:]) and centre.pages == 2
    assert centre.their_date < centre.registered_at.date()
    assert pack.calendar.is_working_day(centre.their_date)
    # Its resolution: a responsible executor and a co-executor, deadlines in working days.
    tasks = {a.executor.username: a for a in
             Assignment.objects.filter(resolution__document=centre)}
    assert {u: (a.responsible, a.state) for u, a in tasks.items()} == {
        "00000117": (True, "open"), "00000109": (False, "open")}
    written = centre.resolutions.get().written_at.date()
    assert tasks["00000117"].deadline == pack.calendar.add_working_days(written, 15)
    assert tasks["00000109"].deadline == pack.calendar.add_working_days(written, 7)
    assert centre.resolutions.get().author.username == "00000158"

    # Another done: the co-executor reported, the responsible one answered with a letter
    # the deputy head signed and the clerk registered in the case of the file plan.
    lawyers = Document.objects.get(kind="incoming", correspondent_name__startswith="Young")
    done = Assignment.objects.filter(resolution__document=lawyers)
    assert set(done.values_list("state", flat=True)) == {"done"}
    answer = done.get(responsible=True).answer
    assert answer.status == Status.REGISTERED and answer.case.index == "01-05"
    assert answer.number.startswith("01-05/")
    assert Link.objects.filter(source=answer, target=lawyers, relation="answers").exists()

    # Letters on their way: set on the letterhead, waiting for an approver or the head.
    waiting = by_subject("On reconciling death records with the taxpayers' register")
    assert waiting.access == "official_use"
    pending = waiting.approvals.exclude(round=0).filter(decision="pending")
    assert [a.approver.username for a in pending] == ["00000117"]  # the first stage
    approved = by_subject("On the draft instruction on notaries' reports")
    assert approved.signatory.username == "00000158" and approved.signed_uuid is None
    assert approved.files.filter(role=DocumentFile.Role.MAIN).exists()
    order = Document.objects.get(kind="internal", status=Status.REGISTERED)
    assert order.files.filter(role=DocumentFile.Role.SIGNED).exists()
    assert order.journal.code == "ORD" and order.case.index == "01-01"
    assert AuditEntry.objects.filter(action="document.sign").count() == 4

    # The last entry's id, not the count: PostgreSQL's ids do not restart between tests.
    count, entries = Document.objects.count(), AuditEntry.objects.order_by("-pk").first().pk
    call_command("demo-data")  # idempotent
    assert Document.objects.count() == count
    assert not AuditEntry.objects.filter(pk__gt=entries, action__startswith="document.") \
        .exists()
    assert audit.verify() == []


@pytest.mark.django_db
def test_only_agencies_without_documents_get_the_demos(pack):
    from django.core.cache import cache

    demo.load_demo()
    reg = set(Document.objects.filter(agency__code="REG").values_list("pk", flat=True))
    Document.objects.filter(agency__code="TAX").delete()
    cache.clear()  # a while later: the heads' codes of the first run are spent
    demo.load_demo()
    assert set(Document.objects.filter(agency__code="REG").values_list("pk", flat=True)) == reg
    assert sorted(Document.objects.filter(agency__code="TAX").values_list("subject", flat=True)) \
        == ["On the state duty paid for registrations", "On the tax audit plan"]


@pytest.mark.django_db
@pytest.mark.parametrize("change, problem", [
    (lambda entries: entries[-2].update(signatory="00000190"), "would sign more than one"),
    (lambda entries: entries[0].update(clerk="99999999"), "not among the demo officials"),
    (lambda entries: entries[2].update(until="posted"), "'until' is one of"),
])
def test_a_demo_that_cannot_be_played_is_refused_before_anything_is_made(pack, change,
                                                                         problem):
    import copy

    data = copy.deepcopy(DEMO)
    change(data["correspondence"])
    people = {p["person_id"]: None for p in data["officials"]}
    with pytest.raises(demo_correspondence.DemoError, match=problem):
        demo_correspondence.load_correspondence(data, people, demo.current_code)
    assert not Document.objects.exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_sets_up_the_exchange_before_the_demo_data():
    """The demo's letter goes over the exchange: its address book must exist first."""
    root = Path(__file__).resolve().parents[4]
    steps = subprocess.run(["make", "-n", "-C", str(root), "demo"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    exchange = next(i for i, line in enumerate(steps) if "exchange demo" in line)
    assert exchange < next(i for i, line in enumerate(steps) if "demo-data" in line)
