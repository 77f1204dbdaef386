"""``yagona signing init`` (production makes the issuing authorities only so) and
``yagona signing revoke`` (operators; audited)."""

import io
import stat

import pytest
from cryptography import x509
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from yagona.core.audit import AuditEntry
from yagona.signing import authority, pki, services
from yagona.signing.models import Certificate


def signing(*args) -> str:
    out = io.StringIO()
    call_command("signing", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fresh(settings, tmp_path):
    """A production platform with its root and no issuing authorities yet."""
    settings.SIGNING_DIR = tmp_path / "signing"
    settings.EXCHANGE_DIR = tmp_path / "authority"
    authority.Authority()  # the root, made earlier by `yagona exchange init-authority`
    settings.PRODUCTION = True
    return settings.SIGNING_DIR / "ca"


@pytest.mark.django_db
def test_init_makes_both_authorities_once(fresh):
    with pytest.raises(ImproperlyConfigured, match="yagona signing init"):
        pki.hierarchy()  # production makes no authority on first use
    out = signing("init")
    root = pki.hierarchy().root.certificate
    assert authority.fingerprint(root) in out
    for name in ("seals", "persons"):
        assert stat.S_IMODE((fresh / f"{name}.key").stat().st_mode) == 0o600
        certificate = x509.load_pem_x509_certificate((fresh / f"{name}.pem").read_bytes())
        certificate.verify_directly_issued_by(root)
        assert pki.hierarchy().authorities[name].certificate == certificate
        row = Certificate.objects.get(profile=Certificate.Profile.AUTHORITY, holder=name)
        assert row.sha256 == authority.fingerprint(certificate) and row.issuer == "root"
        assert row.sha256 in out
        entry = AuditEntry.objects.get(action="signing.authority_created",
                                       object_id=row.serial)
        assert entry.actor.startswith("cli:") and entry.summary["holder"] == name
    keys = {name: (fresh / f"{name}.key").read_bytes() for name in ("seals", "persons")}
    with pytest.raises(CommandError, match="exist already"):
        signing("init")
    assert keys == {name: (fresh / f"{name}.key").read_bytes() for name in keys}
    assert Certificate.objects.filter(profile=Certificate.Profile.AUTHORITY).count() == 2


@pytest.mark.django_db
def test_init_refuses_a_half_made_hierarchy(fresh):
    fresh.mkdir(parents=True)
    (fresh / "persons.pem").write_text("left over")
    with pytest.raises(CommandError, match="persons.pem"):
        signing("init")
    assert not (fresh / "seals.key").exists()


@pytest.mark.django_db
def test_init_needs_the_platform_root(settings, tmp_path):
    settings.SIGNING_DIR, settings.EXCHANGE_DIR = tmp_path / "signing", tmp_path / "none"
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="init-authority"):
        signing("init")
    assert not (tmp_path / "signing" / "ca").exists()


@pytest.mark.django_db
def test_an_operator_revokes_a_certificate(people):
    row = services.certificate_of(people["citizen"])
    # As openssl prints it: upper case, and a colon between bytes.
    printed = ":".join(f"{int(row.serial, 16):X}".zfill(40)[i:i + 2] for i in range(0, 40, 2))
    out = signing("revoke", printed, "--reason", "key_compromise")
    assert row.serial in out and "revoked" in out
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revocation_reason == "key_compromise"
    crl = x509.load_der_x509_crl(pki.crl("persons"))
    revoked = crl.get_revoked_certificate_by_serial_number(int(row.serial, 16))
    assert revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason \
        == x509.ReasonFlags.key_compromise
    entry = AuditEntry.objects.get(action="signing.certificate_revoked",
                                   object_id=row.serial)
    assert entry.actor.startswith("cli:") and entry.summary["reason"] == "key_compromise"
    with pytest.raises(CommandError, match="revoked already"):
        signing("revoke", row.serial, "--reason", "superseded")
    row.refresh_from_db()
    assert row.revocation_reason == "key_compromise"  # the first reason stands


@pytest.mark.django_db
def test_revoke_refuses_what_it_cannot_do(people):
    row = services.certificate_of(people["citizen"])
    with pytest.raises(CommandError, match="no certificate"):
        signing("revoke", "abc123", "--reason", "superseded")
    with pytest.raises(CommandError, match="not a hexadecimal"):
        signing("revoke", "xyz", "--reason", "superseded")
    with pytest.raises(CommandError, match="invalid choice"):
        signing("revoke", row.serial, "--reason", "bored")
    with pytest.raises(CommandError):
        signing("revoke", row.serial)  # a reason is required
    row.refresh_from_db()
    assert row.revoked_at is None
    assert not AuditEntry.objects.filter(action="signing.certificate_revoked").exists()
