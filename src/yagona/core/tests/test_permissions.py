"""Every URL declares its permission (rule 4 of the house)."""

from django.urls import URLPattern, URLResolver, get_resolver

from yagona.core.permissions import LEVELS

# Third-party views that enforce their own access rules.
EXTERNAL_MODULES = ("allauth.", "ninja.", "django.views.static")


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_declares_a_permission():
    undeclared = []
    for route, view in walk(get_resolver().url_patterns):
        target = getattr(view, "func", view)  # functools.partial views (ninja's docs)
        module = getattr(target, "__module__", "") or ""
        if module.startswith(EXTERNAL_MODULES):
            continue
        if getattr(view, "permission", None) not in LEVELS:
            undeclared.append(f"{route} -> {module}.{getattr(view, '__name__', view)}")
    assert undeclared == []


def test_the_walk_sees_the_portal_and_back_office():
    routes = [route for route, _ in walk(get_resolver().url_patterns)]
    assert "services/<slug:code>/" in routes
    assert "office/<str:code>/" in routes
