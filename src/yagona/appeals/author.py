"""The author's commands: send an appeal (to a named agency, to the agency of a problem's
category, or to the reception when the author does not know which), answer a request for
more, withdraw, write to the agency, rate the answer and complain about it to the
superior body (a new, linked appeal)."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.agencies.models import Agency
from yagona.appeals import deadlines, figures, photos, queries
from yagona.appeals.models import Appeal, Category, Kind, Note, Photo, Rules
from yagona.appeals.numbers import next_number
from yagona.appeals.steps import author_actor, lock, step
from yagona.appeals.workflow import AUTHOR, Status
from yagona.core import audit
from yagona.core.uploads import FileRejected

MAX_TEXT = 10_000
DOUBLE_SUBMIT = timedelta(minutes=10)  # the same text again within this is the same appeal


@dataclass
class Draft:
    """What the author sends; everything is checked by ``submit``."""

    kind: str
    text: str
    subject: str = ""
    agency: str = ""  # "" = by the category, else the reception ("I don't know which")
    category: str = ""
    latitude: object = None
    longitude: object = None
    address: str = ""
    attributes: dict = field(default_factory=dict)
    anonymous: bool = False
    party: str = "self"  # accounts.Party.key: oneself or a mandate
    contact: dict = field(default_factory=dict)  # Open311: name, email, phone
    language: str = ""


def submit(user, draft: Draft, uploads=(), *, channel: str = "online", app=None
           ) -> tuple[Appeal, str]:
    """Register an appeal; returns it and, for an anonymous one, the tracking code that
    alone leads back to it (shown once, only its hash is kept)."""
    rules = Rules.objects.select_related("reception").first()
    kind = Kind.objects.filter(code=draft.kind, active=True).first()
    if rules is None or kind is None:
        raise ValidationError({"kind": _("Choose what kind of appeal this is.")})
    errors: dict[str, str] = {}
    category = _category(draft, kind, errors)
    agency = _agency(draft, category, rules, errors)
    party = _party(user, draft, kind, app, errors)
    latitude, longitude = _place(draft, kind, rules, errors)
    attributes = _attributes(draft.attributes, category, errors)
    text, subject = (draft.text or "").strip(), (draft.subject or "").strip()
    if not text:
        errors["text"] = _("Write what your appeal is about.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("Keep the text under %(count)s characters.") % {"count": MAX_TEXT}
    if len(subject) > 300:
        errors["subject"] = _("Keep the subject under 300 characters.")
    uploads = [u for u in uploads if u]
    if len(uploads) > kind.photos:
        errors["photos"] = _("At most %(count)s photos.") % {"count": kind.photos}
    kept = []
    for upload in uploads if "photos" not in errors else ():
        try:
            kept.append(photos.cleaned(upload))
        except FileRejected as exc:
            errors["photos"] = str(exc)
    if errors:
        raise ValidationError(errors)
    if party is not None and (earlier := _double(user, party, kind, category, text)):
        return earlier, ""
    tracking = secrets.token_urlsafe(12) if party is None and not draft.contact else ""
    with transaction.atomic():
        now, today = timezone.now(), deadlines.today()
        appeal = Appeal(
            number=next_number(rules, today.year), kind=kind, category=category,
            agency=agency, channel=channel, app=app,
            author=user if party is not None else None,
            party_kind="organisation" if party and party.kind == "organisation" else "person",
            party_id=party.party_id if party else "", party_name=party.name if party else "",
            contact=_contact(draft.contact) if app is not None else {},
            tracking_hash=hashlib.sha256(tracking.encode()).hexdigest() if tracking else "",
            subject=subject or text.split("\n")[0][:120], text=text,
            language=draft.language or "", latitude=latitude, longitude=longitude,
            address=(draft.address or "").strip()[:300], attributes=attributes,
            submitted_at=now, received_on=today, due_date=deadlines.due_date(kind, today),
            status="")
        actor = author_actor(user if party is not None else None, appeal)
        appeal.save()
        for order, (content, content_type, sha256) in enumerate(kept):
            Photo.objects.create(appeal=appeal, file=content, content_type=content_type,
                                 size=content.size, sha256=sha256, order=order)
        step(actor, appeal, "submit", AUTHOR, kind=kind.code, agency_to=agency.code,
             channel=channel, photos=len(kept))
        figures.count(agency.pk, today, received=1)
    return appeal, tracking


def _category(draft, kind, errors) -> Category | None:
    if not draft.category:
        return None
    category = Category.objects.filter(code=draft.category, kind=kind, active=True).first()
    if category is None:
        errors["category"] = _("Choose what the problem is about.")
    return category


def _agency(draft, category, rules, errors) -> Agency:
    if draft.agency:
        agency = Agency.objects.filter(code=draft.agency, active=True).first()
        if agency is None:
            errors["agency"] = _("Choose the agency, or let the reception find it.")
        return agency or rules.reception
    return category.agency if category is not None else rules.reception


def _party(user, draft, kind, app, errors):
    """Whom the appeal is from: a Party, or None for an anonymous or Open311 one."""
    if draft.anonymous:
        if not kind.anonymous:
            errors["anonymous"] = _("This kind of appeal cannot be sent without a name.")
        return None
    if app is not None:
        if not (draft.contact or {}).get("email") and not (draft.contact or {}).get("phone") \
                and not kind.anonymous and kind.location == Kind.Location.NONE:
            errors["contact"] = _("Give an e-mail address or a phone number.")
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        errors["anonymous"] = _("Sign in to send this kind of appeal.")
        return None
    party = next((p for p in accounts.parties_for(user) if p.key == (draft.party or "self")),
                 None)
    if party is None:
        errors["party"] = _("Choose whom the appeal is from.")
    return party


def _place(draft, kind, rules, errors):
    if kind.location == Kind.Location.NONE:
        return None, None
    if draft.latitude in (None, "") or draft.longitude in (None, ""):
        if kind.location == Kind.Location.REQUIRED:
            errors["location"] = _("Show the place on the map, or give its coordinates.")
        return None, None
    try:
        latitude = Decimal(str(draft.latitude)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(draft.longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors["location"] = _("The coordinates are not numbers.")
        return None, None
    if not (latitude.is_finite() and longitude.is_finite()):  # NaN compares to nothing
        errors["location"] = _("The coordinates are not numbers.")
        return None, None
    west, south, east, north = rules.map_bounds or (-180, -90, 180, 90)
    if not (south <= latitude <= north and west <= longitude <= east):
        errors["location"] = _("The place is outside the country.")
        return None, None
    return latitude, longitude


def _attributes(given, category, errors) -> dict:
    """The category's questions (Open311 attributes), checked against their types."""
    given, out = given or {}, {}
    for attribute in (category.attributes if category else []):
        code, value = attribute["code"], given.get(attribute["code"])
        value = "" if value is None else str(value).strip()
        if not value:
            if attribute.get("required"):
                errors[f"attribute_{code}"] = _("Answer this question.")
            continue
        if attribute["type"] == "number":
            try:
                Decimal(value)
            except InvalidOperation:
                errors[f"attribute_{code}"] = _("Give a number.")
                continue
        if attribute["type"] == "singlevaluelist" and value not in {
                v["key"] for v in attribute["values"]}:
            errors[f"attribute_{code}"] = _("Choose one of the answers.")
            continue
        out[code] = value[:2000]
    return out


