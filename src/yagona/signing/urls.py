from django.urls import path, register_converter

from yagona.signing import views

register_converter(views.IssuerConverter, "pki_issuer")

app_name = "pki"
# The names pki.url() writes into certificates: <issuer>.crt, <issuer>.crl, ocsp/<issuer>.
urlpatterns = [
    path("", views.index, name="index"),
    path("<pki_issuer:issuer>.crt", views.certificate, name="certificate"),
    path("<pki_issuer:issuer>.pem", views.certificate_pem, name="certificate-pem"),
    path("<pki_issuer:issuer>.crl", views.crl, name="crl"),
    path("ocsp/<pki_issuer:issuer>", views.ocsp, name="ocsp"),
    path("ocsp/<pki_issuer:issuer>/<path:encoded>", views.ocsp, name="ocsp-get"),
]
