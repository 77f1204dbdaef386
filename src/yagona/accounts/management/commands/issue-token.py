from django.core.management.base import BaseCommand, CommandError

from yagona.accounts import services
from yagona.accounts.models import User
from yagona.core.audit import SYSTEM


class Command(BaseCommand):
    help = "Issue an API token for a person; it is printed once and stored only hashed."

    def add_arguments(self, parser):
        parser.add_argument("person_id")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, person_id, name, **options):
        user = User.objects.filter(username=person_id).first()
        if user is None:
            raise CommandError("unknown person")
        self.stdout.write(services.issue_api_token(SYSTEM, user, name))
