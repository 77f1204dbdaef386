"""yagona signing init | revoke SERIAL --reason REASON"""

import getpass

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from yagona.core import audit
from yagona.signing import authority, pki, services
from yagona.signing.models import Certificate


def _operator() -> audit.Actor:
    """The audit log names who ran the command (the OS account), as for checkpoints."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a name
        user = "unknown"
    return audit.Actor(system=f"cli:{user}")


def _serial(text: str) -> str:
    """A serial as stored (lower-case hex, no leading zeros), from how tools print it:
    openssl's upper case, colons between bytes, a leading zero."""
    try:
        return f"{int(text.replace(':', '').strip(), 16):x}"
    except ValueError as exc:
        raise CommandError(f"not a hexadecimal serial number: {text!r}") from exc


class Command(BaseCommand):
    help = "The signing hierarchy: make its issuing authorities, revoke a certificate."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="make the seals and persons authorities (once), under "
                                    "the platform root")
        revoke = sub.add_parser("revoke", help="revoke a certificate: CRLs and OCSP say so "
                                               "at once")
        revoke.add_argument("serial", help="the serial number, hexadecimal")
        revoke.add_argument("--reason", required=True, choices=sorted(pki.REASONS),
                            help="RFC 5280 reason code")

    def handle(self, *args, action, **options):
        if action == "init":
            self._init()
        else:
            self._revoke(_serial(options["serial"]), options["reason"])

    def _init(self):
        try:
            rows = services.create_authorities(_operator())
        except ImproperlyConfigured as exc:  # no platform root yet
            raise CommandError(str(exc)) from exc
        except FileExistsError as exc:
            raise CommandError(f"{exc}: the issuing authorities exist already") from exc
        root = authority.Authority().root.certificate
        self.stdout.write(f"under the root {authority.fingerprint(root)} (SHA-256):")
        for row in rows:
            self.stdout.write(f"{row.holder}: {row.common_name}, serial {row.serial}, "
                              f"SHA-256 {row.sha256}, valid until {row.not_after:%Y-%m-%d}")

    def _revoke(self, serial: str, reason: str):
        row = Certificate.objects.filter(serial=serial).first()
        if row is None:
            raise CommandError(f"no certificate of the hierarchy has the serial {serial}")
        if row.revoked_at is not None:
            raise CommandError(f"{serial} was revoked already, on "
                               f"{row.revoked_at:%Y-%m-%d %H:%M} UTC ({row.revocation_reason})")
        row = services.revoke(_operator(), serial, reason)
        self.stdout.write(f"{serial} ({row.common_name}, {row.profile}) revoked: "
                          f"{reason}; the {row.issuer} CRL and OCSP say so now")
