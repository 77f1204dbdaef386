"""Reads of the catalogue: search with facets (CKAN's package_search, the portal's
/data/ page), a dataset with its resources and versions, the agencies and tags that
publish, the latest changes, and the requests for data. Only published datasets are
found; a withdrawn one is still shown by name, with why."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC as dt_utc

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yagona.agencies.models import Agency
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid
from yagona.core.normalize import transliteration, words
from yagona.opendata import files
from yagona.opendata.models import (
    BudgetLine,
    Dataset,
    DatasetRequest,
    DatasetVersion,
    Facet,
    Resource,
    StoredFile,
)

FACET_FIELDS = tuple(Facet.Kind.values)
MAX_TERMS = 8
MAX_ROWS = 1000
# CKAN's sort parameter -> the order of the rows ("score" is how many of the words the
# title holds).
SORTS = {
    "score desc, metadata_modified desc": ("-score", "-modified_at", "name"),
    "score desc": ("-score", "-modified_at", "name"),
    "metadata_modified desc": ("-modified_at", "name"),
    "metadata_modified asc": ("modified_at", "name"),
    "metadata_created desc": ("-published_at", "name"),
    "metadata_created asc": ("published_at", "name"),
    "name asc": ("name",),
    "name desc": ("-name",),
    "title_string asc": ("name",),
    "title_string desc": ("-name",),
    "id asc": ("uuid",),  # what ckanext-harvest's CKAN harvester asks for
}
DEFAULT_SORT = "score desc, metadata_modified desc"
FILTER = re.compile(r'\+?(\w+):(?:"([^"]*)"|(\S+))')
# A harvester's incremental run: metadata_modified:[2026-01-01T00:00:00Z TO *].
MODIFIED = re.compile(r"\+?metadata_modified:\[(\S+) TO (\S+)\]")


class BadQuery(ValueError):
    """A search parameter the catalogue cannot read; the message says which."""


@dataclass
class Results:
    count: int
    datasets: list
    facets: dict = field(default_factory=dict)  # kind -> [(value, count)], most first


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """CKAN's filter query (Solr syntax) as (facet kind, value) pairs, all to hold:
    ``organization:moh +groups:heal tags:"road safety" AND res_format:CSV``."""
    pairs = [("metadata_modified", (_moment(low), _moment(high)))
             for low, high in MODIFIED.findall(fq or "")]
    fq = MODIFIED.sub(" ", fq or "")
    rest = FILTER.sub(" ", fq)
    if rest.replace("AND", " ").strip():
        raise BadQuery(f"fq: cannot read {rest.strip()!r}; use field:value pairs")
    for kind, quoted, plain in FILTER.findall(fq or ""):
        if kind not in FACET_FIELDS:
            raise BadQuery(f"fq: unknown field {kind!r}; one of {', '.join(FACET_FIELDS)}")
        pairs.append((kind, quoted if quoted else plain))
    return pairs


def _moment(text: str):
    """One end of a Solr date range: an ISO 8601 moment, or * for open."""
    if text == "*":
        return None
    moment = parse_datetime(text)
    if moment is None:
        raise BadQuery(f"fq: metadata_modified: {text!r} is not an ISO 8601 moment")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt_utc)


def _terms(q: str) -> list[str]:
    table = transliteration((active_pack().raw.get("search") or {}).get("transliterate"))
    return words(q or "", table)[:MAX_TERMS]


def search(q: str = "", filters=(), sort: str = "", rows: int = 10, start: int = 0,
           facet_fields=FACET_FIELDS, facet_limit: int = 50, tag_language: str = "") -> Results:
    """Published datasets holding every word of ``q`` (at the start of a word, folded)
    and every (kind, value) of ``filters``, in ``sort`` order, one page of them, and the
    facet counts over all that matched (keywords of ``tag_language`` only, if given)."""
    if sort and sort not in SORTS:
        raise BadQuery(f"sort: one of {', '.join(SORTS)}")
    if not 0 <= rows <= MAX_ROWS or start < 0:
        raise BadQuery(f"rows: 0 to {MAX_ROWS}; start: 0 or more")
    matched = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    terms = _terms(q)
    for term in terms:
        matched = matched.filter(search_text__contains=" " + term)
    for kind, value in filters:
        if kind == "metadata_modified":
            low, high = value
            matched = matched.filter(**{key: moment for key, moment in (
                ("modified_at__gte", low), ("modified_at__lte", high)) if moment})
            continue
        matched = matched.filter(Exists(Facet.objects.filter(
            dataset=OuterRef("pk"), kind=kind, value=value)))
    score = sum((Case(When(title_words__contains=" " + term, then=Value(1)),
                      default=Value(0), output_field=IntegerField()) for term in terms),
                Value(0))
    ids = None
    if terms or filters:  # matched once (the costly part), then paged and faceted by id
        ids = list(matched.order_by().values_list("pk", flat=True))
        matched = Dataset.objects.filter(pk__in=ids, state=Dataset.State.PUBLISHED)
    page = (matched.annotate(score=Coalesce(score, 0))
            .order_by(*SORTS[sort or DEFAULT_SORT]).select_related("agency")
            .prefetch_related("resources__stored")[start:start + rows])
    facets = {}
    wanted = [kind for kind in facet_fields if kind in FACET_FIELDS]
    if wanted:
        counted = Facet.objects.filter(kind__in=wanted, **(
            {"dataset__in": matched.values("pk")} if ids is None else {"dataset_id__in": ids}))
        if tag_language:
            counted = counted.filter(~Q(kind=Facet.Kind.TAGS) | Q(language=tag_language))
        counts = (counted.values_list("kind", "value")
                  .annotate(n=Count("dataset", distinct=True)).order_by("kind", "-n", "value"))
        for kind, value, n in counts:
            values = facets.setdefault(kind, [])
            if len(values) < facet_limit:
                values.append((value, n))
    return Results(matched.count() if ids is None else len(ids), list(page), facets)


def published_names() -> list[str]:
    return list(Dataset.objects.filter(state=Dataset.State.PUBLISHED)
                .order_by("name").values_list("name", flat=True))


def public_dataset(name: str, include_withdrawn: bool = True) -> Dataset | None:
    """A published (or withdrawn) dataset by name or id; a draft is nobody's business."""
    states = [Dataset.State.PUBLISHED]
    if include_withdrawn:
        states.append(Dataset.State.WITHDRAWN)
    found = Dataset.objects.filter(state__in=states).select_related("agency")
    row = found.filter(name=name).first()
    if row is None and is_uuid(name):
        row = found.filter(uuid=name).first()
    return row


