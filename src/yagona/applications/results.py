"""The documents a decision issues: the decision itself, rendered from the pack's
template and signed (the official's signature when they confirmed it, and the agency
seal), and an uploaded result document, signed the same way. Both go to the applicant
as the application's results and into their wallet (signing.SignedDocument)."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from yagona.applications.models import Application, Attachment
from yagona.applications.steps import _local_today
from yagona.core.countries import active_pack
from yagona.signing import render
from yagona.signing import services as signing


def _languages(application: Application) -> list[str]:
    """The state language first, then the applicant's own when it is another."""
    languages = list(active_pack().languages)
    chosen = application.created_by.language
    return [languages[0]] + ([chosen] if chosen in languages[1:] else [])


def _facts(application: Application, official, approved: bool, reason: str,
           document_id) -> render.DecisionFacts:
    agency = application.agency
    return render.DecisionFacts(
        document_id=str(document_id), number=application.registration_number,
        decided_on=_local_today(),
        approved=approved, service=application.service.name, agency_name=agency.name,
        agency_address=agency.address, agency_website=agency.website,
        applicant_name=application.party_name, applicant_id=application.party_id,
        reason=reason, official_name=official.display_name,
        verify_url=settings.PUBLIC_URL + reverse("portal:verify-document", args=[document_id]))


def _keep(application, official, document, filename) -> Attachment:
    signed = document.file.open("rb").read()
    attachment = Attachment(application=application, kind=Attachment.Kind.RESULT,
                            filename=filename, content_type="application/pdf",
                            size=len(signed), sha256=document.sha256, uploaded_by=official)
    attachment.file.save(f"{document.uuid}.pdf", ContentFile(signed), save=False)
    attachment.save()
    return attachment


def issue(application: Application, official, role: str, *, approved: bool, reason: str,
          upload=None, personally: bool) -> None:
    """Inside the deciding transaction: sign and keep the decision (and the uploaded
    result). ``personally``: the official confirmed with their second factor, so their
    own signature goes beside the seal; otherwise (a system's API call) the seal alone."""
    common = {"official": official if personally else None, "official_role": role,
              "holder_kind": application.party_kind, "holder_id": application.party_id,
              "reference": application.registration_number,
              "source": f"application:{application.uuid}"}
    document_id = uuid.uuid4()
    pdf = render.render_decision(_facts(application, official, approved, reason, document_id),
                                 render.decision_template(), _languages(application))
    decision = signing.seal(pdf, application.agency, kind="result",
                            title=_titles(approved), document_id=document_id,
                            filename=f"{common['reference']}-decision.pdf", **common)
    _keep(application, official, decision, decision.filename)
    if upload is not None:
        upload.seek(0)
        result = signing.seal(upload.read(), application.agency, kind="uploaded_result",
                              title=application.service.name,
                              filename=upload.name[:255], **common)
        _keep(application, official, result, result.filename)


def _titles(approved: bool) -> dict:
    """The decision's title per language, from the pack's template (the wallet lists it)."""
    return dict(render.decision_template()["title_approved" if approved else "title_rejected"])
