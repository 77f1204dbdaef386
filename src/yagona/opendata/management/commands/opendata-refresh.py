from django.core.management.base import BaseCommand

from yagona.opendata import own_data


class Command(BaseCommand):
    help = ("Write the platform's own open datasets again now (the service catalogue, "
            "applications and ratings by month); the daily job does the same.")

    def handle(self, *args, **options):
        for dataset in own_data.refresh():
            self.stdout.write(f"{dataset.name}: version {dataset.version}")
