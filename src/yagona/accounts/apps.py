from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using="default", **kwargs):
    """`migrate` also makes the database cache's table (idempotent), so that no deployment
    forgets `createcachetable` and falls back to a cache each worker keeps alone."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "yagona.accounts"
    label = "accounts"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self,
                             dispatch_uid="yagona.accounts.create_cache_table")
        from allauth.account.signals import password_reset

        from yagona.accounts.recovery import record_password_reset

        password_reset.connect(record_password_reset,
                               dispatch_uid="yagona.accounts.record_password_reset")
