"""Commands that change registries and their records.

Every write validates the whole record against its schema version, keeps the
unique keys in step, appends a revision (old and new value of each field) and an
audit entry, all in one transaction: after any error nothing is half-written.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from yagona.accounts import queries as accounts
from yagona.agencies.models import Agency
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.registries import definitions, terms
from yagona.registries.models import (
    Record,
    RecordKey,
    RecordTerm,
    Registry,
    RegistryVersion,
    Revision,
)


@dataclass(frozen=True)
class FieldError:
    path: str  # JSON pointer into the record, e.g. "/identity_document/number"
    message: str


class RecordInvalid(Exception):
    """The record does not follow its schema; ``errors`` lists each problem."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


class DuplicateKey(Exception):
    def __init__(self, field: str, value: str):
        super().__init__(f"{field} {value} is already in the registry")
        self.field, self.value = field, value


class ReasonRequired(Exception):
    pass


class DefinitionInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# --- definitions ---------------------------------------------------------------------

def define(actor: audit.Actor, definition: dict) -> RegistryVersion:
    """Create a registry or publish a new version of its schema (side by side: records
    keep the version they were written with until corrected). Loading the same
    definition again changes nothing."""
    agencies = {a.code: a for a in Agency.objects.all()}
    problems = definitions.problems(definition, active_pack().languages, agencies,
                                    f"registry {definition.get('code')}")
    if problems:
        raise DefinitionInvalid(problems)
    fields = {name: definition.get(name) or [] for name in definitions.LISTS}
    with transaction.atomic():
        registry, created = Registry.objects.select_for_update().get_or_create(
            code=definition["code"], defaults={"agency": agencies[definition["agency"]],
                                               "name": definition["name"]})
        registry.agency = agencies[definition["agency"]]
        registry.name = definition["name"]
        registry.description = definition.get("description") or {}
        registry.active = True
        registry.save()
        latest = registry.versions.order_by("-version").first()
        texts = {"labels": definition.get("labels") or {},
                 "value_labels": definition.get("value_labels") or {},
                 "field_order": definitions.field_paths(definition["schema"]),
                 "migration": definition.get("migration") or {}}
        if latest and latest.schema == definition["schema"] and all(
                getattr(latest, name) == value for name, value in fields.items()):
            if any(getattr(latest, name) != value for name, value in texts.items()):
                for name, value in texts.items():  # new wording is not a new schema
                    setattr(latest, name, value)
                latest.save(update_fields=list(texts))
            _set_grants(registry, definition.get("grants") or [], agencies)
            return latest
        _set_grants(registry, definition.get("grants") or [], agencies)
        version = RegistryVersion.objects.create(
            registry=registry, version=(latest.version + 1) if latest else 1,
            schema=definition["schema"], **texts, **fields)
        audit.record(actor, "registry.defined" if created else "registry.version_published",
                     "registry", registry.code, {"version": version.version},
                     agency=registry.agency.code)
    return version


def _set_grants(registry: Registry, grants: list[dict], agencies: dict) -> None:
    from yagona.registries.models import Grant

    wanted = {g["agency"]: g for g in grants}
    Grant.objects.filter(registry=registry).exclude(agency__code__in=wanted).delete()
    for code, grant in wanted.items():
        Grant.objects.update_or_create(registry=registry, agency=agencies[code], defaults={
            "fields": grant.get("fields") or [], "write": bool(grant.get("write"))})


def publish(actor: audit.Actor, definition: dict, *, migrate: bool = False) -> RegistryVersion:
    """``define`` for an official: a new registry by the owner agency's administrators
    and registry keepers, a new version by those of the agency that owns it now. With
    ``migrate`` the records of earlier versions are moved to the new one after commit,
    in the background (registries.migration); without, they stay side by side."""
    existing = Registry.objects.filter(code=definition.get("code")).first()
    if existing is not None:
        registry_for_definer(actor, existing.code)
    may_define(actor, definition.get("agency"))
    with transaction.atomic():
        version = define(actor, definition)
        if migrate and version.version > 1:
            from yagona.registries.migration import migrate_in_background

            code = version.registry.code
            transaction.on_commit(lambda: migrate_in_background(code, actor.label))
    return version


