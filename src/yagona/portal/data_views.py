"""The open data catalogue in the portal (/data/): search with facets that work as plain
links (no script needed), a dataset's page with its resources and versions, a preview
of tabular files, downloads (of today's files and of each version's), and the requests
for data with the agencies' answers. Reads through ``opendata.queries``; a request is
sent through ``opendata.services``."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from yagona.agencies import queries as agencies
from yagona.applications import queries as applications
from yagona.core.countries import active_pack
from yagona.core.permissions import PUBLIC, SIGNED_IN, permission
from yagona.opendata import dcat, files, own_data
from yagona.opendata import queries as catalogue
from yagona.opendata import services as opendata
from yagona.opendata.vocabulary import FORMATS, FREQUENCIES, LICENCES, THEMES
from yagona.portal import charts

PAGE_SIZE = 20
SORTS = {  # the page's choices: value -> (CKAN's sort, label)
    "relevance": ("score desc, metadata_modified desc", gettext_lazy("Best match")),
    "modified": ("metadata_modified desc", gettext_lazy("Recently updated")),
    "created": ("metadata_created desc", gettext_lazy("Newest")),
    "name": ("name asc", gettext_lazy("Name")),
}


def _facet_label(kind: str, value: str, agency_names: dict) -> str:
    if kind == "organization":
        return agency_names.get(value, value)
    if kind == "groups":
        return str(THEMES.get(value.upper(), value))
    if kind == "license_id":
        return LICENCES.get(value, (value,))[0]
    return value


def _with(query: list, kind: str, value: str, on: bool) -> str:
    """The query string with (kind, value) added or taken away, back to page 1."""
    pairs = [(k, v) for k, v in query if k != "page" and (k, v) != (kind, value)]
    if on:
        pairs.append((kind, value))
    return urlencode(pairs)


@permission(PUBLIC)
def catalogue_page(request):
    query = [(k, v) for k, v in request.GET.items() if v]
    filters = [(kind, value) for kind in catalogue.FACET_FIELDS
               for value in request.GET.getlist(kind) if value]
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    q = request.GET.get("q", "")[:200]
    results = catalogue.search(q, filters, SORTS[sort][0], PAGE_SIZE,
                               (page - 1) * PAGE_SIZE, facet_limit=15,
                               tag_language=translation.get_language())
    agency_names = {a.code.lower(): a.display_name for a in agencies.active_agencies()}
    facets = [
        {"kind": kind, "title": title, "items": [
            {"label": _facet_label(kind, value, agency_names), "count": count,
             "on": (kind, value) in filters,
             "link": _with(query, kind, value, (kind, value) not in filters)}
            for value, count in results.facets.get(kind, [])]}
        for kind, title in (("organization", _("Agency")), ("groups", _("Theme")),
                            ("res_format", _("Format")), ("license_id", _("Licence")),
                            ("tags", _("Keyword")))
    ]
    chosen = [{"label": _facet_label(kind, value, agency_names),
               "link": _with(query, kind, value, False)} for kind, value in filters]
    pages = (results.count + PAGE_SIZE - 1) // PAGE_SIZE
    return render(request, "portal/data/catalogue.html", {
        "q": q, "results": results, "facets": facets, "chosen": chosen,
        "sorts": [(value, label) for value, (_sort, label) in SORTS.items()], "sort": sort,
        "page": page, "pages": pages, "counts": catalogue.counts(),
        "previous": _page_link(query, page - 1) if page > 1 else "",
        "next": _page_link(query, page + 1) if page < pages else "",
    })


def _page_link(query, page: int) -> str:
    return urlencode([(k, v) for k, v in query if k != "page"] + [("page", page)])


def _dataset(name: str):
    dataset = catalogue.public_dataset(name)
    if dataset is None:
        raise Http404
    return dataset


@permission(PUBLIC)
def dataset_page(request, name):
    dataset = _dataset(name)
    return render(request, "portal/data/dataset.html", {
        "dataset": dataset, "resources": catalogue.resources(dataset),
        "versions": catalogue.versions(dataset),
        "themes": [(code, THEMES[code]) for code in dataset.themes if code in THEMES],
        "licence": LICENCES.get(dataset.licence), "frequency": FREQUENCIES.get(
            dataset.frequency, ""),
        "requests": dataset.requests.all(),
    })


def _resource(dataset, resource_id):
    resource = next((r for r in catalogue.resources(dataset) if r.uuid == resource_id),
                    None)
    if resource is None:
        raise Http404
    return resource


@permission(PUBLIC)
def resource_page(request, name, resource):
    dataset = _dataset(name)
    found = _resource(dataset, resource)
    header, rows, more = [], [], False
    if found.stored and FORMATS[found.format].tabular:
        header, rows, more = files.preview(found.stored, found.format)
    return render(request, "portal/data/resource.html", {
        "dataset": dataset, "resource": found, "header": header, "rows": rows,
        "more": more, "preview_rows": files.PREVIEW_ROWS,
    })


def _file_response(stored, filename: str):
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=filename,
                            content_type=stored.media_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission(PUBLIC)
def download(request, name, resource):
    dataset = _dataset(name)
    found = _resource(dataset, resource)
    if found.stored is None:
        raise Http404
    return _file_response(found.stored, f"{dataset.name}-{found.position + 1}."
                                        f"{found.format.lower()}")


@permission(PUBLIC)
def version_page(request, name, number):
    dataset = _dataset(name)
    version = catalogue.version(dataset, number)
    if version is None:
        raise Http404
    return render(request, "portal/data/version.html", {
        "dataset": dataset, "version": version,
        "themes": [THEMES[code] for code in version.snapshot.get("themes", [])
                   if code in THEMES],
    })


@permission(PUBLIC)
def version_download(request, name, number, resource):
    """A file as a version published it, though it may have been replaced since."""
    dataset = _dataset(name)
    version = catalogue.version(dataset, number)
    entry = next((r for r in (version.snapshot.get("resources", []) if version else [])
                  if r["uuid"] == str(resource) and r.get("sha256")), None)
    stored = catalogue.stored_file(entry["sha256"]) if entry else None
    if stored is None:
        raise Http404
    return _file_response(stored, f"{dataset.name}-v{number}.{entry['format'].lower()}")


@permission(PUBLIC)
def dcat_catalogue(request, fmt):
    """The catalogue in DCAT-AP 3.0, a page at a time (?page=N), in Turtle, JSON-LD or
    RDF/XML: what data.europa.eu and ckanext-dcat harvest."""
    page = request.GET.get("page", "1")
    base = request.build_absolute_uri("/").rstrip("/")
    graph = dcat.catalogue_page(base, int(page) if page.isdigit() else 0,
                                request.build_absolute_uri(request.path))
    if graph is None:
        raise Http404
    return HttpResponse(graph.serialize(format=dcat.FORMATS_OUT[fmt]),
                        content_type=f"{dcat.MEDIA_TYPES[fmt]}; charset=utf-8")


def _number(text: str):
    """A figure of the CSV: None where it was left empty (too few to publish)."""
    return float(text) if text not in ("", None) else None


@permission(PUBLIC)
def dashboard(request):
    """The one window in figures: the last twelve months of the platform's own dataset
    (own_data.FIGURES), five charts, each beside its table, and satisfaction by group."""
    rows = catalogue.table_of(own_data.FIGURES)[-12:]
    months = [{**row, "label": formats.date_format(date.fromisoformat(row["month"] + "-01"),
                                                  "M\nY")} for row in rows]
    labels = [m["label"] for m in months]

    def values(column):
        return [_number(m[column]) for m in months]

    charts_by_kind = {
        "submitted": charts.bar_chart(
            "submitted", _("Applications by month: online and at service centres"),
            _("Bars per month: online (plain) and at service centres (hatched). The table "
              "beside gives the figures."), labels,
            [(_("Online"), values("submitted_online"), charts.BLUE),
             (_("At a service centre"), values("submitted_assisted"), charts.GREEN)]),
        "take_up": charts.bar_chart(
            "take-up", _("Digital take-up by month (%)"),
            _("One bar per month: the share of the applications made online."), labels,
            [(_("Online"), values("digital_take_up_percent"), charts.BLUE)], percent=True),
        "on_time": charts.bar_chart(
            "on-time", _("Decided within the legal deadline, by month (%)"),
            _("One bar per month: the share of the decisions taken within the deadline."),
            labels, [(_("On time"), values("decided_on_time_percent"), charts.GREEN)],
            percent=True),
        "completion": charts.bar_chart(
            "completion", _("Completion rate by month (%)"),
            _("One bar per month: the share of the applications started online that were "
              "submitted."), labels,
            [(_("Submitted"), values("completion_rate_percent"), charts.GREEN)],
            percent=True),
        "satisfied": charts.bar_chart(
            "satisfied", _("Satisfied users, by month (%)"),
            _("One bar per month: the share of ratings of 4 or 5 out of 5."), labels,
            [(_("Satisfied"), values("satisfied_percent"), charts.BLUE)], percent=True),
    }
    period, groups = _satisfaction_by_group()
    return render(request, "portal/data/dashboard.html", {
        "months": months, "charts": charts_by_kind, "min_cell": own_data.MIN_CELL,
        "groups_period": period, "groups": groups,
        "groups_register": applications.rating_groups_register(),
        "dataset": catalogue.public_dataset(own_data.FIGURES, include_withdrawn=False)})


def _satisfaction_by_group():
    """The latest quarter of own_data.SATISFACTION: per dimension a chart beside its
    table ("2026-Q3" shown as "Q3 2026")."""
    rows = catalogue.table_of(own_data.SATISFACTION)
    published = [row["quarter"] for row in rows if row["dimension"] != "all"]
    period = published[-1] if published else None  # a quarter of fewer is all empty
    groups = []
    for dimension, title, heading in (
            ("sex", _("Satisfied users by sex (%)"), _("Sex")),
            ("age_band", _("Satisfied users by age band (%)"), _("Age band")),
            ("region", _("Satisfied users by region (%)"), _("Region"))):
        cells = [{**row, "label": own_data.group_label(dimension, row["group"])}
                 for row in rows if row["quarter"] == period and row["dimension"] == dimension]
        if cells:
            groups.append({"key": dimension, "title": title, "heading": heading,
                           "cells": cells, "chart": charts.bar_chart(
                               f"satisfied-{dimension}", title, _(
                                   "One bar per group: the share of ratings of 4 or 5 out "
                                   "of 5. The table beside gives the figures."),
                               [cell["label"] for cell in cells],
                               [(_("Satisfied"), [_number(c["satisfied_percent"])
                                                  for c in cells], charts.BLUE)],
                               percent=True)})
    shown = (_("Q%(quarter)s %(year)s") % {"quarter": period[-1], "year": period[:4]}
             if period else None)
    return shown, groups


@permission(PUBLIC)
def budget_page(request):
    """The state budget of a year by agency (planned, executed, per cent), a chart beside
    its table, each agency's programmes below; the same figures as open data."""
    years = catalogue.budget_years()
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years
                                                                        else None)
    rows, total = catalogue.budget_by_agency(year) if year else ([], {})
    units = 10 ** active_pack().currency_minor_units
    chart = charts.bar_chart(
        "budget", _("Planned and executed, by agency"),
        _("Bars per agency: planned (plain) and executed (hatched), in millions. The table "
          "beside gives the figures."), [row["agency"].code for row in rows],
        [(_("Planned"), [row["planned"] / units / 1e6 for row in rows], charts.BLUE),
         (_("Executed"), [row["executed"] / units / 1e6 for row in rows], charts.GREEN)]
    ) if rows else ""
    dataset = catalogue.public_dataset(f"state-budget-{year}", include_withdrawn=False) \
        if year else None
    latest = catalogue.versions(dataset)[0] if dataset else None
    return render(request, "portal/data/budget.html", {
        "years": years, "year": year, "rows": rows, "chart": chart, "total": total,
        "dataset": dataset, "note": latest.note if latest else ""})


@permission(PUBLIC)
def requests_page(request):
    return render(request, "portal/data/requests.html", {
        "requests": catalogue.public_requests()})


@require_http_methods(["GET", "POST"])
@permission(SIGNED_IN)
def request_form(request):
    """Ask for data that is not published yet; the request is public, the name is not."""
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "description", "agency")}
        try:
            opendata.request_dataset(request.user, values["title"], values["description"],
                                     values["agency"])
        except ValidationError as error:
            errors = {k: " ".join(v) for k, v in error.message_dict.items()}
        else:
            messages.success(request, _("Your request is published. The agency's answer "
                                        "will appear beside it."))
            return redirect("portal:data-requests")
    return render(request, "portal/data/request_form.html", {
        "errors": errors, "values": values, "agencies": agencies.active_agencies()},
        status=400 if errors else 200)
