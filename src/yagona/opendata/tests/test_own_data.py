"""The platform publishes itself: its services, applications and ratings as datasets of
the catalogue's publisher, only aggregates, small counts left empty, written again only
when something changed."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from yagona.applications.models import Application, Rating, SatisfactionTally
from yagona.catalogue.models import Service
from yagona.opendata import files, own_data, queries
from yagona.opendata.models import Dataset
from yagona.opendata.own_data import OTHER, UNKNOWN

pytestmark = pytest.mark.django_db
ZONE_DAY = datetime(2026, 3, 10, 9, 0).astimezone()


def table(name: str) -> list[dict]:
    dataset = queries.public_dataset(name)
    data = files.read(dataset.resources.get().stored).decode()
    return list(csv.DictReader(io.StringIO(data)))


def applications(people, service_code: str, count: int, channel="online", decided=0,
                 approved=0, late=0):
    """``count`` applications submitted on 10 March 2026; the first ``decided`` decided
    five days later (``approved`` of them approved, ``late`` after the deadline)."""
    service = Service.objects.get(code=service_code)
    for n in range(count):
        status, decided_at = "submitted", None
        if n < decided:
            status = "approved" if n < approved else "rejected"
            decided_at = ZONE_DAY + timedelta(days=5)
        made = Application.objects.create(
            service=service, agency=service.agency, status=status, channel=channel,
            created_by=people["citizen"], party_id=people["citizen"].username,
            submitted_at=ZONE_DAY, decided_at=decided_at,
            due_date=(ZONE_DAY + timedelta(days=3 if n < late else 10)).date())
        started(made)


def started(application, at=ZONE_DAY - timedelta(hours=1)):
    Application.objects.filter(pk=application.pk).update(created_at=at)


def test_the_platforms_figures_are_published_as_aggregates(people):
    applications(people, "birth-registration", 12, decided=10, approved=6, late=2)
    applications(people, "birth-registration", 3, channel="assisted", decided=3, approved=3)
    applications(people, "tax-clearance", 8, decided=6, approved=5)
    tax = Service.objects.get(code="tax-clearance")
    for _ in range(4):  # started online in March, never submitted
        started(Application.objects.create(service=tax, agency=tax.agency,
                                           created_by=people["citizen"],
                                           party_id=people["citizen"].username))
    for score in (5, 5, 4, 2, 5, 1):
        Rating.objects.create(service=Service.objects.get(code="birth-registration"),
                              channel="online", score=score, rated_on=date(2026, 3, 20))
    Rating.objects.create(service=Service.objects.get(code="tax-clearance"),
                          channel="online", score=5, rated_on=date(2026, 3, 21))
    made = own_data.refresh(date(2026, 4, 1))
    assert [d.name for d in made] == [own_data.SERVICES, own_data.APPLICATIONS,
                                      own_data.RATINGS, own_data.SATISFACTION,
                                      own_data.FIGURES]
    assert {d.agency.code for d in made} == {"REG"}  # the pack's catalogue publisher
    rows = {(r["service_code"], r["channel"]): r for r in table(own_data.APPLICATIONS)}
    online = rows[("birth-registration", "online")]
    assert (online["submitted"], online["decided"], online["approved"], online["rejected"],
            online["decided_on_time"], online["median_days"]) == (
        "12", "10", "", "", "8", "5.0")  # 4 refusals would tell the approvals: both empty
    assert [rows[("birth-registration", "assisted")][k] for k in (
        "submitted", "decided")] == ["", ""]  # 3 applications: nothing
    tax = rows[("tax-clearance", "online")]
    assert (tax["submitted"], tax["decided"], tax["approved"]) == ("8", "6", "")
    ratings = {r["service_code"]: r for r in table(own_data.RATINGS)}
    assert ratings["birth-registration"]["ratings"] == "6"
    assert ratings["birth-registration"]["average_score"] == "3.67"
    assert ratings["birth-registration"]["satisfied_percent"] == "66.7"
    assert ratings["tax-clearance"]["ratings"] == ""  # one rating: not published
    [march] = table(own_data.FIGURES)
    assert march == {
        "month": "2026-03", "submitted": "23", "submitted_online": "20",
        "submitted_assisted": "", "digital_take_up_percent": "87.0", "decided": "19",
        "decided_on_time_percent": "89.5", "median_days": "5.0", "ratings": "7",
        "average_score": "3.86", "satisfied_percent": "71.4",
        "started_online": "24", "completion_rate_percent": "83.3"}  # 20 of 24 submitted
    services = {r["code"]: r for r in table(own_data.SERVICES)}
    assert services["passport-issue"]["online"] == "0"
    assert services["birth-registration"]["life_events"] == "birth"
    described = Dataset.objects.get(name=own_data.APPLICATIONS)
    assert set(described.title) == {"en", "ru"} and "5" in described.description["en"]


def test_a_refresh_that_changes_nothing_makes_no_version(people):
    applications(people, "birth-registration", 6, decided=5, approved=5)
    call_command("opendata-refresh", stdout=io.StringIO())
    versions = {d.name: d.version for d in Dataset.objects.all()}
    own_data.refresh()
    assert {d.name: d.version for d in Dataset.objects.all()} == versions
    applications(people, "tax-clearance", 5)
    own_data.refresh()
    after = {d.name: d.version for d in Dataset.objects.all()}
    assert after[own_data.APPLICATIONS] == versions[own_data.APPLICATIONS] + 1
    assert after[own_data.SERVICES] == versions[own_data.SERVICES]


def test_the_dashboard_draws_the_published_figures(client, people):
    assert "there are none yet" in client.get("/data/dashboard/").content.decode()
    applications(people, "birth-registration", 12, decided=10, approved=6, late=2)
    own_data.refresh(date(2026, 4, 1))
    page = client.get("/data/dashboard/").content.decode()
    assert page.count('role="img"') == 5  # five charts, each beside its figures
    assert '<td class="num">12</td>' in page and '<td class="num">80.0</td>' in page
    assert f'href="/data/{own_data.FIGURES}/"' in page


def tally(month: str, sex: str, band: str, region: str, ratings: int, satisfied: int):
    SatisfactionTally.objects.create(month=date.fromisoformat(month + "-01"), sex=sex,
                                     age_band=band, region=region, ratings=ratings,
                                     score=4 * ratings, satisfied=satisfied)


def test_satisfaction_by_group_is_published_per_closed_quarter_without_small_groups(people):
    """SDG 16.6.2: each dimension apart, per quarter once it has ended (its rows never
    change after); groups under 5 are not named but summed as "other" with the next
    smallest until that sum is 5 or more (else the total less the others tells them)."""
    tally("2025-11", "f", "30-44", "Sughd", 9, 8)
    tally("2026-01", "f", "30-44", "Sughd", 6, 5)
    tally("2026-02", "m", "30-44", "Khatlon", 7, 3)
    tally("2026-02", "m", "60+", "Sughd", 6, 6)
    tally("2026-03", "f", "18-29", "Khatlon", 2, 1)
    tally("2026-03", "f", "18-29", "Sughd", 1, 1)
    tally("2026-03", "", "", "", 5, 5)  # raters the register could not place
    tally("2026-04", "m", "60+", "Sughd", 20, 20)  # this quarter: not yet
    tally("2026-05", "m", "60+", "Sughd", 3, 3)
    own_data.refresh(date(2026, 5, 20))
    rows = {(r["quarter"], r["dimension"], r["group"]): (r["ratings"], r["satisfied_percent"])
            for r in table(own_data.SATISFACTION)}
    assert rows == {
        ("2025-Q4", "all", ""): ("9", "88.9"), ("2025-Q4", "sex", "f"): ("9", "88.9"),
        ("2025-Q4", "age_band", "30-44"): ("9", "88.9"),
        ("2025-Q4", "region", "Sughd"): ("9", "88.9"),
        ("2026-Q1", "all", ""): ("27", "77.8"),
        ("2026-Q1", "sex", UNKNOWN): ("5", "100.0"), ("2026-Q1", "sex", "f"): ("9", "77.8"),
        ("2026-Q1", "sex", "m"): ("13", "69.2"),
        # 18-29 has 3: summed with the smallest named (unknown, 5) as other.
        ("2026-Q1", "age_band", "30-44"): ("13", "61.5"),
        ("2026-Q1", "age_band", "60+"): ("6", "100.0"),
        ("2026-Q1", "age_band", OTHER): ("8", "87.5"),
        # Khatlon 9, Sughd 13, unknown 5: every region named.
        ("2026-Q1", "region", UNKNOWN): ("5", "100.0"),
        ("2026-Q1", "region", "Khatlon"): ("9", "44.4"),
        ("2026-Q1", "region", "Sughd"): ("13", "92.3")}
    described = Dataset.objects.get(name=own_data.SATISFACTION)
    assert "16.6.2" in described.description["en"] and "5" in described.description["en"]
    assert "Population register" in described.description["en"]
    first = described.version
    own_data.refresh(date(2026, 6, 30))  # more ratings this quarter: nothing new to publish
    described.refresh_from_db()
    assert described.version == first


def test_two_small_groups_are_never_told_apart_from_the_total(people):
    tally("2026-01", "f", "30-44", "A", 1, 1)
    tally("2026-01", "f", "30-44", "B", 1, 1)
    tally("2026-01", "f", "30-44", "C", 20, 10)
    own_data.refresh(date(2026, 4, 1))
    regions = {r["group"]: r["ratings"] for r in table(own_data.SATISFACTION)
               if r["dimension"] == "region"}
    assert regions == {OTHER: "22"}  # A and B (2) with C: nothing to subtract from 22
    tally("2026-04", "f", "30-44", "A", 2, 1)
    own_data.refresh(date(2026, 7, 1))
    assert [r["ratings"] for r in table(own_data.SATISFACTION) if r["quarter"] == "2026-Q2"] \
        == [""]  # 2 ratings in the quarter: nothing at all


def test_the_dashboard_shows_satisfaction_by_group_with_the_registers_words(client, people):
    applications(people, "birth-registration", 12, decided=10, approved=6, late=2)
    tally("2026-03", "f", "30-44", "Sughd", 6, 5)
    tally("2026-03", "m", "60+", "Sughd", 7, 2)
    own_data.refresh(date(2026, 4, 1))
    page = client.get("/data/dashboard/").content.decode()
    assert page.count('role="img"') == 8  # and one per dimension
    assert "Satisfaction by sex, age and region, Q1 2026" in page
    assert '<th scope="row">Female</th><td class="num">6</td>' in page  # the register's label
    assert '<th scope="row">60+</th><td class="num">7</td>' in page
    with_ru = client.get("/data/dashboard/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Женский" in with_ru
