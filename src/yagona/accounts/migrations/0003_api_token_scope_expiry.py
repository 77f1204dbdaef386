"""API tokens get a scope (citizen or office), an expiry and a public id.

Tokens issued before keep working as citizen tokens until 90 days after their issue:
office work needs a new office-scoped token (issued only with a second factor)."""

import uuid
from datetime import timedelta

from django.db import migrations, models


def fill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for row in ApiToken.objects.all():
        row.public_id = uuid.uuid4()
        row.expires_at = row.created_at + timedelta(days=90)
        row.save(update_fields=["public_id", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_alter_officialrole_role")]

    operations = [
        migrations.AddField("apitoken", "scope", models.CharField(
            choices=[("citizen", "Citizen services"),
                     ("office", "Office work and citizen services")],
            default="citizen", max_length=8)),
        migrations.AddField("apitoken", "public_id", models.UUIDField(null=True)),
        migrations.AddField("apitoken", "expires_at", models.DateTimeField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "public_id", models.UUIDField(
            default=uuid.uuid4, editable=False, unique=True)),
        migrations.AlterField("apitoken", "expires_at", models.DateTimeField()),
    ]
