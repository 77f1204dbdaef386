from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "yagona.signing"

    def ready(self):
        from yagona.signing import pdf_hex

        pdf_hex.install()
