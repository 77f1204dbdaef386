from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("yagona.accounts.urls")),
    path("office/", include("yagona.backoffice.urls")),
    path("exchange/", include("yagona.exchange.urls")),
    path("correspondence/", include("yagona.correspondence.urls")),
    path("pki/", include("yagona.signing.urls", namespace="pki")),
    path("", include("yagona.api.urls")),
    path("", include("yagona.portal.urls")),
]
