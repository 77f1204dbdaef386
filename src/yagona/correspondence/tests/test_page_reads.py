"""The reads behind the back-office pages: keyset pages that neither skip nor repeat a
document (ties on the registration time too), what waits for an official's decision,
and a document's history from the audit log without its reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yagona.correspondence import queries, routes, services
from yagona.correspondence.models import Document
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import pdf_upload


def registered(office, count: int) -> list[Document]:
    return [services.register_incoming(office["clerk"], office["reg"], Card(
        doc_type="letter", subject=f"Letter {n}")) for n in range(count)]


@pytest.mark.parametrize("count,size,ties", [(0, 3, False), (3, 3, False), (7, 3, True),
                                             (10, 4, False), (11, 2, True)])
def test_pages_cover_every_document_once_in_order(office, count, size, ties):
    documents = registered(office, count)
    if ties:  # several registered in the same instant: the id breaks the tie
        moment = timezone.now()
        for n, document in enumerate(documents):
            Document.objects.filter(pk=document.pk).update(
                registered_at=moment - timedelta(seconds=n % 2))
    rows = Document.objects.filter(agency=office["reg"])
    seen, cursor, pages = [], None, 0
    while True:
        items, cursor = queries.page(rows, cursor, size=size)
        seen += items
        pages += 1
        assert len(items) <= size
        if cursor is None:
            break
    assert len(seen) == len({d.pk for d in seen}) == count
    assert [d.pk for d in seen] == list(rows.order_by("-registered_at", "-pk")
                                        .values_list("pk", flat=True))
    assert pages == max(1, -(-count // size))


def test_what_waits_for_a_decision_and_the_history_without_reads(office):
    document = services.create_draft(office["lawyer"], office["reg"], "outgoing",
                                     Card(doc_type="letter", subject="A reply"))
    services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.set_route(office["lawyer"], document.pk, [[office["operator"]], [office["deputy"]]],
                     signatory=office["head"])
    assert not queries.waiting_for(office["operator"], office["reg"]).exists()
    routes.send_for_approval(office["lawyer"], document.pk)
    assert list(queries.waiting_for(office["operator"], office["reg"])) == [document]
    assert not queries.waiting_for(office["deputy"], office["reg"]).exists()  # stage 2
    routes.decide(office["operator"], document.pk, True)
    assert not queries.waiting_for(office["operator"], office["reg"]).exists()
    assert list(queries.waiting_for(office["deputy"], office["reg"])) == [document]
    assert not queries.waiting_for(office["deputy"], office["tax"]).exists()
    routes.decide(office["deputy"], document.pk, True)
    assert list(queries.waiting_for(office["head"], office["reg"])) == [document]  # to sign
    queries.opened(office["head"], office["reg"], document.pk)
    steps = [e.action for e in queries.history(document)]
    assert steps[0] == "document.drafted" and steps[-1] == "document.approve"
    assert "document.viewed" not in steps
