"""GovStack Registration BB statistics (/data/statistics): the aggregate is public;
figures per official or per role only for officials of the agency (decided in
applications.queries.statistics; this facade maps parameters and answers)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Header, Router, Schema
from ninja.errors import AuthenticationError, HttpError

from yagona.api.common import OFFICIAL, PUBLIC, mediator_client
from yagona.applications import queries as applications

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
    Per official (``operator``) or per ``role``, only for officials (bearer token), and
    counting the applications of the caller's agencies only (an ``operator`` of none of
    them is 404)."""
    mediator_client(information_mediator_client)
    if timeframe not in (None, *applications.TIMEFRAMES):
        raise HttpError(400, "timeframe must be day, week, month or year")
    try:
        rows = applications.statistics(
            OFFICIAL["auth"](request), startDate, endDate, service=registrationName,
            operator=operator, role=role, timeframe=timeframe)
    except PermissionDenied as exc:
        raise AuthenticationError from exc
    except ValidationError as exc:
        raise HttpError(400, "; ".join(exc.messages)) from exc
    references = {"registrationName": registrationName, "operator": operator, "role": role,
                  **{f"timeframe{t.title()}": timeframe == t for t in applications.TIMEFRAMES}}
    return [{"processed": row["processed"], "approved": row["approved"],
             "sentBack": row["sent_back"], "rejected": row["rejected"],
             "references": {**references, "startDate": row["start"], "endDate": row["end"]}}
            for row in rows]
