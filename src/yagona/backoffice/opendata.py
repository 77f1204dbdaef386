"""An agency's open data in the back office: its datasets (drafts, published, withdrawn),
the form of a dataset's description in every language of the pack, its resources (a
file, checked by its content, or a link), publishing and withdrawing, and the requests
for data to answer. Who may do what is the opendata room's to decide
(``services.publisher_agencies``); another agency's data is a 404 here too. A form with
an error comes back with everything typed kept."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yagona.core.countries import active_pack
from yagona.core.permissions import OFFICIAL, permission
from yagona.opendata import budget, queries, services
from yagona.opendata.models import DatasetRequest
from yagona.opendata.vocabulary import FORMATS, FREQUENCIES, LICENCES, THEMES

TEXT_FIELDS = ("title", "description", "spatial")


def _agency(user, code):
    agency = next((a for a in services.publisher_agencies(user) if a.code == code), None)
    if agency is None:
        raise Http404
    return agency


def _dataset(agency, name):
    dataset = queries.agency_dataset(agency, name)
    if dataset is None:
        raise Http404
    return dataset


def _errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: " ".join(messages) for field, messages in error.message_dict.items()}
    return {"form": " ".join(error.messages)}


def _fields_from(post) -> dict:
    """The form's fields as the services take them: texts per language, keywords as
    comma-separated words per language."""
    languages = active_pack().languages
    fields = {field: {lang: post.get(f"{field}_{lang}", "") for lang in languages}
              for field in TEXT_FIELDS}
    fields["keywords"] = {lang: post.get(f"keywords_{lang}", "") for lang in languages}
    fields["themes"] = post.getlist("themes")
    for field in ("licence", "frequency", "temporal_start", "temporal_end",
                  "contact_email"):
        fields[field] = post.get(field, "").strip()
    return fields


def _values_of(dataset) -> dict:
    """A dataset's fields as the form shows them."""
    values = {f"{field}_{lang}": text for field in TEXT_FIELDS
              for lang, text in getattr(dataset, field).items()}
    values.update({f"keywords_{lang}": ", ".join(words)
                   for lang, words in dataset.keywords.items()})
    values.update(themes=dataset.themes, licence=dataset.licence,
                  frequency=dataset.frequency, contact_email=dataset.contact_email,
                  temporal_start=dataset.temporal_start or "",
                  temporal_end=dataset.temporal_end or "")
    return values


def _form_context(agency, values, errors, dataset=None) -> dict:
    """The form's context; each language's texts in a fieldset named in that language."""
    rows = [{"code": lang, "name": get_language_info(lang)["name_local"],
             **{field: values.get(f"{field}_{lang}", "")
                for field in (*TEXT_FIELDS, "keywords")}}
            for lang in active_pack().languages]
    return {"agency": agency, "dataset": dataset, "values": values, "errors": errors,
            "language_rows": rows, "themes": THEMES.items(),
            "licences": [(code, title) for code, (title, _url) in LICENCES.items()],
            "frequencies": FREQUENCIES.items(), "formats": FORMATS,
            "name_field": dataset is None}


@permission(OFFICIAL)
def dataset_list(request, code):
    agency = _agency(request.user, code)
    return render(request, "backoffice/data/list.html", {
        "agency": agency, "datasets": queries.datasets_of([agency]),
        "requests": queries.open_requests_for([agency]),
        "answers": [(DatasetRequest.State.PLANNED, _("It will be published")),
                    (DatasetRequest.State.PUBLISHED, _("It is published")),
                    (DatasetRequest.State.REFUSED, _("It cannot be published"))],
        "published": [d for d in queries.datasets_of([agency]) if d.state == "published"],
        "budget_keeper": agency.code == budget.keeper(),
    })


@permission(OFFICIAL)
def dataset_new(request, code):
    agency = _agency(request.user, code)
    values, errors = {"licence": "CC-BY-4.0", "contact_email": agency.email}, {}
    if request.method == "POST":
        values = dict(request.POST.items(), themes=request.POST.getlist("themes"))
        fields = _fields_from(request.POST) | {"name": request.POST.get("name", "").strip()}
        try:
            dataset = services.create_dataset(request.user, agency.code, fields)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The draft is saved. Add its data, then publish."))
            return redirect("backoffice:dataset", agency.code, dataset.name)
    return render(request, "backoffice/data/form.html",
                  _form_context(agency, values, errors), status=400 if errors else 200)


