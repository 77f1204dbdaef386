"""A URLconf with a careless API, to prove the route-authentication check can fail."""

from django.urls import include, path
from ninja import NinjaAPI

from yagona.api.common import TokenAuth

api = NinjaAPI(urls_namespace="careless")


@api.get("/records", auth=None, openapi_extra={"x-permission": "official"})
def records(request):
    return []


@api.get("/open", auth=TokenAuth(), openapi_extra={"x-permission": "public"})
def open_records(request):
    return []


@api.get("/silent", auth=None)
def silent(request):
    return []


urlpatterns = [path("", include([path("careless/", api.urls)]))]
