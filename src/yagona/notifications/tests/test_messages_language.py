"""A notice names an agency and a register in the reader's language when it holds their
names in every language, instead of the language that was active when it was written."""

from django.utils import translation

from yagona.notifications.messages import body, title
from yagona.notifications.models import InboxItem


def test_a_data_read_notice_names_the_agency_in_the_readers_language(country, people):
    item = InboxItem(recipient=people["citizen"], event="data_read", params={
        "agency": {"en": "Civil Registry", "ru": "Служба регистрации"},
        "registry": {"en": "Population register", "ru": "Регистр населения"}})
    with translation.override("ru"):
        assert "Служба регистрации" in title(item)
        assert "Регистр населения" in body(item) and "Служба регистрации" in body(item)
    with translation.override("en"):
        assert title(item).startswith("Civil Registry")
    # Notices written with one name (an organisation outside government) still read.
    item.params = {"agency": "Pamir Bank", "registry": "Population register"}
    assert "Pamir Bank" in title(item)
