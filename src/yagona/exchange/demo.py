"""The demo's data exchange: a node for each agency, and for each member outside
government in demo.yaml (a bank), its keys and certificates from the platform's
authority, and a node configuration to run it with (`make demo` starts them beside the
platform).

Each agency's case-handling system is its ``services`` subsystem; it may read the
registries its agency is granted (the registry definitions' ``grants``), and the
registries are served by their keepers' nodes from the platform itself, as are the
services every agency offers (``exchange.common``: its registry office's documents).
"""

from pathlib import Path

import yaml
from cryptography import x509
from django.conf import settings

from yagona.core.audit import SYSTEM
from yagona.exchange import ca, common, services
from yagona.exchange.models import Certificate

CLIENT_PORTS, PEER_PORTS = 8601, 5501


def set_up(folder: Path, central: str = "http://127.0.0.1:8000") -> list[Path]:
    """Members, nodes, services and access rights of the demo; a folder per node with
    its configuration. Run again, it keeps the keys it made if the platform still
    trusts them."""
    from yagona.agencies.models import Agency
    from yagona.registries.models import Grant, Registry

    if settings.PRODUCTION:
        raise RuntimeError("the demo exchange is refused in production mode")
    folder = Path(folder)
    registries = {s.code: s for s in services.offer_registries(SYSTEM)}
    agencies = {r.agency for r in Registry.objects.filter(active=True).select_related("agency")}
    grants = list(Grant.objects.select_related("agency", "registry"))
    agencies |= {g.agency for g in grants}
    agencies |= set(Agency.objects.filter(active=True))
    configs = []
    for index, agency in enumerate(sorted(agencies, key=lambda a: a.code)):
        member = common.join(SYSTEM, agency)
        services.add_subsystem(SYSTEM, member, services.CASE_SUBSYSTEM, "Case handling")
        own = {f"{services.REGISTRY_SUBSYSTEM}/{code}": f"{central}/exchange/provider/{code}"
               for code, service in registries.items() if service.subsystem.member == member}
        own |= common.backends(central, member)
        configs.append(_node(folder / agency.code, member, index, central, own,
                             client_url=True))
    _companies()
    for grant in grants:
        client = services.member_for_agency(SYSTEM, grant.agency).subsystems.get(
            code=services.CASE_SUBSYSTEM)
        services.allow(SYSTEM, registries[grant.registry.code], client, "GET", "/records")
    for index, entry in enumerate(_outside_government(), start=len(configs)):
        member = services.register_member(SYSTEM, entry["member_class"], entry["code"],
                                          entry["name"])
        subsystem = services.add_subsystem(SYSTEM, member, entry["subsystem"])
        for code in entry.get("reads") or []:  # what the person consents to, no more
            services.allow(SYSTEM, registries[code], subsystem, "GET", "/records")
        configs.append(_node(folder / entry["code"], member, index, central, {}))
    return configs


def _node(home: Path, member, index: int, central: str, own: dict[str, str], *,
          client_url: bool = False) -> Path:
    """The member's node1 on the index-th pair of demo ports: registered, its keys made
    and certified (kept when still trusted), and its configuration written."""
    client_port, peer_port = CLIENT_PORTS + index, PEER_PORTS + index
    # The platform's own case handling calls an agency's node (once-only prefilling).
    node = services.add_node(SYSTEM, member, "node1", f"https://127.0.0.1:{peer_port}",
                             client_url=f"http://127.0.0.1:{client_port}" if client_url
                             else "")
    home.mkdir(parents=True, exist_ok=True)
    for kind in ("tls", "sign"):
        if not _trusted(home / f"{kind}.pem"):
            key = ca.new_key()
            request = services.submit_request(node, kind, ca.make_request(key, member.code))
            (home / f"{kind}.key").touch(mode=0o600)
            (home / f"{kind}.key").write_bytes(ca.key_pem(key))
            (home / f"{kind}.pem").write_text(services.approve(SYSTEM, request.pk).pem)
    (home / "root.pem").write_text(ca.Authority().root.certificate_pem)
    config = home / "node.yaml"
    config.touch(mode=0o600)  # it holds the node's token for the platform
    config.write_text(yaml.safe_dump({
        "member": str(member.identifier), "name": "node1",
        "client_listen": f"127.0.0.1:{client_port}",
        "peer_listen": f"127.0.0.1:{peer_port}", "central": central,
        "anchor": "root.pem", "tls_key": "tls.key", "tls_certificate": "tls.pem",
        "sign_key": "sign.key", "sign_certificate": "sign.pem",
        "log": "messages.sqlite3", "services": own,
        "system_token": services.issue_system_token(SYSTEM, node) if own else "",
        "limits": {"conf_refresh_seconds": 10}}, allow_unicode=True))
    return config


def _companies() -> None:
    """The demo's companies (demo.yaml's mandates) as members outside government: whom
    a citizen may consent to in the portal."""
    for mandate in _demo_yaml().get("mandates", []):
        company = mandate.get("organisation")
        if company:
            services.register_member(SYSTEM, "COM", company["business_id"], company["name"])


def _outside_government() -> list[dict]:
    """demo.yaml's ``exchange_members``: members outside government (a bank) with a node
    of their own, reading registries only with the person's consent."""
    return _demo_yaml().get("exchange_members") or []


def _demo_yaml() -> dict:
    from yagona.core.countries import pack_dir, read_yaml

    return read_yaml(pack_dir() / "demo.yaml") or {}


def _trusted(path: Path) -> bool:
    """A certificate the platform issued and still trusts."""
    if not path.exists():
        return False
    fingerprint = ca.fingerprint(x509.load_pem_x509_certificate(path.read_bytes()))
    return Certificate.objects.filter(sha256=fingerprint, revoked_at__isnull=True).exists()
