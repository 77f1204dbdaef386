"""The UN questionnaire answered from the platform's data: the portals, usage and
satisfaction with their figures, the budget, and the questions left to a person."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from yagona.applications.models import Rating
from yagona.catalogue.models import Service
from yagona.opendata import un_msq
from yagona.opendata.tests.test_budget import GOOD, upload
from yagona.opendata.tests.test_own_data import applications

pytestmark = pytest.mark.django_db


def test_the_platform_answers_what_its_data_can(publishers, settings, tmp_path):
    from yagona.opendata import budget

    settings.PUBLIC_URL = "https://portal.example"
    applications(publishers, "birth-registration", 8, decided=6, approved=6, late=1)
    applications(publishers, "birth-registration", 2, channel="assisted")
    for score in (5, 4, 2, 5):
        Rating.objects.create(service=Service.objects.get(code="birth-registration"),
                              channel="online", score=score, rated_on=date(2026, 3, 20))
    budget.import_year(publishers["tax"], 2026, upload(GOOD))
    out = io.StringIO()
    call_command("report", "un-msq", "--year", "2026", "--out", str(tmp_path), stdout=out)
    data = json.loads((tmp_path / "un-msq-2026.json").read_text())
    answers = {row["number"]: row["answer"] for row in data["answers"]}
    assert answers["1"] == "https://portal.example/"
    assert "10 applications in 2026, 80.0% of them online" in answers["10"]
    assert "83.3% of the 6 decided" in answers["10"]
    assert answers["17"].startswith("75.0% of the users who rated")
    assert {"2d", "3", "4", "9", "18"} <= {row["number"] for row in data["needs_a_person"]}
    assert data["budget_published"] is True
    markdown = (tmp_path / "un-msq-2026.md").read_text()
    assert "## Questions that need a person's answer" in markdown and "Testland" in markdown
    assert "answered" in out.getvalue()


def test_a_year_without_ratings_leaves_satisfaction_to_a_person(people, tmp_path):
    _markdown, data = un_msq.report(2025)
    assert "17" in {row["number"] for row in data["needs_a_person"]}
    assert "0 applications in 2025" in {r["number"]: r["answer"] for r in data["answers"]}["10"]
    with pytest.raises(CommandError):
        call_command("report", "un-msq", "--year", "99", "--out", str(tmp_path))