def registry_for_definer(actor: audit.Actor, code: str) -> Registry:
    """The registry, if the actor may publish its versions and manage its grants: the
    system, platform administrators, the owner agency's administrators and registry
    keepers. Who may only read it is refused; anyone else is told it does not exist."""
    from yagona.registries.access import access_for

    registry = Registry.objects.select_related("agency").filter(code=code).first()
    if registry is None:
        raise Http404
    if actor.user is not None and not accounts.is_platform_admin(actor.user):
        access_for(actor, registry, current_version(registry).public_fields)  # else 404
    may_define(actor, registry.agency.code)
    return registry


def give_grant(actor: audit.Actor, registry_code: str, agency_code: str, fields: list[str],
               write: bool) -> None:
    """Let another agency read some fields of a registry (none: all) and maybe write."""
    from yagona.registries.models import Grant

    registry = registry_for_definer(actor, registry_code)
    agency = Agency.objects.filter(code=agency_code).first()
    properties = current_version(registry).schema.get("properties") or {}
    unknown = [f for f in fields if f not in properties]
    if agency is None or agency.pk == registry.agency_id:
        raise ValidationError({"agency": _("Choose another agency.")})
    if unknown:
        raise ValidationError({"fields": _("Unknown fields: %(f)s") % {"f": ", ".join(unknown)}})
    with transaction.atomic():
        Grant.objects.update_or_create(registry=registry, agency=agency,
                                       defaults={"fields": fields, "write": write})
        audit.record(actor, "registry.grant_given", "registry", registry.code,
                     {"agency": agency.code, "fields": fields, "write": write},
                     agency=registry.agency.code)


def take_back_grant(actor: audit.Actor, registry_code: str, agency_code: str) -> None:
    from yagona.registries.models import Grant

    registry = registry_for_definer(actor, registry_code)
    with transaction.atomic():
        deleted, _rows = Grant.objects.filter(registry=registry,
                                              agency__code=agency_code).delete()
        if deleted:
            audit.record(actor, "registry.grant_taken_back", "registry", registry.code,
                         {"agency": agency_code}, agency=registry.agency.code)


def may_define(actor: audit.Actor, agency_code: str | None) -> None:
    """A new registry is defined by the platform, or by an administrator or registry
    keeper of the agency that will own it."""
    if actor.user is None or accounts.is_platform_admin(actor.user):
        return
    if not accounts.defines_registries_of(actor.user, agency_code):
        raise PermissionDenied


def current_version(registry: Registry) -> RegistryVersion:
    return registry.versions.order_by("-version").first()


# --- records -------------------------------------------------------------------------

def create(actor: audit.Actor, registry_code: str, data: dict, *, reason: str = "",
           requested_by: str = "") -> Record:
    """A new record. An official says why (the document it is based on, say); the
    system's own loads need not."""
    if actor.user is not None and not (reason or "").strip():
        raise ReasonRequired(_("Give the reason for the new record."))
    registry = registry_for_keeper(actor, registry_code)
    version = current_version(registry)
    check(version, data)
    now = timezone.now()
    try:
        with transaction.atomic():
            record = Record.objects.create(registry=registry, version=version.version,
                                           data=data, created_at=now, updated_at=now)
            _write_index(record, version, data)
            # A creation's values are the record as of that revision (queries.as_of).
            _revise(record, actor, Revision.Operation.CREATE, now, reason, requested_by, {},
                    fields=sorted(data))
    except IntegrityError as exc:  # a concurrent writer took the key first
        field, value = _taken_key(registry, version, data) or ("key", "")
        raise DuplicateKey(field, value) from exc
    return record


