"""The public's reads: a period of calendar months, the figures from the aggregates only,
and problem reports without their author."""

from dataclasses import fields
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yagona.agencies.models import Agency
from yagona.appeals import queries, services
from yagona.appeals.models import AnswerDays, MonthlyFigures
from yagona.appeals.public import PublicReport
from yagona.appeals.tests.conftest import send
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("until, months, first", [
    (date(2024, 3, 15), 2, date(2024, 2, 1)),  # not January: February is short
    (date(2024, 12, 31), 12, date(2024, 1, 1)),  # twelve months, not thirteen
    (date(2025, 1, 1), 1, date(2025, 1, 1)),
    (date(2025, 2, 28), 14, date(2024, 1, 1)),
])
def test_a_period_is_so_many_calendar_months(until, months, first):
    assert queries.period(months, until) == (first, until.replace(day=1))


def _figures(agency, month, **values):
    return MonthlyFigures.objects.create(agency=agency, month=month, **values)


def test_figures_per_agency_month_and_in_all_with_medians_of_the_whole(country):
    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    _figures(reg, date(2025, 1, 1), received=10, answered=4, answered_on_time=3, rated=2,
             rated_useful=1)
    _figures(tax, date(2025, 1, 1), received=5, answered=2, answered_on_time=2)
    _figures(reg, date(2025, 3, 1), received=1, forwarded=1)
    _figures(reg, date(2024, 1, 1), received=99)  # before the period
    for agency, month, days, count in ((reg, date(2025, 1, 1), 2, 3), (reg, date(2025, 1, 1),
                                                                        10, 1),
                                       (tax, date(2025, 1, 1), 20, 2)):
        AnswerDays.objects.create(agency=agency, month=month, days=days, count=count)
    with CaptureQueriesContext(connection) as read:
        found = queries.figures(3, until=date(2025, 3, 10))
    assert len(read) == 2 and not any("appeals_appeal" in q["sql"] for q in read)
    assert found.months == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert [(r["agency"].code, r["month"].month, r["received"]) for r in found.rows] == [
        ("REG", 1, 10), ("TAX", 1, 5), ("REG", 3, 1)]
    january, february, _march = found.by_month
    assert (january["received"], january["answered"], january["on_time_percent"]) == \
        (15, 6, 83.3)
    assert january["median_days"] == 6.0  # 2 2 2 10 20 20: of the whole, not of medians
    assert february["received"] == 0 and february["median_days"] is None
    assert [(a["agency"].code, a["satisfaction_percent"]) for a in found.by_agency] == [
        ("REG", 50.0), ("TAX", None)]
    assert found.total["received"] == 16 and found.total["forwarded"] == 1
    only_tax = queries.figures(3, agency=tax, until=date(2025, 3, 10))
    assert only_tax.total["received"] == 5 and only_tax.total["median_days"] == 20.0
    assert queries.monthly(3, agency=tax, until=date(2025, 3, 10))[0]["median_days"] == 20.0


def test_a_report_in_public_has_no_author_text_address_or_exact_place(desk):
    citizen = desk["citizen"]
    appeal = send(citizen, "problem", category="street_light", latitude="38.5612349",
                  longitude="68.7749", address="Rudaki 14, flat 7",
                  text="Dark street\nI am Dilnoza, call +992900111222")
    found = queries.reports(status="open", categories=["street_light"]).get()
    report = PublicReport.of(found)
    assert {f.name for f in fields(PublicReport)} == {
        "id", "number", "subject", "language", "status", "open", "category",
        "category_name", "agency", "agency_name", "submitted_at", "updated_at",
        "answered_at", "due_date", "latitude", "longitude"}
    assert (report.latitude, report.longitude, report.subject) == (38.561, 68.775,
                                                                   "Dark street")
    loaded = set(found.__dict__) - {"_state", "_prefetched_objects_cache"}
    assert not loaded & {"text", "address", "author_id", "party_id", "party_name",
                         "contact", "answer_text", "attributes", "tracking_hash"}
    steps = queries.public_steps(appeal)
    assert [s["action"] for s in steps] == ["submit"] and "actor" not in steps[0]
    assert queries.points() == [(38.561, 68.775, "received")]
    assert queries.reports(status="closed").count() == 0
    assert not queries.reports(categories=["dumping"]).exists()


def test_statements_are_not_reports(desk):
    send(desk["citizen"], agency="TAX")
    assert not queries.reports().exists()


def test_application_keys_keep_only_a_hash_and_are_audited(country):
    row, key = services.create_app_key(SYSTEM, "FixIt", "dev@fixit.example")
    assert queries.app_key(key) == row and key not in row.key_hash
    assert queries.app_key("x" + key) is None and queries.app_key("") is None
    services.revoke_app_key(SYSTEM, row.pk)
    services.revoke_app_key(SYSTEM, row.pk)  # twice: once in the log
    assert queries.app_key(key) is None
    assert list(AuditEntry.objects.filter(object_type="app_key").values_list(
        "action", flat=True).order_by("pk")) == ["appeals.app_key_created",
                                                  "appeals.app_key_revoked"]
    with pytest.raises(ValueError):
        services.create_app_key(SYSTEM, " ")
