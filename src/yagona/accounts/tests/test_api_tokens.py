"""API tokens: scoped (citizen or office), expiring, listed and revoked by their owner."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import Client
from django.utils import timezone

from yagona.accounts import queries, services
from yagona.accounts.models import ApiToken, Role, TokenScope
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM, Actor, AuditEntry
from yagona.testing.web import TOTP_SECRET, signed_in

QUEUE = "/api/v1/office/REG/queue"
MINE = "/api/v1/applications"


def get(url, token):
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def operator(people):
    services.enable_totp(SYSTEM, people["operator"], TOTP_SECRET)
    return people["operator"]


@pytest.mark.django_db
def test_office_endpoints_need_an_office_token_of_an_official_with_a_second_factor(people,
                                                                               operator):
    office = services.issue_api_token(SYSTEM, operator, "queue", scope=TokenScope.OFFICE)
    citizen = services.issue_api_token(SYSTEM, operator, "mine")
    assert get(QUEUE, office).status_code == 200
    assert get(QUEUE, citizen).status_code == 401  # citizen scope: no office work
    assert get(MINE, citizen).status_code == 200
    assert get(MINE, office).status_code == 200  # an official is a citizen too

    # Without a second factor an official gets no office token, and one issued earlier
    # stops opening office endpoints once the second factor is removed.
    with pytest.raises(PermissionDenied):
        services.issue_api_token(SYSTEM, people["supervisor"], "x", scope=TokenScope.OFFICE)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=operator).delete()
    assert get(QUEUE, office).status_code == 401


@pytest.mark.django_db
def test_a_token_issued_before_a_role_was_granted_stays_a_citizen_token(people):
    citizen = people["citizen"]
    with pytest.raises(PermissionDenied):  # not an official: no office token at all
        services.issue_api_token(SYSTEM, citizen, "x", scope=TokenScope.OFFICE)
    token = services.issue_api_token(SYSTEM, citizen, "before")
    services.grant_role(SYSTEM, citizen, Agency.objects.get(code="REG"), Role.OPERATOR)
    services.enable_totp(SYSTEM, citizen, TOTP_SECRET)
    assert get(QUEUE, token).status_code == 401
    assert get(MINE, token).status_code == 200


@pytest.mark.django_db
def test_tokens_expire_after_the_configured_lifetime(people, settings, monkeypatch):
    settings.API_TOKEN_DAYS = 30
    issued = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: issued)  # a fixed clock while issuing
    token = services.issue_api_token(SYSTEM, people["citizen"], "short")
    monkeypatch.undo()
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert (row.created_at, row.expires_at) == (issued, issued + timedelta(days=30))
    assert get(MINE, token).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert get(MINE, token).status_code == 401
    with pytest.raises(ValueError):  # never longer than the configured lifetime
        services.issue_api_token(SYSTEM, people["citizen"], "long", days=31)


@pytest.mark.django_db
def test_owner_lists_and_revokes_tokens_others_cannot(people):
    citizen, other = people["citizen"], people["other"]
    token = services.issue_api_token(Actor(user=citizen), citizen, "laptop")
    row = queries.tokens_of(citizen)[0]
    assert (row.name, row.scope) == ("laptop", TokenScope.CITIZEN)
    assert queries.tokens_of(other) == []
    with pytest.raises(Http404):
        services.revoke_api_token(Actor(user=other), row.public_id)
    services.revoke_api_token(Actor(user=citizen), row.public_id)
    assert get(MINE, token).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked",
                                     object_id=citizen.username).count() == 1
    with pytest.raises(Http404):  # only once
        services.revoke_api_token(Actor(user=citizen), row.public_id)


@pytest.mark.django_db
def test_the_account_page_lists_issues_and_revokes(people):
    citizen = people["citizen"]
    services.issue_api_token(SYSTEM, people["other"], "not mine")
    client = signed_in(citizen)
    assert b"/accounts/tokens/" in client.get("/account/").content
    page = client.post("/accounts/tokens/", {"name": "my script", "scope": "citizen"})
    assert page.status_code == 200
    shown = page.context["new_token"]
    assert get(MINE, shown).status_code == 200
    # A citizen cannot ask for an office token through the form.
    refused = client.post("/accounts/tokens/", {"name": "x", "scope": "office"})
    assert refused.status_code == 200 and refused.context.get("new_token") is None
    listing = client.get("/accounts/tokens/").content.decode()
    assert "my script" in listing and "not mine" not in listing
    row = queries.tokens_of(citizen)[0]
    response = client.post(f"/accounts/tokens/{row.public_id}/revoke/")
    assert response.status_code == 302
    assert get(MINE, shown).status_code == 401
    other_row = ApiToken.objects.get(name="not mine")
    assert client.post(f"/accounts/tokens/{other_row.public_id}/revoke/").status_code == 404


@pytest.mark.django_db
def test_issue_token_command_scopes_and_refuses(people, operator, capsys):
    call_command("issue-token", operator.username, "--scope", "office", "--days", "7")
    token = capsys.readouterr().out.strip()
    assert get(QUEUE, token).status_code == 200
    with pytest.raises(CommandError, match="second factor"):
        call_command("issue-token", people["supervisor"].username, "--scope", "office")
