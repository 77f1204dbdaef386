"""Commands on datasets and requests for data, the door the back office, the portal and
CKAN's write actions call. Each: permission (a data publisher of the dataset's agency)
→ transaction (row lock) → change → audit entry. A published dataset changes in public
at once, and each change of it is a new numbered version (CKAN's activity stream), so
that what was published stays citable and its files downloadable."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.core import audit
from yagona.core.uploads import FileRejected
from yagona.opendata import files, metadata
from yagona.opendata.models import Dataset, DatasetRequest, DatasetVersion, Facet, Resource
from yagona.opendata.vocabulary import FORMATS, UPLOAD_FORMATS

PUBLISHERS = {Role.DATA_PUBLISHER, Role.AGENCY_ADMIN}
Change = DatasetVersion.Change
MAX_RESOURCES = 50


def publisher_agencies(user) -> list[Agency]:
    """The agencies whose data this official may publish."""
    return sorted({role.agency for role in accounts.roles_of(user).filter(
        role__in=PUBLISHERS).select_related("agency")}, key=lambda agency: agency.code)


def _agency_for(user, agency_code: str) -> Agency:
    agency = next((a for a in publisher_agencies(user) if a.code == agency_code), None)
    if agency is None:
        raise PermissionDenied
    return agency


def _own(user, name: str) -> Dataset:
    """The dataset, locked, if the user publishes for its agency; else 404."""
    agencies = [agency.pk for agency in publisher_agencies(user)]
    dataset = Dataset.objects.select_for_update(of=("self",)).filter(
        name=name, agency_id__in=agencies).select_related("agency").first()
    if dataset is None:
        raise Http404
    return dataset


def _open(user, name: str) -> Dataset:
    """The dataset, locked, as ``_own``; a withdrawn one stays as it was withdrawn."""
    dataset = _own(user, name)
    if dataset.state == Dataset.State.WITHDRAWN:
        raise ValidationError(_("A withdrawn dataset cannot be changed."))
    return dataset


def _actor(user, dataset: Dataset) -> audit.Actor:
    return audit.Actor(user=user, agency=dataset.agency.code,
                       system="" if user else "opendata")  # the platform's own figures


def _changed(user, dataset: Dataset, change: str, note: str = "") -> None:
    """After a change, inside its transaction: search words, facets, and on a published
    dataset a new version."""
    dataset.search_text = metadata.search_text(dataset)
    dataset.title_words = metadata.title_words(dataset)
    dataset.save()
    Facet.objects.filter(dataset=dataset).delete()
    if dataset.state == Dataset.State.PUBLISHED:
        Facet.objects.bulk_create(metadata.facet_rows(dataset))
        dataset.version += 1
        dataset.save(update_fields=["version"])
        DatasetVersion.objects.create(dataset=dataset, number=dataset.version, change=change,
                                      published_at=timezone.now(), published_by=user,
                                      note=(note or "").strip()[:2000],
                                      snapshot=metadata.snapshot(dataset))


def create_dataset(user, agency_code: str, fields: dict) -> Dataset:
    """A new draft dataset of the agency."""
    agency = _agency_for(user, agency_code)
    cleaned = metadata.clean(fields, creating=True)
    try:
        with transaction.atomic():
            return _create(user, agency, cleaned)
    except IntegrityError:  # the same name taken a moment ago by another publisher
        raise ValidationError({"name": _("Another dataset has this name.")}) from None


def _create(user, agency, cleaned: dict) -> Dataset:
    dataset = Dataset(agency=agency, **{"contact_email": agency.email, **cleaned})
    dataset.save()
    audit.record(_actor(user, dataset), "opendata.dataset_created", "dataset", dataset.uuid,
                 {"name": dataset.name})
    _changed(user, dataset, Change.DESCRIPTION)
    return dataset


def update_dataset(user, name: str, fields: dict, note: str = "") -> Dataset:
    """Change a dataset's metadata (the fields given; its name stays). Saving it as it
    was changes nothing: no audit entry, no new version."""
    fields = {key: value for key, value in fields.items() if key != "name"}
    cleaned = metadata.clean(fields, creating=False)
    with transaction.atomic():
        dataset = _open(user, name)
        _describe(user, dataset, cleaned, note)
    return dataset


def _describe(user, dataset: Dataset, cleaned: dict, note: str = "") -> None:
    """The checked fields that differ, set, audited and versioned; none: nothing."""
    changed = sorted(field for field, value in cleaned.items()
                     if getattr(dataset, field) != value)
    if not changed:
        return
    for field in changed:
        setattr(dataset, field, cleaned[field])
    audit.record(_actor(user, dataset), "opendata.dataset_changed", "dataset", dataset.uuid,
                 {"fields": changed})
    _changed(user, dataset, Change.DESCRIPTION, note)


def _resource_texts(name, description) -> tuple[dict, dict]:
    errors = {}
    names = metadata.texts(name, "resource_name", errors, True, 200)
    descriptions = metadata.texts(description or {}, "resource_description", errors)
    if errors:
        raise ValidationError(errors)
    return names, descriptions


def add_resource(user, name: str, *, title, file_format: str, upload=None, url: str = "",
                 description=None, note: str = "") -> Resource:
    """A file (checked against its format) or a link, added to the dataset."""
    names, descriptions = _resource_texts(title, description)
    if file_format not in FORMATS:
        raise ValidationError({"format": _("Choose the file's format.")})
    if (upload is None) == (not url):
        raise ValidationError({"file": _("Upload a file or give a link, not both.")})
    with transaction.atomic():
        dataset = _open(user, name)
        if dataset.resources.count() >= MAX_RESOURCES:
            raise ValidationError(_("A dataset holds at most %(count)s resources.")
                                  % {"count": MAX_RESOURCES})
        stored = _store(upload, file_format) if upload is not None else None
        if stored is None:
            _check_link(url)
        resource = Resource.objects.create(
            dataset=dataset, name=names, description=descriptions, format=file_format,
            stored=stored, url="" if stored else url, position=dataset.resources.count())
        audit.record(_actor(user, dataset), "opendata.resource_added", "dataset",
                     dataset.uuid, {"resource": str(resource.uuid), "format": file_format,
                                    "sha256": stored.sha256 if stored else "", "url": url})
        _changed(user, dataset, Change.RESOURCE_ADDED, note)
    return resource


def _store(upload, file_format: str, generated: bool = False):
    if file_format not in UPLOAD_FORMATS:
        raise ValidationError({"format": _("Files of this format are given as links.")})
    try:
        limit = files.GENERATED_MAX_BYTES if generated else settings.YAGONA_MAX_UPLOAD_BYTES
        return files.store(upload, file_format, limit, generated)
    except FileRejected as error:
        raise ValidationError({"file": str(error)}) from None


def _check_link(url: str) -> None:
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise ValidationError({"url": _("Give the address of the resource (https://...).")})


def replace_file(user, name: str, resource_uuid, upload, note: str = "") -> Resource:
    """A new file for a resource; the versions that published the old one keep it."""
    with transaction.atomic():
        dataset = _open(user, name)
        resource = dataset.resources.filter(uuid=resource_uuid).first()
        if resource is None or resource.stored is None:
            raise Http404
        old = resource.stored.sha256
        resource.stored = _store(upload, resource.format)
        resource.save()
        audit.record(_actor(user, dataset), "opendata.file_replaced", "dataset",
                     dataset.uuid, {"resource": str(resource.uuid), "old": old,
                                    "new": resource.stored.sha256})
        _changed(user, dataset, Change.FILE_REPLACED, note)
    return resource


def remove_resource(user, name: str, resource_uuid, note: str = "") -> None:
    with transaction.atomic():
        dataset = _open(user, name)
        resource = dataset.resources.filter(uuid=resource_uuid).first()
        if resource is None:
            raise Http404
        if dataset.state == Dataset.State.PUBLISHED and dataset.resources.count() == 1:
            raise ValidationError(_("A published dataset keeps at least one resource."))
        resource.delete()
        audit.record(_actor(user, dataset), "opendata.resource_removed", "dataset",
                     dataset.uuid, {"resource": str(resource_uuid)})
        _changed(user, dataset, Change.RESOURCE_REMOVED, note)


def publish(user, name: str, note: str = "") -> Dataset:
    """Make a draft public: version 1, found by search, listed by CKAN."""
    with transaction.atomic():
        dataset = _own(user, name)
        if dataset.state == Dataset.State.PUBLISHED:
            return dataset
        if not dataset.resources.exists():
            raise ValidationError(_("Add at least one resource before publishing."))
        if not dataset.description:
            raise ValidationError({"description": _("Describe the data before publishing.")})
        dataset.state, dataset.withdrawn_reason = Dataset.State.PUBLISHED, ""
        dataset.published_at = dataset.published_at or timezone.now()
        audit.record(_actor(user, dataset), "opendata.published", "dataset", dataset.uuid,
                     {"name": dataset.name})
        _changed(user, dataset, Change.PUBLISHED, note)
    return dataset


def withdraw(user, name: str, reason: str) -> Dataset:
    """Take a dataset out of the catalogue; its page says why, its versions stay."""
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValidationError({"reason": _("Say why the dataset is withdrawn.")})
    with transaction.atomic():
        dataset = _own(user, name)
        if dataset.state != Dataset.State.PUBLISHED:
            raise ValidationError(_("Only a published dataset can be withdrawn."))
        dataset.state, dataset.withdrawn_reason = Dataset.State.WITHDRAWN, reason
        audit.record(_actor(user, dataset), "opendata.withdrawn", "dataset", dataset.uuid,
                     {"reason": reason})
        _changed(user, dataset, Change.DESCRIPTION)
    return dataset


def request_dataset(user, title: str, description: str, agency_code: str = "") -> DatasetRequest:
    """A signed-in person asks for data; the request and its answer are public (their
    name is not)."""
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Say which data you need.")
    if not description:
        errors["description"] = _("Say what the data would be used for and what it "
                                  "should contain.")
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code, active=True).first()
        if agency is None:
            errors["agency"] = _("Choose an agency from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = DatasetRequest.objects.create(
            title=title[:200], description=description[:5000], agency=agency,
            requester=user, language=(get_language() or "")[:8])
        audit.record(audit.Actor(user=user), "opendata.requested", "data_request",
                     request.uuid, {"agency": agency_code})
    return request


def answer_request(user, uuid, state: str, answer: str, dataset_name: str = "",
                   agency_code: str = "") -> DatasetRequest:
    """A data publisher answers a request to their agency (or one to no agency, which
    becomes ``agency_code``'s, or the dataset's): it will be published, it is (with the
    dataset), or it cannot be."""
    answer = (answer or "").strip()[:5000]
    if state not in (DatasetRequest.State.PLANNED, DatasetRequest.State.PUBLISHED,
                     DatasetRequest.State.REFUSED):
        raise ValidationError({"state": _("Choose an answer.")})
    if not answer:
        raise ValidationError({"answer": _("Write the answer the requester will read.")})
    agencies = publisher_agencies(user)
    if agency_code:
        agencies = [agency for agency in agencies if agency.code == agency_code]
    with transaction.atomic():
        request = DatasetRequest.objects.select_for_update().filter(uuid=uuid).first()
        if request is None or (request.agency_id and request.agency not in agencies) \
                or not agencies:
            raise Http404
        if request.state not in (DatasetRequest.State.OPEN, DatasetRequest.State.PLANNED):
            raise ValidationError(_("The request is answered already."))
        dataset = None
        if state == DatasetRequest.State.PUBLISHED:
            dataset = Dataset.objects.filter(
                name=dataset_name, state=Dataset.State.PUBLISHED,
                agency__in=agencies).first()
            if dataset is None:
                raise ValidationError({"dataset": _("Name the published dataset that "
                                                    "answers the request.")})
        request.agency = request.agency or (dataset.agency if dataset else agencies[0])
        request.state, request.answer, request.dataset = state, answer, dataset
        request.answered_at, request.answered_by = timezone.now(), user
        request.save()
        audit.record(audit.Actor(user=user, agency=request.agency.code),
                     "opendata.request_answered", "data_request", request.uuid,
                     {"state": state, "dataset": dataset_name})
    return request


def publish_generated(agency_code: str, name: str, fields: dict, tables: list,
                      note: str = "") -> Dataset:
    """The platform's own datasets (``own_data``): made or brought up to date by the
    system, as the agency that publishes the catalogue. ``tables``: [(title per language,
    format, bytes)], one resource each; a file is replaced only when its content changed,
    and a dataset nothing changed in makes no new version."""
    agency = Agency.objects.get(code=agency_code)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().filter(name=name).first()
        if dataset is not None and dataset.state == Dataset.State.WITHDRAWN:
            return dataset  # withdrawn by a person: not brought back by a job
        if dataset is None:
            dataset = _create(None, agency, metadata.clean({**fields, "name": name},
                                                          creating=True))
        else:
            _describe(None, dataset, metadata.clean(fields, creating=False))
        resources = list(dataset.resources.select_related("stored"))
        for position, (title, file_format, data) in enumerate(tables):
            stored = _store(SimpleUploadedFile(f"{name}.{file_format.lower()}", data),
                            file_format, generated=True)
            if position < len(resources):
                resource = resources[position]
                if resource.stored_id == stored.pk:
                    continue
                resource.stored, resource.name, resource.format = stored, title, file_format
                resource.save()
                change = Change.FILE_REPLACED
            else:
                Resource.objects.create(dataset=dataset, name=title, format=file_format,
                                        stored=stored, position=position)
                change = Change.RESOURCE_ADDED
            audit.record(_actor(None, dataset), "opendata.generated", "dataset",
                         dataset.uuid, {"sha256": stored.sha256, "position": position})
            _changed(None, dataset, change, note)
        if dataset.state != Dataset.State.PUBLISHED:
            dataset.state, dataset.published_at = Dataset.State.PUBLISHED, timezone.now()
            audit.record(_actor(None, dataset), "opendata.published", "dataset",
                         dataset.uuid, {"name": name})
            _changed(None, dataset, Change.PUBLISHED, note)
    return dataset
