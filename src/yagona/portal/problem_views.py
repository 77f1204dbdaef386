"""The public map of problem reports and a report's public page: what was reported,
where (to about 100 m), to whom, and what happened since; never who reported it."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from yagona.appeals import queries as appeals
from yagona.appeals.workflow import ACTION_LABELS, Status
from yagona.core.countries import active_pack
from yagona.core.middleware import cache_anonymous
from yagona.core.permissions import PUBLIC, permission
from yagona.portal import charts
from yagona.portal.open_data_views import report_filters

ROWS = 25
MAP_POINTS = 2000  # the newest; the downloads hold them all
SHOWN_STATUSES = [s for s in Status.values if s != Status.MERGED]
DEFAULT_BOUNDS = (-180, -90, 180, 90)


def _bounds():
    rules = appeals.rules()
    return (rules.map_bounds if rules and rules.map_bounds else None) or DEFAULT_BOUNDS


def _label(status: str) -> str:
    return str(Status(status).label)


@cache_anonymous
@permission(PUBLIC)
def problem_map(request):
    """The reports as dots on the country's map (coloured and shaped by status, with a
    legend) and as a table a page at a time; filters by status and category."""
    errors: dict = {}
    status, category = report_filters(request, errors)
    found = appeals.reports(status=status, categories=[category] if category else ())
    page = Paginator(found, ROWS).get_page(request.GET.get("page"))
    points = appeals.points(status, category, limit=MAP_POINTS)
    drawn = charts.scatter_map(
        "problems", _("Problem reports on the map"),
        _("%(count)s reports as marks on the map of the country; each status has its own "
          "colour and shape (the legend names them). The table below lists the reports.")
        % {"count": len(points)}, _bounds(), points)
    query = urlencode({k: v for k, v in (("status", status), ("category", category)) if v})
    return render(request, "portal/problem_map.html", {
        "map": drawn, "page": page, "errors": errors, "status": status,
        "category": category, "categories": appeals.categories(), "query": query,
        "shown": len(points), "limit": MAP_POINTS,
        "rows": [_row(appeals.PublicReport.of(appeal)) for appeal in page],
        "legend": [(s, _label(s), charts.status_symbol(s)) for s in SHOWN_STATUSES],
        "statuses": [("open", _("Open")), ("closed", _("Closed")),
                     *((s, _label(s)) for s in SHOWN_STATUSES)]})


def _row(report) -> dict:
    return {"report": report, "status_name": _label(report.status),
            "symbol": charts.status_symbol(report.status, 14),
            "subject_lang": _subject_language(report)}


def _subject_language(report) -> str:
    """The language the subject is held in, for ``lang`` when it is not the page's."""
    from django.utils.translation import get_language

    held = report.language or active_pack().default_language
    return held if held != (get_language() or "").split("-")[0] else ""


@cache_anonymous
@permission(PUBLIC)
def problem(request, uuid):
    """A report's public page: number, category, status, agency, dates, its place, and
    its public steps (which agency did what, when; no names, no notes)."""
    appeal = appeals.reports(ids=[uuid]).first()
    if appeal is None:
        raise Http404
    report = appeals.PublicReport.of(appeal)
    steps = [{**step, "label": str(ACTION_LABELS.get(step["action"], step["action"]))}
             for step in appeals.public_steps(appeal)]
    drawn = charts.scatter_map(
        "place", _("Where the problem is"),
        _("One mark on the map of the country at latitude %(lat)s, longitude %(lon)s.")
        % {"lat": report.latitude, "lon": report.longitude}, _bounds(),
        [(report.latitude, report.longitude, report.status)], width=480)
    return render(request, "portal/problem.html", {
        "report": report, "row": _row(report), "steps": steps, "map": drawn})
