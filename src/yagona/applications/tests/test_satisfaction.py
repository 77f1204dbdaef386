"""Satisfaction by group (SDG 16.6.2): a rating is counted by the rater's sex, age band
and region from the population register, apart from the rating, which keeps no person."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yagona.applications import queries, satisfaction
from yagona.applications import services as apply
from yagona.applications.models import Application, Rating, SatisfactionTally
from yagona.applications.satisfaction import age_band, group_of
from yagona.applications.steps import _local_today
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.registries import services as registries
from yagona.registries.tests.test_records import person

pytestmark = pytest.mark.django_db
BANDS = [18, 30, 45, 60]


@pytest.mark.parametrize(("birth", "on", "band"), [
    ("1990-05-01", "2026-04-30", "30-44"),  # 35, a day before turning 36
    ("1996-05-01", "2026-04-30", "18-29"),  # 29 until tomorrow
    ("1996-05-01", "2026-05-01", "30-44"),  # 30 today
    ("2010-01-01", "2026-01-01", "0-17"),
    ("1950-01-01", "2026-01-01", "60+"),
    ("2000-02-29", "2018-02-28", "0-17"),  # a leap-day birthday comes on 1 March
    ("2027-01-01", "2026-01-01", "0-17"),  # a wrong date in the future: the lowest band
])
def test_the_age_band_is_the_age_on_the_day(birth, on, band):
    assert age_band(date.fromisoformat(birth), date.fromisoformat(on), BANDS) == band


def ended_application(user):
    service = Service.objects.get(code="birth-registration")
    return Application.objects.create(service=service, agency=service.agency,
                                      status="approved", created_by=user,
                                      party_id=user.username)


def test_a_rating_counts_for_the_raters_group_and_keeps_no_person(people):
    citizen, other = people["citizen"], people["other"]
    registries.create(SYSTEM, "population", person(1, birth_date="1990-05-01", sex="f"))
    registries.create(SYSTEM, "population", person(
        2, birth_date="1950-01-01", sex="m",
        address={"region": "Khatlon", "city": "Bokhtar", "street": "Vahdat", "house": "2"}))
    assert queries.rating_groups_register() == "Population register"
    apply.rate(citizen, ended_application(citizen).uuid, 5)
    apply.rate(citizen, ended_application(citizen).uuid, 2)
    apply.rate(other, ended_application(other).uuid, 4)
    apply.rate(people["operator"], ended_application(people["operator"]).uuid, 3)  # no record
    tallies = {(t.sex, t.age_band, t.region): (t.ratings, t.score, t.satisfied)
               for t in SatisfactionTally.objects.all()}
    age = age_band(date(1990, 5, 1), _local_today(), BANDS)  # 30-44 until 2035
    assert tallies == {("f", age, "Sughd"): (2, 7, 1), ("m", "60+", "Khatlon"): (1, 4, 1),
                       ("", "", ""): (1, 3, 0)}
    assert {t.month for t in SatisfactionTally.objects.all()} == {_local_today().replace(day=1)}
    # The ratings themselves: service, channel, score, day; nothing of the person.
    assert {f.name for f in Rating._meta.get_fields()} == {
        "id", "service", "channel", "score", "comment", "rated_on"}
    assert Rating.objects.count() == 4
    later = date(_local_today().year + 1, 1, 1)
    assert queries.satisfaction_by_group(date(2000, 1, 1), _local_today().replace(day=1),
                                         "sex") == []  # before this month
    by_sex = queries.satisfaction_by_group(date(2000, 1, 1), later, "sex")
    assert [(r["group"], r["ratings"], r["satisfied"]) for r in by_sex] == [
        ("", 1, 0), ("f", 2, 1), ("m", 1, 1)]
    with pytest.raises(ValueError):
        queries.satisfaction_by_group(date(2000, 1, 1), later, "surname")


def test_the_group_is_read_with_one_lookup_and_is_unknown_without_a_record(people):
    registries.create(SYSTEM, "population", person(1))
    with CaptureQueriesContext(connection) as reads:
        group = group_of(people["citizen"].username, date(2026, 4, 30))
    assert group == {"sex": "f", "age_band": "30-44", "region": "Sughd"}
    assert len(reads) <= 4  # the register, its version, the key and record
    assert group_of(people["other"].username, date(2026, 4, 30)) == {
        "sex": "", "age_band": "", "region": ""}


def test_a_count_made_meanwhile_by_another_rating_is_added_to(people, monkeypatch):
    """Two first ratings of a group at once: the one that finds no row, and whose insert
    then fails on the row the other made, adds to that row."""
    key = {"month": date(2026, 3, 1), "sex": "", "age_band": "", "region": ""}
    SatisfactionTally.objects.create(**key, ratings=1, score=5, satisfied=1)  # the other's
    real_filter, calls = SatisfactionTally.objects.filter, []

    def late_filter(**lookup):  # the first look came before the other's row was there
        calls.append(lookup)
        return SatisfactionTally.objects.none() if len(calls) == 1 else real_filter(**lookup)

    monkeypatch.setattr(SatisfactionTally.objects, "filter", late_filter)
    satisfaction.count(people["citizen"].username, date(2026, 3, 9), 5)
    assert len(calls) == 2  # looked, failed to insert, added
    (tally,) = real_filter(**key)
    assert (tally.ratings, tally.score, tally.satisfied) == (2, 10, 2)


def test_age_bands_are_listed_by_their_first_age(people):
    for band in ("60+", "6-17", "18-59", ""):
        SatisfactionTally.objects.create(month=date(2026, 1, 1), age_band=band, ratings=1,
                                         score=5, satisfied=1)
    rows = queries.satisfaction_by_group(date(2026, 1, 1), date(2026, 4, 1), "age_band")
    assert [(r["period"], r["group"]) for r in rows] == [
        ("2026-Q1", ""), ("2026-Q1", "6-17"), ("2026-Q1", "18-59"), ("2026-Q1", "60+")]
