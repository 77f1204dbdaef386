"""Appeals tests: the test pack's REG is the reception, TAX answers street lights and
has REG as its superior; REG's operator may sign answers (an authenticator)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yagona.accounts import services as accounts
from yagona.appeals import services
from yagona.core.audit import SYSTEM
from yagona.testing.web import TOTP_SECRET


@pytest.fixture
def desk(people):
    for name in ("operator", "tax_operator", "supervisor"):
        accounts.enable_totp(SYSTEM, people[name], TOTP_SECRET)
    return people


def photo(name="pothole.jpg", size=(40, 30), exif_gps=True) -> SimpleUploadedFile:
    """A JPEG photo as a phone takes it: with a GPS position in its EXIF."""
    image, out = Image.new("RGB", size, (200, 120, 40)), io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (38.0, 33.0, 0.0), 3: "E", 4: (68.0, 46.0, 0.0)}
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def send(user, kind="statement", **fields):
    fields.setdefault("text", "The office at Rudaki 5 keeps no queue.")
    appeal, _code = services.submit(user, services.Draft(kind=kind, **fields))
    return appeal
