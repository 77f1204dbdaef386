from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('signing', '0003_share_opened_as'),
    ]

    operations = [
        migrations.AddField(
            model_name='signaturerequest',
            name='next_url',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='signaturerequest',
            name='language',
            field=models.CharField(blank=True, max_length=8),
        ),
    ]