def _contact(contact: dict) -> dict:
    return {key: str(contact[key])[:200] for key in ("first_name", "last_name", "email",
                                                      "phone", "device_id", "account_id")
            if contact.get(key)}


def _double(user, party, kind, category, text) -> Appeal | None:
    return Appeal.objects.filter(author=user, party_id=party.party_id, kind=kind,
                                 category=category, text=text,
                                 submitted_at__gte=timezone.now() - DOUBLE_SUBMIT).first()


def _own(user, uuid) -> Appeal:
    appeal = queries.of_author(user, uuid)
    if appeal is None:
        raise Http404
    return appeal


def provide_info(user, uuid, text: str) -> Appeal:
    """The author's answer to a request for more: the clock runs again."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your answer.")})
    appeal = _own(user, uuid)
    with transaction.atomic():
        appeal = lock(appeal)
        deadlines.resume(appeal, deadlines.today())
        Note.objects.create(appeal=appeal, author=user, text=text[:MAX_TEXT])
        step(author_actor(user, appeal), appeal, "provide_info", AUTHOR)
    return appeal


def withdraw(user, uuid) -> Appeal:
    appeal = _own(user, uuid)
    with transaction.atomic():
        appeal = lock(appeal)
        step(author_actor(user, appeal), appeal, "withdraw", AUTHOR)
    return appeal


def write(user, uuid, text: str) -> Note:
    """A message from the author to the agency handling the appeal."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your message.")})
    appeal = _own(user, uuid)
    if appeal.ended:
        raise ValidationError({"text": _("This appeal is closed.")})
    with transaction.atomic():
        note = Note.objects.create(appeal=appeal, author=user, text=text[:MAX_TEXT])
        audit.record(author_actor(user, appeal), "appeal.author_wrote", "appeal", appeal.uuid,
                     agency=appeal.agency.code)
    return note


