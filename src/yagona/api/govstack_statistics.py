"""GovStack Registration BB statistics (/data/statistics): the aggregate is public;
figures per official only for officials of that official's agency."""

from datetime import date, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Header, Router, Schema
from ninja.errors import AuthenticationError, HttpError

from yagona.accounts.models import User
from yagona.api.common import OFFICIAL, PUBLIC, mediator_client
from yagona.applications import queries as applications
from yagona.applications.models import StatusChange
from yagona.core.countries import active_pack

router = Router()


class References(Schema):
    startDate: date | None
    endDate: date | None
    registrationName: str | None
    operator: str | None
    role: str | None
    timeframeDay: bool
    timeframeWeek: bool
    timeframeMonth: bool
    timeframeYear: bool


class Statistics(Schema):
    processed: int
    approved: int
    sentBack: int
    rejected: int
    references: References


@router.get("/data/statistics", response=list[Statistics], exclude_none=True,
            operation_id="yagona_api_govstack_statistics", **PUBLIC)
def statistics(request, startDate: date | None = None, endDate: date | None = None,
               registrationName: str | None = None, operator: str | None = None,
               role: str | None = None, timeframe: str | None = None,
               information_mediator_client: str = Header(
                   ..., alias="Information-Mediator-Client")):
    """Processed, approved, sent-back and rejected applications, optionally per timeframe.
    Per official (``operator``), only for officials of that official's agency (bearer
    token), and counting that agency's applications only."""
    mediator_client(information_mediator_client)
    if timeframe not in (None, "day", "week", "month", "year"):
        raise HttpError(400, "timeframe must be day, week, month or year")
    end = endDate or timezone.localdate()
    start = startDate or end - timedelta(days=365)
    if start > end:
        raise HttpError(400, "startDate is after endDate")
    steps = StatusChange.objects.filter(
        action__in=["approve", "reject", "request_info"], at__date__gte=start,
        at__date__lte=end)
    if registrationName:
        steps = steps.filter(Q(application__service__code=registrationName)
                             | Q(application__service__name__icontains=registrationName))
    if operator:
        agencies = _colleague_agencies(request, operator)
        steps = steps.filter(Q(actor__username=operator) | Q(actor__last_name=operator),
                             application__agency_id__in=agencies)
    if role:
        steps = steps.filter(actor_role=role)
    buckets: dict[date, dict] = {}
    for at, action, application_id in steps.values_list("at", "action", "application_id"):
        day = timezone.localtime(at, active_pack().zone).date()
        key = _bucket(day, timeframe) if timeframe else start
        bucket = buckets.setdefault(key, {"apps": set(), "approve": 0, "reject": 0,
                                          "request_info": 0})
        bucket["apps"].add(application_id)
        bucket[action] += 1
    references = {"registrationName": registrationName, "operator": operator, "role": role,
                  **{f"timeframe{t.title()}": timeframe == t
                     for t in ("day", "week", "month", "year")}}
    if not buckets and not timeframe:
        buckets[start] = {"apps": set(), "approve": 0, "reject": 0, "request_info": 0}
    out = []
    for key in sorted(buckets):
        bucket = buckets[key]
        bucket_end = _bucket_end(key, timeframe) if timeframe else end
        out.append({"processed": len(bucket["apps"]), "approved": bucket["approve"],
                    "sentBack": bucket["request_info"], "rejected": bucket["reject"],
                    "references": {**references, "startDate": max(key, start),
                                   "endDate": min(bucket_end, end)}})
    return out


def _colleague_agencies(request, operator: str) -> set[int]:
    """The agencies the caller shares with the official named: 401 without an official's
    token, 404 when the official works in none of the caller's agencies."""
    caller = OFFICIAL["auth"](request)
    if caller is None:
        raise AuthenticationError
    agencies = applications.official_agency_ids(caller)
    if not User.objects.filter(Q(username=operator) | Q(last_name=operator),
                               official_roles__agency_id__in=agencies).exists():
        raise Http404
    return agencies


def _bucket(day: date, timeframe: str) -> date:
    if timeframe == "week":
        return day - timedelta(days=day.weekday())
    if timeframe == "month":
        return day.replace(day=1)
    if timeframe == "year":
        return day.replace(month=1, day=1)
    return day


def _bucket_end(start: date, timeframe: str) -> date:
    if timeframe == "week":
        return start + timedelta(days=6)
    if timeframe == "month":
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    if timeframe == "year":
        return start.replace(month=12, day=31)
    return start
