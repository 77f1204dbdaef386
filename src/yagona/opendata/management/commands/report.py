import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yagona.opendata import un_msq


class Command(BaseCommand):
    help = ("Reports from the platform's data. un-msq: the UN E-Government Survey's "
            "questionnaire answered for a year, as Markdown and JSON, with the questions "
            "that need a person's answer.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["un-msq"])
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--out", default=".", help="the folder to write the files to")

    def handle(self, *args, kind, year, out, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("--year: a year such as 2026")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        markdown, data = un_msq.report(year)
        (folder / f"un-msq-{year}.md").write_text(markdown, encoding="utf-8")
        (folder / f"un-msq-{year}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"{folder / f'un-msq-{year}.md'}: {len(data['answers'])} answered, "
                          f"{len(data['needs_a_person'])} need a person's answer")
