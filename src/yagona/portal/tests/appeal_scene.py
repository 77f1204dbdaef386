"""Appeals for the page walk (test_every_page): one of everything the author's pages show,
played through the appeals' services by the demo's citizen and the officials of an
agency with every role. Texts are the pack's own (demo.yaml's ``texts``), in its state
language, so that no English is left on a page."""

import io
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yagona.accounts.models import OfficialRole
from yagona.appeals import queries, services
from yagona.core.countries import active_pack
from yagona.demo import data as demo
from yagona.portal import appeal_views


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _place(rules) -> dict:
    west, south, east, north = rules.map_bounds or (0, 0, 1, 1)
    return {"latitude": f"{(south + north) / 2:.6f}", "longitude": f"{(west + east) / 2:.6f}"}


def appeal_scene(citizen, texts) -> SimpleNamespace:
    """In an agency with an operator and a supervisor (or head): an appeal
    forwarded there by another agency, asked about, extended, answered, rated and
    complained about (with the complaint); a problem report with a photo waiting for the
    citizen's answer; an anonymous report, its confirmation and its followed page."""
    leads = OfficialRole.objects.filter(role__in=("supervisor", "head")).order_by(
        "agency__code", "role")
    agency = next(entry.agency for entry in leads if _staff(entry.agency, "operator"))
    operator, lead = _staff(agency, "operator"), leads.filter(agency=agency).first().user
    other = OfficialRole.objects.filter(role="operator").exclude(agency=agency).order_by(
        "agency__code").first()
    text, asked, told = (texts.get(key) or "—" for key in ("rejection", "request_info",
                                                          "answer"))
    language = active_pack().languages[0]
    kinds = list(queries.kinds())
    plain = next(k for k in kinds if not k.anonymous and k.location == "none")
    problem = next(k for k in kinds if queries.categories(k).exists())
    anonymous = next(k for k in kinds if k.anonymous)

    answered, _code = services.submit(citizen, services.Draft(
        kind=plain.code, agency=other.agency.code, text=text, language=language))
    services.forward(other.user, answered.uuid, agency.code, text)
    services.assign(operator, answered.uuid)
    services.request_info(operator, answered.uuid, asked)
    services.provide_info(citizen, answered.uuid, told)
    if plain.extension:
        services.extend(lead, answered.uuid, 1, text)
    services.write(citizen, answered.uuid, told)
    services.note(operator, answered.uuid, asked, to_author=True)
    services.answer(operator, answered.uuid, text, demo.current_code())
    services.rate(citizen, answered.uuid, useful=False, on_time=True)
    complaint = services.complain(citizen, answered.uuid, text)

    category = queries.categories(problem).first()
    waiting, _code = services.submit(citizen, services.Draft(
        kind=problem.code, category=category.code, agency=agency.code, text=text,
        address=text, language=language, **_place(queries.rules()),
        attributes={a["code"]: a["values"][0]["key"] if a.get("values") else "3"
                    for a in category.attributes}), [_photo()] if problem.photos else [])
    services.assign(operator, waiting.uuid)
    services.request_info(operator, waiting.uuid, asked)

    report, tracking = services.submit(None, services.Draft(
        kind=anonymous.code, anonymous=True, text=text, language=language))
    return SimpleNamespace(
        answered=answered, complaint=complaint, waiting=waiting, plain=plain.code,
        problem=problem.code, category=category.code, anonymous=anonymous.code,
        sent_token=appeal_views._keep(appeal_views.SENT, {"code": tracking, "shown": False},
                                      3600),
        follow_token=appeal_views._keep(appeal_views.FOLLOW, tracking, 3600))


def _staff(agency, role):
    entry = agency.official_roles.filter(role=role).order_by("pk").first()
    return entry.user if entry else None
