"""Demo open data: the pack's datasets for `make demo` (``opendata/datasets.yaml`` of the
pack, beside the files it names), and people's requests for data with their answers.

Each dataset is created, given its resources and published by its agency's data
publisher (a demo.yaml official with ``role: data_publisher``, else the agency's
``agency_admin``) through the open data room's services (``opendata.services``, never
its models), so that each file passes the checks a publisher's upload passes:

- a dataset: ``name``, ``agency``, ``title``, ``description``, ``keywords``, ``spatial``
  (each a text, or a list of keywords, per language of the pack), ``themes``,
  ``licence``, ``frequency``, ``temporal_start``, ``temporal_end`` and ``resources``,
  each ``name`` (per language), ``description`` (optional), ``format`` and either
  ``file`` (a file in the same folder) or ``url`` (a link);
- a request: ``title``, ``description`` (in the state language), ``agency`` (optional),
  ``by`` (a demo citizen's person ID; else the citizens in turn) and optionally an
  ``answer``: ``state`` (planned, published, refused), ``text``, ``dataset`` (when
  published) and ``agency`` (who answers a request made to no agency).

A dataset whose name is taken already is left alone, and a request whose title is among
the public requests is not made again, so that a second run changes nothing.
"""

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.agencies.models import Agency
from yagona.core.countries import active_pack, pack_dir, read_yaml
from yagona.demo.correspondence import DemoError
from yagona.opendata import budget, queries, services
from yagona.opendata.vocabulary import FORMATS, UPLOAD_FORMATS

log = logging.getLogger(__name__)
FIELDS = ("name", "title", "description", "keywords", "themes", "licence", "frequency",
          "temporal_start", "temporal_end", "spatial", "contact_email")
ANSWERS = ("planned", "published", "refused")
PUBLISHING_ROLES = ("data_publisher", "agency_admin")  # in the order they are chosen


def catalogue_file() -> Path:
    return pack_dir() / "opendata" / "datasets.yaml"


def load_datasets(data: dict, people: dict) -> dict:
    """The pack's demo datasets and requests for data, those not made yet: {"datasets":
    how many were published now, "agencies": of how many agencies, "requests": how many
    requests were made}. ``data`` is demo.yaml, ``people`` {person ID: user}."""
    path = catalogue_file()
    made = {"datasets": 0, "agencies": 0, "requests": 0}
    if not path.is_file():
        return made
    catalogue = read_yaml(path) or {}
    entries, requests = catalogue.get("datasets") or [], catalogue.get("requests") or []
    publishers = _publishers(data, people)
    citizens = [people[c["person_id"]] for c in data.get("citizens", [])]
    _check(entries, requests, publishers, path.parent, people, citizens)
    agencies = set()
    for entry in entries:
        if _publish(entry, publishers[entry["agency"]], path.parent):
            made["datasets"] += 1
            agencies.add(entry["agency"])
    made["agencies"] = len(agencies)
    known = {request.title for request in queries.public_requests()}
    for index, entry in enumerate(requests):
        if entry["title"] in known:
            continue
        author = people[entry["by"]] if entry.get("by") else citizens[index % len(citizens)]
        _request(entry, author, publishers)
        made["requests"] += 1
    made["budgets"] = _budgets(path.parent, publishers)
    log.info("demo: %s open datasets of %s agencies, %s requests for data",
             made["datasets"], made["agencies"], made["requests"])
    return made


def _budgets(folder: Path, publishers: dict) -> list[int]:
    """The pack's sample budgets (``budget-<year>.csv``), imported once each by the
    keeper's data publisher as the finance ministry would; the version says they are
    samples."""
    keeper, done, imported = budget.keeper(), set(queries.budget_years()), []
    for file in sorted(folder.glob("budget-*.csv")):
        year = int(file.stem.split("-", 1)[1])
        if year in done or keeper not in publishers:
            continue
        with translation.override(active_pack().languages[0]):
            note = _("Sample figures of the demonstration, not the state's budget.")
        budget.import_year(publishers[keeper], year,
                           SimpleUploadedFile(file.name, file.read_bytes()), note=note)
        imported.append(year)
    return imported


def _publishers(data: dict, people: dict) -> dict:
    """{agency code: the demo official who publishes its data}."""
    found = {}
    for role in PUBLISHING_ROLES:
        for entry in data.get("officials", []):
            if entry.get("role") == role and entry.get("agency"):
                found.setdefault(entry["agency"], people[entry["person_id"]])
    return found


