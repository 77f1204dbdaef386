import pytest

from yagona.core.countries import forget_active_pack
from yagona.core.identifiers import check_digit


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import caches

    from yagona.registries.queries import forget_personal_versions

    forget_active_pack()
    forget_personal_versions()  # ids are reused once a test's transaction is rolled back
    for cache in caches.all():  # the default and the page cache
        cache.clear()
    yield
    forget_active_pack()


def make_person_id(n: int) -> str:
    """A valid person ID of the test pack (8 digits, Luhn declared as a weighted sum)."""
    from yagona.testing.packs import PACK

    body = [int(d) for d in f"{n:07d}"]
    return "".join(map(str, body)) + str(check_digit(body, PACK["person_id"]["checksum"]))


@pytest.fixture
def country(db, tmp_path):
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.testing.packs import write_pack

    return load_pack(SYSTEM, write_pack(tmp_path / "xx"))


@pytest.fixture
def people(country):
    """A citizen, a second citizen, and officials of the registry and the tax service."""
    from yagona.accounts import services
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency
    from yagona.core.audit import SYSTEM

    def person(n, first, last):
        return services.create_person(SYSTEM, make_person_id(n), first_name=first,
                                      last_name=last, password="correct horse battery")

    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    p = {
        "citizen": person(1, "Dilnoza", "Rahimova"),
        "other": person(2, "Farrukh", "Karimov"),
        "operator": person(10, "Olim", "Operatorov"),
        "supervisor": person(11, "Sitora", "Nazorat"),
        "tax_operator": person(12, "Tohir", "Andozov"),
        "centre": person(13, "Zarina", "Markazova"),
    }
    services.grant_role(SYSTEM, p["operator"], reg, Role.OPERATOR)
    services.grant_role(SYSTEM, p["supervisor"], reg, Role.SUPERVISOR)
    services.grant_role(SYSTEM, p["tax_operator"], tax, Role.OPERATOR)
    services.grant_role(SYSTEM, p["centre"], reg, Role.OPERATOR, service_centre=True)
    return p


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, and `asyncio.run` (pyhanko's signing) refuses to
    start under it."""
    items.sort(key=lambda item: "/browser_tests/" in str(item.path))
