import pytest

from yagona.accounts import services as accounts
from yagona.accounts.models import OfficialRole, Role
from yagona.agencies.models import Agency
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.testing.web import TOTP_SECRET, signed_in


def official(user):
    accounts.enable_totp(SYSTEM, user, TOTP_SECRET)
    return signed_in(user)


@pytest.mark.django_db
def test_agency_admin_gives_and_takes_back_roles(people):
    admin = people["supervisor"]
    reg = Agency.objects.get(code="REG")
    client = official(admin)
    assert client.get("/office/REG/staff/").status_code == 404  # supervisors are no admins
    accounts.grant_role(SYSTEM, admin, reg, Role.AGENCY_ADMIN)
    assert client.get("/office/REG/staff/").status_code == 200
    assert client.get("/office/TAX/staff/").status_code == 404
    response = client.post("/office/REG/staff/", {"person_id": people["other"].username,
                                                  "role": "operator"})
    assert response.status_code == 302
    grant = OfficialRole.objects.get(user=people["other"], agency=reg)
    assert AuditEntry.objects.filter(action="role.granted",
                                     object_id=people["other"].username).exists()
    assert client.post("/office/REG/staff/", {"person_id": "nobody", "role": "operator"}) \
        .status_code == 400
    client.post("/office/REG/staff/", {"action": "revoke", "role_id": grant.pk})
    assert not OfficialRole.objects.filter(pk=grant.pk).exists()


@pytest.mark.django_db
def test_platform_admin_hides_a_service(people):
    citizen_client = signed_in(people["citizen"])
    assert citizen_client.get("/office/platform/").status_code == 404
    admin = people["operator"]
    admin.is_platform_admin = True
    admin.save()
    client = official(admin)
    assert client.get("/office/platform/").status_code == 200
    client.post("/office/platform/", {"kind": "service", "code": "tax-clearance",
                                      "active": "no"})
    assert not Service.objects.get(code="tax-clearance").active
    assert client.get("/services/tax-clearance/").status_code == 404
    assert AuditEntry.objects.filter(action="service.deactivated").exists()


@pytest.mark.django_db
def test_the_authority_issues_or_refuses_a_nodes_certificate_requests(people):
    from yagona.exchange import ca
    from yagona.exchange import services as exchange
    from yagona.exchange.models import SigningRequest

    member = exchange.register_member(SYSTEM, "GOV", "REG", "Registry agency")
    node = exchange.add_node(SYSTEM, member, "node1", "https://127.0.0.1:5501")
    first = exchange.submit_request(node, "tls", ca.make_request(ca.new_key(), "x"))
    second = exchange.submit_request(node, "sign", ca.make_request(ca.new_key(), "x"))
    assert official(people["operator"]).get("/office/platform/exchange/").status_code == 404
    admin = people["supervisor"]
    admin.is_platform_admin = True
    admin.save()
    client = official(admin)
    page = client.get("/office/platform/exchange/").content.decode()
    assert "XX/GOV/REG" in page and "node1" in page
    assert client.post("/office/platform/exchange/", {"request": first.pk,
                                                      "action": "approve"}).status_code == 302
    assert client.post("/office/platform/exchange/", {"request": second.pk, "action": "reject",
                                                      "reason": ""}).status_code == 400
    client.post("/office/platform/exchange/", {"request": second.pk, "action": "reject",
                                               "reason": "Unknown operator"})
    statuses = dict(SigningRequest.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "rejected"}
    again = client.post("/office/platform/exchange/", {"request": first.pk, "action": "approve"})
    assert again.status_code == 400  # no longer waiting
    assert member.certificates.get().kind == "tls"
