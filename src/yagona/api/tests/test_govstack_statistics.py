"""/data/statistics: any dates answer without a server error; figures that could single
out an official (per operator, per role) only for officials of the agency."""

from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.testing.tokens import api_token

BASE = "/govstack/registration/data/statistics"
MEDIATOR = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "YAGONA/GOV/TAX/portal"}


def decided(people):
    """One tax-clearance application approved by the tax operator."""
    client = Client()
    body = {"service": "tax-clearance", "answers": {"purpose": "For a bank loan"},
            "submit": True}
    created = client.post("/api/v1/applications", body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {api_token(people['citizen'])}").json()
    url = f"/api/v1/office/applications/{created['id']}"
    officer = {"HTTP_AUTHORIZATION": f"Bearer {api_token(people['tax_operator'])}"}
    client.post(f"{url}/assign", {}, content_type="application/json", **officer)
    client.post(f"{url}/decision", {"approve": "true", "reason": "ok"}, **officer)


@pytest.mark.django_db
def test_the_first_day_of_the_calendar_is_a_date_not_a_server_error(country):
    client = Client()
    early = client.get(f"{BASE}?endDate=0001-01-01", **MEDIATOR)
    assert early.status_code == 200, early.content
    assert early.json()[0]["references"]["startDate"] == "0001-01-01"
    late = client.get(f"{BASE}?startDate=9999-12-31&endDate=9999-12-31&timeframe=week",
                      **MEDIATOR)
    assert late.status_code == 200
    backwards = client.get(f"{BASE}?startDate=2026-02-01&endDate=2026-01-01", **MEDIATOR)
    assert backwards.status_code == 400
    assert backwards["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_any_dates_in_any_order_answer_without_a_server_error(people):
    decided(people)
    client = Client()

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(start=st.none() | st.dates(), end=st.none() | st.dates(),
           timeframe=st.sampled_from([None, "day", "week", "month", "year"]))
    def check(start, end, timeframe):
        query = {k: v.isoformat() for k, v in (("startDate", start), ("endDate", end)) if v}
        if timeframe:
            query["timeframe"] = timeframe
        answer = client.get(BASE, query, **MEDIATOR)
        assert answer.status_code < 500, (query, answer.content[:300])
        if answer.status_code >= 400:
            assert answer["Content-Type"] == "application/problem+json"
        else:
            assert all(row["references"].get("startDate", date.min.isoformat())
                       <= row["references"].get("endDate", date.max.isoformat())
                       for row in answer.json())

    check()


@pytest.mark.django_db
def test_figures_per_role_are_for_officials_of_the_agency(people):
    """A role within one service can be one official: ?role= needs a colleague's token,
    as ?operator= does, and counts the caller's agencies' applications only."""
    decided(people)
    client = Client()
    role = f"{BASE}?role=operator&registrationName=tax-clearance"
    anonymous = client.get(role, **MEDIATOR)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    citizen = {"HTTP_AUTHORIZATION": f"Bearer {api_token(people['citizen'])}", **MEDIATOR}
    assert client.get(role, **citizen).status_code == 401
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(people['operator'])}",
             **MEDIATOR}
    elsewhere = client.get(role, **other)
    assert elsewhere.status_code == 200 and elsewhere.json()[0]["approved"] == 0
    tax = {"HTTP_AUTHORIZATION": f"Bearer {api_token(people['tax_operator'])}",
           **MEDIATOR}
    own = client.get(role, **tax)
    assert own.status_code == 200 and own.json()[0]["approved"] == 1
