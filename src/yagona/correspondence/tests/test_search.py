"""Search across an agency's journals: numbers (ours and the sender's, by their
beginning), words (folded, by their beginning), correspondent, kind, journal, status,
dates in the country's calendar, and only what the reader may see."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.correspondence import search, services
from yagona.correspondence.models import Access, DocumentTerm
from yagona.correspondence.search import Filters
from yagona.correspondence.services import Card


def incoming(office, **card):
    values = {"doc_type": "letter", "subject": "On the exchange of records",
              "correspondent_name": "Ministry of Justice", "their_number": "12/345", **card}
    return services.register_incoming(office["clerk"], office["reg"], Card(**values))


def found(office, user="clerk", **filters):
    return set(search.find(office[user], office["reg"], Filters(**filters)))


def test_numbers_words_and_correspondents_find_their_documents(office):
    first = incoming(office, subject="Запрос о Раҳимовой Дилнозе", their_number="7/ҚД-11")
    second = incoming(office, subject="Civil status records of 2026",
                      correspondent_agency=office["tax"], correspondent_name="",
                      their_number="AB-99")
    assert found(office, number=first.number) == {first}
    assert found(office, number=first.number.split("-")[0]) == {first}  # its beginning
    assert found(office, number="7/ҚД") == {first}  # the sender's number
    assert found(office, number="9") == set()
    assert found(office, text="рахимовой") == {first}  # folded: ҳ is х
    assert found(office, text="Раҳим запрос") == {first}  # every word, by its beginning
    assert found(office, text="records") == {second}
    assert found(office, text="records justice") == set()  # second is from TAX
    assert found(office, text="tax service") == {second}  # the agency's name
    assert found(office, correspondent=office["tax"].pk) == {second}
    assert found(office, journal="IN", kind="incoming", status="registered") == {first, second}
    assert found(office, journal="OUT") == set()
    assert DocumentTerm.objects.filter(document=first).count() >= 4


def test_dates_are_days_of_the_countrys_calendar(office):
    document = incoming(office)
    day = document.registered_at.astimezone(search.active_pack().zone).date()
    assert found(office, registered_from=day, registered_to=day) == {document}
    assert found(office, registered_from=day + timedelta(days=1)) == set()
    assert found(office, registered_to=day - timedelta(days=1)) == set()


def test_only_what_the_reader_may_see_and_drafts_only_when_asked(office):
    secret = incoming(office, subject="Personnel matters", access=Access.OFFICIAL_USE)
    draft = services.create_draft(office["lawyer"], office["reg"], "outgoing",
                                  Card(doc_type="letter", subject="Personnel answer"))
    assert found(office, text="personnel") == {secret}
    assert found(office, "lawyer", text="personnel") == set()  # not for official use
    assert found(office, "lawyer", text="personnel", drafts=True) == {draft}
    assert search.find(office["tax_clerk"], office["reg"], Filters()).count() == 0


words = st.text(st.characters(codec="utf-8", categories=["L", "Nd"]), min_size=1,
                max_size=12)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=st.lists(words, min_size=1, max_size=5).map(" ".join))
def test_every_word_of_a_subject_finds_it(office, subject):
    document = incoming(office, subject=subject)
    for word in subject.split():
        assert document in found(office, text=word), word
