"""Open311 api_keys of third-party applications: ``create NAME`` prints a new key once
(only its SHA-256 is kept), ``revoke ID`` ends one at once, ``list`` shows them (never
a key). Creating and revoking are audited, with the operating-system user."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from yagona.appeals import queries, services
from yagona.appeals.models import AppKey
from yagona.core import audit


def _actor() -> audit.Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return audit.Actor(system=f"cli:{user}")


class Command(BaseCommand):
    help = "Create, revoke or list the api_keys of Open311 applications."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new key, printed once")
        create.add_argument("name", help="the application's name")
        create.add_argument("--contact", default="", help="who answers for it")
        revoke = actions.add_parser("revoke", help="end a key at once")
        revoke.add_argument("id", type=int, help="the key's number (see list)")
        actions.add_parser("list", help="the keys: number, name, created, revoked")

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                row, key = services.create_app_key(_actor(), options["name"],
                                                   options["contact"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(f"key {row.pk} for {row.name}; it is shown only now:")
            self.stdout.write(key)
        elif action == "revoke":
            try:
                row = services.revoke_app_key(_actor(), options["id"])
            except AppKey.DoesNotExist as exc:
                raise CommandError(f"no key {options['id']}") from exc
            self.stdout.write(f"key {row.pk} ({row.name}) revoked at "
                              f"{row.revoked_at.isoformat(timespec='seconds')}")
        else:
            for row in queries.app_keys():
                revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at \
                    else "-"
                self.stdout.write(f"{row.pk}\t{row.name}\t{row.contact or '-'}\t"
                                  f"{row.created_at.isoformat(timespec='seconds')}\t{revoked}")
