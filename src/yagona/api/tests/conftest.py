"""Fixtures the API tests share."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from yagona.accounts import services as accounts
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.registries.models import Grant
from yagona.testing.tokens import api_token


@pytest.fixture
def api(people):
    """Clients by role: the registry keeper of the owner (REG), an operator of the owner,
    an operator of TAX (granted two fields), and a citizen."""
    reg = Agency.objects.get(code="REG")
    keeper = people["supervisor"]
    accounts.grant_role(SYSTEM, keeper, reg, "registry_keeper")
    Grant.objects.create(registry=reg.registries.get(code="population"),
                         agency=Agency.objects.get(code="TAX"),
                         fields=["person_id", "surname"])

    def client(user):
        token = api_token(user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}",
                      HTTP_INFORMATION_MEDIATOR_CLIENT="YAGONA/GOV/TAX/portal")

    return {name: client(people[user]) for name, user in [
        ("keeper", "supervisor"), ("operator", "operator"), ("tax", "tax_operator"),
        ("citizen", "citizen")]}


@pytest.fixture
def keep_the_test_transaction():
    """Calling the WSGI application directly fires request_finished, whose
    close_old_connections would drop the test's transaction on PostgreSQL; Django's
    test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
