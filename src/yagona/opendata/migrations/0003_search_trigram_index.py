"""On PostgreSQL, a trigram index on the datasets' folded words: the search's
``LIKE '% word%'`` is then an index scan rather than a read of every dataset. SQLite has
no such index; the search is the same code on both. Undone, the index goes and the
pg_trgm extension stays (others may use it)."""

from django.db import migrations

INDEX = "opendata_dataset_search_trgm"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON opendata_dataset "
                              "USING gin (search_text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0002_budget")]

    operations = [migrations.RunPython(add_index, drop_index)]
