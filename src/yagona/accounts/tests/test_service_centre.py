"""Whether an official works at a service centre is asked in one place."""

import pytest

from yagona.accounts import queries


@pytest.mark.django_db
def test_only_a_service_centre_role_makes_a_service_centre(people):
    assert queries.is_service_centre(people["centre"])
    assert queries.service_centre_agency(people["centre"]).code == "REG"
    for name in ("operator", "tax_operator", "citizen"):
        assert not queries.is_service_centre(people[name])
        assert queries.service_centre_agency(people[name]) is None
