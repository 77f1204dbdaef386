"""Write the APIs' OpenAPI documents to docs/openapi/, or --check that they match the code."""

import difflib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yagona.api import govstack, govstack_registries, v1

DOCUMENTS = {"yagona-v1.json": (v1.api, "/api/v1/"),
             "govstack-registration.json": (govstack.api, "/govstack/registration/"),
             "govstack-registries.json": (govstack_registries.api, "/govstack/registries/")}


def render(api, prefix) -> str:
    schema = api.get_openapi_schema(path_prefix=prefix.rstrip("/"))
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write docs/openapi/*.json from the code; --check fails when they drift."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        folder = Path(settings.PROJECT_DIR) / "docs" / "openapi"
        folder.mkdir(parents=True, exist_ok=True)
        drift = []
        for name, (api, prefix) in DOCUMENTS.items():
            text, path = render(api, prefix), folder / name
            if check:
                committed = path.read_text(encoding="utf-8") if path.exists() else ""
                if committed != text:
                    diff = difflib.unified_diff(committed.splitlines(), text.splitlines(),
                                                f"committed {name}", "from the code",
                                                lineterm="", n=1)
                    drift.append("\n".join(list(diff)[:60]))
            else:
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"wrote {path}")
        if drift:
            raise CommandError("OpenAPI documents drifted from the code; run "
                               "'yagona openapi' and commit:\n" + "\n".join(drift))
        if check:
            self.stdout.write("OpenAPI documents match the code")
