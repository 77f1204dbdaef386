"""Open data tests: REG's and TAX's data publishers (test pack: languages en, ru), and
datasets made through the services' door."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.opendata import services
from yagona.testing.web import TOTP_SECRET

CSV = "year,region,births\n2023,Dushanbe,31000\n2023,Sughd,52000\n2024,Dushanbe,32000\n"


@pytest.fixture
def publishers(people):
    accounts.grant_role(SYSTEM, people["operator"], Agency.objects.get(code="REG"),
                        Role.DATA_PUBLISHER)
    accounts.grant_role(SYSTEM, people["tax_operator"], Agency.objects.get(code="TAX"),
                        Role.DATA_PUBLISHER)
    for name in ("operator", "tax_operator", "supervisor"):  # the back office asks for it
        accounts.enable_totp(SYSTEM, people[name], TOTP_SECRET)
    return {"reg": people["operator"], "tax": people["tax_operator"], **people}


def csv_file(text: str = CSV, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def dataset(user, name: str, agency: str = "REG", publish: bool = True, upload=None,
            **fields):
    """A dataset with one CSV file, published unless told otherwise."""
    fields = {"name": name, "title": {"en": name.replace("-", " ").title()},
              "description": {"en": f"About {name}."}, "licence": "CC-BY-4.0",
              "frequency": "ANNUAL", **fields}
    created = services.create_dataset(user, agency, fields)
    services.add_resource(user, name, title={"en": "Data"}, file_format="CSV",
                          upload=upload or csv_file())
    if publish:
        services.publish(user, name)
    created.refresh_from_db()
    return created