def rate(user, uuid, *, useful: bool, on_time: bool) -> Appeal:
    """The author's rating of the answer, once."""
    appeal = _own(user, uuid)
    with transaction.atomic():
        appeal = lock(appeal)
        if appeal.status != Status.ANSWERED or appeal.rated_at is not None:
            raise ValidationError({"rating": _("This answer cannot be rated (again).")})
        appeal.useful, appeal.on_time, appeal.rated_at = useful, on_time, timezone.now()
        appeal.save(update_fields=["useful", "on_time", "rated_at", "updated_at"])
        audit.record(author_actor(user, appeal), "appeal.rated", "appeal", appeal.uuid,
                     {"useful": useful, "on_time": on_time}, agency=appeal.agency.code)
        figures.count(appeal.agency_id, deadlines.today(), rated=1, rated_useful=int(useful),
                      rated_on_time=int(on_time))
    return appeal


def complain(user, uuid, text: str, uploads=()) -> Appeal:
    """A complaint about the answer, to the superior body of the agency that gave it: a
    new appeal, linked to the first, with its own number and deadline."""
    appeal = _own(user, uuid)
    if appeal.status != Status.ANSWERED:
        raise ValidationError({"text": _("Only an answer can be complained about.")})
    rules = Rules.objects.select_related("reception").get()
    superior = queries.superior_of(appeal.agency).code
    kind = Kind.objects.filter(code=rules.complaint_kind, active=True).first() or appeal.kind
    party_key = "self" if appeal.party_id == user.username else next(
        (p.key for p in accounts.parties_for(user) if p.party_id == appeal.party_id), "self")
    # The subject is part of the appeal: in the appeal's language, if it is known.
    with translation.override(appeal.language or translation.get_language()):
        subject = _("Complaint about the answer to %(number)s") % {"number": appeal.number}
    with transaction.atomic():
        complaint, _code = submit(user, Draft(
            kind=kind.code, agency=superior, language=appeal.language, party=party_key,
            subject=subject, text=text), uploads)
        if complaint.complaint_about_id is None:
            complaint.complaint_about = appeal
            complaint.save(update_fields=["complaint_about", "updated_at"])
            audit.record(author_actor(user, appeal), "appeal.complained", "appeal",
                         appeal.uuid, {"complaint": complaint.number},
                         agency=appeal.agency.code)
    return complaint
