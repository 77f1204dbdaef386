"""An application forwarded by competence to another agency as a registered letter, and
the other agency's answer coming back through the same flow. The exchange's transport is
the one seam replaced here (the addressee's system called in process); the three-node
test (correspondence/tests/test_sending.py) covers the nodes themselves."""

import pyotp
import pytest
from django.core.exceptions import ValidationError

from yagona.accounts.models import Role
from yagona.applications import forwarding
from yagona.applications.models import Message
from yagona.applications.tests.test_signed_decisions import in_review  # noqa: F401
from yagona.core.audit import SYSTEM
from yagona.correspondence import arrival, delivery, routes, services
from yagona.correspondence.models import Document, DocumentFile
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import official, pdf_upload
from yagona.correspondence.workflow import Status
from yagona.exchange import common
from yagona.exchange import services as exchange
from yagona.testing.web import TOTP_SECRET


@pytest.fixture
def offices(people, monkeypatch):
    """REG and TAX on the exchange, each with a clerk and a head; the transport between
    their nodes replaced by a call of the addressee's system."""
    from yagona.agencies.models import Agency

    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    for number, agency in enumerate((reg, tax)):
        member = common.join(SYSTEM, agency)
        exchange.add_node(SYSTEM, member, "node1", f"https://127.0.0.1:{5590 + number}")

    def in_process(row):
        capsule = delivery._capsule(row)
        answer = arrival.receive(row.recipient, f"XX/GOV/{row.document.agency.code}/documents",
                                 capsule)
        return answer.status, answer.body

    monkeypatch.setattr(delivery, "_post", in_process)
    return {**people, "reg": reg, "tax": tax,
            "reg_clerk": official(30, "Gulnora", "Kotiba", reg, Role.CLERK),
            "reg_head": official(31, "Rustam", "Sardorov", reg, Role.HEAD, totp=True),
            "tax_clerk": official(32, "Parviz", "Daftardor", tax, Role.CLERK),
            "tax_head": official(33, "Firuza", "Raisova", tax, Role.HEAD, totp=True)}


def through_the_flow(author, head, clerk, document, case="01-05"):
    routes.set_route(author, document.pk, [], signatory=head)
    routes.send_for_approval(author, document.pk)
    routes.sign(head, document.pk, pyotp.TOTP(TOTP_SECRET).now())
    services.register(clerk, document.pk, case_index=case)
    sent = delivery.send(clerk, document.pk)
    assert delivery.deliver_due() == 1  # the job (after commit, outside this test's)
    return sent


@pytest.mark.django_db
def test_an_application_is_forwarded_and_the_answer_comes_back(offices, in_review):  # noqa: F811
    operator, application = offices["operator"], in_review
    with pytest.raises(ValidationError):  # not to itself
        forwarding.forward(operator, application.uuid, "REG", "Not ours.")
    letter = forwarding.forward(operator, application.uuid, "TAX",
                                "The application concerns a tax matter; we forward it.")
    assert letter.source == f"application:{application.uuid}"
    assert {f.role for f in letter.files.all()} == {DocumentFile.Role.MAIN,
                                                    DocumentFile.Role.ATTACHMENT}
    sent = through_the_flow(operator, offices["reg_head"], offices["reg_clerk"], letter)
    assert Document.objects.get(pk=sent.pk).status == Status.DELIVERED
    told = Message.objects.get(application=application, kind="forwarded")
    received = Document.objects.get(agency=offices["tax"], kind="incoming")
    assert received.number in told.body and received.their_number == sent.number

    # TAX answers the letter it received; the answer arrives at REG, linked to the letter.
    answer = services.create_draft(offices["tax_clerk"], offices["tax"], "outgoing", Card(
        doc_type="letter", subject="On the forwarded application",
        correspondent_agency=offices["reg"]), answers=received.pk)
    services.attach(offices["tax_clerk"], answer.pk, "main", pdf_upload())
    through_the_flow(offices["tax_clerk"], offices["tax_head"], offices["tax_clerk"], answer)
    back = Document.objects.get(agency=offices["reg"], kind="incoming")
    link = back.links.get()
    assert (link.relation, link.target_id) == ("answers", letter.pk)
    reply = Message.objects.get(application=application, kind="forward_answer")
    assert back.their_number in reply.body
