"""The application page forwards an application by competence: the covering letter is
drafted with the application attached, and the page lists it."""

import pytest

from yagona.applications.tests.test_signed_decisions import in_review  # noqa: F401
from yagona.backoffice.tests.test_admin_pages import official
from yagona.correspondence.models import Document


@pytest.mark.django_db
def test_the_handling_official_forwards_an_application(people, in_review):  # noqa: F811
    client = official(people["operator"])
    page = f"/office/applications/{in_review.uuid}/"
    shown = client.get(page).content.decode()
    assert "Forwarding by competence" in shown and 'value="TAX"' in shown
    assert 'value="REG"' not in shown  # not to itself
    refused = client.post(page, {"action": "forward", "agency": "NOPE", "text": "Ours?"},
                          follow=True)
    assert "Choose the agency the application belongs to." in refused.content.decode()
    assert not Document.objects.exists()
    drafted = client.post(page, {"action": "forward", "agency": "TAX",
                                 "text": "The application concerns a tax matter."})
    letter = Document.objects.get()
    assert drafted.status_code == 302 and drafted.url.endswith(f"/documents/{letter.pk}/draft/")
    assert letter.source == f"application:{in_review.uuid}" and letter.files.count() == 2
    assert "Covering letter (draft)" in client.get(page).content.decode()
    other = official(people["tax_operator"])  # not this agency's application
    assert other.post(page, {"action": "forward", "agency": "REG", "text": "x"}).status_code \
        == 404
