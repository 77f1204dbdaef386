from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, pack_dir


class Command(BaseCommand):
    help = "Load (or reload) a country pack: countries/CODE or --path DIR."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="pack code under countries/ (default: "
                                                    "$YAGONA_COUNTRY)")
        parser.add_argument("--path", type=Path, help="a pack folder anywhere")

    def handle(self, *args, code=None, path=None, **options):
        path = path or pack_dir(code)
        try:
            content = load_pack(SYSTEM, path)
        except PackError as exc:
            raise CommandError(f"{path}: {len(exc.problems)} problem(s):\n{exc}") from exc
        self.stdout.write(f"loaded {content.country.code}: {len(content.agencies)} agencies, "
                          f"{len(content.services)} services, "
                          f"{len(content.registries)} registries")
