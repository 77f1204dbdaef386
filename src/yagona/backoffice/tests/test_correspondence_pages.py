"""The registry office's pages in the back office, through the test client: the journal
(filters, paging, tabs), a new draft and its files and route, the card with every action
(approve, refuse with remarks, sign with the code, register, send, file), downloads and
views audited, incoming paper mail, substitutes; and the refusals: another agency's
document, a document for official use, a clerk's step taken by someone else, bad input."""

import html
import time
from datetime import timedelta

import pyotp
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from yagona.accounts import queries as account_queries
from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry
from yagona.correspondence import routes, services
from yagona.correspondence.models import Access, Delivery, Document, Substitution
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import official, pdf_upload
from yagona.correspondence.workflow import Status
from yagona.exchange import common
from yagona.exchange import services as exchange
from yagona.testing.web import TOTP_SECRET, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(people):
    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    return {**people, "reg": reg, "tax": tax,
            "clerk": official(20, "Gulnora", "Kotiba", reg, Role.CLERK),
            "head": official(21, "Rustam", "Sardorov", reg, Role.HEAD, totp=True),
            "lawyer": official(23, "Jamshed", "Huquqdon", reg, Role.OPERATOR, department="02"),
            "tax_clerk": official(24, "Parviz", "Daftardor", tax, Role.CLERK)}


def client(user):
    """A signed-in official (with the second factor the back office asks for)."""
    if not account_queries.has_second_factor(user):
        accounts.enable_totp(SYSTEM, user, TOTP_SECRET)
    return signed_in(user)


def next_code():
    """The next window's code: signing in used this window's, and each works once."""
    return pyotp.TOTP(TOTP_SECRET).at(time.time() + 30)


def incoming(office, subject="On civil status records", **card):
    values = {"doc_type": "letter", "subject": subject, "correspondent_name": "A citizen",
              **card}
    return services.register_incoming(office["clerk"], office["reg"], Card(**values))