@permission(OFFICIAL)
def dataset_page(request, code, name):
    """The dataset's description (edited in place) and its resources."""
    agency = _agency(request.user, code)
    dataset = _dataset(agency, name)
    values, errors = _values_of(dataset), {}
    if request.method == "POST":
        values = dict(request.POST.items(), themes=request.POST.getlist("themes"))
        try:
            services.update_dataset(request.user, name, _fields_from(request.POST),
                                    note=request.POST.get("note", ""))
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The description is saved."))
            return redirect("backoffice:dataset", agency.code, name)
    context = _form_context(agency, values, errors, dataset)
    context.update(resources=queries.resources(dataset), versions=queries.versions(dataset),
                   resource_errors={}, resource_values={})
    return render(request, "backoffice/data/dataset.html", context,
                  status=400 if errors else 200)


@require_POST
@permission(OFFICIAL)
def resource_add(request, code, name):
    agency = _agency(request.user, code)
    dataset = _dataset(agency, name)
    languages = active_pack().languages
    upload, url = request.FILES.get("file"), request.POST.get("url", "").strip()
    try:
        services.add_resource(
            request.user, name, file_format=request.POST.get("format", ""),
            title={lang: request.POST.get(f"resource_name_{lang}", "") for lang in languages},
            description={lang: request.POST.get(f"resource_description_{lang}", "")
                         for lang in languages},
            upload=upload, url="" if upload else url, note=request.POST.get("note", ""))
    except ValidationError as error:
        context = _form_context(agency, _values_of(dataset), {}, dataset)
        context.update(resources=queries.resources(dataset),
                       versions=queries.versions(dataset), resource_errors=_errors(error),
                       resource_values=request.POST)
        return render(request, "backoffice/data/dataset.html", context, status=400)
    messages.success(request, _("The resource is added."))
    return redirect("backoffice:dataset", agency.code, name)


def _act(request, code, name, command, done: str):
    """Run a command on the dataset; its error is a message, the page is the dataset's."""
    agency = _agency(request.user, code)
    _dataset(agency, name)
    try:
        command()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("backoffice:dataset", agency.code, name)


@require_POST
@permission(OFFICIAL)
def resource_replace(request, code, name, resource):
    return _act(request, code, name, lambda: services.replace_file(
        request.user, name, resource, request.FILES.get("file"),
        note=request.POST.get("note", "")), _("The file is replaced."))


@require_POST
@permission(OFFICIAL)
def resource_remove(request, code, name, resource):
    return _act(request, code, name, lambda: services.remove_resource(
        request.user, name, resource), _("The resource is removed."))


@require_POST
@permission(OFFICIAL)
def publish(request, code, name):
    return _act(request, code, name, lambda: services.publish(
        request.user, name, note=request.POST.get("note", "")),
        _("The dataset is published."))


@require_POST
@permission(OFFICIAL)
def withdraw(request, code, name):
    return _act(request, code, name, lambda: services.withdraw(
        request.user, name, request.POST.get("reason", "")), _("The dataset is withdrawn."))


@permission(OFFICIAL)
def budget_import(request, code):
    """The finance ministry's data publishers import a year's budget from a CSV; every
    problem of the file is listed with its row, and nothing changes until it has none."""
    agency = _agency(request.user, code)
    if not budget.may_import(request.user) or agency.code != budget.keeper():
        raise Http404
    errors, year = {}, request.POST.get("year", "")
    if request.method == "POST":
        try:
            count = budget.import_year(request.user, year, request.FILES.get("file"),
                                       note=request.POST.get("note", "")[:500])
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The budget of %(year)s is published: %(count)s "
                                        "lines.") % {"year": year, "count": count})
            return redirect("backoffice:data", agency.code)
    return render(request, "backoffice/data/budget.html", {
        "agency": agency, "errors": errors, "year": year, "years": queries.budget_years(),
        "columns": budget.columns()}, status=400 if errors else 200)


@require_POST
@permission(OFFICIAL)
def request_answer(request, code, uuid):
    agency = _agency(request.user, code)
    try:
        services.answer_request(request.user, uuid, request.POST.get("state", ""),
                                request.POST.get("answer", ""),
                                request.POST.get("dataset", ""), agency_code=agency.code)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer is published."))
    return redirect("backoffice:data", agency.code)
