from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "yagona.signing"

    def ready(self):
        from yagona.signing import asn1_names, pdf_hex

        pdf_hex.install()
        asn1_names.install()