def correct(actor: audit.Actor, registry_code: str, uuid, changes: dict, *, reason: str,
            requested_by: str = "") -> Record:
    """Change some fields (a value of None removes the field) and move the record to
    the registry's current schema version."""
    if not (reason or "").strip():
        raise ReasonRequired(_("Give the reason for the correction."))
    registry = registry_for_keeper(actor, registry_code)
    version = current_version(registry)
    try:
        with transaction.atomic():
            record = _live_record(registry, uuid, lock=True)
            data = corrected(record.data, changes)
            check(version, data)
            diff = {name: [record.data.get(name), data.get(name)]
                    for name in set(record.data) | set(data)
                    if record.data.get(name) != data.get(name)}
            if not diff and record.version == version.version:
                return record
            now = timezone.now()
            record.data, record.version, record.updated_at = data, version.version, now
            record.revision += 1
            record.save(update_fields=["data", "version", "updated_at", "revision"])
            _drop_index(record)
            _write_index(record, version, data)
            _revise(record, actor, Revision.Operation.CORRECT, now, reason, requested_by, diff)
    except IntegrityError as exc:
        field, value = _taken_key(registry, version, changes) or ("key", "")
        raise DuplicateKey(field, value) from exc
    return record


def corrected(data: dict, changes: dict) -> dict:
    """A record's data with ``changes`` applied (a value of None removes the field)."""
    return {name: value for name, value in {**data, **changes}.items() if value is not None}


MAX_CORRECT_MANY = 1000


def correct_many(actor: audit.Actor, registry_code: str, uuids: list, changes: dict, *,
                 reason: str, requested_by: str = "") -> int:
    """The same correction to several records, all or none (at most 1,000 at a time)."""
    if len(uuids) > MAX_CORRECT_MANY:
        raise ValidationError(_("More than %(n)s records match; narrow the query.")
                              % {"n": MAX_CORRECT_MANY})
    with transaction.atomic():
        for uuid in uuids:
            correct(actor, registry_code, uuid, changes, reason=reason,
                    requested_by=requested_by)
    return len(uuids)


def retire(actor: audit.Actor, registry_code: str, uuid, *, reason: str,
           requested_by: str = "") -> Record:
    """Logical deletion: the record leaves lookups and lists; its history stays and its
    keys are freed."""
    if not (reason or "").strip():
        raise ReasonRequired(_("Give the reason for retiring the record."))
    registry = registry_for_keeper(actor, registry_code)
    with transaction.atomic():
        record = _live_record(registry, uuid, lock=True)
        now = timezone.now()
        record.retired_at, record.updated_at = now, now
        record.revision += 1
        record.save(update_fields=["retired_at", "updated_at", "revision"])
        _drop_index(record)
        _revise(record, actor, Revision.Operation.RETIRE, now, reason, requested_by, {})
    return record


def check(version: RegistryVersion, data) -> None:
    """Raise RecordInvalid with the JSON path of every problem of ``data``."""
    if not isinstance(data, dict):
        raise RecordInvalid([FieldError("", _("A record is a JSON object."))])
    validator = Draft202012Validator(version.schema, format_checker=FormatChecker())
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = "/" + "/".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            missing = [n for n in error.validator_value if n not in (error.instance or {})]
            errors.extend(FieldError(path.rstrip("/") + "/" + name, _("This field is required."))
                          for name in missing)
        elif error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            errors.extend(FieldError(path.rstrip("/") + "/" + name, _("Unknown field."))
                          for name in extra)
        else:
            errors.append(FieldError(path, error.message))
    errors.extend(pack_rule_errors(version.schema, data))
    if errors:
        raise RecordInvalid(errors)


def pack_rule_errors(schema: dict, data: dict) -> list[FieldError]:
    return PackRules(schema).errors(data)