def drafted(office, route=("operator",), **card):
    values = {"doc_type": "letter", "subject": "On the exchange of records",
              "correspondent_agency": office["tax"], **card}
    document = services.create_draft(office["lawyer"], office["reg"], "outgoing", Card(**values))
    services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.set_route(office["lawyer"], document.pk, [[office[n] for n in route]] if route
                     else [], signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    return Document.objects.get(pk=document.pk)


def on_exchange(office):
    """REG and TAX take documents over the exchange (the address book names them)."""
    for agency in (office["reg"], office["tax"]):
        member = common.join(SYSTEM, agency)
        exchange.add_node(SYSTEM, member, "node1", f"https://{agency.code.lower()}:5500")


def url(document, tail=""):
    return f"/office/{document.agency.code}/documents/{document.pk}/{tail}"


def audited(action, document):
    return AuditEntry.objects.filter(action=action, object_id=str(document.pk)).count()


def test_the_journal_filters_and_pages_and_the_office_links_to_it(office):
    first = incoming(office, "Ёрдам дар бораи қарз", their_number="17-5")
    incoming(office, "On a marriage record", correspondent_agency=office["tax"],
             correspondent_name="")
    clerk = client(office["clerk"])
    assert "/office/REG/documents/" in clerk.get("/office/REG/").content.decode()
    page = clerk.get("/office/REG/documents/").content.decode()
    assert first.number in page and "On a marriage record" in page
    assert 'aria-current="page">Journal' in page
    found = clerk.get("/office/REG/documents/", {"q": "ерда карз"}).content.decode()
    assert first.number in found and "marriage" not in found
    by_theirs = clerk.get("/office/REG/documents/", {"number": "17-"}).content.decode()
    assert first.number in by_theirs and "marriage" not in by_theirs
    by_agency = clerk.get("/office/REG/documents/", {"correspondent": "TAX"}).content.decode()
    assert "marriage" in by_agency and first.number not in by_agency
    wrong = clerk.get("/office/REG/documents/", {"from": "31.02.2026", "q": "marriage"})
    assert wrong.status_code == 400
    assert 'id="e-from"' in wrong.content.decode() and 'value="marriage"' in \
        wrong.content.decode()
    for number in range(50):
        incoming(office, f"Letter {number}")
    one = clerk.get("/office/REG/documents/")
    assert one.content.decode().count('<tr><td data-label="Number">') == 50
    following = one.context["next"]
    assert following and "after=" in following
    two = clerk.get("/office/REG/documents/" + following).content.decode()
    assert two.count('<tr><td data-label="Number">') == 2 and first.number in two
    edited = clerk.get("/office/REG/documents/", {"after": "forged"})
    assert edited.status_code == 200  # an edited cursor: the first page


def test_another_agencys_document_and_one_for_official_use_stay_hidden(office):
    secret = incoming(office, "Personnel matter", access=Access.OFFICIAL_USE)
    plain = incoming(office, "A plain letter")
    operator = client(office["operator"])
    journal = operator.get("/office/REG/documents/").content.decode()
    assert plain.number in journal and secret.number not in journal
    assert operator.get(url(secret)).status_code == 404
    assert operator.get(url(secret, "print/")).status_code == 404
    assert operator.get(url(plain)).status_code == 200
    tax = client(office["tax_clerk"])
    assert tax.get(url(plain)).status_code == 404  # not an official of REG
    assert tax.get(f"/office/TAX/documents/{plain.pk}/").status_code == 404  # not TAX's
    assert tax.post(f"/office/TAX/documents/{plain.pk}/", {
        "action": "file", "case": "01-05"}).status_code == 404
    files = f"/office/REG/documents/{plain.pk}/files/1/"
    assert tax.get(files).status_code == 404 and operator.get(files).status_code == 404
    assert tax.get("/office/REG/documents/").status_code == 404
    assert tax.get("/office/TAX/documents/not-a-uuid/").status_code == 404
    clerk = client(office["clerk"])
    card = clerk.get(url(secret)).content.decode()
    assert "Personnel matter" in card and "For official use" in card
    clerk.get(url(secret, "print/"))
    assert audited("document.viewed", secret) == 2  # every opening, the print too


def test_an_author_drafts_attaches_and_routes_and_bad_input_comes_back_as_typed(office):
    lawyer = client(office["lawyer"])
    assert 'option value="TAX"' not in lawyer.get("/office/REG/documents/new/").content.decode()
    on_exchange(office)
    assert 'option value="TAX"' in lawyer.get("/office/REG/documents/new/").content.decode()
    bad = lawyer.post("/office/REG/documents/new/", {
        "kind": "outgoing", "doc_type": "", "subject": "", "pages": "many",
        "summary": "Kept as typed", "access": "public", "correspondent": "NOPE"})
    assert bad.status_code == 400
    page = bad.content.decode()
    for field in ("doc_type", "subject", "pages", "correspondent"):
        assert f'id="e-{field}"' in page, field
    assert "Kept as typed" in page and 'value="many"' in page
    assert not Document.objects.exists()
    made = lawyer.post("/office/REG/documents/new/", {
        "kind": "outgoing", "doc_type": "letter", "subject": "On the exchange of records",
        "pages": "2", "access": "public", "correspondent_name": "Bank of the capital"})
    document = Document.objects.get()
    assert made.status_code == 302 and made["Location"] == url(document, "draft/")
    assert (document.created_by, document.pages, document.correspondent_name) == (
        office["lawyer"], 2, "Bank of the capital")

    draft = url(document, "draft/")
    assert lawyer.get(draft).status_code == 200
    fake = lawyer.post(draft, {"action": "attach", "role": "main",
                               "file": SimpleUploadedFile("letter.pdf", b"GIF89a not a pdf")})
    assert fake.status_code == 400 and 'id="e-file"' in fake.content.decode()
    none = lawyer.post(draft, {"action": "attach", "role": "main"})
    assert none.status_code == 400 and "Choose a file to add." in none.content.decode()
    assert lawyer.post(draft, {"action": "attach", "role": "main",
                               "file": pdf_upload()}).status_code == 302
    assert lawyer.post(draft, {"action": "attach", "role": "attachment",
                               "file": pdf_upload("annex.pdf", "Annex")}).status_code == 302
    files = {f.name: f for f in document.files.all()}
    assert set(files) == {"letter.pdf", "annex.pdf"}
    lawyer.post(draft, {"action": "remove", "file": files["annex.pdf"].pk})
    assert set(document.files.values_list("name", flat=True)) == {"letter.pdf"}
    downloaded = lawyer.get(url(document, f"files/{files['letter.pdf'].pk}/"))
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) \
        .startswith(b"%PDF")
    assert audited("document.file_downloaded", document) == 1

    stranger = lawyer.post(draft, {"action": "send", "stage-1": ["nobody"], "signatory": ""})
    assert stranger.status_code == 400
    page = stranger.content.decode()
    assert 'id="e-route"' in page and 'id="e-signatory"' in page
    assert document.approvals.count() == 0
    sent = lawyer.post(draft, {"action": "send", "stage-1": [office["operator"].username,
                                                            office["supervisor"].username],
                               "stage-3": [office["head"].username],
                               "signatory": office["head"].username})
    assert sent.status_code == 302 and sent["Location"] == url(document)
    document.refresh_from_db()
    assert document.status == Status.IN_APPROVAL
    assert sorted(document.approvals.filter(round=1).values_list("stage", flat=True)) == [
        1, 1, 2]  # the empty stage skipped
    card = lawyer.get(url(document)).content.decode()
    assert "In approval" in card and "Recall" in card
    assert lawyer.get(draft).status_code == 302  # no longer a draft to change
    lawyer.post(url(document), {"action": "recall"})
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    mine = lawyer.get("/office/REG/documents/", {"view": "drafts"}).content.decode()
    assert "On the exchange of records"[:20] in mine


