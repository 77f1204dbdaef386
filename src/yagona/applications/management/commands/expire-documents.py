"""``yagona expire-documents``: delete unclaimed uploaded documents past their age now
(the worker also does it hourly)."""

from django.core.management.base import BaseCommand

from yagona.applications.files import expire_unclaimed_documents


class Command(BaseCommand):
    help = "Delete documents uploaded ahead of an application and never claimed (audited)."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_unclaimed_documents()} unclaimed documents deleted")
