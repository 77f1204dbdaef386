from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yagona.demo.data import current_code


class Command(BaseCommand):
    help = "Print the demo officials' current second-factor code (embedded mode only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("there are no demo codes in production mode")
        self.stdout.write(current_code())
