"""The NinjaAPIs mounted in the URLconf, found by walking the resolver (no hand-kept list)."""

from django.urls import URLPattern, URLResolver, get_resolver


def mounted_apis(patterns=None, prefix="/"):
    """(mount prefix, NinjaAPI) for every API included anywhere in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry, URLResolver):
            continue
        here = prefix + str(entry.pattern)
        if entry.app_name == "ninja":
            root = next(p for p in entry.url_patterns
                        if isinstance(p, URLPattern) and p.name == "api-root")
            yield here, root.callback.keywords["api"]
        else:
            yield from mounted_apis(entry.url_patterns, here)


def operations(api, prefix):
    """(method, path, OpenAPI operation, OpenAPI document) of one mounted API."""
    schema = api.get_openapi_schema(path_prefix=prefix.rstrip("/"))
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation, schema


def all_operations():
    return [(method, path, operation, schema) for prefix, api in mounted_apis()
            for method, path, operation, schema in operations(api, prefix)]


LEVELS = ("public", "signed_in", "official")


def permission_problems() -> list[str]:
    """Operations without a declared permission, or whose declaration and real
    authentication disagree (x-permission official with no auth, public with auth)."""
    problems = []
    for prefix, api in mounted_apis():
        for method, path, operation, _schema in operations(api, prefix):
            declared, secured = operation.get("x-permission"), bool(operation.get("security"))
            if declared not in LEVELS:
                problems.append(f"{method.upper()} {path}: no x-permission")
            elif (declared == "public") == secured:
                problems.append(f"{method.upper()} {path}: x-permission {declared} but "
                                f"{'an' if secured else 'no'} authentication")
    return problems
