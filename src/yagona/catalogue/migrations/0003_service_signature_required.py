from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0002_service_state_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='service',
            name='signature_required',
            field=models.BooleanField(default=False),
        ),
    ]