def test_an_approver_refuses_with_remarks_the_author_reads_them(office):
    document = drafted(office)
    operator = client(office["operator"])
    waiting = operator.get("/office/REG/documents/", {"view": "waiting"}).content.decode()
    assert url(document) in waiting
    assert client(office["supervisor"]).post(url(document), {"action": "approve"}) \
        .status_code == 302  # not theirs to decide: told so, nothing changes
    assert Document.objects.get(pk=document.pk).status == Status.IN_APPROVAL
    silent = operator.post(url(document), {"action": "refuse", "remarks": "  "})
    assert silent.status_code == 400 and 'id="e-remarks"' in silent.content.decode()
    operator.post(url(document), {"action": "refuse", "remarks": "Cite the article."})
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    card = client(office["lawyer"]).get(url(document)).content.decode()
    assert "Cite the article." in card and "Refused with remarks" in card
    assert "Text, attachments and route" in card


def test_the_head_signs_with_the_code_the_clerk_registers_sends_and_files(office):
    on_exchange(office)
    document = drafted(office, route=())
    head = client(office["head"])
    assert "Sign the document" in head.get(url(document)).content.decode()
    wrong = head.post(url(document), {"action": "sign", "confirmation": "000000"})
    assert wrong.status_code == 400 and 'id="e-confirmation"' in wrong.content.decode()
    signed = head.post(url(document), {"action": "sign", "confirmation": next_code()})
    assert signed.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.SIGNED and document.signed_uuid

    lawyer = client(office["lawyer"])
    refused = lawyer.post(url(document), {"action": "register", "case": "01-05"}, follow=True)
    assert refused.status_code == 200
    assert "Only the agency's registry clerks register documents." in html.unescape(
        refused.content.decode())
    assert Document.objects.get(pk=document.pk).status == Status.SIGNED
    clerk = client(office["clerk"])
    queue = clerk.get("/office/REG/documents/", {"view": "register"}).content.decode()
    assert url(document) in queue
    no_case = clerk.post(url(document), {"action": "register"})
    assert no_case.status_code == 400 and 'id="e-case"' in no_case.content.decode()
    clerk.post(url(document), {"action": "register", "case": "01-05"})
    document.refresh_from_db()
    assert document.status == Status.REGISTERED and document.number.startswith("01-05/")
    printed = clerk.get(url(document, "print/")).content.decode()
    assert document.number in printed and "Registration card" in printed
    assert f"/verify/{document.signed_uuid}/" in printed

    card = clerk.get(url(document)).content.decode()
    assert 'option value="TAX" selected' in card  # the correspondent, chosen already
    unknown = clerk.post(url(document), {"action": "send", "to": ["NOPE"]})
    assert unknown.status_code == 400 and 'id="e-to"' in unknown.content.decode()
    clerk.post(url(document), {"action": "send", "to": ["TAX"]})
    delivery = Delivery.objects.get(document=document)
    assert delivery.recipient == office["tax"]
    assert Document.objects.get(pk=document.pk).status == Status.SENDING
    delivery.receipt.save("r.asice", ContentFile(b"PK receipt"))
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.DELIVERED,
                                                   their_number="TAX-7")
    Document.objects.filter(pk=document.pk).update(status=Status.DELIVERED)
    card = clerk.get(url(document)).content.decode()
    assert "TAX-7" in card and "Delivered" in card and "File into a case" in card
    receipt = clerk.get(url(document, f"receipts/{delivery.pk}/"))
    assert b"".join(receipt.streaming_content) == b"PK receipt"
    assert audited("document.file_downloaded", document) == 1
    clerk.post(url(document), {"action": "file", "case": "02-01"})
    document.refresh_from_db()
    assert document.status == Status.FILED and document.case.index == "02-01"
    history = clerk.get(url(document)).content.decode()
    for step in ("Draft created", "Signed", "Registered", "Sent", "Filed in a case"):
        assert step in history, step


