"""User satisfaction by sex, age band and region (SDG 16.6.2).

A rating holds no person. So that satisfaction can still be told by group, the rater's
sex, age band and region are read from the register the pack names (pack.yaml
``satisfaction``) when the rating is given, and only a count for that group goes up
(SatisfactionTally): no row holds both a rating and a group. The counts are read through
queries.satisfaction_by_group; opendata.own_data publishes them (a minimum cell size)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404

from yagona.applications.models import SatisfactionTally
from yagona.core.countries import active_pack
from yagona.registries import queries as registries

DIMENSIONS = ("sex", "age_band", "region")


def configured() -> dict | None:
    """pack.yaml ``satisfaction``, or None where the pack counts no groups."""
    return active_pack().raw.get("satisfaction")


def age_band(birth: date, on: date, bounds: list[int]) -> str:
    """The band of the age on ``on``: bounds [18, 30] give "0-17", "18-29", "30+"."""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    lows = [0, *(b for b in bounds if b > 0)]
    low = max(b for b in lows if b <= max(age, 0))
    higher = [b for b in lows if b > low]
    return f"{low}-{higher[0] - 1}" if higher else f"{low}+"


def register_name() -> str:
    """The configured register's name in the active language, "" when there is none."""
    given = configured()
    try:
        return registries.registry(given["register"]).display_name if given else ""
    except Http404:
        return ""


def band_start(band: str) -> int:
    """The first age of a band ("18-29", "60+"); -1 for "" (not known), listed first."""
    digits = band.split("-")[0].rstrip("+")
    return int(digits) if digits.isdigit() else -1


def _path(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def group_of(person_id: str, on: date) -> dict:
    """The rater's sex, age band and region on ``on``, each "" when not known (no
    register configured, no record, a value missing)."""
    given = configured()
    data = registries.person_data(given["register"], person_id) if given else None
    if not data:
        return dict.fromkeys(DIMENSIONS, "")
    try:
        born = date.fromisoformat(str(_path(data, given["birth_date"])))
        band = age_band(born, on, given["age_bands"])
    except ValueError:
        band = ""
    return {"sex": str(_path(data, given["sex"]) or "")[:16], "age_band": band,
            "region": str(_path(data, given["region"]) or "").strip()[:200]}


def count(person_id: str, on: date, score: int) -> None:
    """One more rating of ``score`` in the rater's group for the month of ``on``."""
    key = {"month": on.replace(day=1), **group_of(person_id, on)}
    more = {"ratings": F("ratings") + 1, "score": F("score") + score,
            "satisfied": F("satisfied") + int(score >= 4)}
    if SatisfactionTally.objects.filter(**key).update(**more):
        return
    try:
        with transaction.atomic():  # a savepoint: another rating may create it first
            SatisfactionTally.objects.create(**key, ratings=1, score=score,
                                             satisfied=int(score >= 4))
    except IntegrityError:
        SatisfactionTally.objects.filter(**key).update(**more)