def resources(dataset: Dataset) -> list:
    return list(dataset.resources.select_related("stored"))


def public_resource(resource_id: str):
    """A resource of a published dataset by its id (CKAN's resource_show)."""
    if not is_uuid(resource_id):
        return None
    return (Resource.objects.filter(uuid=resource_id, dataset__state=Dataset.State.PUBLISHED)
            .select_related("dataset__agency", "stored").first())


def versions(dataset: Dataset) -> list[DatasetVersion]:
    return list(dataset.versions.all())


def version(dataset: Dataset, number: int) -> DatasetVersion | None:
    return dataset.versions.filter(number=number).first()


def stored_file(sha256: str):
    return StoredFile.objects.filter(sha256=sha256).first()


def organizations() -> list[tuple[Agency, int]]:
    """Agencies with their number of published datasets (those with none too: CKAN's
    organization_list lists every organization)."""
    rows = Agency.objects.filter(active=True).annotate(published=Count(
        "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED))).order_by("code")
    return [(agency, agency.published) for agency in rows]


def organization(name: str) -> Agency | None:
    return Agency.objects.filter(code__iexact=name, active=True).first()


def theme_counts() -> dict[str, int]:
    return dict(Facet.objects.filter(kind=Facet.Kind.GROUPS).values_list("value")
                .annotate(n=Count("id")).values_list("value", "n"))


def tag_names(query: str = "") -> list[str]:
    tags = Facet.objects.filter(kind=Facet.Kind.TAGS)
    if query:
        tags = tags.filter(value__icontains=query)
    return sorted(set(tags.values_list("value", flat=True)))


def recent_versions(limit: int = 31, offset: int = 0) -> list[DatasetVersion]:
    """The latest versions of datasets still published (CKAN's activity list)."""
    return list(DatasetVersion.objects.filter(dataset__state=Dataset.State.PUBLISHED)
                .select_related("dataset__agency").order_by("-published_at", "-id")
                [offset:offset + limit])


def public_requests() -> list[DatasetRequest]:
    return list(DatasetRequest.objects.select_related("agency", "dataset"))


def open_requests_for(agencies) -> list[DatasetRequest]:
    """Requests a publisher of these agencies may answer (again, when one was planned):
    theirs and those to nobody."""
    return list(DatasetRequest.objects.filter(state__in=(
        DatasetRequest.State.OPEN, DatasetRequest.State.PLANNED)).filter(
        Q(agency__in=agencies) | Q(agency__isnull=True)).select_related("agency"))


def datasets_of(agencies) -> list[Dataset]:
    """Every dataset of these agencies, drafts and withdrawn ones too (the back office)."""
    return list(Dataset.objects.filter(agency__in=agencies).select_related("agency")
                .order_by("-modified_at"))


def agency_dataset(agency, name: str) -> Dataset | None:
    """Any dataset of the agency by name, a draft too (the back office)."""
    return Dataset.objects.filter(agency=agency, name=name).select_related("agency").first()


def table_of(name: str) -> list[dict]:
    """The rows of a published dataset's first CSV file (the dashboard reads the
    platform's own figures so), [] when there is none."""
    dataset = public_dataset(name, include_withdrawn=False)
    first = dataset and dataset.resources.filter(format="CSV", stored__isnull=False) \
        .select_related("stored").first()
    if not first:
        return []
    return list(csv.DictReader(io.StringIO(files.read(first.stored).decode("utf-8-sig"))))


def budget_years() -> list[int]:
    return sorted(set(BudgetLine.objects.values_list("year", flat=True)), reverse=True)


def budget(year: int) -> list:
    """The year's budget lines with their agencies, by agency and programme."""
    return list(BudgetLine.objects.filter(year=year).select_related("agency"))


def percent(part, whole):
    """Executed of planned, in per cent with one decimal; "" when there is nothing."""
    return "" if part is None or not whole else round(100 * part / whole, 1)


def budget_by_agency(year: int) -> tuple[list[dict], dict]:
    """The year's budget per agency, the largest first: planned, executed, per cent and
    its programmes' lines; and the year's total."""
    agencies = {}
    for line in budget(year):
        row = agencies.setdefault(line.agency.code, {
            "agency": line.agency, "planned": 0, "executed": 0, "lines": []})
        row["planned"] += line.planned
        row["executed"] += line.executed or 0
        row["lines"].append({"line": line, "percent": percent(line.executed, line.planned)})
    rows = sorted(agencies.values(), key=lambda row: -row["planned"])
    for row in rows:
        row["percent"] = percent(row["executed"], row["planned"])
    total = {"planned": sum(r["planned"] for r in rows),
             "executed": sum(r["executed"] for r in rows)}
    total["percent"] = percent(total["executed"], total["planned"])
    return rows, total


def counts() -> dict:
    """Figures of the catalogue for its front page."""
    published = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    return {"datasets": published.count(),
            "agencies": published.order_by().values("agency").distinct().count(),
            "requests": DatasetRequest.objects.count()}
