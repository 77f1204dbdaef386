"""Appeals in figures (the public statistics page) and the open data of appeals: the same
figures as CSV and JSON, and the problem reports as CSV and GeoJSON, without personal data
(``appeals.public`` decides what leaves). Figures are read from the aggregates only."""

import csv
import io
import json
from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yagona.agencies import queries as agencies
from yagona.appeals import queries as appeals
from yagona.appeals.workflow import Status
from yagona.core.countries import active_pack
from yagona.core.middleware import cache_anonymous
from yagona.core.permissions import PUBLIC, permission
from yagona.core.text import localized
from yagona.portal import charts

PERIODS = (3, 6, 12, 24, 36)
MAX_MONTHS = 120  # the downloads may reach further back than the page's choices

# The columns of the downloads, documented on the open data page (and in docs/api.md).
FIGURE_COLUMNS = (
    ("month", gettext_lazy("The month, YYYY-MM.")),
    ("agency_code", gettext_lazy("The agency's code.")),
    ("agency_name", gettext_lazy("The agency's name, in the language asked for.")),
    ("received", gettext_lazy("Appeals the agency received that month: sent to it, or "
                              "forwarded to it by another body.")),
    ("forwarded", gettext_lazy("Appeals it forwarded to the competent body.")),
    ("answered", gettext_lazy("Appeals it answered.")),
    ("answered_on_time", gettext_lazy("Of those answered, how many within the deadline.")),
    ("on_time_percent", gettext_lazy("Of those answered, the share answered on time, in "
                                     "per cent.")),
    ("median_days", gettext_lazy("The median of the days from registration to the "
                                 "answer.")),
    ("rated", gettext_lazy("Answers their authors rated that month.")),
    ("rated_useful", gettext_lazy("Of those rated, how many the author found useful.")),
    ("satisfaction_percent", gettext_lazy("Of those rated, the share the author found "
                                          "useful, in per cent.")),
    ("rated_on_time", gettext_lazy("Of those rated, how many the author found on time.")),
)
REPORT_COLUMNS = (
    ("id", gettext_lazy("The report's identifier (the address of its page and of "
                        "Open311's service request).")),
    ("number", gettext_lazy("The report's registration number.")),
    ("subject", gettext_lazy("What the report is about, as its author put it.")),
    ("category_code", gettext_lazy("The category's code (Open311's service_code).")),
    ("category_name", gettext_lazy("The category's name.")),
    ("status", gettext_lazy("The status, as one of these codes:")),
    ("status_name", gettext_lazy("The status in words.")),
    ("agency_code", gettext_lazy("The code of the agency handling it now.")),
    ("agency_name", gettext_lazy("The agency's name, in the language asked for.")),
    ("submitted_at", gettext_lazy("When it was sent (ISO 8601, with the offset).")),
    ("updated_at", gettext_lazy("Its last step (when it was answered, for an answered "
                                "one).")),
    ("answered_at", gettext_lazy("When it was answered (empty while it is not).")),
    ("due_date", gettext_lazy("The deadline of an open report.")),
    ("latitude", gettext_lazy("The place, rounded to about 100 m (WGS 84).")),
    ("longitude", gettext_lazy("The place, rounded to about 100 m (WGS 84).")),
)


def _language(request) -> str:
    """``?lang=`` of the downloads, when it is one of the pack's; else the page's."""
    chosen = request.GET.get("lang", "")
    return chosen if chosen in active_pack().languages else translation.get_language()


def _period(request, errors: dict, choices=PERIODS) -> int:
    text = request.GET.get("months", "") or "12"
    months = int(text) if text.isdigit() else 0
    if (choices and months not in choices) or not 1 <= months <= MAX_MONTHS:
        errors["months"] = _("Choose a period from the list.")
        return 12
    return months


def _agency(request, errors: dict):
    code = request.GET.get("agency", "")
    if not code:
        return None
    agency = agencies.agency_named(code)
    if agency is None:
        errors["agency"] = _("Choose an agency from the list.")
    return agency


def _month(month) -> str:
    return formats.date_format(month, "F Y")


@cache_anonymous
@permission(PUBLIC)
def statistics(request):
    """Per agency and month: received, answered, on time, median days, satisfaction,
    forwarded; the period's totals; three charts, each beside its table."""
    errors: dict = {}
    months, agency = _period(request, errors), _agency(request, errors)
    figures = appeals.figures(months, agency)
    labels = [formats.date_format(row["month"], "M") + (
        f"\n{row['month'].year}" if index == 0 or row["month"].month == 1 else "")
        for index, row in enumerate(figures.by_month)]
    by_month = [{**row, "label": _month(row["month"])} for row in figures.by_month]
    received_answered = charts.bar_chart(
        "received", _("Appeals received and answered, by month"),
        _("Bars per month: received (plain) and answered (hatched). The table beside "
          "gives the figures."), labels,
        [(_("Received"), [r["received"] for r in by_month], charts.BLUE),
         (_("Answered"), [r["answered"] for r in by_month], charts.GREEN)])
    on_time = charts.bar_chart(
        "on-time", _("Answered on time, by month (%)"),
        _("One bar per month: the share of the answers given within the deadline. The "
          "table beside gives the figures."), labels,
        [(_("On time"), [r["on_time_percent"] for r in by_month], charts.GREEN)],
        percent=True)
    median = charts.bar_chart(
        "median", _("Median days to answer, by month"),
        _("One bar per month: half of the answers came sooner than this. The table beside "
          "gives the figures."), labels,
        [(_("Median days"), [r["median_days"] for r in by_month], charts.BLUE)])
    query = {"months": months, **({"agency": agency.code} if agency else {})}
    return render(request, "portal/appeal_statistics.html", {
        "figures": figures, "by_month": by_month, "errors": errors,
        "months": months, "periods": PERIODS, "agency": agency,
        "agencies": agencies.active_agencies(), "charts": {
            "received": received_answered, "on_time": on_time, "median": median},
        "first": _month(figures.first), "last": _month(figures.last),
        "rows": [{**row, "label": _month(row["month"])} for row in figures.rows],
        "query": urlencode(query),
    })