def _check(entries, requests, publishers, folder: Path, people, citizens) -> None:
    """Every problem of the file at once, before anything is made."""
    problems = []
    names = set()
    for index, entry in enumerate(entries):
        where = f"datasets[{index}] ({entry.get('name', '?')})"
        names.add(entry.get("name"))
        if entry.get("agency") not in publishers:
            problems.append(f"{where}: agency {entry.get('agency')!r} has no data publisher "
                            "among demo.yaml's officials")
        unknown = set(entry) - set(FIELDS) - {"agency", "resources"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        resources = entry.get("resources") or []
        if not resources:
            problems.append(f"{where}: no resources")
        for number, resource in enumerate(resources):
            place = f"{where}: resources[{number}]"
            if resource.get("format") not in FORMATS:
                problems.append(f"{place}: format is one of {', '.join(FORMATS)}")
            if bool(resource.get("file")) == bool(resource.get("url")):
                problems.append(f"{place}: give a file or a url")
            elif resource.get("file"):
                if resource.get("format") not in UPLOAD_FORMATS:
                    problems.append(f"{place}: a file is one of {', '.join(UPLOAD_FORMATS)}")
                if not (folder / resource["file"]).is_file():
                    problems.append(f"{place}: no file {resource['file']!r} in {folder}")
    if requests and not citizens:
        problems.append("requests: demo.yaml has no citizens to make them")
    for index, entry in enumerate(requests):
        where = f"requests[{index}]"
        if not entry.get("title") or not entry.get("description"):
            problems.append(f"{where}: give a title and a description")
        if entry.get("by") and entry["by"] not in people:
            problems.append(f"{where}: by {entry['by']!r} is not among the demo people")
        answer = entry.get("answer")
        if not answer:
            continue
        if answer.get("state") not in ANSWERS or not answer.get("text"):
            problems.append(f"{where}: answer: a state ({', '.join(ANSWERS)}) and a text")
        if answer.get("state") == "published" and answer.get("dataset") not in names:
            problems.append(f"{where}: answer: dataset {answer.get('dataset')!r} is not one "
                            "of the datasets")
        if _answering_agency(entry, entries) not in publishers:
            problems.append(f"{where}: answer: no data publisher of the agency answering "
                            "(give the request's or the answer's agency)")
    if problems:
        raise DemoError(f"{catalogue_file()}: " + "; ".join(problems))


def _answering_agency(entry: dict, entries: list) -> str | None:
    answer = entry.get("answer") or {}
    if entry.get("agency") or answer.get("agency"):
        return entry.get("agency") or answer.get("agency")
    return next((d["agency"] for d in entries if d.get("name") == answer.get("dataset")),
                None)


def _publish(entry: dict, publisher, folder: Path) -> bool:
    """The dataset, made and published in one transaction, unless its name is taken."""
    name = entry["name"]
    agency = Agency.objects.get(code=entry["agency"])
    if queries.agency_dataset(agency, name) is not None:
        return False
    fields = {key: entry[key] for key in FIELDS if key in entry}
    try:
        with transaction.atomic():
            services.create_dataset(publisher, entry["agency"], fields)
            for resource in entry["resources"]:
                upload = None
                if resource.get("file"):
                    upload = SimpleUploadedFile(
                        resource["file"], (folder / resource["file"]).read_bytes(),
                        content_type=FORMATS[resource["format"]].media_type)
                services.add_resource(publisher, name, title=resource["name"],
                                      file_format=resource["format"], upload=upload,
                                      url=resource.get("url", ""),
                                      description=resource.get("description"))
            services.publish(publisher, name)
    except ValidationError as error:
        if getattr(error, "error_dict", None) and set(error.error_dict) == {"name"}:
            log.info("demo: dataset %s left alone: %s", name, error.messages)
            return False
        raise DemoError(f"{catalogue_file()}: dataset {name}: {error.messages}") from error
    return True


def _request(entry: dict, author, publishers: dict) -> None:
    """A request for data by a demo citizen, in the state language, and its answer."""
    with transaction.atomic(), translation.override(active_pack().languages[0]):
        request = services.request_dataset(author, entry["title"], entry["description"],
                                           entry.get("agency") or "")
        answer = entry.get("answer")
        if answer:
            agency = _answering_agency(entry, [])
            if agency is None:  # a request to nobody, answered with a dataset
                agency = queries.public_dataset(answer["dataset"]).agency.code
            services.answer_request(publishers[agency], request.uuid, answer["state"],
                                    answer["text"], dataset_name=answer.get("dataset", ""),
                                    agency_code=agency)
