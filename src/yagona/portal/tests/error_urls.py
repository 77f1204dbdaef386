"""The site's URLs plus two views that fail, for the tests of the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("test-forbidden/", forbidden), path("test-broken/", broken),
               path("", include("yagona.urls"))]
