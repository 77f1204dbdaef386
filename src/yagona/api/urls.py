from django.urls import include, path

from yagona.api import ckan, govstack, govstack_registries, open311, v1

urlpatterns = [
    path("api/v1/", v1.api.urls),
    path("govstack/registration/", govstack.api.urls),
    path("govstack/registries/", govstack_registries.api.urls),
    path("open311/v2/", include((open311.urlpatterns, "open311"))),
    path("", include((ckan.urlpatterns, "ckan"))),  # /api/3/action/, /api/action/
]