@cache_anonymous
@permission(PUBLIC)
def open_data(request):
    """What the downloads hold, column by column, and their addresses."""
    return render(request, "portal/open_data.html", {
        "figure_columns": FIGURE_COLUMNS, "report_columns": REPORT_COLUMNS,
        "languages": active_pack().languages,
        "status_codes": [(s, Status(s).label) for s in Status.values if s != Status.MERGED]})


def _bad_request(errors: dict, as_json: bool) -> HttpResponse:
    if as_json:
        return HttpResponse(json.dumps({"errors": errors}, ensure_ascii=False), status=400,
                            content_type="application/json")
    return HttpResponse("\n".join(errors.values()), status=400,
                        content_type="text/plain; charset=utf-8")


def _figure_rows(figures):
    for row in figures.rows:
        yield {"month": row["month"].strftime("%Y-%m"), "agency_code": row["agency"].code,
               "agency_name": localized(row["agency"].name),
               **{name: row[name] for name, _label in FIGURE_COLUMNS[3:]}}


def _figures_for(request, as_json: bool):
    errors: dict = {}
    months, agency = _period(request, errors, choices=()), _agency(request, errors)
    if errors:
        return None, _bad_request(errors, as_json)
    return appeals.figures(months, agency), None


@cache_anonymous
@permission(PUBLIC)
def figures_csv(request):
    with translation.override(_language(request)):
        figures, refused = _figures_for(request, as_json=False)
        if refused:
            return refused
        out = io.StringIO()
        writer = csv.DictWriter(out, [name for name, _label in FIGURE_COLUMNS],
                                lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_csv_safe(row) for row in _figure_rows(figures))
    return _download(out.getvalue(), "text/csv; charset=utf-8", "appeal-figures.csv")


@cache_anonymous
@permission(PUBLIC)
def figures_json(request):
    with translation.override(_language(request)):
        figures, refused = _figures_for(request, as_json=True)
        if refused:
            return refused
        body = {"first_month": figures.first.strftime("%Y-%m"),
                "last_month": figures.last.strftime("%Y-%m"),
                "language": translation.get_language(),
                "rows": list(_figure_rows(figures)),
                "total": {name: figures.total[name] for name, _label in FIGURE_COLUMNS[3:]}}
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json",
                     "appeal-figures.json")


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _csv_safe(row: dict) -> dict:
    """A text a spreadsheet would run as a formula (=, +, -, @ first) starts with ' ."""
    return {key: f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@")
            else value for key, value in row.items()}


def report_filters(request, errors: dict) -> tuple[str, str]:
    """The map's and the downloads' filters: status (open, closed or one) and category."""
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    if status and status not in appeals.STATUS_FILTERS:
        errors["status"] = _("Choose a status from the list.")
        status = ""
    if category and not appeals.categories().filter(code=category).exists():
        errors["category"] = _("Choose a category from the list.")
        category = ""
    return status, category


def report_row(report) -> dict:
    def moment(value):
        return timezone.localtime(value, active_pack().zone).isoformat() if value else ""

    return {"id": report.id, "number": report.number, "subject": report.subject,
            "category_code": report.category, "category_name": localized(
                report.category_name), "status": report.status,
            "status_name": str(Status(report.status).label), "agency_code": report.agency,
            "agency_name": localized(report.agency_name),
            "submitted_at": moment(report.submitted_at),
            "updated_at": moment(report.updated_at),
            "answered_at": moment(report.answered_at),
            "due_date": report.due_date.isoformat() if report.due_date else "",
            "latitude": report.latitude, "longitude": report.longitude}


def _reports(request, as_json: bool):
    errors: dict = {}
    status, category = report_filters(request, errors)
    if errors:
        return None, _bad_request(errors, as_json)
    return appeals.reports(status=status, categories=[category] if category else ()), None


@permission(PUBLIC)
def reports_csv(request):
    language = _language(request)
    found, refused = _reports(request, as_json=False)
    if refused:
        return refused

    def lines():
        with translation.override(language):
            out = io.StringIO()
            writer = csv.DictWriter(out, [name for name, _label in REPORT_COLUMNS],
                                    lineterminator="\r\n")
            writer.writeheader()
            for appeal in found.iterator(chunk_size=2000):
                writer.writerow(_csv_safe(report_row(appeals.PublicReport.of(appeal))))
                if out.tell() > 65536:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
            yield out.getvalue()

    return _stream(lines(), "text/csv; charset=utf-8", "problem-reports.csv")


@permission(PUBLIC)
def reports_geojson(request):
    """A FeatureCollection (RFC 7946): points [longitude, latitude] with the CSV's
    columns as properties."""
    language = _language(request)
    found, refused = _reports(request, as_json=True)
    if refused:
        return refused

    def chunks():
        with translation.override(language):
            yield '{"type": "FeatureCollection", "features": ['
            for index, appeal in enumerate(found.iterator(chunk_size=2000)):
                row = {key: None if value == "" else value for key, value in
                       report_row(appeals.PublicReport.of(appeal)).items()}
                feature = {"type": "Feature", "id": row["id"], "geometry": {
                    "type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                    "properties": row}
                yield ("," if index else "") + "\n" + json.dumps(feature, ensure_ascii=False)
            yield "\n]}\n"

    return _stream(chunks(), "application/geo+json", "problem-reports.geojson")


def _stream(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
