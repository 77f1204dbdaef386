from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, pack_dir
from yagona.core.languages import compile_catalogues


class Command(BaseCommand):
    help = "Load (or reload) a country pack: countries/CODE or --path DIR."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="pack code under countries/ (default: "
                                                    "$YAGONA_COUNTRY)")
        parser.add_argument("--path", type=Path, help="a pack folder anywhere")

    def handle(self, *args, code=None, path=None, **options):
        path = path or pack_dir(code)
        # The pack's own catalogues are compiled here (and by `make messages`), never by
        # a web worker; a catalogue that does not compile stops the load, named.
        if problems := compile_catalogues(path):
            raise CommandError(f"{path}: {len(problems)} catalogue(s) do not compile:\n"
                               + "\n".join(problems))
        try:
            content = load_pack(SYSTEM, path)
        except PackError as exc:
            raise CommandError(f"{path}: {len(exc.problems)} problem(s):\n{exc}") from exc
        self.stdout.write(f"loaded {content.country.code}: {len(content.agencies)} agencies, "
                          f"{len(content.services)} services, "
                          f"{len(content.registries)} registries")
        if content.country.code != settings.COUNTRY:  # web workers read it at start
            self.stderr.write(f"note: the web workers serve the interface languages of "
                              f"YAGONA_COUNTRY={settings.COUNTRY}: set "
                              f"YAGONA_COUNTRY={content.country.code} and restart them")