def test_a_clerk_registers_paper_mail_others_may_not(office):
    assert client(office["lawyer"]).get("/office/REG/documents/incoming/").status_code == 404
    clerk = client(office["clerk"])
    bad = clerk.post("/office/REG/documents/incoming/", {
        "correspondent_name": "Karimov F.", "their_date": "yesterday", "doc_type": "letter",
        "subject": "", "pages": "1", "access": "public"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert 'id="e-their_date"' in page and 'id="e-subject"' in page and "Karimov F." in page
    done = clerk.post("/office/REG/documents/incoming/", {
        "correspondent_name": "Karimov F.", "their_number": "5", "their_date": "2026-01-05",
        "doc_type": "request", "subject": "A request for a record", "pages": "3",
        "access": "official_use", "department": "02"})
    document = Document.objects.get()
    assert done.status_code == 302 and done["Location"] == url(document)
    assert (document.kind, document.status, document.department.code, document.access) == (
        "incoming", Status.REGISTERED, "02", Access.OFFICIAL_USE)
    assert document.number.endswith("-in/" + document.registered_at.strftime("%y"))


def test_substitutes_are_appointed_act_for_the_absent_and_are_cancelled(office):
    document = drafted(office)
    operator = client(office["operator"])
    today = routes.today()
    bad = operator.post("/office/REG/substitutes/", {
        "official": office["operator"].username, "substitute": office["supervisor"].username,
        "starts": today.isoformat(), "ends": "soon"})
    assert bad.status_code == 400 and 'id="e-ends"' in bad.content.decode()
    for_another = operator.post("/office/REG/substitutes/", {
        "official": office["lawyer"].username, "substitute": office["supervisor"].username,
        "starts": today.isoformat(), "ends": today.isoformat()})
    assert for_another.status_code == 400
    assert "Only a head appoints a substitute" in for_another.content.decode()
    operator.post("/office/REG/substitutes/", {
        "official": office["operator"].username, "substitute": office["supervisor"].username,
        "starts": today.isoformat(), "ends": (today + timedelta(days=7)).isoformat(),
        "reason": "Leave"})
    listing = operator.get("/office/REG/substitutes/").content.decode()
    assert "Leave" in listing and office["supervisor"].display_name in listing
    supervisor = client(office["supervisor"])
    waiting = supervisor.get("/office/REG/documents/", {"view": "waiting"}).content.decode()
    assert url(document) in waiting
    card = supervisor.get(url(document)).content.decode()
    assert "as their substitute" in card
    supervisor.post(url(document), {"action": "approve"})
    card = supervisor.get(url(document)).content.decode()
    assert "their substitute" in card and Document.objects.get(
        pk=document.pk).status == Status.APPROVED
    row = Substitution.objects.get()
    assert client(office["tax_clerk"]).post("/office/TAX/substitutes/", {
        "action": "cancel", "substitution": row.pk}).status_code == 404
    operator.post("/office/REG/substitutes/", {"action": "cancel", "substitution": row.pk})
    assert Substitution.objects.get().cancelled_at is not None
    assert "Leave" not in operator.get("/office/REG/substitutes/").content.decode()
