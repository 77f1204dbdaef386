from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yagona.catalogue.packs import read_full_pack
from yagona.core.countries import PackError


class Command(BaseCommand):
    help = "Check a country pack folder without loading it; list every problem."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            content = read_full_pack(path)
        except PackError as exc:
            raise CommandError(f"{len(exc.problems)} problem(s):\n{exc}") from exc
        except Exception as exc:  # noqa: BLE001 - a pack author gets a sentence, never a traceback
            raise CommandError(f"{path}: a problem the checks do not name yet "
                               f"({type(exc).__name__}: {exc}); please report it") from exc
        self.stdout.write(f"{path}: fine ({len(content.agencies)} agencies, "
                          f"{len(content.services)} services, "
                          f"{len(content.registries)} registries)")
