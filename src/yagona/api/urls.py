from django.urls import path

from yagona.api import govstack, v1

urlpatterns = [
    path("api/v1/", v1.api.urls),
    path("govstack/registration/", govstack.api.urls),
]
