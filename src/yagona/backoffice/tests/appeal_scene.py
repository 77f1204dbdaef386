"""Appeals for the page walk (portal/tests/test_every_page.py), in a loaded pack with its
demo people: so that the back office's appeal pages show every part. Texts are "—": the
walk reads the interface, not what authors wrote."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from yagona.core.countries import active_pack


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _answers(category) -> dict:
    """An answer to each of the category's questions."""
    answers = {}
    for attribute in category.attributes:
        if attribute["type"] == "number":
            answers[attribute["code"]] = "1"
        elif attribute["type"] == "singlevaluelist":
            answers[attribute["code"]] = attribute["values"][0]["key"]
        else:
            answers[attribute["code"]] = "—"
    return answers


def appeals_scene(agency, citizen, other, operator, supervisor, code) -> dict:
    """In ``agency`` (its ``operator`` and ``supervisor`` signing with the demo's shared
    authenticator; ``code()`` its current code): a problem report with a photo and its
    answers, notes, an extension and a request for more; a report of the same problem
    nearby, taken; a statement answered, then complained of to the superior body; a
    statement with a repeat merged into it; an anonymous report. The operator is made an
    official of the reception and of the superior too, to read the reception's list and
    the complaint. {name: uuid} and the reception's code."""
    from yagona.accounts import queries as accounts
    from yagona.accounts import services as account_services
    from yagona.accounts.models import Role
    from yagona.appeals import queries, services
    from yagona.core.audit import SYSTEM

    rules = queries.rules()
    category = queries.categories().filter(kind__location__in=("optional", "required")) \
        .order_by("pk").first()
    west, south, east, north = rules.map_bounds
    place = {"latitude": str(round((south + north) / 2, 4)),
             "longitude": str(round((west + east) / 2, 4))}

    sent = []

    def send(author, kind, photos=(), **fields):
        sent.append(author)  # a text of its own: the same one again is a double click
        return services.submit(author, services.Draft(
            kind=kind, agency=agency.code, subject="—", text=f"— {len(sent)}", **fields),
            photos)[0]

    full = send(citizen, category.kind.code, [_photo()], category=category.code,
                address="—", attributes=_answers(category), **place)
    near = send(other, category.kind.code, category=category.code,
                attributes=_answers(category), **place)
    services.assign(operator, full.uuid)
    services.note(operator, full.uuid, "—", to_author=False)
    services.note(operator, full.uuid, "—", to_author=True)
    if full.kind.extension and accounts.roles_in(supervisor, agency) & {
            Role.SUPERVISOR, Role.HEAD, Role.AGENCY_ADMIN}:
        services.extend(supervisor, full.uuid, 1, "—")
    services.request_info(operator, full.uuid, "—")
    services.assign(operator, near.uuid)

    statement = queries.kinds().filter(anonymous=False, location="none").first().code
    answered = send(citizen, statement)
    services.assign(operator, answered.uuid)
    services.answer(operator, answered.uuid, "—", code())
    with translation.override(active_pack().languages[0]):  # as the citizen's page is
        complaint = services.complain(citizen, answered.uuid, "—")
    first, repeat = send(citizen, statement), send(citizen, statement)
    services.merge(operator, repeat.uuid, first.number)
    anonymous = services.submit(None, services.Draft(
        kind=queries.kinds().filter(anonymous=True).first().code, anonymous=True,
        agency=agency.code, text="—"))[0]
    for other_agency in (rules.reception, complaint.agency):
        if not accounts.roles_in(operator, other_agency):
            account_services.grant_role(SYSTEM, operator, other_agency, Role.OPERATOR)
    return {"full": full.uuid, "near": near.uuid, "answered": answered.uuid,
            "complaint": complaint.uuid, "first": first.uuid, "repeat": repeat.uuid,
            "anonymous": anonymous.uuid, "reception": rules.reception.code}
