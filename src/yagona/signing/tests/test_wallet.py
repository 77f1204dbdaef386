"""A person's wallet: whose documents they see, share links (made, opened, expired,
revoked), the openings the holder is shown, the audit of each, and a document's status."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.accounts.models import MandateKind
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import queries, services
from yagona.signing.models import ShareLink, ShareOpening
from yagona.signing.tests.helpers import plain_pdf

COMPANY = "123456782"


@pytest.fixture
def reg(people):
    return Agency.objects.get(code="REG")


def issue(agency, holder_id, holder_kind="person", title="Decision", reference="REG-1"):
    return services.seal(plain_pdf(), agency, kind="result", title={"en": title},
                         holder_kind=holder_kind, holder_id=holder_id, reference=reference)


@pytest.mark.django_db
def test_the_holder_sees_their_documents_newest_first_and_nobody_elses(people, reg):
    citizen, other = people["citizen"], people["other"]
    first = issue(reg, citizen.username, reference="REG-1")
    second = issue(reg, citizen.username, reference="REG-2")
    theirs = issue(reg, other.username, reference="REG-3")
    assert list(queries.documents_of(citizen)) == [second, first]
    assert queries.document_for(citizen, first.uuid) == first
    for uuid in (theirs.uuid, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            queries.document_for(citizen, uuid)
    # An organisation's document whose business ID happens to equal a person ID is not
    # that person's: the kind of holder counts too.
    issue(reg, citizen.username, holder_kind="organisation")
    assert list(queries.documents_of(citizen)) == [second, first]


@pytest.mark.django_db
def test_a_companys_representative_sees_the_companys_documents(people, reg):
    director, employee = people["other"], people["citizen"]
    company = accounts.upsert_organisation(SYSTEM, COMPANY, "Pamir Trade LLC")
    mandate = accounts.grant_mandate(SYSTEM, director, MandateKind.DIRECTOR,
                                     organisation=company)
    accounts.grant_mandate(SYSTEM, employee, MandateKind.EMPLOYEE, organisation=company,
                           services=["tax-clearance"])
    licence = issue(reg, COMPANY, holder_kind="organisation", title="Licence")
    own = issue(reg, director.username)
    assert list(queries.documents_of(director)) == [own, licence]
    assert queries.holders_of(director)[("organisation", COMPANY)] == "Pamir Trade LLC"
    # A mandate for some services only does not open the company's documents.
    with pytest.raises(Http404):
        queries.document_for(employee, licence.uuid)
    # The representative shares it; the audit says for whom they acted.
    link, _token = services.share(director, licence.uuid, 7, "Bank")
    entry = AuditEntry.objects.get(action="signing.share_created")
    assert (entry.actor, entry.represented) == (director.username, COMPANY)
    # Once the mandate is revoked, the company's documents and links are out of reach.
    accounts.revoke_mandate(SYSTEM, mandate.pk)
    director = type(director).objects.get(pk=director.pk)  # no mandates cached on it
    with pytest.raises(Http404):
        queries.document_for(director, licence.uuid)
    with pytest.raises(Http404):
        services.revoke_share(director, link.pk)


@pytest.mark.django_db
def test_a_share_link_opens_the_document_until_it_expires(people, reg):
    citizen = people["citizen"]
    document = issue(reg, citizen.username)
    link, token = services.share(citizen, document.uuid, 7, "  Bank   of Dushanbe ")
    assert link.label == "Bank of Dushanbe"
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {f.value_to_string(link) for f in ShareLink._meta.fields}
    assert timedelta(days=7) - (link.expires_at - timezone.now()) < timedelta(minutes=1)
    assert services.open_share(token, network="203.0.113.77", user_agent="Bank") == document
    # Time passes: the link has expired.
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Http404):
        services.open_share(token, network="203.0.113.77")
    for wrong in ("", token[:-1], "x" * 43):
        with pytest.raises(Http404):
            services.open_share(wrong)
    assert ShareOpening.objects.filter(link=link).count() == 1


@pytest.mark.django_db
def test_a_revoked_link_is_404_and_only_the_holder_may_revoke_it(people, reg):
    citizen, other = people["citizen"], people["other"]
    document = issue(reg, citizen.username)
    link, token = services.share(citizen, document.uuid, 1)
    with pytest.raises(Http404):
        services.revoke_share(other, link.pk)
    with pytest.raises(Http404):
        services.share(other, document.uuid, 7)
    services.open_share(token)
    services.revoke_share(citizen, link.pk)
    services.revoke_share(citizen, link.pk)  # twice: still ended, audited once
    with pytest.raises(Http404):
        services.open_share(token)
    assert AuditEntry.objects.filter(action="signing.share_revoked").count() == 1
    for bad in (None, "1", 10**9):
        with pytest.raises(Http404):
            services.revoke_share(citizen, bad)


@pytest.mark.django_db
def test_only_the_fixed_lifetimes_and_a_short_label_are_accepted(people, reg):
    document = issue(reg, people["citizen"].username)
    for days in (0, 2, 365, None, "7"):
        with pytest.raises(ValidationError) as refused:
            services.share(people["citizen"], document.uuid, days)
        assert "days" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.share(people["citizen"], document.uuid, 30, "x" * 101)
    assert "label" in refused.value.message_dict
    assert not ShareLink.objects.exists()
    assert [services.share(people["citizen"], document.uuid, d)[0].pk is not None
            for d in services.SHARE_DAYS] == [True] * 3


@pytest.mark.django_db
def test_an_opening_keeps_the_network_not_the_address_and_is_audited(people, reg):
    citizen, reader = people["citizen"], people["other"]
    document = issue(reg, citizen.username)
    link, token = services.share(citizen, document.uuid, 30, "Employer")
    services.open_share(token, network="203.0.113.77", user_agent="A" * 500)
    services.open_share(token, reader=reader.username, network="2001:db8:85a3:8d3:1319::7",
                        user_agent="Firefox", what="download")
    services.open_share(token, network="::ffff:198.51.100.9")
    services.open_share(token, network="unknown")
    ipv4, ipv6, mapped, unknown = ShareOpening.objects.filter(link=link).order_by("pk")
    assert (ipv4.reader, ipv4.network, len(ipv4.user_agent), ipv4.opened_as) \
        == ("", "203.0.113.0/24", 200, "page")
    assert (ipv6.reader, ipv6.network, ipv6.opened_as) \
        == (reader.username, "2001:db8:85a3::/48", "download")
    assert mapped.network == "198.51.100.0/24"  # an IPv4 client seen through IPv6
    assert unknown.network == ""
    # The holder is shown the openings of their link, newest first.
    shown = queries.share_links_of(citizen, document)
    assert [len(x.shown_openings) for x in shown] == [4] and shown[0].opening_count == 4
    assert shown[0].shown_openings[-1] == ipv4
    with pytest.raises(Http404):
        queries.share_links_of(reader, document)
    # Each opening is audited as a third party's read of the document.
    entries = list(AuditEntry.objects.filter(action="signing.share_opened",
                                             object_id=str(document.uuid)).order_by("pk"))
    assert [e.summary["as"] for e in entries] == ["page", "download", "page", "page"]
    assert entries[0].actor == "share-link" and entries[1].actor == reader.username
    assert entries[0].summary["network"] == "203.0.113.0/24"
    assert entries[0].summary["holder"] == f"person:{citizen.username}"
    assert "203.0.113.77" not in str([e.summary for e in entries])
    created = AuditEntry.objects.get(action="signing.share_created")
    assert created.summary["days"] == 30 and created.actor == citizen.username
    with pytest.raises(ValueError):
        services.open_share(token, what="print")


@pytest.mark.django_db
def test_the_status_says_withdrawn_or_when_a_signers_certificate_was_revoked(people, reg):
    document = services.seal(plain_pdf(), reg, official=people["operator"], kind="result",
                             title={"en": "Decision"}, holder_id=people["citizen"].username)
    assert queries.status_of(document).is_valid
    official_serial = document.signers[0]["serial"]
    services.revoke(SYSTEM, official_serial, "key_compromise")
    status = queries.status_of(document)
    assert status.state == queries.Status.SIGNER_REVOKED
    assert status.valid_when_signed and status.at > document.issued_at
    # Revoked before the document was issued: the signature never was valid.
    document.issued_at = status.at + timedelta(hours=1)
    assert not queries.status_of(document).valid_when_signed
    assert queries.statuses_of([document])[document.pk] == queries.status_of(document)
    document.withdrawn_at, document.withdrawn_reason = timezone.now(), "Issued in error"
    withdrawn = queries.status_of(document)
    assert (withdrawn.state, withdrawn.reason) == (queries.Status.WITHDRAWN, "Issued in error")
