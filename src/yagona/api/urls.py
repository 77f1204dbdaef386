from django.urls import path

from yagona.api import govstack, govstack_registries, v1

urlpatterns = [
    path("api/v1/", v1.api.urls),
    path("govstack/registration/", govstack.api.urls),
    path("govstack/registries/", govstack_registries.api.urls),
]
