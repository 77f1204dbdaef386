from django.core.management.base import BaseCommand, CommandError

from yagona.core import audit


class Command(BaseCommand):
    help = "Audit log tools. 'yagona audit verify' checks every hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        problems = audit.verify()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit log: {len(problems)} problem(s) found")
        count = audit.AuditEntry.objects.count()
        self.stdout.write(f"audit log intact: {count} entries in {audit.AUDIT_CHAINS} chains")
