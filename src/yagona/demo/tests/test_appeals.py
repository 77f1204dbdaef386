"""The demo's appeals (demo.yaml ``appeals`` of the shipped packs, played by
demo/appeals.py through the appeals room's services and dated by demo/backdate.py)."""

from pathlib import Path

import pytest
from PIL import Image

from yagona.appeals import deadlines, figures, queries
from yagona.appeals.models import AnswerDays, Appeal, MonthlyFigures, Photo, Step
from yagona.appeals.workflow import Status
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.demo import appeals as demo_appeals
from yagona.demo.correspondence import DemoError


def _figures():
    rows = MonthlyFigures.objects.values_list(
        "agency_id", "month", *figures.FIELDS).order_by("agency_id", "month")
    return list(rows), sorted(AnswerDays.objects.values_list("agency_id", "month", "days",
                                                             "count"))


@pytest.mark.django_db
@pytest.mark.parametrize("pack_code", ["tj", "az"])
def test_the_demo_holds_appeals_in_every_state(pack_code, settings):
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.demo import data as demo

    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / pack_code)
    settings.COUNTRY = pack_code
    loaded = demo.load_demo()["appeals"]
    today = deadlines.today()
    assert set(Appeal.objects.values_list("status", flat=True)) == set(Status.values)
    rules = queries.rules()

    # The reception: one waiting to be routed, others forwarded with a reason.
    waiting = Appeal.objects.filter(agency=rules.reception, status=Status.RECEIVED,
                                    complaint_about=None)
    assert waiting.exists() and not waiting.filter(steps__action="forward").exists()
    forwards = Step.objects.filter(action="forward", agency=rules.reception)
    assert forwards.count() >= 2 and all(step.note for step in forwards)
    assert Appeal.objects.filter(steps__action="forward", status=Status.RECEIVED).exists()
    # Asked for more (the clock stands), extended, overdue.
    asked = Appeal.objects.get(status=Status.INFO_REQUESTED)
    assert asked.days_left_at_pause is not None and deadlines.time_left(asked) > 0
    extended = Appeal.objects.get(extended_days__gt=0)
    assert extended.status == Status.IN_REVIEW and extended.due_date >= today
    assert extended not in queries.handled_by(extended.agency, "overdue")
    overdue = [a for a in Appeal.objects.filter(status__in=[Status.RECEIVED, Status.IN_REVIEW])
               if a.due_date < today]
    assert overdue and all(a in queries.handled_by(a.agency, "overdue") for a in overdue)
    # Answered: rated, some late; one complained about, the complaint at the superior.
    answered = Appeal.objects.filter(status=Status.ANSWERED)
    assert answered.count() >= 8 and all(a.answer_document_id for a in answered)
    assert answered.filter(rated_at__isnull=False, useful=True).exists()
    assert answered.filter(answered_on_time=False).exists()
    complaint = Appeal.objects.get(complaint_about__isnull=False)
    about = complaint.complaint_about
    assert about.status == Status.ANSWERED and about.useful is False
    assert complaint.agency.code == (rules.superiors.get(about.agency.code)
                                     or rules.reception.code)
    assert complaint.kind.code == rules.complaint_kind
    assert complaint.submitted_at > about.answered_at > about.submitted_at
    # A duplicate merged into the open report it repeats; one withdrawn.
    merged = Appeal.objects.get(status=Status.MERGED)
    assert merged.duplicate_of.category == merged.category
    assert merged.duplicate_of.status == Status.IN_REVIEW
    assert Appeal.objects.filter(status=Status.WITHDRAWN).exists()
    # The anonymous report of corruption: reached by its tracking code alone.
    (code,) = loaded["tracking"].values()
    anonymous = queries.by_tracking_code(code)
    assert anonymous.kind.code == "corruption" and anonymous.author_id is None
    assert anonymous.party_id == "" and anonymous.tracking_hash != code
    # Problem reports: places inside the country, photos without their EXIF.
    west, south, east, north = rules.map_bounds
    reports = list(queries.public_reports())
    assert len(reports) >= 6
    assert all(south <= r.latitude <= north and west <= r.longitude <= east for r in reports)
    photo = Photo.objects.first()
    with Image.open(photo.file.path) as image:
        assert dict(image.getexif()) == {}
    # Several languages: the state language and Russian.
    assert {"ru", active_pack().languages[0]} <= set(
        Appeal.objects.values_list("language", flat=True))
    # Numbers follow the days of sending; figures for several months, as a rebuild has.
    numbers = list(Appeal.objects.order_by("submitted_at").values_list("number", flat=True))
    assert numbers == sorted(numbers)
    assert MonthlyFigures.objects.values("month").distinct().count() >= 5
    kept = _figures()
    figures.rebuild()
    assert _figures() == kept
    count = Appeal.objects.count()
    demo.load_demo()  # idempotent
    assert Appeal.objects.count() == count
    assert audit.verify() == []


def test_the_plan_is_checked_before_anything_is_played():
    people = {"c": object(), "o": object()}
    sent = {"key": "a", "author": "c", "kind": "statement", "days_ago": 5, "steps": [
        {"action": "answer", "by": "o", "text": "Yes."}]}
    with pytest.raises(DemoError, match="more than once"):
        demo_appeals._check([sent, dict(sent, key="b")], people)
    with pytest.raises(DemoError, match="unknown keys"):  # an unquoted comma in {...}
        demo_appeals._check([dict(sent, steps=[{"action": "note", "by": "o", "text": "a",
                                                "b": None}])], people)
    with pytest.raises(DemoError, match="earlier entry"):
        demo_appeals._check([dict(sent, steps=[{"action": "merge", "by": "o",
                                                "into": "z"}])], people)
    with pytest.raises(DemoError, match="at least 1"):
        demo_appeals._check([dict(sent, days_ago=0)], people)
