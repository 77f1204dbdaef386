"""An agency's office for the document-flow tests: REG's registry clerk, its head (with
an authenticator, to sign), officials to approve, and the tax service beside it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM
from yagona.testing.documents import plain_pdf
from yagona.testing.web import TOTP_SECRET


def official(number: int, first: str, last: str, agency, role, department="01", totp=False):
    person = accounts.create_person(SYSTEM, make_person_id(number), first_name=first,
                                    last_name=last, password="correct horse battery")
    accounts.grant_role(SYSTEM, person, agency, role,
                        department=agency.departments.get(code=department))
    if totp:
        accounts.enable_totp(SYSTEM, person, TOTP_SECRET)
    return person


@pytest.fixture
def office(people):
    reg = Agency.objects.get(code="REG")
    tax = Agency.objects.get(code="TAX")
    return {**people, "reg": reg, "tax": tax,
            "clerk": official(20, "Gulnora", "Kotiba", reg, Role.CLERK),
            "head": official(21, "Rustam", "Sardorov", reg, Role.HEAD, totp=True),
            "deputy": official(22, "Malika", "Muovina", reg, Role.HEAD, department="02",
                               totp=True),
            "lawyer": official(23, "Jamshed", "Huquqdon", reg, Role.OPERATOR, department="02"),
            "tax_clerk": official(24, "Parviz", "Daftardor", tax, Role.CLERK),
            "tax_head": official(25, "Firuza", "Raisova", tax, Role.HEAD, totp=True)}


def pdf_upload(name: str = "letter.pdf", text: str = "Letter") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, plain_pdf(1, text), content_type="application/pdf")