class PackRules:
    """The country's identifier formats and date rules that JSON Schema cannot say
    (``x-person-id``, ``x-business-id``, ``x-past``), found once per schema: checking
    a record then looks at those paths only (a bulk import checks millions)."""

    def __init__(self, schema: dict):
        self.rules: list[tuple[tuple[str, ...], str]] = []
        self._collect(schema, ())

    def _collect(self, schema: dict, path: tuple[str, ...]) -> None:
        if schema.get("type") == "object":
            for name, inner in (schema.get("properties") or {}).items():
                self._collect(inner or {}, (*path, name))
        elif schema.get("type") == "array":
            self._collect(schema.get("items") or {}, (*path, "*"))
        for flag in ("x-person-id", "x-business-id"):
            if schema.get(flag):
                self.rules.append((path, flag))
        if schema.get("x-past") and schema.get("format") == "date":
            self.rules.append((path, "x-past"))

    def errors(self, data: dict) -> list[FieldError]:
        found = []
        if not self.rules:
            return found
        pack, today = active_pack(), timezone.localdate().isoformat()
        for path, rule in self.rules:
            for where, value in _values_at(data, path, ""):
                if not isinstance(value, str):
                    continue
                if rule == "x-person-id" and not pack.person_id.is_valid(value):
                    found.append(FieldError(where, _(
                        "Enter a valid personal identification number.")))
                elif rule == "x-business-id" and not pack.business_id.is_valid(value):
                    found.append(FieldError(where, _(
                        "Enter a valid business identification number.")))
                elif rule == "x-past" and _is_date(value) and value > today:
                    found.append(FieldError(where, _("The date must be today or in the past.")))
        return sorted(found, key=lambda e: e.path)


def _values_at(value, path: tuple[str, ...], where: str):
    if not path:
        yield where, value
    elif path[0] == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _values_at(item, path[1:], f"{where}/{index}")
    elif isinstance(value, dict) and path[0] in value:
        yield from _values_at(value[path[0]], path[1:], f"{where}/{path[0]}")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False  # the format check has reported it
    return len(value) == 10


def registry_for_keeper(actor: audit.Actor, code: str) -> Registry:
    """The registry, if the actor may write to it (the system, the owner agency's
    registry keepers, an agency granted writing). Who may read it but not write is
    refused; anyone else is told it does not exist."""
    from yagona.registries.access import access_for

    registry = Registry.objects.select_related("agency").filter(code=code, active=True).first()
    if registry is None:
        raise Http404
    if not access_for(actor, registry, current_version(registry).public_fields).write:
        raise PermissionDenied
    return registry


