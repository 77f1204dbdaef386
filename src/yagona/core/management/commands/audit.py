from django.core.management.base import BaseCommand, CommandError

from yagona.core import audit


class Command(BaseCommand):
    help = ("Audit log tools. 'yagona audit verify' checks every hash chain against the "
            "checkpoints; 'yagona audit checkpoint' seals the chain heads now.")
    # After a gap in the checkpoints, sealing needs an operator's reason (audited).

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--acknowledge", default="", metavar="REASON",
            help="checkpoint: seal after a gap in the checkpoints (removed ones, or the "
                 "periodic task not running), once you have looked; the reason is audited")

    def handle(self, *args, **options):
        if options["action"] == "checkpoint":
            try:
                point = audit.checkpoint(acknowledge=options["acknowledge"])
            except audit.CheckpointGap as gap:
                raise CommandError(str(gap)) from gap
            self.stdout.write(f"audit checkpoint of {point.confirmed_at.isoformat()}: {point.mac}")
            return
        problems = audit.verify()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit log: {len(problems)} problem(s) found")
        count = audit.AuditEntry.objects.count()
        self.stdout.write(f"audit log intact: {count} entries in {audit.AUDIT_CHAINS} chains")
