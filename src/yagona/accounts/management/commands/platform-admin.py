from django.core.management.base import BaseCommand, CommandError

from yagona.accounts import services
from yagona.accounts.models import User
from yagona.core.audit import SYSTEM


class Command(BaseCommand):
    help = "Make a person a platform administrator (manages agencies and the catalogue)."

    def add_arguments(self, parser):
        parser.add_argument("person_id")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, person_id, revoke, **options):
        user = User.objects.filter(username=person_id).first()
        if user is None:
            raise CommandError("unknown person")
        services.set_platform_admin(SYSTEM, user, not revoke)
        state = "no longer a" if revoke else "a"
        self.stdout.write(f"{person_id} is {state} platform administrator")