def _live_record(registry: Registry, uuid, *, lock: bool = False) -> Record:
    rows = Record.objects.filter(registry=registry, retired_at__isnull=True)
    if lock:
        rows = rows.select_for_update()
    try:
        return rows.get(uuid=uuid)
    except (Record.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _write_index(record: Record, version: RegistryVersion, data: dict) -> None:
    """The record's unique keys and search terms, after any old ones were removed."""
    for field in version.key_fields:
        if RecordKey.objects.filter(registry=record.registry, field=field,
                                    value=str(data[field])).exists():
            raise DuplicateKey(field, str(data[field]))
    RecordKey.objects.bulk_create([
        RecordKey(registry=record.registry, field=field, value=str(data[field]), record=record)
        for field in version.key_fields])
    RecordTerm.objects.bulk_create([
        RecordTerm(registry=record.registry, field=field, term=term, record=record)
        for field, term in terms.record_terms(version.schema, version.search_fields, data)])


def _drop_index(record: Record) -> None:
    RecordKey.objects.filter(record=record).delete()
    RecordTerm.objects.filter(record=record).delete()


def _taken_key(registry: Registry, version: RegistryVersion, data: dict):
    for field in version.key_fields:
        if field in data and RecordKey.objects.filter(registry=registry, field=field,
                                                      value=str(data[field])).exists():
            return field, str(data[field])
    return None


def _revise(record: Record, actor: audit.Actor, operation: str, at, reason: str,
            requested_by: str, changes: dict, fields: list[str] | None = None) -> None:
    Revision.objects.create(record=record, number=record.revision, at=at, operation=operation,
                            actor=actor.label, requested_by=requested_by, reason=reason,
                            changes=changes)
    audit.record(actor, f"registry.record_{operation}", "record", record.uuid,
                 {"registry": record.registry.code, "fields": fields or sorted(changes),
                  "reason": reason, "requested_by": requested_by},
                 agency=record.registry.agency.code)


# --- consents ------------------------------------------------------------------------

MAX_CONSENT_DAYS = 366


def give_consent(person, registry_code: str, member_id: str, member_name: str | None,
                 fields: list[str], purpose: str, until: date):
    """The person lets an organisation outside government read these fields of their
    record in this registry, for this purpose, until this date. The exchange names the
    organisation (``exchange.services.give_consent``): ``member_name`` is None when
    ``member_id`` is no member outside government."""
    from datetime import timedelta

    from yagona.registries.models import Consent

    registry = Registry.objects.filter(code=registry_code, active=True).first()
    if registry is None:
        raise Http404
    version = current_version(registry)
    problems = {}
    if not member_name:
        problems["member"] = _("Choose an organisation.")
    fields = [f for f in version.fields if f in set(fields)]
    if not fields:
        problems["fields"] = _("Choose the data it may read.")
    if not (purpose or "").strip():
        problems["purpose"] = _("Say what it may use the data for.")
    today = timezone.localdate()
    if until is None or not today <= until <= today + timedelta(days=MAX_CONSENT_DAYS):
        problems["until"] = _("Choose a date from today to a year from now.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        consent = Consent.objects.create(person=person, registry=registry, member=member_id,
                                         member_name=member_name, fields=fields,
                                         purpose=purpose.strip()[:500], valid_until=until)
        audit.record(audit.Actor(user=person), "registry.consent_given", "consent", consent.pk,
                     {"registry": registry.code, "member": member_id, "fields": fields,
                      "until": until.isoformat()})
    return consent


def revoke_consent(person, consent_id) -> None:
    from yagona.registries.models import Consent

    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(
            pk=consent_id, person=person, revoked_at__isnull=True).first()
        if consent is None:
            raise Http404
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        audit.record(audit.Actor(user=person), "registry.consent_revoked", "consent",
                     consent.pk, {"member": consent.member})


# --- correction requests -------------------------------------------------------------

def request_correction(person, registry_code: str, field: str, text: str):
    """The person reports that their record holds something wrong; the keepers are told
    in the back office."""
    from yagona.registries import queries
    from yagona.registries.models import CorrectionRequest

    mine = {registry.code: (schema, record) for registry, schema, record
            in queries.own_records(person)}
    if registry_code not in mine:
        raise Http404
    schema, record = mine[registry_code]
    problems = {}
    if field not in schema.fields:
        problems["field"] = _("Choose what is wrong.")
    if not (text or "").strip():
        problems["text"] = _("Say what is wrong and what is right.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        request = CorrectionRequest.objects.create(person=person, record=record, field=field,
                                                   text=text.strip()[:2000])
        audit.record(audit.Actor(user=person), "registry.correction_requested",
                     "record", record.uuid, {"registry": registry_code, "field": field,
                                             "request": request.pk},
                     agency=record.registry.agency.code)
    return request


def close_correction(actor: audit.Actor, request_id, corrected: bool, answer: str) -> None:
    """A keeper says what became of a correction request; the person is told (an event)."""
    from yagona.registries.models import CorrectionRequest

    with transaction.atomic():
        request = (CorrectionRequest.objects.select_for_update()
                   .select_related("record__registry").filter(
                       pk=request_id, status=CorrectionRequest.Status.OPEN).first())
        if request is None:
            raise Http404
        registry_for_keeper(actor, request.record.registry.code)  # a keeper of its registry
        if not corrected and not (answer or "").strip():
            raise ReasonRequired(_("Say why the record is not corrected."))
        request.status = CorrectionRequest.Status.CORRECTED if corrected \
            else CorrectionRequest.Status.REFUSED
        request.answer, request.handled_by = (answer or "").strip(), actor.label
        request.handled_at = timezone.now()
        request.save()
        audit.record(actor, "registry.correction_answered", "record", request.record.uuid,
                     {"request": request.pk, "status": request.status},
                     agency=request.record.registry.agency.code)
        events.publish("registry.correction_answered", request=request.pk)

