from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from yagona.accounts import services
from yagona.accounts.models import TokenScope, User
from yagona.core.audit import SYSTEM


class Command(BaseCommand):
    help = ("Issue an API token for a person; it is printed once and stored only hashed. "
            "An office token needs an official with a second factor.")

    def add_arguments(self, parser):
        parser.add_argument("person_id")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.CITIZEN)
        parser.add_argument("--days", type=int, default=None,
                            help="lifetime in days (at most YAGONA_API_TOKEN_DAYS, 90)")

    def handle(self, *args, person_id, name, scope, days, **options):
        user = User.objects.filter(username=person_id).first()
        if user is None:
            raise CommandError("unknown person")
        try:
            token = services.issue_api_token(SYSTEM, user, name, scope=scope, days=days)
        except PermissionDenied as exc:
            raise CommandError(f"refused: {exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
