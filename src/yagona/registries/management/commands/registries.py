"""yagona registries generate | import | export | migrate."""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, active_pack, pack_dir, read_yaml
from yagona.registries import bulk, migration
from yagona.registries.generate import Generator, public


class Command(BaseCommand):
    help = "Generate synthetic registry data, import a file into a registry, export one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="plausible people and companies as JSON Lines")
        generate.add_argument("--persons", type=int, default=10_000)
        generate.add_argument("--businesses", type=int, default=1_000)
        generate.add_argument("--seed", type=int, default=1)
        generate.add_argument("--out", type=Path, default=Path("var/registries"))
        load = sub.add_parser("import", help="import (or resume importing) a CSV or JSONL file")
        load.add_argument("registry")
        load.add_argument("file", type=Path)
        load.add_argument("--batch", type=int, default=bulk.BATCH)
        dump = sub.add_parser("export", help="write a registry as JSON Lines or CSV")
        dump.add_argument("registry")
        dump.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        dump.add_argument("--public", action="store_true", help="only the public fields")
        move = sub.add_parser("migrate", help="move records to the newest schema version "
                                              "(or resume moving them)")
        move.add_argument("registry")
        move.add_argument("--batch", type=int, default=migration.BATCH)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _generate(self, persons, businesses, seed, out, **_):
        out.mkdir(parents=True, exist_ok=True)
        try:
            people = read_yaml(pack_dir() / "people.yaml")
        except PackError as exc:
            raise CommandError(str(exc)) from exc
        generator = Generator(active_pack(), people, seed, timezone.localdate())
        for name, rows in (("population", generator.persons(persons)),
                           ("legal_entities", generator.businesses(businesses))):
            path = out / f"{name}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                count = 0
                for row in rows:
                    handle.write(json.dumps(public(row), ensure_ascii=False) + "\n")
                    count += 1
            self.stdout.write(f"{path}: {count} records")

    def _import(self, registry, file, batch, **_):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        began, total = time.monotonic(), _count_lines(file)

        def progress(job):
            done = job.rows_read
            width = 30
            filled = int(width * done / total) if total else width
            rate = job.rows_imported / max(time.monotonic() - began, 1e-6)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows, "
                             f"{rate:,.0f} records/s")
            sys.stderr.flush()

        job = bulk.import_file(SYSTEM, registry, file, batch_size=batch, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(f"{file}: {job.rows_imported} imported, {job.rows_present} already "
                          f"present, {job.batches_refused} batch(es) refused")
        for error in job.errors[:50]:
            self.stdout.write(f"  row {error['row']} {error['path'] or '-'}: {error['message']}")
        if job.batches_refused:
            raise CommandError("some batches were refused; fix the rows above and import the "
                               "file again (rows already imported are skipped)")

    def _migrate(self, registry, batch, **_):
        def progress(job):
            sys.stderr.write(f"\r{job.migrated:,} moved, {job.failed:,} left on their version")
            sys.stderr.flush()

        job = migration.migrate(SYSTEM, registry, batch_size=batch, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(f"{registry}: {job.migrated} record(s) moved to version "
                          f"{job.to_version}, {job.failed} left on their version")
        for error in job.errors[:50]:
            self.stdout.write(f"  {error['record']} {error['path'] or '-'}: {error['message']}")

    def _export(self, registry, format, public, **_):  # noqa: A002 - the option's name
        bulk.export(SYSTEM, registry, self.stdout, fmt=format, public_only=public)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return lines - 1 if path.suffix.lower() == ".csv" else lines
