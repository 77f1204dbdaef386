from django.core.management.base import BaseCommand, CommandError

from yagona.accounts import services
from yagona.accounts.models import Role, User
from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM


class Command(BaseCommand):
    help = "Give a person a role in an agency (the first agency administrator, say)."

    def add_arguments(self, parser):
        parser.add_argument("person_id")
        parser.add_argument("agency")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--service-centre", action="store_true")

    def handle(self, *args, person_id, agency, role, service_centre, **options):
        user = User.objects.filter(username=person_id).first()
        found = Agency.objects.filter(code=agency).first()
        if user is None or found is None:
            raise CommandError("unknown person or agency")
        services.grant_role(SYSTEM, user, found, role, service_centre)
        self.stdout.write(f"{person_id} is {role} of {agency}")
