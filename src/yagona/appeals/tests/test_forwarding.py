"""An appeal forwarded by competence as a registered letter: drafted with the appeal and
its photos attached, routed, signed, registered and sent; once the other agency has
registered it, the appeal is theirs (the author sees the step with both numbers). The
exchange's transport is replaced as in applications/tests/test_forwarding.py."""

import pytest
from django.core.exceptions import ValidationError

from yagona.appeals import queries, services
from yagona.appeals.models import Appeal
from yagona.appeals.tests.conftest import photo
from yagona.appeals.workflow import Status
from yagona.applications.tests.test_forwarding import offices, through_the_flow  # noqa: F401
from yagona.correspondence.models import Document, DocumentFile

pytestmark = pytest.mark.django_db


def test_an_appeal_travels_as_a_registered_letter(offices):  # noqa: F811
    appeal, _code = services.submit(offices["citizen"], services.Draft(
        kind="problem", category="dumping", latitude="38.5", longitude="68.7",
        attributes={"size": "truck"}, text="A dump behind the tax office."), [photo()])
    operator = offices["operator"]
    with pytest.raises(ValidationError):
        services.forward_as_letter(operator, appeal.uuid, "REG", "Not ours.")
    letter = services.forward_as_letter(operator, appeal.uuid, "TAX",
                                        "The site is the tax office's yard.")
    assert letter.source == f"appeal:{appeal.uuid}" and letter.their_number == appeal.number
    assert sorted(f.role for f in letter.files.all()) == [
        DocumentFile.Role.ATTACHMENT, DocumentFile.Role.ATTACHMENT, DocumentFile.Role.MAIN]
    assert Appeal.objects.get().agency.code == "REG"  # until the letter arrives
    sent = through_the_flow(operator, offices["reg_head"], offices["reg_clerk"], letter)
    appeal.refresh_from_db()
    assert appeal.agency.code == "TAX" and appeal.status == Status.RECEIVED
    received = Document.objects.get(agency=offices["tax"], kind="incoming")
    step = queries.history(appeal).get(action="forward")
    assert sent.number in step.note and received.number in step.note
